import { randomBytes } from 'node:crypto';
import type { CoachingContext } from '../../src/server/coaching/service.ts';
import type { Db } from '../../src/server/db/index.ts';
import type { Person } from './handling-fixtures.ts';

/**
 * Fixtures for the coaching tests: the context a route builds, a valid create form, and
 * direct inserts of the forum and evaluation rows coaching refers to (those domains are
 * tested on their own; here they are only origins and records).
 */

const run = randomBytes(2).toString('hex');
let seq = 0;

export function coachCtx(p: Person, now?: Date): CoachingContext {
  return { user: p.user, actor: p.actor, now };
}

/** A create form that passes validation, for the given units (and overrides). */
export function actionForm(unitIds: number[], overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    kind: 'it_training',
    title: 'Pelatihan sistem pelaporan kinerja',
    goal: 'Staf mampu mengisi **laporan kinerja** harian tanpa bantuan.',
    starts_on: '2026-12-07',
    ends_on: '2026-12-09',
    units: unitIds.map(String),
    ...overrides,
  };
}

export async function insertForum(db: Db, title = 'Forum dialog Desember'): Promise<{ id: number; slug: string }> {
  seq++;
  const slug = `forum-${run}-${seq}`;
  const r = await db
    .insertInto('forums')
    .values({
      slug,
      title,
      starts_at: new Date('2026-12-10T01:00:00Z'),
      ends_at: new Date('2026-12-10T03:00:00Z'),
      mode: 'in_person',
      capacity: 50,
      registration_opens_at: new Date('2026-11-01T00:00:00Z'),
      registration_closes_at: new Date('2026-12-09T00:00:00Z'),
    })
    .returning(['id', 'slug'])
    .executeTakeFirstOrThrow();
  return r;
}

export async function insertCommitment(db: Db, forumId: number, unitId: number, body: string, citedFeedback: number[] = []): Promise<number> {
  const r = await db
    .insertInto('forum_commitments')
    .values({ forum_id: forumId, unit_id: unitId, body_md: body, body_html: `<p>${body}</p>` })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (citedFeedback.length) await db.insertInto('forum_commitment_citations').values(citedFeedback.map((feedback_id) => ({ commitment_id: r.id, feedback_id }))).execute();
  return r.id;
}

export async function insertFinding(db: Db, unitId: number, title: string, body: string, feedbackIds: number[] = []): Promise<number> {
  const r = await db
    .insertInto('evaluation_findings')
    .values({ unit_id: unitId, period_kind: 'month', period_start: '2026-10-01', title, body_md: body, body_html: `<p>${body}</p>` })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (feedbackIds.length) await db.insertInto('evaluation_finding_feedback').values(feedbackIds.map((feedback_id) => ({ finding_id: r.id, feedback_id }))).execute();
  return r.id;
}

/** An ASN registration for a forum, checked in or not. */
export async function insertAsnRegistration(db: Db, forumId: number, userId: string, unitId: number, checkedIn: boolean): Promise<void> {
  seq++;
  await db
    .insertInto('forum_registrations')
    .values({
      forum_id: forumId,
      user_id: userId,
      walk_in_name: null,
      pool: 'asn',
      unit_id: unitId,
      status: 'registered',
      queue_seq: seq,
      code: `R-${run}-${seq}`,
      promoted_at: null,
      cancelled_at: null,
      checked_in_at: checkedIn ? new Date('2026-12-10T01:05:00Z') : null,
      checked_in_by: null,
    })
    .execute();
}
