import { sql, type SqlBool } from 'kysely';
import type { Db } from '../db/index.ts';
import type { FeedbackKind, Priority, Sector } from '../db/schema.ts';

export interface QueueFilter {
  unitId?: number;
  sector?: Sector;
  kecamatan?: string;
  kind?: FeedbackKind;
  overdue?: boolean;
}

/** Pending feedback, oldest first, each with its verification deadline. */
export function selectPending(db: Db, f: QueueFilter, now: Date, limit: number) {
  let q = db
    .selectFrom('feedback')
    .leftJoin('units', 'units.id', 'feedback.unit_id')
    .leftJoin('areas', 'areas.id', 'feedback.area_id')
    .select([
      'feedback.id',
      'feedback.kind',
      'feedback.title',
      'feedback.body_html',
      'feedback.created_at',
      'feedback.updated_at',
      'feedback.confidential',
      'feedback.anonymous',
      'feedback.unit_id',
      'feedback.area_id',
      'feedback.priority',
      'feedback.verify_due_at',
      'feedback.channel',
      'units.short_name as unit_short_name',
      'areas.name as area_name',
    ])
    .where('feedback.moderation_state', '=', 'pending');
  if (f.unitId) q = q.where('feedback.unit_id', '=', f.unitId);
  if (f.sector) q = q.where('feedback.sector', '=', f.sector);
  if (f.kecamatan) q = q.where('feedback.kecamatan_code', '=', f.kecamatan);
  if (f.kind) q = q.where('feedback.kind', '=', f.kind);
  if (f.overdue) q = q.where('feedback.verify_due_at', '<', now);
  return q.orderBy('feedback.created_at').orderBy('feedback.id').limit(limit).execute();
}

