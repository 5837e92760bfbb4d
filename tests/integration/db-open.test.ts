import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockDataDir, openDb } from '../../src/server/db/index.ts';
import { DB_KINDS } from '../support/db.ts';
import { createEmptyDb, type EmptyDb } from '../support/empty-db.ts';

// Starting an embedded PostgreSQL inside the test body (not a hook) can be slow on a busy machine.
const SLOW = 180_000;

/** The foundation migration needs pg_trgm; both PGlite modes must provide it. */
async function trigramSimilarity(db: Awaited<ReturnType<typeof openDb>>['db']): Promise<number> {
  await sql`create extension if not exists pg_trgm`.execute(db);
  const r = await sql<{ s: number }>`select similarity('Teluk Ambon', 'Teluk Ambon')::float8 as s`.execute(db);
  return Number(r.rows[0]?.s);
}

describe('openDb (embedded PGlite)', () => {
  // PGlite only reads its options from the second argument when the first is a string: the
  // in-memory mode every integration suite uses must still get pg_trgm and the DATE parser.
  it('in memory (dataDir: null) loads pg_trgm', { timeout: SLOW }, async () => {
    const h = await openDb({ dataDir: null });
    try {
      expect(await trigramSimilarity(h.db)).toBe(1);
    } finally {
      await h.close();
    }
  });

  describe('with a data directory', () => {
    let dir: string;
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bd-pglite-'));
    });
    afterAll(() => {
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('loads pg_trgm, keeps data across reopening, and releases its lock on close', { timeout: SLOW }, async () => {
      const h = await openDb({ dataDir: dir });
      expect(h.kind).toBe('pglite');
      expect(fs.readFileSync(path.join(dir, 'pglite.pid'), 'utf8')).toBe(String(process.pid));
      expect(await trigramSimilarity(h.db)).toBe(1);
      await sql`create table kept (v text)`.execute(h.db);
      await sql`insert into kept values ('masih ada')`.execute(h.db);
      await h.close();
      expect(fs.existsSync(path.join(dir, 'pglite.pid'))).toBe(false);

      const again = await openDb({ dataDir: dir });
      try {
        const r = await sql<{ v: string }>`select v from kept`.execute(again.db);
        expect(r.rows).toEqual([{ v: 'masih ada' }]);
      } finally {
        await again.close();
      }
    });

    it('refuses a data directory in use by another live process, naming it', async () => {
      const other = process.ppid; // alive, and not us
      fs.writeFileSync(path.join(dir, 'pglite.pid'), String(other));
      try {
        await expect(openDb({ dataDir: dir })).rejects.toThrow(new RegExp(`in use by process ${other}`));
      } finally {
        fs.rmSync(path.join(dir, 'pglite.pid'), { force: true });
      }
    });

    it('a process that exits without closing (the forced exit after 10 s) leaves no lock behind', () => {
      const lockFile = path.join(dir, 'pglite.pid');
      const script = `const { lockDataDir } = await import(${JSON.stringify(path.resolve('src/server/db/index.ts'))}); lockDataDir(${JSON.stringify(dir)}); const fs = await import('node:fs'); process.stdout.write(fs.readFileSync(${JSON.stringify(lockFile)}, 'utf8')); process.exit(1);`;
      let childPid = '';
      try {
        execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
      } catch (e) {
        childPid = (e as { stdout: string; status: number }).stdout;
        expect((e as { status: number }).status).toBe(1);
      }
      expect(Number(childPid)).toBeGreaterThan(0);
      expect(fs.existsSync(lockFile)).toBe(false);
    });

    it('refuses a second lock while the first holder is alive, and allows it once released', () => {
      const other = process.ppid;
      const lockFile = path.join(dir, 'pglite.pid');
      fs.writeFileSync(lockFile, String(other));
      try {
        expect(() => lockDataDir(dir)).toThrow(new RegExp(`in use by process ${other}`));
        expect(fs.readFileSync(lockFile, 'utf8')).toBe(String(other));
      } finally {
        fs.rmSync(lockFile, { force: true });
      }
      const release = lockDataDir(dir);
      expect(fs.readFileSync(lockFile, 'utf8')).toBe(String(process.pid));
      release();
      expect(fs.existsSync(lockFile)).toBe(false);
    });

    it('takes over the lock of a process that is gone', { timeout: SLOW }, async () => {
      fs.writeFileSync(path.join(dir, 'pglite.pid'), '999999999');
      const h = await openDb({ dataDir: dir });
      expect(fs.readFileSync(path.join(dir, 'pglite.pid'), 'utf8')).toBe(String(process.pid));
      await h.close();
    });
  });
});

for (const kind of DB_KINDS) {
  describe(`both drivers return the same JavaScript types [${kind}]`, () => {
    let t: EmptyDb;
    beforeAll(async () => {
      t = await createEmptyDb(kind);
    });
    afterAll(async () => {
      await t?.close();
    });

    it('bigint and counts as numbers, timestamptz as Date, jsonb parsed', async () => {
      const r = await sql<Record<string, unknown>>`
        select 9007199254740::bigint as big, count(*) as n,
               '2026-12-01T10:00:00+09:00'::timestamptz as ts, '{"a":[1,"b"]}'::jsonb as j
        from (values (1), (2)) v(x)`.execute(t.db);
      const row = r.rows[0]!;
      expect(row.big).toBe(9007199254740);
      expect(row.n).toBe(2);
      expect(row.ts).toBeInstanceOf(Date);
      expect((row.ts as Date).toISOString()).toBe('2026-12-01T01:00:00.000Z');
      expect(row.j).toEqual({ a: [1, 'b'] });
    });

    it('a calendar date (DATE) comes back as the string YYYY-MM-DD', async () => {
      const r = await sql<{ d: unknown }>`select '2026-12-25'::date as d`.execute(t.db);
      expect(r.rows[0]?.d).toBe('2026-12-25');
    });
  });
}
