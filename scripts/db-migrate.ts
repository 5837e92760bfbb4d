/**
 * `npm run db:migrate` applies pending migrations and loads reference data
 * (`-- --down` rolls back the last migration). Uses DATABASE_URL, or the embedded
 * database in DATA_DIR (stop the server first: the embedded database is single-process).
 */
import { getConfig } from '../src/server/config.ts';
import { openDb } from '../src/server/db/index.ts';
import { migrateDown, migrateToLatest } from '../src/server/db/migrate.ts';
import { seedReferenceData } from '../src/server/reference/seed.ts';

const config = getConfig();
const handle = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
try {
  if (process.argv.includes('--down')) {
    const r = await migrateDown(handle.db);
    for (const m of r.results ?? []) console.log(`${m.status === 'Success' ? 'rolled back' : m.status}: ${m.migrationName}`);
    if (!r.results?.length) console.log('nothing to roll back');
  } else {
    const r = await migrateToLatest(handle.db);
    for (const m of r.results ?? []) console.log(`${m.status === 'Success' ? 'applied' : m.status}: ${m.migrationName}`);
    if (!r.results?.length) console.log('schema is up to date');
    const counts = await seedReferenceData(handle.db);
    console.log(`reference data: ${counts.units} units, ${counts.areas} areas`);
  }
} finally {
  await handle.close();
}
