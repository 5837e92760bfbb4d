import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { actorOf, type RequestContext } from '../accounts/service.ts';
import { verifyPassword } from '../accounts/passwords.ts';
import type { SessionUser } from '../accounts/sessions.ts';
import { recordAudit, SYSTEM_ACTOR, type Actor } from '../audit/service.ts';
import type { Db } from '../db/index.ts';
import { contactEmail, contactPhone, fail, validate, type Result } from '../forms.ts';
import { cancelMyRegistration } from '../forums/registration.ts';
import { hit, type RateRule } from '../rate-limit/service.ts';
import type { PrivacyConfig } from './config.ts';
import { canDeleteOwnAccount, canManageOwnData, canRestrictProcessing } from './permissions.ts';
import * as q from './queries.ts';

/** Limits of the data-rights actions (an export reads a lot; deletion checks a password). */
export const PRIVACY_RATE_RULES = {
  exportPerUser: { name: 'privacy-export:user', limit: 20, windowSeconds: 3600 },
  deletePerUser: { name: 'privacy-delete:user', limit: 5, windowSeconds: 300 },
} as const satisfies Record<string, RateRule>;

/** How an erased person is named where history must keep a name (audit log). */
export const ERASED_LABEL = 'akun dihapus (deleted account)';

// ---- access (UU 27/2022 art. 7 and 13: access and a copy in a common format)

export type PersonalDataExport = Awaited<ReturnType<typeof collectPersonalData>>;

async function collectPersonalData(db: Db, userId: string) {
  const account = await q.selectAccount(db, userId);
  const feedback = await q.selectAuthoredFeedback(db, userId);
  const ids = feedback.map((f) => f.id);
  const [sessions, events, photos, supports, flags, registrations, questions, coaching, audit] = await Promise.all([
    q.selectSessions(db, userId),
    q.selectPublicEventsOf(db, ids),
    q.selectPhotosOf(db, ids),
    q.selectSupports(db, userId),
    q.selectFlags(db, userId),
    q.selectRegistrations(db, userId),
    q.selectQuestions(db, userId),
    q.selectCoaching(db, userId),
    q.selectAuditAbout(db, userId, ids),
  ]);
  const addresses = [...new Set([account?.email, ...feedback.map((f) => f.contact_email)].filter((e): e is string => !!e))];
  const emails = await q.selectEmailsTo(db, addresses);
  return {
    generated_at: new Date(),
    account,
    sessions,
    feedback: feedback.map((f) => ({
      ...f,
      timeline: events.filter((e) => e.feedback_id === f.id).map(({ feedback_id: _, ...e }) => e),
      photos: photos.filter((p) => p.feedback_id === f.id).map(({ feedback_id: _, ...p }) => p),
    })),
    supports,
    flags,
    forum_registrations: registrations,
    forum_questions: questions,
    coaching,
    emails,
    audit,
  };
}

/**
 * Everything the site holds about the signed-in person, as one object (for JSON) and as
 * "section, record, field, value" rows (for CSV). Audited, rate-limited.
 */
export async function exportMyData(db: Db, ctx: RequestContext, user: SessionUser, format: 'json' | 'csv'): Promise<Result<{ body: string; fileName: string }>> {
  if (!canManageOwnData(user)) return fail('_form', 'privacy.err.forbidden');
  const limit = await hit(db, [[PRIVACY_RATE_RULES.exportPerUser, user.id]]);
  if (!limit.ok) return fail('_form', 'err.rateLimited', { seconds: limit.retryAfterSeconds });
  const data = await db.transaction().execute(async (trx) => {
    await recordAudit(trx, actorOf(user, ctx.ip), 'privacy.export', { type: 'user', id: user.id }, { after: { format } });
    return collectPersonalData(trx, user.id);
  });
  const stamp = data.generated_at.toISOString().slice(0, 10);
  if (format === 'json') return { ok: true, value: { body: JSON.stringify(data, null, 2), fileName: `baku-dengar-data-${stamp}.json` } };
  return { ok: true, value: { body: '\uFEFF' + stringify([['section', 'record', 'field', 'value'], ...flatten(data)]), fileName: `baku-dengar-data-${stamp}.csv` } };
}

