/**
 * `npm run db:restore -- <backup folder> [--force]` restores a backup made by db:backup: a
 * PostgreSQL backup into DATABASE_URL's database (pg_restore), an embedded one into
 * DATA_DIR/pglite, the photos into DATA_DIR/uploads. Refuses a target that already holds data
 * unless --force (which replaces it). Stop the server first.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BackupError, restoreBackup } from '../src/server/backup/service.ts';
import { getConfig } from '../src/server/config.ts';

const { values, positionals } = parseArgs({ options: { force: { type: 'boolean', default: false } }, allowPositionals: true });
if (positionals.length !== 1) {
  console.error('usage: npm run db:restore -- <backup folder> [--force]');
  process.exit(2);
}
const config = getConfig();
const from = path.resolve(positionals[0]!);
try {
  const m = await restoreBackup({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }, from, { force: values.force });
  console.log(`restored ${m.database} backup of ${m.createdAt} from ${from} (${m.photos} photos)`);
} catch (e) {
  console.error(e instanceof BackupError || e instanceof Error ? e.message : e);
  process.exit(1);
}
