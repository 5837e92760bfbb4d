import { Migrator, type MigrationResultSet } from 'kysely/migration';
import { migrations } from '../../../db/migrations/index.ts';
import type { Db } from './index.ts';

/**
 * Brings the schema up to date. Kysely's migrator takes a database lock (an advisory lock
 * on PostgreSQL), so several processes starting at once apply each migration exactly once.
 */
export async function migrateToLatest(db: Db): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error;
  return result;
}

/** Rolls back the last migration (used by `npm run db:migrate -- --down`). */
export async function migrateDown(db: Db): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const result = await migrator.migrateDown();
  if (result.error) throw result.error;
  return result;
}
