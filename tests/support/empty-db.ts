import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { openDb, type Db, type DbKind } from '../../src/server/db/index.ts';

/**
 * A database with nothing in it, not even migrated (unlike createTestDb in db.ts): for the
 * migration tests. PGlite in memory, or a new PostgreSQL database on TEST_DATABASE_URL's server
 * (dropped on close).
 */
export interface EmptyDb {
  db: Db;
  kind: DbKind;
  url: string | null;
  close(): Promise<void>;
}

export async function createEmptyDb(kind: DbKind): Promise<EmptyDb> {
  if (kind === 'pglite') {
    const handle = await openDb({ dataDir: null });
    return { db: handle.db, kind, url: null, close: () => handle.close() };
  }
  const admin = process.env.TEST_DATABASE_URL;
  if (!admin) throw new Error('TEST_DATABASE_URL is not set');
  const name = `bd_empty_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  const u = new URL(admin);
  u.pathname = `/${name}`;
  const url = u.toString();
  const handle = await openDb({ databaseUrl: url, dataDir: null });
  return {
    db: handle.db,
    kind,
    url,
    close: async () => {
      await handle.close();
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** Names of the ordinary tables in the public schema. */
export async function publicTables(db: Db): Promise<string[]> {
  const r = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`.execute(db);
  return r.rows.map((x) => x.table_name);
}
