import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import { attendedAsAsn } from '../forums/queries.ts';
import type { CoachingKind, CoachingStatus } from '../db/schema.ts';

/**
 * Every SQL statement of the coaching domain. Functions take `db` or a transaction first.
 *
 * Why it is one file of more than 400 lines: it is a flat list of short, independent statements
 * grouped under section comments, with no logic between them; keeping the domain's SQL in one
 * module is what the rule 'SQL only in queries' (eslint baku/sql-in-queries) points readers to,
 * and the use cases that call it are split by topic instead.
 */

// ---- actions

export interface ActionFilter {
  status?: CoachingStatus;
  kind?: CoachingKind;
  unitId?: number;
}

/** Actions, newest first, with the number of linked feedback items and of participants. */
export function selectActions(db: Db, f: ActionFilter, limit: number) {
  let q = db
    .selectFrom('coaching_actions as a')
    .select([
      'a.id',
      'a.kind',
      'a.title',
      'a.status',
      'a.starts_on',
      'a.ends_on',
      'a.created_at',
      sql<number>`(select count(*)::int from coaching_feedback_links l where l.action_id = a.id)`.as('feedback_count'),
      sql<number>`(select count(*)::int from coaching_participants p where p.action_id = a.id)`.as('participant_count'),
    ]);
  if (f.status) q = q.where('a.status', '=', f.status);
  if (f.kind) q = q.where('a.kind', '=', f.kind);
  if (f.unitId !== undefined) {
    const unitId = f.unitId;
    q = q.where((eb) => eb.exists(eb.selectFrom('coaching_action_units as u').select('u.action_id').whereRef('u.action_id', '=', 'a.id').where('u.unit_id', '=', unitId)));
  }
  return q.orderBy('a.created_at', 'desc').orderBy('a.id', 'desc').limit(limit).execute();
}

