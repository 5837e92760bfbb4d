import nodemailer from 'nodemailer';
import type { Db } from '../db/index.ts';
import type { OutboxRow } from '../db/schema.ts';
import { log } from '../log.ts';
import { sendWhatsAppOutbox } from '../whatsapp/sender.ts';
import type { WhatsAppClient } from '../whatsapp/client.ts';
import { claimDueMessages, markDelivered, markFailedAttempt } from '../notifications/queries.ts';

/** Delivers one message; resolves 'sent' when a mail server accepted it, 'logged' when only logged. */
export type Transport = (m: OutboxRow) => Promise<'sent' | 'logged'>;

export const MAX_ATTEMPTS = 8;

/** SMTP through nodemailer (SMTP_URL), or the log when no server is configured. */
export function createTransport(smtpUrl: string | undefined, from: string): Transport {
  if (!smtpUrl) {
    return async (m) => {
      log.info('email logged (no SMTP_URL)', { outboxId: m.id, template: m.template, to: m.to_email, subject: m.subject });
      return 'logged';
    };
  }
  const smtp = nodemailer.createTransport(smtpUrl);
  return async (m) => {
    await smtp.sendMail({
      from,
      to: m.to_email ?? undefined,
      subject: m.subject,
      text: m.text_body,
      html: m.html_body,
      attachments: (m.attachments ?? []).map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.base64, encoding: 'base64', cid: a.cid })),
      headers: { ...(m.headers ?? {}), 'X-Baku-Dengar-Outbox-Id': String(m.id) },
    });
    return 'sent';
  };
}

/** Exponential backoff: 1, 2, 4 ... minutes, capped at 2 hours. */
export function backoffSeconds(attempts: number): number {
  return Math.min(60 * 2 ** Math.max(0, attempts - 1), 7200);
}

/**
 * Claims and delivers due messages of every channel once; returns how many were handled.
 * WhatsApp messages go through `whatsapp` (null when the channel is off: they fall back to
 * email at once).
 */
export async function deliverDueEmails(db: Db, transport: Transport, now = new Date(), batch = 20, whatsapp: WhatsAppClient | null = null): Promise<number> {
  const claimed = await claimDueMessages(db, batch, now);
  for (const m of claimed) {
    if (m.channel === 'whatsapp') {
      await sendWhatsAppOutbox(db, whatsapp, m, now);
      continue;
    }
    try {
      const status = await transport(m);
      await markDelivered(db, m.id, status, now);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const next = m.attempts >= MAX_ATTEMPTS ? null : new Date(now.getTime() + backoffSeconds(m.attempts) * 1000);
      log.warn('email delivery failed', { outboxId: m.id, attempts: m.attempts, error: message, giveUp: next === null });
      await markFailedAttempt(db, m.id, message, next);
    }
  }
  return claimed.length;
}