/** The columns a moderation step checks and changes, locked for the transaction. */
export function lockForModeration(db: Db, id: number) {
  return db
    .selectFrom('feedback')
    .select([
      'id',
      'moderation_state',
      'status',
      'updated_at',
      'confidential',
      'unit_id',
      'kind',
      'area_id',
      'kecamatan_code',
      'priority',
      'title',
      'body_md',
      'location_text',
      'support_count',
      'author_id',
      'created_at',
      'assigned_at',
      'first_response_at',
      'hidden_by_flags',
      'officer_id',
    ])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function updateFeedback(
  db: Db,
  id: number,
  patch: Partial<{
    moderation_state: 'pending' | 'published' | 'rejected' | 'hidden';
    published_at: Date | null;
    status: 'received' | 'assigned' | 'in_progress' | 'responded' | 'resolved' | 'closed' | 'reopened';
    unit_id: number | null;
    sector: Sector | null;
    kind: FeedbackKind;
    area_id: number | null;
    kecamatan_code: string | null;
    priority: Priority;
    title: string;
    body_md: string;
    body_html: string;
    location_text: string | null;
    confidential: boolean;
    assigned_at: Date | null;
    answer_due_at: Date | null;
    duplicate_of: number | null;
    reject_reason: 'spam' | 'abusive' | 'incomplete' | 'not_authority' | 'duplicate' | null;
    reject_note: string | null;
    hidden_by_flags: boolean;
    support_count: number;
    officer_id: string | null;
    responded_at: Date | null;
    first_response_at: Date | null;
    autoclose_at: Date | null;
    closed_at: Date | null;
  }>,
  now: Date,
): Promise<void> {
  await db
    .updateTable('feedback')
    .set({ ...patch, updated_at: now })
    .where('id', '=', id)
    .execute();
}

/** A published item another may be marked a duplicate of. */
export function findPublishedTitle(db: Db, id: number) {
  return db.selectFrom('feedback').select(['id', 'title']).where('id', '=', id).where('moderation_state', '=', 'published').executeTakeFirst();
}

export async function insertRedaction(db: Db, r: { feedback_id: number; actor_id: string | null; field: 'title' | 'body' | 'location'; original: string; redacted: string }): Promise<void> {
  await db.insertInto('feedback_redactions').values(r).execute();
}

export function selectRedactions(db: Db, feedbackId: number) {
  return db.selectFrom('feedback_redactions').selectAll().where('feedback_id', '=', feedbackId).orderBy('at').execute();
}

/**
 * Moves the supports of a duplicate to its original, and counts the duplicate's reporter
 * (when they have an account) as a supporter too; once per person, never the original's own
 * reporter. Returns the original's new count.
 */
export async function mergeSupports(db: Db, duplicateId: number, originalId: number): Promise<number> {
  const moved = await sql<{ user_id: string }>`
    insert into feedback_supports (feedback_id, user_id, created_at)
    select ${originalId}, s.user_id, s.created_at from (
      select user_id, created_at from feedback_supports where feedback_id = ${duplicateId}
      union all
      select author_id, created_at from feedback where id = ${duplicateId} and author_id is not null
    ) s
    where s.user_id is distinct from (select author_id from feedback where id = ${originalId})
    on conflict do nothing
    returning user_id`.execute(db);
  const r = await db
    .updateTable('feedback')
    .set({ support_count: sql`support_count + ${moved.rows.length}` })
    .where('id', '=', originalId)
    .returning('support_count')
    .executeTakeFirstOrThrow();
  return r.support_count;
}

export function selectPhoto(db: Db, photoId: number) {
  return db.selectFrom('feedback_photos').select(['id', 'feedback_id', 'hidden']).where('id', '=', photoId).executeTakeFirst();
}

export async function setPhotoHidden(db: Db, photoId: number, hidden: boolean): Promise<void> {
  await db.updateTable('feedback_photos').set({ hidden }).where('id', '=', photoId).execute();
}

export function selectOpenFlags(db: Db, limit: number) {
  return db
    .selectFrom('feedback_flags')
    .innerJoin('feedback', 'feedback.id', 'feedback_flags.feedback_id')
    .select([
      'feedback.id as feedback_id',
      'feedback.title',
      'feedback.moderation_state',
      'feedback.hidden_by_flags',
      sql<number>`count(*)::int`.as('flag_count'),
      sql<string[]>`array_agg(distinct feedback_flags.reason)`.as('reasons'),
      sql<string[]>`array_remove(array_agg(feedback_flags.note), null)`.as('notes'),
      sql<Date>`min(feedback_flags.created_at)`.as('first_at'),
    ])
    .where('feedback_flags.resolved_at', 'is', null)
    .groupBy(['feedback.id', 'feedback.title', 'feedback.moderation_state', 'feedback.hidden_by_flags'])
    .orderBy(sql`min(feedback_flags.created_at)`)
    .limit(limit)
    .execute();
}

export async function countOpenFlags(db: Db, feedbackId: number): Promise<number> {
  const r = await db
    .selectFrom('feedback_flags')
    .select(sql<number>`count(distinct reporter_key)::int`.as('n'))
    .where('feedback_id', '=', feedbackId)
    .where('resolved_at', 'is', null)
    .executeTakeFirstOrThrow();
  return r.n;
}

/**
 * Distinct established accounts with an open flag on the item: only these can hide it.
 * Established: a signed-in account, not disabled, and either staff (made by an administrator)
 * or a resident account created at least `rules.flagEstablishedDays` before `now`. Anonymous
 * flags (counted by address, which anyone can change) and new accounts' flags only queue the
 * item for a moderator (selectOpenFlags lists them all).
 */
export async function countEstablishedFlaggers(db: Db, feedbackId: number, now: Date, establishedDays: number): Promise<number> {
  const createdBefore = new Date(now.getTime() - establishedDays * 86_400_000);
  const r = await db
    .selectFrom('feedback_flags')
    .innerJoin('users', 'users.id', 'feedback_flags.user_id')
    .select(sql<number>`count(distinct feedback_flags.user_id)::int`.as('n'))
    .where('feedback_flags.feedback_id', '=', feedbackId)
    .where('feedback_flags.resolved_at', 'is', null)
    .where('users.disabled_at', 'is', null)
    .where((eb) => eb.or([eb('users.role', '!=', 'resident'), eb('users.created_at', '<=', createdBefore)]))
    .executeTakeFirstOrThrow();
  return r.n;
}

export async function resolveFlags(db: Db, feedbackId: number, by: string | null, resolution: string, now: Date): Promise<number> {
  const r = await db
    .updateTable('feedback_flags')
    .set({ resolved_at: now, resolved_by: by, resolution })
    .where('feedback_id', '=', feedbackId)
    .where('resolved_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/**
 * Overdue now, the longest overdue first: verification past due, or a first answer past due.
 * Each kind is read in deadline order through its own partial index (feedback_verify_due_idx,
 * feedback_answer_due_idx) and stops at `limit`; the two lists are merged here. One query with
 * an OR cannot be ordered by an index and collected every overdue row before sorting (on a
 * million items with 60,000 unanswered, 300 ms).
 */
export async function selectOverdue(db: Db, now: Date, limit: number) {
  const base = () =>
    db
      .selectFrom('feedback')
      .leftJoin('units', 'units.id', 'feedback.unit_id')
      .select(['feedback.id', 'feedback.title', 'feedback.moderation_state', 'feedback.status', 'feedback.verify_due_at', 'feedback.answer_due_at', 'units.short_name as unit_short_name']);
  const [verify, answer] = await Promise.all([
    base().where('feedback.moderation_state', '=', 'pending').where('feedback.verify_due_at', '<', now).orderBy('feedback.verify_due_at').orderBy('feedback.id').limit(limit).execute(),
    base()
      .where('feedback.first_response_at', 'is', null)
      .where('feedback.status', 'in', ['assigned', 'in_progress', 'reopened'])
      .where('feedback.answer_due_at', '<', now)
      .where('feedback.moderation_state', 'in', ['published', 'hidden'])
      .orderBy('feedback.answer_due_at')
      .orderBy('feedback.id')
      .limit(limit)
      .execute(),
  ]);
  const due = (f: (typeof verify)[number]) => (f.moderation_state === 'pending' ? f.verify_due_at : f.answer_due_at)!.getTime();
  return [...verify, ...answer].sort((a, b) => due(a) - due(b) || a.id - b.id).slice(0, limit);
}

export function staffEmailsOfUnit(db: Db, unitId: number) {
  return db.selectFrom('users').select(['email', 'locale', 'display_name']).where('role', '=', 'asn').where('unit_id', '=', unitId).where('disabled_at', 'is', null).execute();
}

export function moderatorEmails(db: Db) {
  return db.selectFrom('users').select(['email', 'locale', 'display_name']).where('role', 'in', ['moderator', 'admin']).where('disabled_at', 'is', null).execute();
}

/** Claims a once-a-day job: true for exactly one caller per (name, day), whatever the number of processes. */
export async function claimDailyJob(db: Db, name: string, day: string): Promise<boolean> {
  const r = await db.insertInto('job_runs').values({ name, run_on: day }).onConflict((oc) => oc.columns(['name', 'run_on']).doNothing()).returning('name').executeTakeFirst();
  return r !== undefined;
}

export { sql, type SqlBool };
