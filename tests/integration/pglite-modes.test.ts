import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, PGLITE_MODES, type DbHandle } from '../../src/server/db/index.ts';

// Starting an embedded PostgreSQL can be slow on a busy machine.
const SLOW = 180_000;

/**
 * The embedded database on the main thread and in a worker thread must behave the same:
 * one connection shared by every request, so a transaction owns it until it ends.
 */
for (const mode of PGLITE_MODES) {
  describe(`embedded database, PGLITE_MODE=${mode}`, () => {
    let h: DbHandle;
    beforeAll(async () => {
      h = await openDb({ dataDir: null, pgliteMode: mode });
      await sql`create table t (id int primary key, v text)`.execute(h.db);
    }, SLOW);
    afterAll(async () => {
      await h?.close();
    });

    it('a statement from another request waits for an open transaction and never sees or joins it', async () => {
      let inside!: () => void;
      const insideNow = new Promise<void>((r) => (inside = r));
      let finish!: () => void;
      const finishNow = new Promise<void>((r) => (finish = r));
      const tx = h.db
        .transaction()
        .execute(async (trx) => {
          await sql`insert into t values (1, 'in transaction')`.execute(trx);
          inside();
          await finishNow;
          throw new Error('roll back');
        })
        .catch((e: Error) => e.message);
      await insideNow;
      // Issued while the transaction is open: it must run after it, outside it.
      const outside = sql`insert into t values (2, 'outside')`.execute(h.db);
      const seen = sql<{ id: number }>`select id from t order by id`.execute(h.db);
      finish();
      expect(await tx).toBe('roll back');
      await outside;
      expect((await seen).rows).toEqual([{ id: 2 }]);
      expect((await sql<{ id: number }>`select id from t order by id`.execute(h.db)).rows).toEqual([{ id: 2 }]);
    });

    it('runs transactions one after the other, each committing its own work', async () => {
      await Promise.all(
        [10, 11, 12].map((id) =>
          h.db.transaction().execute(async (trx) => {
            const n = await sql<{ n: number }>`select count(*)::int as n from t`.execute(trx);
            await sql`insert into t values (${id}, ${`seen ${n.rows[0]!.n}`})`.execute(trx);
          }),
        ),
      );
      const r = await sql<{ id: number; v: string }>`select id, v from t where id >= 10 order by id`.execute(h.db);
      expect(r.rows).toEqual([
        { id: 10, v: 'seen 1' },
        { id: 11, v: 'seen 2' },
        { id: 12, v: 'seen 3' },
      ]);
    });

    it('gives database errors their PostgreSQL fields (code, constraint)', async () => {
      const e = await sql`insert into t values (2, 'again')`.execute(h.db).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(Error);
      expect(e).toMatchObject({ code: '23505', constraint: 't_pkey' });
      // The connection is usable afterwards, in and out of transactions.
      await h.db.transaction().execute(async (trx) => sql`insert into t values (3, 'after')`.execute(trx));
      expect((await sql<{ n: number }>`select count(*)::int as n from t where id = 3`.execute(h.db)).rows[0]!.n).toBe(1);
    });

    it('returns the same JavaScript types (bigint as number, date as string, timestamptz as Date, bytea, jsonb)', async () => {
      const r = await sql<{ n: number; d: string; ts: Date; b: Uint8Array; j: { a: number[] } }>`
        select 9007199254740991::int8 as n, date '2026-12-05' as d, timestamptz '2026-12-05 03:00:00+00' as ts,
               ${Buffer.from('abc')}::bytea as b, ${JSON.stringify({ a: [1, 2] })}::jsonb as j`.execute(h.db);
      const row = r.rows[0]!;
      expect(row.n).toBe(9007199254740991);
      expect(row.d).toBe('2026-12-05');
      expect(row.ts).toBeInstanceOf(Date);
      expect(row.ts.toISOString()).toBe('2026-12-05T03:00:00.000Z');
      expect(Buffer.from(row.b).toString()).toBe('abc');
      expect(row.j).toEqual({ a: [1, 2] });
    });

    it('reports affected rows of updates', async () => {
      const r = await h.db.updateTable('t' as never).set({ v: 'x' } as never).where('id' as never, '>=', 10 as never).executeTakeFirst();
      expect(Number(r.numUpdatedRows)).toBe(3);
    });
  });
}

describe('embedded database in a worker thread, with a data folder', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bd-pglite-worker-'));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('closes cleanly: the data is kept, the lock released, the folder reopens on the main thread', { timeout: SLOW }, async () => {
    const h = await openDb({ dataDir: dir, pgliteMode: 'worker' });
    await sql`create table kept (v text)`.execute(h.db);
    await sql`insert into kept values ('masih ada')`.execute(h.db);
    await h.close();
    expect(fs.existsSync(path.join(dir, 'pglite.pid'))).toBe(false);
    await expect(sql`select 1`.execute(h.db)).rejects.toThrow();

    const again = await openDb({ dataDir: dir, pgliteMode: 'main' });
    try {
      expect((await sql<{ v: string }>`select v from kept`.execute(again.db)).rows).toEqual([{ v: 'masih ada' }]);
    } finally {
      await again.close();
    }
  });
});
