import { sql } from 'kysely';
import type { Db } from '../db/index.ts';

/**
 * Every SQL statement of the data-rights domain (export, correction, deletion, restriction, retention).
 *
 * Why it is one file of more than 400 lines: it is a flat list of short, independent statements
 * grouped under section comments, with no logic between them; keeping the domain's SQL in one
 * module is what the rule 'SQL only in queries' (eslint baku/sql-in-queries) points readers to,
 * and the use cases that call it are split by topic instead. The export and the erasure must name
 * every table holding personal data, side by side, so that a table added to one is seen missing
 * from the other.
 */

// ---- export: everything tied to one account

export function selectAccount(db: Db, userId: string) {
  return db
    .selectFrom('users')
    .leftJoin('units', 'units.id', 'users.unit_id')
    .select([
      'users.id',
      'users.email',
      'users.display_name',
      'users.role',
      'units.short_name as unit',
      'users.locale',
      'users.created_at',
      'users.updated_at',
      'users.password_changed_at',
      'users.last_sign_in_at',
      'users.disabled_at',
      'users.processing_restricted_at',
    ])
    .where('users.id', '=', userId)
    .executeTakeFirst();
}

/** Session metadata only: the token hash is a credential, not data about the person. */
export function selectSessions(db: Db, userId: string) {
  return db.selectFrom('sessions').select(['created_at', 'expires_at', 'absolute_expires_at', 'ip', 'user_agent']).where('user_id', '=', userId).orderBy('created_at').execute();
}

export function selectAuthoredFeedback(db: Db, userId: string) {
  return db
    .selectFrom('feedback as f')
    .leftJoin('units as u', 'u.id', 'f.unit_id')
    .leftJoin('areas as a', 'a.id', 'f.area_id')
    .leftJoin('feedback_contacts as c', 'c.feedback_id', 'f.id')
    .leftJoin('feedback_ratings as r', 'r.feedback_id', 'f.id')
    .select([
      'f.id',
      'f.kind',
      'f.title',
      'f.body_md',
      'u.short_name as unit',
      'a.name as area',
      'f.kecamatan_code',
      'f.location_text',
      'f.latitude',
      'f.longitude',
      'f.occurred_on',
      'f.officer_named',
      'f.anonymous',
      'f.confidential',
      'f.channel',
      'f.moderation_state',
      'f.status',
      'f.created_at',
      'f.updated_at',
      'f.published_at',
      'f.closed_at',
      'c.name as contact_name',
      'c.email as contact_email',
      'c.phone as contact_phone',
      'c.locale as contact_locale',
      'c.restricted_at as contact_restricted_at',
      'r.score as rating_score',
      'r.comment as rating_comment',
      'r.created_at as rating_created_at',
    ])
    .where('f.author_id', '=', userId)
    .orderBy('f.id')
    .execute();
}

