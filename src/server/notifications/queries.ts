import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { OutboxRow } from '../db/schema.ts';

export interface OutboxInsert {
  to_email: string;
  locale: 'id' | 'en';
  template: string;
  subject: string;
  text_body: string;
  html_body: string;
  attachments?: string | null;
  /** Extra mail headers, a JSON object (List-Unsubscribe ...). */
  headers?: string | null;
}

export async function insertOutbox(db: Db, m: OutboxInsert): Promise<number> {
  // Due "now" by the application's clock, the one the worker compares with (the database's
  // now() has microseconds and could look a hair later than the worker's next check).
  const r = await db.insertInto('outbox').values({ ...m, next_attempt_at: new Date() }).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

/**
 * Claims up to `limit` due messages for one worker. SKIP LOCKED lets several processes
 * claim at once without taking the same row; a message claimed by a worker that died is
 * claimable again after `staleSeconds`.
 */
export async function claimDueMessages(db: Db, limit: number, now: Date, staleSeconds = 300): Promise<OutboxRow[]> {
  return db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('outbox')
      .select('id')
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
          eb.and([eb('status', '=', 'sending'), eb('claimed_at', '<', new Date(now.getTime() - staleSeconds * 1000))]),
        ]),
      )
      .orderBy('next_attempt_at')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    if (due.length === 0) return [];
    return trx
      .updateTable('outbox')
      .set({ status: 'sending', claimed_at: now, attempts: sql`attempts + 1` })
      .where(
        'id',
        'in',
        due.map((d) => d.id),
      )
      .returningAll()
      .execute();
  });
}

export async function markDelivered(db: Db, id: number, status: 'sent' | 'logged', now: Date): Promise<void> {
  await db.updateTable('outbox').set({ status, sent_at: now, last_error: null }).where('id', '=', id).execute();
}

export async function markFailedAttempt(db: Db, id: number, error: string, nextAttemptAt: Date | null): Promise<void> {
  await db
    .updateTable('outbox')
    .set(
      nextAttemptAt
        ? { status: 'pending', next_attempt_at: nextAttemptAt, last_error: error.slice(0, 2000) }
        : { status: 'failed', last_error: error.slice(0, 2000) },
    )
    .where('id', '=', id)
    .execute();
}

export function selectOutboxPage(db: Db, opts: { beforeId?: number; limit: number }): Promise<OutboxRow[]> {
  let q = db.selectFrom('outbox').selectAll();
  if (opts.beforeId) q = q.where('id', '<', opts.beforeId);
  return q.orderBy('id', 'desc').limit(opts.limit).execute();
}
