import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { HandlingStatus } from '../db/schema.ts';

export interface InboxFilter {
  /** null: all units (moderators). */
  unitId: number | null;
  status?: HandlingStatus;
  openOnly?: boolean;
  overdue?: boolean;
  /** Only the items given to this officer, or (`'none'`) to nobody yet. */
  officer?: { id: string } | 'none';
}

/** Verified feedback of one unit (or all), newest first; hidden-by-flags items stay visible to staff. */
export function selectInbox(db: Db, f: InboxFilter, now: Date, limit: number) {
  let q = db
    .selectFrom('feedback')
    .leftJoin('units', 'units.id', 'feedback.unit_id')
    .leftJoin('users as officer', 'officer.id', 'feedback.officer_id')
    .select([
      'feedback.id',
      'feedback.kind',
      'feedback.title',
      'feedback.status',
      'feedback.priority',
      'feedback.confidential',
      'feedback.created_at',
      'feedback.answer_due_at',
      'feedback.first_response_at',
      'feedback.autoclose_at',
      'units.short_name as unit_short_name',
      'feedback.officer_id',
      'officer.display_name as officer_name',
    ])
    .where('feedback.moderation_state', 'in', ['published', 'hidden']);
  if (f.officer === 'none') q = q.where('feedback.officer_id', 'is', null);
  else if (f.officer) q = q.where('feedback.officer_id', '=', f.officer.id);
  if (f.unitId !== null) q = q.where('feedback.unit_id', '=', f.unitId);
  else q = q.where('feedback.unit_id', 'is not', null);
  if (f.status) q = q.where('feedback.status', '=', f.status);
  if (f.openOnly) q = q.where('feedback.status', 'not in', ['resolved', 'closed']);
  if (f.overdue) {
    // The longest overdue first, read in deadline order through feedback_overdue_unit_idx (one
    // unit) or feedback_answer_due_idx (all units): sorting every overdue row by created_at
    // instead read them all (on a million items, 60,000 rows and 250 ms).
    return q
      .where('feedback.first_response_at', 'is', null)
      .where('feedback.status', 'in', ['assigned', 'in_progress', 'reopened'])
      .where('feedback.answer_due_at', '<', now)
      .orderBy('feedback.answer_due_at')
      .orderBy('feedback.id')
      .limit(limit)
      .execute();
  }
  return q.orderBy('feedback.created_at', 'desc').orderBy('feedback.id', 'desc').limit(limit).execute();
}

/** The item's unit and moderation state, to decide whether this person may handle it. */
export function findForHandling(db: Db, id: number) {
  return db.selectFrom('feedback').select(['id', 'unit_id', 'moderation_state']).where('id', '=', id).executeTakeFirst();
}

export function lockForHandling(db: Db, id: number) {
  return db
    .selectFrom('feedback')
    .leftJoin('units', 'units.id', 'feedback.unit_id')
    .select([
      'feedback.id',
      'feedback.unit_id',
      'feedback.status',
      'feedback.title',
      'feedback.moderation_state',
      'feedback.first_response_at',
      'feedback.updated_at',
      'feedback.officer_id',
      'units.short_name as unit_short_name',
    ])
    .where('feedback.id', '=', id)
    .forUpdate(['feedback'])
    .executeTakeFirst();
}

export function selectTemplates(db: Db, unitId: number | null) {
  let q = db.selectFrom('answer_templates').select(['id', 'unit_id', 'title', 'body_md', 'updated_at']);
  q = unitId === null ? q.where('unit_id', 'is', null) : q.where((eb) => eb.or([eb('unit_id', '=', unitId), eb('unit_id', 'is', null)]));
  return q.orderBy('title').execute();
}

export function findTemplate(db: Db, id: number) {
  return db.selectFrom('answer_templates').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertTemplate(db: Db, t: { unit_id: number | null; title: string; body_md: string; created_by: string }): Promise<number> {
  const r = await db.insertInto('answer_templates').values(t).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export async function deleteTemplate(db: Db, id: number): Promise<void> {
  await db.deleteFrom('answer_templates').where('id', '=', id).execute();
}

/** Items whose answer got no reply within the autoclose window; claimed row by row. */
export function selectDueForAutoclose(db: Db, now: Date, limit: number) {
  return db
    .selectFrom('feedback')
    .select(['id', 'status', 'title'])
    .where('status', 'in', ['responded', 'resolved'])
    .where('autoclose_at', '<=', now)
    .orderBy('autoclose_at')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

// ---- officers within a unit

/** The active ASN officers of a unit, by name: whom an item of that unit may be given to. */
export function selectUnitOfficers(db: Db, unitId: number) {
  return db
    .selectFrom('users')
    .select(['id', 'display_name', 'email', 'locale'])
    .where('role', '=', 'asn')
    .where('unit_id', '=', unitId)
    .where('disabled_at', 'is', null)
    .orderBy('display_name')
    .orderBy('id')
    .execute();
}

export async function setOfficer(db: Db, id: number, officerId: string | null, now: Date): Promise<void> {
  await db.updateTable('feedback').set({ officer_id: officerId, updated_at: now }).where('id', '=', id).execute();
}

/** Items given to one officer, and how many of them have had an official answer. */
export async function countOfficerItems(db: Db, userId: string): Promise<{ assigned: number; answered: number }> {
  const r = await db
    .selectFrom('feedback')
    .select([sql<number>`count(*)::int`.as('assigned'), sql<number>`count(first_response_at)::int`.as('answered')])
    .where('officer_id', '=', userId)
    .executeTakeFirstOrThrow();
  return { assigned: r.assigned, answered: r.answered };
}
