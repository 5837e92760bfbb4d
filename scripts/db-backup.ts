/**
 * `npm run db:backup [-- --out <folder>]` writes a backup of the database (DATABASE_URL through
 * pg_dump, or the embedded one in DATA_DIR through PGlite's dump) and the photos in
 * DATA_DIR/uploads into one folder (default backups/baku-dengar-<UTC time>). With the
 * embedded database, stop the server first (it is single-process; the command says so).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BackupError, createBackup } from '../src/server/backup/service.ts';
import { getConfig } from '../src/server/config.ts';

const { values } = parseArgs({ options: { out: { type: 'string' } } });
const config = getConfig();
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
const out = path.resolve(values.out ?? path.join('backups', `baku-dengar-${stamp}`));
try {
  const m = await createBackup({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }, out);
  console.log(`backup written to ${out}: ${m.database} database (${m.tool}), ${m.photos} photos`);
} catch (e) {
  console.error(e instanceof BackupError || e instanceof Error ? e.message : e);
  process.exit(1);
}
