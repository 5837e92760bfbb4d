import { getConfig } from './config.ts';
import { openDb, type DbHandle } from './db/index.ts';
import { migrateToLatest } from './db/migrate.ts';
import { log } from './log.ts';
import { seedReferenceData } from './reference/seed.ts';

const APP_KEY = Symbol.for('baku-dengar.app');

/**
 * The process-wide database, opened, migrated and seeded once. Kept on globalThis so that
 * the bundled Astro server and the Node entry point (server/main.ts), which load separate
 * copies of this module, share one connection pool / one embedded database.
 */
export function initApp(): Promise<DbHandle> {
  const g = globalThis as { [APP_KEY]?: Promise<DbHandle> };
  g[APP_KEY] ??= (async () => {
    const config = getConfig();
    const handle = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, pgliteMode: config.pgliteMode, readCache: config.readCache });
    const migrated = await migrateToLatest(handle.db);
    for (const r of migrated.results ?? []) log.info('migration applied', { migration: r.migrationName, status: r.status });
    await seedReferenceData(handle.db);
    log.info('database ready', { kind: handle.kind });
    return handle;
  })();
  // A failed start (database unreachable) is not cached: the next request tries again.
  g[APP_KEY].catch(() => delete g[APP_KEY]);
  return g[APP_KEY];
}

/** Closes the shared database if it was opened. */
export async function closeApp(): Promise<void> {
  const g = globalThis as { [APP_KEY]?: Promise<DbHandle> };
  const p = g[APP_KEY];
  if (!p) return;
  delete g[APP_KEY];
  await (await p).close();
}
