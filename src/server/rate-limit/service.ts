import type { Db } from '../db/index.ts';
import { deleteWindowsBefore, incrementWindow } from './queries.ts';

export interface RateRule {
  /** Namespace of the counter, e.g. "signin:ip". */
  name: string;
  limit: number;
  windowSeconds: number;
}

export type RateResult = { ok: true } | { ok: false; retryAfterSeconds: number };

/** Named limits; every place that limits uses one of these. */
export const RATE_RULES = {
  signInPerAccount: { name: 'signin:account', limit: 5, windowSeconds: 60 },
  signInPerAddress: { name: 'signin:ip', limit: 20, windowSeconds: 60 },
  signUpPerAddress: { name: 'signup:ip', limit: 10, windowSeconds: 3600 },
  /** Every sign-up emails the address given, whoever typed it: not a way to flood one mailbox. */
  signUpPerEmail: { name: 'signup:email', limit: 5, windowSeconds: 3600 },
  resetPerAccount: { name: 'reset:account', limit: 3, windowSeconds: 3600 },
  resetPerAddress: { name: 'reset:ip', limit: 10, windowSeconds: 3600 },
  passwordChangePerUser: { name: 'password:user', limit: 5, windowSeconds: 300 },
  submitPerAddress: { name: 'feedback:ip', limit: 10, windowSeconds: 3600 },
  submitPerAccount: { name: 'feedback:account', limit: 10, windowSeconds: 3600 },
  trackPerAddress: { name: 'track:ip', limit: 20, windowSeconds: 600 },
  supportPerAccount: { name: 'support:account', limit: 60, windowSeconds: 3600 },
  flagPerAddress: { name: 'flag:ip', limit: 20, windowSeconds: 3600 },
  flagPerAccount: { name: 'flag:account', limit: 20, windowSeconds: 3600 },
  /**
   * Forum registrations (every one emails the account's address, which nobody verified, with
   * attachments): register/cancel cycles must not become a mail cannon. Questions (5 per
   * person and forum) and the survey (once per attendee) are bounded by their own rules.
   */
  forumRegisterPerAccount: { name: 'forum-register:account', limit: 10, windowSeconds: 3600 },
  /** Open311 POST requests per API key (a city partner app forwards many residents' feedback). */
  open311PerKey: { name: 'open311:key', limit: 120, windowSeconds: 3600 },
  /** WhatsApp: messages processed per number (each may cost a reply), and one "too many" reply per window. */
  whatsappPerNumber: { name: 'whatsapp:number', limit: 40, windowSeconds: 600 },
  whatsappLimitNotice: { name: 'whatsapp-notice:number', limit: 1, windowSeconds: 600 },
  /** Verification codes sent to WhatsApp from /akun, per account. */
  whatsappCodePerAccount: { name: 'whatsapp-code:account', limit: 5, windowSeconds: 3600 },
} as const satisfies Record<string, RateRule>;

/**
 * Counts one hit against each rule (fixed windows, counted in the database so that the
 * limit holds across processes) and refuses when any is over its limit.
 */
export async function hit(db: Db, checks: ReadonlyArray<readonly [RateRule, string]>, now = new Date()): Promise<RateResult> {
  let retry = 0;
  for (const [rule, subject] of checks) {
    const windowMs = rule.windowSeconds * 1000;
    const start = new Date(Math.floor(now.getTime() / windowMs) * windowMs);
    const count = await incrementWindow(db, `${rule.name}:${subject}`, start);
    if (count > rule.limit) retry = Math.max(retry, Math.ceil((start.getTime() + windowMs - now.getTime()) / 1000));
  }
  return retry > 0 ? { ok: false, retryAfterSeconds: retry } : { ok: true };
}

/** Drops windows that ended more than a day ago (called by the background worker). */
export function pruneRateLimits(db: Db, now = new Date()): Promise<number> {
  return deleteWindowsBefore(db, new Date(now.getTime() - 86400_000));
}
