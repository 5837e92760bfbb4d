import { randomBytes } from 'node:crypto';
import type { Db } from '../../src/server/db/index.ts';
import type { FeedbackKind, HandlingStatus, ModerationState } from '../../src/server/db/schema.ts';

/**
 * Direct inserts for the evaluation tests: feedback rows with exact timestamps and states,
 * ratings, reopen events, coaching actions. The measures under test are derived by triggers
 * and the refresh, so the rows are written as the services would leave them.
 */

const run = randomBytes(3).toString('hex');
let seq = 0;

/** An instant given in WIT wall-clock time, e.g. wit('2026-03-13T10:00'). */
export function wit(local: string): Date {
  return new Date(`${local}${local.length === 16 ? ':00' : ''}+09:00`);
}

export function endOfWitDay(date: string): Date {
  return new Date(`${date}T23:59:59.999+09:00`);
}

export async function unitIdOf(db: Db, shortName: string): Promise<number> {
  return (await db.selectFrom('units').select('id').where('short_name', '=', shortName).executeTakeFirstOrThrow()).id;
}

export interface Item {
  unitId: number | null;
  kind?: FeedbackKind;
  created: Date;
  state?: ModerationState;
  status?: HandlingStatus;
  assigned?: Date | null;
  answered?: Date | null;
  due?: Date | null;
  rating?: number;
  reopened?: boolean;
  title?: string;
  authorId?: string | null;
  officer?: string | null;
  contact?: { name?: string; email?: string; phone?: string };
  kecamatan?: string | null;
}

export async function insertItem(db: Db, it: Item): Promise<number> {
  seq++;
  const row = await db
    .insertInto('feedback')
    .values({
      tracking_hash: `eval-${run}-${seq}`,
      kind: it.kind ?? 'keluhan',
      unit_id: it.unitId,
      title: it.title ?? `Masukan evaluasi ${seq}`,
      body_md: 'Isi masukan.',
      body_html: '<p>Isi masukan.</p>',
      moderation_state: it.state ?? 'published',
      status: it.status ?? (it.answered ? 'responded' : 'assigned'),
      created_at: it.created,
      updated_at: it.created,
      published_at: it.state === 'pending' || it.state === 'rejected' ? null : it.created,
      assigned_at: it.assigned === undefined ? it.created : it.assigned,
      answer_due_at: it.due ?? null,
      author_id: it.authorId ?? null,
      officer_named: it.officer ?? null,
      kecamatan_code: it.kecamatan ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (it.answered) {
    // As the handling service does: the first answer is recorded and the deadline cleared.
    await db.updateTable('feedback').set({ first_response_at: it.answered, responded_at: it.answered, answer_due_at: null }).where('id', '=', row.id).execute();
  }
  if (it.rating) await db.insertInto('feedback_ratings').values({ feedback_id: row.id, score: it.rating }).execute();
  if (it.reopened) await db.insertInto('feedback_events').values({ feedback_id: row.id, kind: 'reopened', public: true, actor_role: 'reporter', to_status: 'reopened', at: it.answered ?? it.created }).execute();
  if (it.contact) await db.insertInto('feedback_contacts').values({ feedback_id: row.id, name: it.contact.name ?? null, email: it.contact.email ?? null, phone: it.contact.phone ?? null }).execute();
  return row.id;
}

export async function insertAction(
  db: Db,
  a: { title: string; unitIds: number[]; starts: string; ends: string; status?: 'planned' | 'in_progress' | 'completed' | 'cancelled'; findingId?: number | null },
): Promise<number> {
  const row = await db
    .insertInto('coaching_actions')
    .values({
      kind: 'workshop',
      title: a.title,
      goal_md: 'Tujuan.',
      goal_html: '<p>Tujuan.</p>',
      starts_on: a.starts,
      ends_on: a.ends,
      status: a.status ?? 'completed',
      completed_at: (a.status ?? 'completed') === 'completed' ? new Date(`${a.ends}T15:00:00+09:00`) : null,
      finding_id: a.findingId ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.insertInto('coaching_action_units').values(a.unitIds.map((unit_id) => ({ action_id: row.id, unit_id }))).execute();
  return row.id;
}