/** The timeline the reporter sees (public events): who acted is given by role only. */
export function selectPublicEventsOf(db: Db, feedbackIds: number[]) {
  if (feedbackIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('feedback_events')
    .select(['feedback_id', 'at', 'kind', 'actor_role', 'from_status', 'to_status', 'body_md'])
    .where('feedback_id', 'in', feedbackIds)
    .where('public', '=', true)
    .orderBy('feedback_id')
    .orderBy('at')
    .execute();
}

export function selectPhotosOf(db: Db, feedbackIds: number[]) {
  if (feedbackIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('feedback_photos')
    .select(['feedback_id', 'file_name', 'mime', 'width', 'height', 'bytes', 'hidden', 'created_at'])
    .where('feedback_id', 'in', feedbackIds)
    .orderBy('id')
    .execute();
}

export function selectSupports(db: Db, userId: string) {
  return db
    .selectFrom('feedback_supports as s')
    .innerJoin('feedback as f', 'f.id', 's.feedback_id')
    .select(['s.feedback_id', 'f.title', 's.created_at'])
    .where('s.user_id', '=', userId)
    .orderBy('s.created_at')
    .execute();
}

export function selectFlags(db: Db, userId: string) {
  return db
    .selectFrom('feedback_flags')
    .select(['feedback_id', 'reason', 'note', 'created_at', 'resolved_at', 'resolution'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
}

export function selectRegistrations(db: Db, userId: string) {
  return db
    .selectFrom('forum_registrations as r')
    .innerJoin('forums as f', 'f.id', 'r.forum_id')
    .leftJoin('forum_survey_responses as s', 's.registration_id', 'r.id')
    .select([
      'r.id',
      'r.forum_id',
      'f.title as forum',
      'f.starts_at',
      'f.status as forum_status',
      'r.pool',
      'r.status',
      'r.code',
      'r.created_at',
      'r.promoted_at',
      'r.cancelled_at',
      'r.checked_in_at',
      's.score as survey_score',
      's.comment as survey_comment',
      's.created_at as survey_at',
    ])
    .where('r.user_id', '=', userId)
    .orderBy('r.created_at')
    .execute();
}

export function selectQuestions(db: Db, userId: string) {
  return db
    .selectFrom('forum_questions as q')
    .innerJoin('forums as f', 'f.id', 'q.forum_id')
    .select(['q.id', 'f.title as forum', 'q.feedback_id', 'q.body', 'q.status', 'q.created_at'])
    .where('q.user_id', '=', userId)
    .orderBy('q.created_at')
    .execute();
}

export function selectCoaching(db: Db, userId: string) {
  return db
    .selectFrom('coaching_participants as p')
    .innerJoin('coaching_actions as a', 'a.id', 'p.action_id')
    .leftJoin('coaching_progress_reports as r', (j) => j.onRef('r.action_id', '=', 'p.action_id').onRef('r.user_id', '=', 'p.user_id'))
    .select(['a.id as action_id', 'a.title', 'p.added_at', 'p.attendance_confirmed_at', 'r.learned_md', 'r.changed_md', 'r.created_at as report_at'])
    .where('p.user_id', '=', userId)
    .orderBy('p.added_at')
    .execute();
}

/**
 * Audit entries about the person: what they did and what was done to their account, and every
 * time staff opened the contact details of their feedback (who opened them is staff's own data:
 * only the role "staff" is given).
 */
export async function selectAuditAbout(db: Db, userId: string, feedbackIds: number[]) {
  const own = await db
    .selectFrom('audit_log')
    .select(['id', 'at', 'action', 'object_type', 'object_id', 'ip', 'before', 'after', sql<boolean>`actor_id = ${userId}`.as('by_you')])
    .where((eb) => eb.or([eb('actor_id', '=', userId), eb.and([eb('object_type', '=', 'user'), eb('object_id', '=', userId)])]))
    .orderBy('id')
    .execute();
  const views = feedbackIds.length
    ? await db
        .selectFrom('audit_log')
        .select(['id', 'at', 'action', 'object_type', 'object_id'])
        .where('object_type', '=', 'feedback')
        .where('object_id', 'in', feedbackIds.map(String))
        .where('action', '=', 'feedback.contact_view')
        .where((eb) => eb.or([eb('actor_id', 'is', null), eb('actor_id', '!=', userId)]))
        .orderBy('id')
        .execute()
    : [];
  return [
    ...own.map((e) => ({ ...e, ip: e.by_you ? e.ip : null, by_you: !!e.by_you })),
    ...views.map((e) => ({ ...e, ip: null, before: null, after: null, by_you: false })),
  ].sort((a, b) => Number(a.id) - Number(b.id));
}

export function selectEmailsTo(db: Db, addresses: string[]) {
  if (addresses.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('outbox')
    .select(['created_at', 'to_email', 'template', 'subject', 'status', 'sent_at', 'text_body', 'body_pruned_at'])
    .where('to_email', 'in', addresses)
    .orderBy('id')
    .execute();
}

// ---- correction

export function selectUserForUpdate(db: Db, userId: string) {
  return db.selectFrom('users').selectAll().where('id', '=', userId).forUpdate().executeTakeFirst();
}

export function emailTakenByOther(db: Db, email: string, userId: string) {
  return db.selectFrom('users').select('id').where('email', '=', email).where('id', '!=', userId).executeTakeFirst();
}

export async function updateProfile(db: Db, userId: string, patch: { email: string; display_name: string }) {
  await db.updateTable('users').set({ ...patch, updated_at: new Date() }).where('id', '=', userId).execute();
}

export function selectOwnContactForUpdate(db: Db, userId: string, feedbackId: number) {
  return db
    .selectFrom('feedback as f')
    .leftJoin('feedback_contacts as c', 'c.feedback_id', 'f.id')
    .select(['f.id', 'c.feedback_id as contact_id', 'c.name', 'c.email', 'c.phone'])
    .where('f.id', '=', feedbackId)
    .where('f.author_id', '=', userId)
    .forUpdate('f')
    .executeTakeFirst();
}

export async function upsertContact(db: Db, feedbackId: number, c: { name: string | null; email: string | null; phone: string | null; locale: 'id' | 'en' }) {
  await db
    .insertInto('feedback_contacts')
    .values({ feedback_id: feedbackId, ...c })
    .onConflict((oc) => oc.column('feedback_id').doUpdateSet({ name: c.name, email: c.email, phone: c.phone, anonymised_at: null }))
    .execute();
}

export async function deleteContact(db: Db, feedbackId: number) {
  await db.deleteFrom('feedback_contacts').where('feedback_id', '=', feedbackId).execute();
}

// ---- deletion

export function selectActiveFutureRegistrations(db: Db, userId: string, now: Date) {
  return db
    .selectFrom('forum_registrations as r')
    .innerJoin('forums as f', 'f.id', 'r.forum_id')
    .select(['r.forum_id'])
    .where('r.user_id', '=', userId)
    .where('r.status', 'in', ['registered', 'waitlisted'])
    .where('f.starts_at', '>', now)
    .execute();
}

export async function selectAuthoredIds(db: Db, userId: string): Promise<number[]> {
  const rows = await db.selectFrom('feedback').select('id').where('author_id', '=', userId).execute();
  return rows.map((r) => r.id);
}

export async function contactEmailsOf(db: Db, feedbackIds: number[]): Promise<string[]> {
  if (feedbackIds.length === 0) return [];
  const rows = await db.selectFrom('feedback_contacts').select('email').where('feedback_id', 'in', feedbackIds).where('email', 'is not', null).execute();
  return rows.map((r) => r.email!);
}

/** Erases the contact details of the given items, keeping a marker that they were anonymised. */
export async function anonymiseContacts(db: Db, feedbackIds: number[], now: Date): Promise<number> {
  if (feedbackIds.length === 0) return 0;
  const r = await db
    .updateTable('feedback_contacts')
    .set({ name: null, email: null, phone: null, anonymised_at: now })
    .where('feedback_id', 'in', feedbackIds)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function unlinkAuthor(db: Db, userId: string): Promise<number> {
  const r = await db.updateTable('feedback').set({ author_id: null }).where('author_id', '=', userId).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function unlinkQuestions(db: Db, userId: string): Promise<void> {
  await db.updateTable('forum_questions').set({ user_id: null }).where('user_id', '=', userId).execute();
}

/** Unsent mail to the person is dropped; sent mail keeps only that a message of a kind went out. */
export async function eraseOutboxTo(db: Db, addresses: string[], now: Date): Promise<number> {
  if (addresses.length === 0) return 0;
  const dropped = await db.deleteFrom('outbox').where('to_email', 'in', addresses).where('status', 'in', ['pending', 'sending']).executeTakeFirst();
  const scrubbed = await db
    .updateTable('outbox')
    .set({ to_email: 'erased@deleted.invalid', subject: '', text_body: '', html_body: '', attachments: null, last_error: null, body_pruned_at: now })
    .where('to_email', 'in', addresses)
    .executeTakeFirst();
  return Number(dropped.numDeletedRows) + Number(scrubbed.numUpdatedRows);
}

export async function deleteCredentials(db: Db, userId: string, emails: string[]): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
  await db.deleteFrom('password_tokens').where('user_id', '=', userId).execute();
  const keys = emails.flatMap((e) => [`signin:account:${e}`, `reset:account:${e}`, `signup:email:${e}`]);
  if (keys.length) await db.deleteFrom('rate_limits').where('key', 'in', keys).execute();
  if (emails.length) await db.deleteFrom('sign_up_requests').where('email', 'in', emails).execute();
}

/** The account becomes a tombstone: same id (history points at it), no personal data, no way in. */
export async function tombstoneUser(db: Db, userId: string, now: Date): Promise<void> {
  await db
    .updateTable('users')
    .set({
      email: `deleted-${userId}@deleted.invalid`,
      display_name: 'deleted',
      password_hash: null,
      unit_id: null,
      disabled_at: now,
      deleted_at: now,
      last_sign_in_at: null,
      updated_at: now,
    })
    .where('id', '=', userId)
    .execute();
}

/**
 * Removes personal data from the audit entries about a person: their name and address where
 * they acted, the before/after values of entries about their account. The trigger allows
 * only this (ids, times, actions and objects stay) and only when asked for in this transaction.
 */
export async function eraseAuditPersonalData(db: Db, userId: string, label: string): Promise<void> {
  await sql`select set_config('baku.audit_erasure', 'on', true)`.execute(db);
  await db.updateTable('audit_log').set({ actor_label: label, ip: null }).where('actor_id', '=', userId).execute();
  await db
    .updateTable('audit_log')
    .set({ before: sql<string>`null`, after: sql<string>`null` })
    .where('object_type', '=', 'user')
    .where('object_id', '=', userId)
    .execute();
  await sql`select set_config('baku.audit_erasure', 'off', true)`.execute(db);
}

// ---- restriction

export function findUserByEmail(db: Db, email: string) {
  return db.selectFrom('users').select(['id', 'email', 'display_name', 'processing_restricted_at']).where('email', '=', email).where('deleted_at', 'is', null).executeTakeFirst();
}

export function findFeedbackPerson(db: Db, feedbackId: number) {
  return db
    .selectFrom('feedback as f')
    .leftJoin('feedback_contacts as c', 'c.feedback_id', 'f.id')
    .select(['f.id', 'f.author_id', 'c.feedback_id as contact_id', 'c.email as contact_email'])
    .where('f.id', '=', feedbackId)
    .executeTakeFirst();
}

export async function setUserRestriction(db: Db, userIds: string[], at: Date | null, by: string | null): Promise<number> {
  if (userIds.length === 0) return 0;
  const r = await db.updateTable('users').set({ processing_restricted_at: at, processing_restricted_by: by }).where('id', 'in', userIds).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Restricts (or lifts) the contact records with one of these emails or of these items. */
export async function setContactRestriction(db: Db, by: { emails: string[]; feedbackIds: number[] }, at: Date | null, actorId: string | null): Promise<number> {
  if (by.emails.length === 0 && by.feedbackIds.length === 0) return 0;
  const r = await db
    .updateTable('feedback_contacts')
    .set({ restricted_at: at, restricted_by: actorId })
    .where((eb) =>
      eb.or([
        ...(by.emails.length ? [eb('email', 'in', by.emails)] : []),
        ...(by.feedbackIds.length ? [eb('feedback_id', 'in', by.feedbackIds)] : []),
      ]),
    )
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}


export function selectRestrictedAccounts(db: Db) {
  return db
    .selectFrom('users')
    .select(['id', 'display_name', 'email', 'processing_restricted_at'])
    .where('processing_restricted_at', 'is not', null)
    .where('deleted_at', 'is', null)
    .orderBy('processing_restricted_at', 'desc')
    .limit(500)
    .execute();
}

export function selectRestrictedContacts(db: Db) {
  return db
    .selectFrom('feedback_contacts')
    .select(['feedback_id', 'restricted_at'])
    .where('restricted_at', 'is not', null)
    .orderBy('restricted_at', 'desc')
    .limit(500)
    .execute();
}

// ---- retention (worker)

/**
 * Claims up to `limit` contact records due for anonymisation: the item closed (or was rejected)
 * before `cutoff`. SKIP LOCKED lets several workers run at once without taking the same rows.
 */
export async function claimDueContacts(db: Db, cutoff: Date, limit: number): Promise<number[]> {
  const rows = await db
    .selectFrom('feedback_contacts as c')
    .innerJoin('feedback as f', 'f.id', 'c.feedback_id')
    .select('c.feedback_id')
    .where('c.anonymised_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb.and([eb('f.status', '=', 'closed'), eb('f.closed_at', '<', cutoff)]),
        eb.and([eb('f.moderation_state', '=', 'rejected'), eb('f.updated_at', '<', cutoff)]),
      ]),
    )
    .orderBy('c.feedback_id')
    .limit(limit)
    .forUpdate('c')
    .skipLocked()
    .execute();
  return rows.map((r) => r.feedback_id);
}

/** Empties the bodies of delivered (or given-up) messages created before `cutoff`, in batches. */
export async function pruneOutboxBodies(db: Db, cutoff: Date, now: Date, limit: number): Promise<number> {
  const due = await db
    .selectFrom('outbox')
    .select('id')
    .where('body_pruned_at', 'is', null)
    .where('status', 'in', ['sent', 'logged', 'failed'])
    .where('created_at', '<', cutoff)
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
  if (due.length === 0) return 0;
  const r = await db
    .updateTable('outbox')
    .set({ subject: '', text_body: '', html_body: '', attachments: null, body_pruned_at: now })
    .where(
      'id',
      'in',
      due.map((d) => d.id),
    )
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export function selectAccountCredentials(db: Db, userId: string) {
  return db.selectFrom('users').select(['password_hash', 'deleted_at']).where('id', '=', userId).executeTakeFirst();
}