/** Rows of (section, record number, dotted field, value) covering every leaf of the export. */
export function flatten(data: Record<string, unknown>): string[][] {
  const rows: string[][] = [];
  const leaf = (v: unknown): string => (v instanceof Date ? v.toISOString() : v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  const walk = (section: string, record: string, prefix: string, v: unknown) => {
    if (v && typeof v === 'object' && !(v instanceof Date) && !Array.isArray(v)) {
      for (const [k, x] of Object.entries(v)) walk(section, record, prefix ? `${prefix}.${k}` : k, x);
    } else if (Array.isArray(v) && v.every((x) => x && typeof x === 'object')) {
      v.forEach((x, i) => walk(section, record, `${prefix}[${i}]`, x));
    } else rows.push([section, record, prefix, leaf(v)]);
  };
  for (const [section, v] of Object.entries(data)) {
    if (Array.isArray(v)) v.forEach((x, i) => walk(section, String(i + 1), '', x));
    else walk(section, '1', '', v);
  }
  return rows;
}

// ---- correction (art. 6)

const email = z.string().trim().toLowerCase().min(1).max(254).pipe(z.email());
const displayName = z.string().trim().min(1).min(2).max(80);

const profileSchema = z.object({ displayName, email });

/**
 * Corrects the account's name and email. The site has no email verification (a sign-up is
 * not verified either), so a new address is taken as typed; it must not belong to another
 * account. The audit entry names the changed fields, not their values.
 */
export async function correctMyProfile(db: Db, ctx: RequestContext, user: SessionUser, input: unknown): Promise<Result<{ changed: string[] }>> {
  if (!canManageOwnData(user)) return fail('_form', 'privacy.err.forbidden');
  const v = validate(profileSchema, input);
  if (!v.ok) return v;
  if (await q.emailTakenByOther(db, v.value.email, user.id)) return fail('email', 'err.emailTaken');
  try {
    return await db.transaction().execute(async (trx) => {
      const before = await q.selectUserForUpdate(trx, user.id);
      if (!before || before.deleted_at) return fail('_form', 'privacy.err.forbidden');
      const changed = [before.display_name !== v.value.displayName && 'display_name', before.email !== v.value.email && 'email'].filter((x): x is string => !!x);
      if (changed.length === 0) return { ok: true as const, value: { changed } };
      await q.updateProfile(trx, user.id, { email: v.value.email, display_name: v.value.displayName });
      await recordAudit(trx, { id: user.id, label: `${v.value.displayName} <${v.value.email}>`, ip: ctx.ip }, 'privacy.correct_profile', { type: 'user', id: user.id }, { after: { fields: changed } });
      return { ok: true as const, value: { changed } };
    });
  } catch (e) {
    if ((e as { code?: string }).code === '23505') return fail('email', 'err.emailTaken');
    throw e;
  }
}

const contactSchema = z.object({
  contactName: z.string().trim().max(100).optional().transform((v) => v || null),
  contactEmail,
  contactPhone,
});

/**
 * Corrects (or, left empty, erases) the contact details given with one of the person's own
 * feedback items. Items of others are "not found" (null).
 */
export async function correctMyContact(db: Db, ctx: RequestContext, user: SessionUser, feedbackId: number, input: unknown): Promise<Result<null> | null> {
  if (!canManageOwnData(user)) return null;
  const v = validate(contactSchema, input);
  return db.transaction().execute(async (trx) => {
    const row = await q.selectOwnContactForUpdate(trx, user.id, feedbackId);
    if (!row) return null;
    if (!v.ok) return v;
    const { contactName: name, contactEmail: mail, contactPhone: phone } = v.value;
    const changed = (['name', 'email', 'phone'] as const).filter((k) => (row[k] ?? null) !== ({ name, email: mail, phone } as const)[k]);
    if (changed.length === 0) return { ok: true as const, value: null };
    if (!name && !mail && !phone) await q.deleteContact(trx, feedbackId);
    else await q.upsertContact(trx, feedbackId, { name, email: mail, phone, locale: ctx.locale });
    await recordAudit(trx, actorOf(user, ctx.ip), 'privacy.correct_contact', { type: 'feedback', id: feedbackId }, { after: { fields: changed } });
    return { ok: true as const, value: null };
  });
}

/** The person's own items with their contact details, for the correction form. */
export async function myContacts(db: Db, user: SessionUser) {
  const rows = await q.selectAuthoredFeedback(db, user.id);
  return rows.map((r) => ({ id: r.id, title: r.title, name: r.contact_name, email: r.contact_email, phone: r.contact_phone }));
}

// ---- deletion (art. 8 and 16)

export interface DeletionOutcome {
  feedbackKept: number;
  registrationsCancelled: number;
}

/**
 * Deletes the signed-in resident's account after checking their password. Their feedback stays
 * (a public-service record) without author, name or contact details; seats in forums still to
 * come are given up (the waitlist moves up); past attendance stays counted against a tombstone
 * account that holds no personal data; questions lose their author; sessions and reset links
 * end; mail to them is dropped or emptied; audit entries keep what happened, without their
 * name, email or address.
 */
export async function deleteMyAccount(db: Db, ctx: RequestContext, user: SessionUser, input: unknown): Promise<Result<DeletionOutcome>> {
  if (!canDeleteOwnAccount(user)) return fail('_form', 'privacy.err.staffCannotDelete');
  const v = validate(z.object({ password: z.string().min(1).max(1024), confirm: z.literal('on', { message: 'privacy.err.confirm' }) }), input);
  if (!v.ok) return v;
  const limit = await hit(db, [[PRIVACY_RATE_RULES.deletePerUser, user.id]]);
  if (!limit.ok) return fail('_form', 'err.rateLimited', { seconds: limit.retryAfterSeconds });
  const row = await q.selectAccountCredentials(db, user.id);
  if (!row || row.deleted_at || !(await verifyPassword(row.password_hash, v.value.password))) return fail('password', 'err.currentPassword');

  // Seats first, each under its forum's lock (the seat rules live in forums/registration.ts).
  const now = new Date();
  const seatCtx = { user, actor: actorOf(user, ctx.ip), publicUrl: ctx.publicUrl, now };
  let registrationsCancelled = 0;
  for (const r of await q.selectActiveFutureRegistrations(db, user.id, now)) {
    const done = await cancelMyRegistration(db, seatCtx, r.forum_id);
    if (done?.ok) registrationsCancelled++;
  }

  return db.transaction().execute(async (trx) => {
    const locked = await q.selectUserForUpdate(trx, user.id);
    if (!locked || locked.deleted_at) return fail('_form', 'privacy.err.forbidden');
    const ids = await q.selectAuthoredIds(trx, user.id);
    const addresses = [...new Set([locked.email, ...(await q.contactEmailsOf(trx, ids))])];
    await q.anonymiseContacts(trx, ids, now);
    const feedbackKept = await q.unlinkAuthor(trx, user.id);
    await q.unlinkQuestions(trx, user.id);
    await q.eraseOutboxTo(trx, addresses, now);
    await q.deleteCredentials(trx, user.id, addresses);
    await q.tombstoneUser(trx, user.id, now);
    await q.eraseAuditPersonalData(trx, user.id, ERASED_LABEL);
    await recordAudit(trx, { id: user.id, label: ERASED_LABEL, ip: null }, 'privacy.account_delete', { type: 'user', id: user.id }, {
      after: { feedback_kept: feedbackKept, registrations_cancelled: registrationsCancelled },
    });
    return { ok: true as const, value: { feedbackKept, registrationsCancelled } };
  });
}

// ---- restriction (art. 11)

const restrictSchema = z
  .object({
    email: contactEmail,
    feedback: z
      .string()
      .trim()
      .optional()
      .refine((v) => !v || /^#?\d{1,12}$/.test(v), { message: 'privacy.err.feedbackNumber' })
      .transform((v) => (v ? Number(v.replace('#', '')) : null)),
    reason: z.string().trim().min(1).min(3).max(300),
  })
  .refine((v) => v.email || v.feedback, { message: 'privacy.err.whom', path: ['email'] });

export interface RestrictionOutcome {
  accounts: number;
  contacts: number;
}

/**
 * Restricts (or lifts the restriction of) the processing of one person's data, named by email
 * address (their account and every contact record with it) or by a feedback number (that
 * item's contact record and its author's account). While restricted, no email is queued to
 * them and staff are not shown the contact details; their feedback stays as it is.
 */
export async function setProcessingRestriction(db: Db, moderator: SessionUser, actor: Actor, restrict: boolean, input: unknown): Promise<Result<RestrictionOutcome>> {
  if (!canRestrictProcessing(moderator)) return fail('_form', 'privacy.err.forbidden');
  const v = validate(restrictSchema, input);
  if (!v.ok) return v;
  const { email: mail, feedback: feedbackId, reason } = v.value;
  return db.transaction().execute(async (trx) => {
    const userIds: string[] = [];
    const emails: string[] = [];
    const feedbackIds: number[] = [];
    if (mail) {
      emails.push(mail);
      const u = await q.findUserByEmail(trx, mail);
      if (u) userIds.push(u.id);
    }
    if (feedbackId !== null) {
      const f = await q.findFeedbackPerson(trx, feedbackId);
      if (!f) return fail('feedback', 'privacy.err.feedbackUnknown');
      feedbackIds.push(f.id);
      if (f.author_id) userIds.push(f.author_id);
    }
    const at = restrict ? new Date() : null;
    const accounts = await q.setUserRestriction(trx, userIds, at, restrict ? moderator.id : null);
    const contacts = await q.setContactRestriction(trx, { emails, feedbackIds }, at, restrict ? moderator.id : null);
    if (accounts + contacts === 0) return fail(mail ? 'email' : 'feedback', 'privacy.err.nobody');
    // The entry names the accounts by id and the items by number, not by address.
    await recordAudit(trx, actor, restrict ? 'privacy.restrict' : 'privacy.unrestrict', { type: 'person', id: userIds[0] ?? (feedbackId !== null ? `feedback:${feedbackId}` : null) }, {
      after: { accounts: userIds, feedback: feedbackIds, by_email: mail !== null, contacts, reason },
    });
    return { ok: true as const, value: { accounts, contacts } };
  });
}

export async function listRestrictions(db: Db, viewer: SessionUser) {
  if (!canRestrictProcessing(viewer)) return null;
  const [accounts, contacts] = await Promise.all([q.selectRestrictedAccounts(db), q.selectRestrictedContacts(db)]);
  return { accounts, contacts };
}

/** Whether mail to an address is allowed (checked by the outbox for every message). */
export { isEmailRestricted } from '../notifications/queries.ts';

// ---- retention (worker)

export interface RetentionOutcome {
  contactsAnonymised: number;
  outboxPruned: number;
}

function monthsBefore(d: Date, months: number): Date {
  const x = new Date(d);
  x.setUTCMonth(x.getUTCMonth() - months);
  return x;
}

/**
 * Anonymises reporters' contact details `retentionContactMonths` after their item closed (or
 * was rejected), and empties the bodies of emails older than `outboxBodyDays` (tracking codes,
 * links). Works in batches, each claimed with FOR UPDATE SKIP LOCKED in its own transaction,
 * so any number of workers may run it; it is idempotent (done rows no longer match).
 */
export async function runRetention(db: Db, cfg: Pick<PrivacyConfig, 'retentionContactMonths' | 'outboxBodyDays'>, now = new Date(), batch = 500): Promise<RetentionOutcome> {
  const contactCutoff = monthsBefore(now, cfg.retentionContactMonths);
  const outboxCutoff = new Date(now.getTime() - cfg.outboxBodyDays * 86400_000);
  let contactsAnonymised = 0;
  for (;;) {
    const n = await db.transaction().execute(async (trx) => {
      const ids = await q.claimDueContacts(trx, contactCutoff, batch);
      if (ids.length === 0) return 0;
      await q.anonymiseContacts(trx, ids, now);
      await recordAudit(trx, SYSTEM_ACTOR, 'privacy.retention_contacts', { type: 'feedback', id: null }, { after: { feedback: ids, months: cfg.retentionContactMonths } });
      return ids.length;
    });
    contactsAnonymised += n;
    if (n < batch) break;
  }
  let outboxPruned = 0;
  for (;;) {
    const n = await db.transaction().execute(async (trx) => {
      const pruned = await q.pruneOutboxBodies(trx, outboxCutoff, now, batch);
      if (pruned > 0) await recordAudit(trx, SYSTEM_ACTOR, 'privacy.retention_outbox', { type: 'outbox', id: null }, { after: { messages: pruned, days: cfg.outboxBodyDays } });
      return pruned;
    });
    outboxPruned += n;
    if (n < batch) break;
  }
  return { contactsAnonymised, outboxPruned };
}
