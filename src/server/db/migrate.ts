import { sql } from 'kysely';
import { DEFAULT_MIGRATION_TABLE, Migrator, type MigrationResultSet } from 'kysely/migration';
import { migrations } from '../../../db/migrations/index.ts';
import type { Db } from './index.ts';

/**
 * Brings the schema up to date. Kysely's migrator takes a database lock (an advisory lock
 * on PostgreSQL), so several processes starting at once apply each migration exactly once.
 * When every known migration is applied already (every start but the first after an upgrade),
 * one read of the migration table says so and the migrator does not run: it would introspect
 * every table of the schema and take its lock for nothing (~0.1-0.2 s of each embedded start).
 */
export async function migrateToLatest(db: Db): Promise<MigrationResultSet> {
  if (await allApplied(db)) return { results: [] };
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error;
  return result;
}

/**
 * True when the applied migrations are exactly the known ones. Anything else (no migration
 * table yet, a migration to apply, or an applied one this code does not know, which the
 * migrator reports as an error) goes through the migrator.
 */
async function allApplied(db: Db): Promise<boolean> {
  const table = await sql<{ present: boolean }>`select to_regclass(${DEFAULT_MIGRATION_TABLE}) is not null as present`.execute(db);
  if (!table.rows[0]?.present) return false;
  const applied = (await sql<{ name: string }>`select name from ${sql.table(DEFAULT_MIGRATION_TABLE)}`.execute(db)).rows.map((r) => r.name).sort();
  const known = Object.keys(migrations).sort();
  return applied.length === known.length && applied.every((name, i) => name === known[i]);
}

/** Rolls back the last migration (used by `npm run db:migrate -- --down`). */
export async function migrateDown(db: Db): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const result = await migrator.migrateDown();
  if (result.error) throw result.error;
  return result;
}