export function findAction(db: Db, id: number) {
  return db.selectFrom('coaching_actions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The action row, locked for the rest of the transaction (every change to one action takes this lock). */
export function lockAction(db: Db, id: number) {
  return db.selectFrom('coaching_actions').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export interface ActionInsert {
  kind: CoachingKind;
  title: string;
  goal_md: string;
  goal_html: string;
  starts_on: string;
  ends_on: string;
  commitment_id: number | null;
  finding_id: number | null;
  created_by: string | null;
}

export async function insertAction(db: Db, a: ActionInsert, now: Date): Promise<number> {
  const r = await db.insertInto('coaching_actions').values({ ...a, created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export async function updateAction(
  db: Db,
  id: number,
  patch: Partial<{ kind: CoachingKind; title: string; goal_md: string; goal_html: string; starts_on: string; ends_on: string; status: CoachingStatus; completed_at: Date | null }>,
  now: Date,
): Promise<void> {
  await db.updateTable('coaching_actions').set({ ...patch, updated_at: now }).where('id', '=', id).execute();
}

// ---- target units

export async function selectActionUnitIds(db: Db, actionId: number): Promise<number[]> {
  const rows = await db.selectFrom('coaching_action_units').select('unit_id').where('action_id', '=', actionId).orderBy('unit_id').execute();
  return rows.map((r) => r.unit_id);
}

export function selectActionUnits(db: Db, actionIds: number[]) {
  if (actionIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('coaching_action_units as au')
    .innerJoin('units', 'units.id', 'au.unit_id')
    .select(['au.action_id', 'units.id', 'units.short_name', 'units.slug'])
    .where('au.action_id', 'in', actionIds)
    .orderBy('units.short_name')
    .execute();
}

export async function replaceActionUnits(db: Db, actionId: number, unitIds: number[]): Promise<void> {
  await db.deleteFrom('coaching_action_units').where('action_id', '=', actionId).execute();
  if (unitIds.length) await db.insertInto('coaching_action_units').values(unitIds.map((unit_id) => ({ action_id: actionId, unit_id }))).execute();
}

/** Active units, by sector then short name (the target-unit choices). */
export function selectUnitsForForm(db: Db) {
  return db.selectFrom('units').select(['id', 'short_name', 'name', 'sector']).where('active', '=', true).orderBy('sector').orderBy('short_name').execute();
}

/** The active units among `ids`. */
export function selectActiveUnits(db: Db, ids: number[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('units').select(['id', 'short_name']).where('id', 'in', ids).where('active', '=', true).execute();
}

// ---- people

/**
 * Enabled ASN accounts: of the given units (who may take part in an action for them), or of
 * every active unit when no units are given (the participant choices of the create form).
 */
export function selectAsn(db: Db, unitIds?: number[]) {
  if (unitIds && unitIds.length === 0) return Promise.resolve([]);
  let q = db
    .selectFrom('users')
    .innerJoin('units', 'units.id', 'users.unit_id')
    .select(['users.id', 'users.display_name', 'users.unit_id', 'units.short_name as unit_short_name'])
    .where('users.role', '=', 'asn')
    .where('users.disabled_at', 'is', null);
  q = unitIds ? q.where('users.unit_id', 'in', unitIds) : q.where('units.active', '=', true);
  return q.orderBy('units.short_name').orderBy('users.display_name').execute();
}

export function findAsnUser(db: Db, userId: string) {
  return db
    .selectFrom('users')
    .leftJoin('units', 'units.id', 'users.unit_id')
    .select(['users.id', 'users.display_name', 'users.email', 'users.role', 'users.unit_id', 'users.disabled_at', 'units.short_name as unit_short_name'])
    .where('users.id', '=', userId)
    .where('users.role', '=', 'asn')
    .executeTakeFirst();
}

// ---- participants

export function selectParticipants(db: Db, actionId: number) {
  return db
    .selectFrom('coaching_participants as p')
    .innerJoin('users', 'users.id', 'p.user_id')
    .leftJoin('units', 'units.id', 'users.unit_id')
    .select(['p.user_id', 'p.added_at', 'p.attendance_confirmed_at', 'users.display_name', 'users.unit_id', 'units.short_name as unit_short_name'])
    .where('p.action_id', '=', actionId)
    .orderBy('units.short_name')
    .orderBy('users.display_name')
    .execute();
}

export function findParticipant(db: Db, actionId: number, userId: string) {
  return db.selectFrom('coaching_participants').selectAll().where('action_id', '=', actionId).where('user_id', '=', userId).executeTakeFirst();
}

/** Adds a participant; false when they already were one. */
export async function insertParticipant(db: Db, actionId: number, userId: string, now: Date): Promise<boolean> {
  const r = await db
    .insertInto('coaching_participants')
    .values({ action_id: actionId, user_id: userId, added_at: now })
    .onConflict((oc) => oc.columns(['action_id', 'user_id']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function deleteParticipant(db: Db, actionId: number, userId: string): Promise<void> {
  await db.deleteFrom('coaching_participants').where('action_id', '=', actionId).where('user_id', '=', userId).execute();
}

export async function setAttendance(db: Db, actionId: number, userId: string, at: Date | null, by: string | null): Promise<void> {
  await db
    .updateTable('coaching_participants')
    .set({ attendance_confirmed_at: at, confirmed_by: by })
    .where('action_id', '=', actionId)
    .where('user_id', '=', userId)
    .execute();
}

// ---- progress reports

export function selectReports(db: Db, actionId: number, userId: string | null) {
  let q = db
    .selectFrom('coaching_progress_reports as r')
    .innerJoin('users', 'users.id', 'r.user_id')
    .select(['r.id', 'r.user_id', 'users.display_name', 'r.learned_md', 'r.learned_html', 'r.changed_md', 'r.changed_html', 'r.created_at', 'r.updated_at'])
    .where('r.action_id', '=', actionId);
  if (userId !== null) q = q.where('r.user_id', '=', userId);
  return q.orderBy('users.display_name').execute();
}

export function findReport(db: Db, actionId: number, userId: string) {
  return db.selectFrom('coaching_progress_reports').selectAll().where('action_id', '=', actionId).where('user_id', '=', userId).executeTakeFirst();
}

/** Writes the participant's one report of the action (created, or replaced when it exists). */
export async function upsertReport(
  db: Db,
  r: { action_id: number; user_id: string; learned_md: string; learned_html: string; changed_md: string; changed_html: string },
  now: Date,
): Promise<number> {
  const row = await db
    .insertInto('coaching_progress_reports')
    .values({ ...r, created_at: now, updated_at: now })
    .onConflict((oc) =>
      oc.constraint('coaching_progress_reports_one').doUpdateSet({
        learned_md: r.learned_md,
        learned_html: r.learned_html,
        changed_md: r.changed_md,
        changed_html: r.changed_html,
        updated_at: now,
      }),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

// ---- feedback links

/** Linked feedback with what the evidence list shows and what its visibility depends on. */
export function selectLinkedFeedback(db: Db, actionId: number) {
  return db
    .selectFrom('coaching_feedback_links as l')
    .innerJoin('feedback as f', 'f.id', 'l.feedback_id')
    .leftJoin('units', 'units.id', 'f.unit_id')
    .select([
      'f.id',
      'f.title',
      'f.kind',
      'f.status',
      'f.moderation_state',
      'f.confidential',
      'f.unit_id',
      'units.short_name as unit_short_name',
      'l.linked_at',
    ])
    .where('l.action_id', '=', actionId)
    .orderBy('l.linked_at')
    .orderBy('f.id')
    .execute();
}

/** Existing feedback among `ids` (id and title). */
export function selectFeedbackByIds(db: Db, ids: number[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('feedback')
    .leftJoin('units', 'units.id', 'feedback.unit_id')
    .select(['feedback.id', 'feedback.title', 'feedback.kind', 'feedback.unit_id', 'units.short_name as unit_short_name'])
    .where('feedback.id', 'in', ids)
    .orderBy('feedback.id')
    .execute();
}

/** Links; returns the feedback ids that were not linked before. */
export async function insertLinks(db: Db, actionId: number, feedbackIds: number[], by: string | null, now: Date): Promise<number[]> {
  if (feedbackIds.length === 0) return [];
  const rows = await db
    .insertInto('coaching_feedback_links')
    .values(feedbackIds.map((feedback_id) => ({ action_id: actionId, feedback_id, linked_by: by, linked_at: now })))
    .onConflict((oc) => oc.columns(['action_id', 'feedback_id']).doNothing())
    .returning('feedback_id')
    .execute();
  return rows.map((r) => r.feedback_id);
}

/** Unlinks; false when there was no link. */
export async function deleteLink(db: Db, actionId: number, feedbackId: number): Promise<boolean> {
  const r = await db.deleteFrom('coaching_feedback_links').where('action_id', '=', actionId).where('feedback_id', '=', feedbackId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** The actions a feedback item is linked to. */
export function selectActionsOfFeedback(db: Db, feedbackId: number) {
  return db
    .selectFrom('coaching_feedback_links as l')
    .innerJoin('coaching_actions as a', 'a.id', 'l.action_id')
    .select(['a.id', 'a.title', 'a.kind', 'a.status'])
    .where('l.feedback_id', '=', feedbackId)
    .orderBy('a.starts_on', 'desc')
    .orderBy('a.id', 'desc')
    .execute();
}

/** Actions feedback can still be linked to (planned or in progress), soonest first. */
export function selectLinkableActions(db: Db, limit: number) {
  return db
    .selectFrom('coaching_actions')
    .select(['id', 'title', 'kind', 'status', 'starts_on'])
    .where('status', 'in', ['planned', 'in_progress'])
    .orderBy('starts_on')
    .orderBy('id')
    .limit(limit)
    .execute();
}

// ---- origins (forum commitments, evaluation findings)

export function findCommitment(db: Db, id: number) {
  return db
    .selectFrom('forum_commitments as c')
    .innerJoin('forums', 'forums.id', 'c.forum_id')
    .innerJoin('units', 'units.id', 'c.unit_id')
    .select(['c.id', 'c.unit_id', 'c.body_md', 'c.status', 'forums.slug as forum_slug', 'forums.title as forum_title', 'forums.starts_at as forum_starts_at', 'units.short_name as unit_short_name'])
    .where('c.id', '=', id)
    .executeTakeFirst();
}

export async function selectCommitmentFeedbackIds(db: Db, commitmentId: number): Promise<number[]> {
  const rows = await db.selectFrom('forum_commitment_citations').select('feedback_id').where('commitment_id', '=', commitmentId).orderBy('feedback_id').execute();
  return rows.map((r) => r.feedback_id);
}

export function findActionByCommitment(db: Db, commitmentId: number) {
  return db.selectFrom('coaching_actions').select(['id', 'title', 'status']).where('commitment_id', '=', commitmentId).executeTakeFirst();
}

export function findFinding(db: Db, id: number) {
  return db
    .selectFrom('evaluation_findings as e')
    .innerJoin('units', 'units.id', 'e.unit_id')
    .select(['e.id', 'e.unit_id', 'e.title', 'e.body_md', 'e.period_kind', 'e.period_start', 'units.short_name as unit_short_name'])
    .where('e.id', '=', id)
    .executeTakeFirst();
}

export async function selectFindingFeedbackIds(db: Db, findingId: number): Promise<number[]> {
  const rows = await db.selectFrom('evaluation_finding_feedback').select('feedback_id').where('finding_id', '=', findingId).orderBy('feedback_id').execute();
  return rows.map((r) => r.feedback_id);
}

// ---- a person's record

/** The actions a person takes part in, with their attendance and whether they reported. */
export function selectActionsOfParticipant(db: Db, userId: string) {
  return db
    .selectFrom('coaching_participants as p')
    .innerJoin('coaching_actions as a', 'a.id', 'p.action_id')
    .leftJoin('coaching_progress_reports as r', (j) => j.onRef('r.action_id', '=', 'p.action_id').onRef('r.user_id', '=', 'p.user_id'))
    .select([
      'a.id',
      'a.kind',
      'a.title',
      'a.status',
      'a.starts_on',
      'a.ends_on',
      'a.goal_html',
      'p.added_at',
      'p.attendance_confirmed_at',
      'r.learned_md',
      'r.changed_md',
      'r.learned_html',
      'r.changed_html',
      'r.updated_at as report_updated_at',
    ])
    .where('p.user_id', '=', userId)
    .orderBy('a.starts_on', 'desc')
    .orderBy('a.id', 'desc')
    .execute();
}

/** Forums the person attended as ASN (checked in), newest first. */
export function selectForumsAttended(db: Db, userId: string, limit: number) {
  return attendedAsAsn(db, userId)
    .orderBy('forums.starts_at', 'desc')
    .limit(limit)
    .execute();
}

export async function countAnswers(db: Db, userId: string): Promise<number> {
  const r = await db
    .selectFrom('feedback_events')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('actor_id', '=', userId)
    .where('kind', '=', 'response')
    .executeTakeFirstOrThrow();
  return r.n;
}

export function selectRecentAnswers(db: Db, userId: string, limit: number) {
  return db
    .selectFrom('feedback_events as e')
    .innerJoin('feedback as f', 'f.id', 'e.feedback_id')
    .select(['e.id', 'e.at', 'f.id as feedback_id', 'f.title'])
    .where('e.actor_id', '=', userId)
    .where('e.kind', '=', 'response')
    .orderBy('e.at', 'desc')
    .orderBy('e.id', 'desc')
    .limit(limit)
    .execute();
}

// ---- for other domains

export function selectCompletedActions(db: Db) {
  return db
    .selectFrom('coaching_actions')
    .select(['id', 'title', 'kind', 'starts_on', 'ends_on', 'completed_at'])
    .where('status', '=', 'completed')
    .orderBy('completed_at')
    .orderBy('id')
    .execute();
}

export function selectActionsByCommitments(db: Db, commitmentIds: number[]) {
  if (commitmentIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('coaching_actions')
    .select(['id', 'title', 'status', 'commitment_id'])
    .where('commitment_id', 'in', commitmentIds)
    .execute();
}
