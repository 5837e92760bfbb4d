import { sql, type Kysely, type Selectable } from 'kysely';
import type { Db } from '../db/index.ts';
import type { Database } from '../db/schema.ts';

/**
 * The tables worked as queues by the background worker: a row waits in one status, a worker claims it
 * into another (stamping `claimed_at` and counting `attempts`), and finishes it in its own domain.
 */
export type QueueTable = 'outbox' | 'whatsapp_inbox';

type Row<T extends QueueTable> = Selectable<Database[T]>;
type Column<T extends QueueTable> = keyof Row<T> & string;
type Status<T extends QueueTable> = Row<T> extends { status: infer S } ? S : never;

export interface ClaimOptions<T extends QueueTable> {
  /** The status of a row waiting for a worker. */
  waiting: Status<T>;
  /** The status a claimed row is given while a worker holds it. */
  claimed: Status<T>;
  /** A waiting row is due once this time column is not after `now`; without it every waiting row is due. */
  dueAt?: Column<T>;
  /** Queue order, oldest first (Date or number columns): rows are claimed in it and returned in it, then by id. */
  order: readonly Column<T>[];
  limit: number;
  now: Date;
  /** A row claimed longer ago than this (by a worker that died) is claimable again. */
  staleSeconds: number;
}

/**
 * Claims up to `limit` due rows of a queue for one worker, in one transaction. SKIP LOCKED lets several
 * processes claim at once without taking the same row.
 */
export function claimDue<T extends QueueTable>(db: Db, table: T, o: ClaimOptions<T>): Promise<Row<T>[]> {
  return db.transaction().execute(async (trx) => {
    // Both tables have the queue columns (id, status, claimed_at, attempts), but Kysely cannot type one
    // chain over "either table": the chain is built untyped and its rows typed by `table`.
    const k = trx as unknown as Kysely<any>;
    const name: string = table;
    const staleBefore = new Date(o.now.getTime() - o.staleSeconds * 1000);
    let due = k
      .selectFrom(name)
      .select('id')
      .where((eb) =>
        eb.or([
          o.dueAt ? eb.and([eb('status', '=', o.waiting), eb(o.dueAt as string, '<=', o.now)]) : eb('status', '=', o.waiting),
          eb.and([eb('status', '=', o.claimed), eb('claimed_at', '<', staleBefore)]),
        ]),
      );
    for (const c of o.order) due = due.orderBy(c);
    const ids = (await due.limit(o.limit).forUpdate().skipLocked().execute()).map((d: { id: number }) => d.id);
    if (ids.length === 0) return [];
    const rows = (await k
      .updateTable(name)
      .set({ status: o.claimed, claimed_at: o.now, attempts: sql`attempts + 1` })
      .where('id', 'in', ids)
      .returningAll()
      .execute()) as Row<T>[];
    // UPDATE … RETURNING has no order: hand the rows back in queue order.
    const key = (v: unknown) => (v instanceof Date ? v.getTime() : Number(v));
    const byOrder = (a: Row<T>, b: Row<T>) => {
      for (const c of o.order) {
        const d = key(a[c]) - key(b[c]);
        if (d !== 0) return d;
      }
      return key((a as { id: unknown }).id) - key((b as { id: unknown }).id);
    };
    return rows.sort(byOrder);
  });
}
