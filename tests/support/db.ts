import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { openDb, type Db, type DbKind } from '../../src/server/db/index.ts';
import { migrateToLatest } from '../../src/server/db/migrate.ts';
import { seedReferenceData } from '../../src/server/reference/seed.ts';

/**
 * Integration tests run against every available database: PGlite always, PostgreSQL when
 * TEST_DATABASE_URL points at a server (CI starts a throwaway one). Every test database is
 * created empty and migrated from scratch; PostgreSQL ones are dropped afterwards.
 */
export const DB_KINDS: DbKind[] = ['pglite', ...(process.env.TEST_DATABASE_URL ? (['postgres'] as const) : [])];

export interface TestDb {
  db: Db;
  kind: DbKind;
  /** Connection string of the test database (PostgreSQL only), e.g. for a second pool. */
  url: string | null;
  close(): Promise<void>;
}

export async function createTestDb(kind: DbKind, opts: { seed?: boolean; poolSize?: number } = {}): Promise<TestDb> {
  let url: string | null = null;
  let drop = async () => {};
  if (kind === 'postgres') {
    const admin = process.env.TEST_DATABASE_URL!;
    const name = `bd_test_${randomBytes(6).toString('hex')}`;
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query(`create database ${name}`);
    await client.end();
    const u = new URL(admin);
    u.pathname = `/${name}`;
    url = u.toString();
    drop = async () => {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  }
  // As the app opens it: public reads kept in memory until the content changes
  // (src/server/db/read-cache.ts), so every suite also checks that no change goes unseen.
  const handle = await openDb({ databaseUrl: url ?? undefined, dataDir: null, poolSize: opts.poolSize, readCache: true });
  await migrateToLatest(handle.db);
  if (opts.seed !== false) await seedReferenceData(handle.db);
  return {
    db: handle.db,
    kind,
    url,
    close: async () => {
      await handle.close();
      await drop();
    },
  };
}

/**
 * Declares the same suite once per database kind; `get()` returns that suite's database
 * (created before its tests, closed after).
 */
export function describeEachDb(title: string, body: (get: () => TestDb) => void, opts?: { seed?: boolean; poolSize?: number }): void {
  for (const kind of DB_KINDS) {
    describe(`${title} [${kind}]`, () => {
      let handle: TestDb | undefined;
      beforeAll(async () => {
        handle = await createTestDb(kind, opts);
      });
      afterAll(async () => {
        await handle?.close();
      });
      body(() => {
        if (!handle) throw new Error('test database not ready');
        return handle;
      });
    });
  }
}

/** Like describeEachDb, but only on PostgreSQL (concurrency means nothing on single-connection PGlite). */
export function describePostgres(title: string, body: (get: () => TestDb) => void, opts?: { seed?: boolean; poolSize?: number }): void {
  const run = process.env.TEST_DATABASE_URL ? describe : describe.skip;
  run(`${title} [postgres]`, () => {
    let handle: TestDb | undefined;
    beforeAll(async () => {
      handle = await createTestDb('postgres', opts);
    });
    afterAll(async () => {
      await handle?.close();
    });
    body(() => handle!);
  });
}
