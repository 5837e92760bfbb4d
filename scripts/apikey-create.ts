/**
 * `npm run apikey:create -- --name "Aplikasi Lapor Ambon"`
 * Creates an Open311 API key and prints it once (only its SHA-256 is stored). The creation is
 * recorded in the audit log as done from the command line. Admins list and revoke keys at
 * /admin/api. With the embedded database, stop the server first.
 */
import { parseArgs } from 'node:util';
import { createApiKey } from '../src/server/open311/api-keys.ts';
import { userInfo } from 'node:os';
import { reportErrors, withReadyDatabase } from './cli.ts';

const { values } = parseArgs({ options: { name: { type: 'string' } } });
if (!values.name) {
  console.error('Usage: npm run apikey:create -- --name "Name of the app or partner"');
  process.exit(2);
}

const { name } = values;
await withReadyDatabase(async (db) => {
  const actor = { id: null, label: `cli:${userInfo().username}`, ip: null };
  const result = await createApiKey(db, actor, 'cli', { name });
  if (!result.ok) return reportErrors(result.errors);
  console.log(`Open311 API key #${result.value.id} created for ${result.value.name}. It is shown only now:\n  ${result.value.key}`);
});
