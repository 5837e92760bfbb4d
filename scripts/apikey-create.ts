/**
 * `npm run apikey:create -- --name "Aplikasi Lapor Ambon"`
 * Creates an Open311 API key and prints it once (only its SHA-256 is stored). The creation is
 * recorded in the audit log as done from the command line. Admins list and revoke keys at
 * /admin/api. With the embedded database, stop the server first.
 */
import { parseArgs } from 'node:util';
import { translator } from '../src/i18n/index.ts';
import { getConfig } from '../src/server/config.ts';
import { openDb } from '../src/server/db/index.ts';
import { migrateToLatest } from '../src/server/db/migrate.ts';
import { createApiKey } from '../src/server/open311/api-keys.ts';
import { seedReferenceData } from '../src/server/reference/seed.ts';
import { userInfo } from 'node:os';

const { values } = parseArgs({ options: { name: { type: 'string' } } });
if (!values.name) {
  console.error('Usage: npm run apikey:create -- --name "Name of the app or partner"');
  process.exit(2);
}

const config = getConfig();
const handle = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
try {
  await migrateToLatest(handle.db);
  await seedReferenceData(handle.db);
  const actor = { id: null, label: `cli:${userInfo().username}`, ip: null };
  const result = await createApiKey(handle.db, actor, 'cli', { name: values.name });
  if (!result.ok) {
    const t = translator('en');
    for (const [field, msg] of Object.entries(result.errors)) console.error(`${field}: ${t(msg.key, msg.params)}`);
    process.exitCode = 1;
  } else {
    console.log(`Open311 API key #${result.value.id} created for ${result.value.name}. It is shown only now:\n  ${result.value.key}`);
  }
} finally {
  await handle.close();
}
