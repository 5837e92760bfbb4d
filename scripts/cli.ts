/**
 * What the command-line scripts that call a use case share: the configured database, migrated and
 * seeded like the server's, closed when done; a refused use case's field errors printed in English.
 */
import { translator } from '../src/i18n/index.ts';
import { getConfig, type AppConfig } from '../src/server/config.ts';
import { openDb, type Db } from '../src/server/db/index.ts';
import { migrateToLatest } from '../src/server/db/migrate.ts';
import type { FieldErrors } from '../src/server/forms.ts';
import { seedReferenceData } from '../src/server/reference/seed.ts';

export async function withReadyDatabase<T>(fn: (db: Db, config: AppConfig) => Promise<T>): Promise<T> {
  const config = getConfig();
  const handle = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateToLatest(handle.db);
    await seedReferenceData(handle.db);
    return await fn(handle.db, config);
  } finally {
    await handle.close();
  }
}

/** Prints each field's message and makes the process end with status 1. */
export function reportErrors(errors: FieldErrors): void {
  const t = translator('en');
  for (const [field, msg] of Object.entries(errors)) console.error(`${field}: ${t(msg.key, msg.params)}`);
  process.exitCode = 1;
}
