/**
 * `npm run admin:create -- --email admin@ambon.go.id [--name "Nama"]`
 * Creates an admin account. On a terminal the password is asked (twice, not echoed);
 * otherwise, or with --link, a one-time set-up link valid for 24 hours is printed.
 */
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { createAdminAccount } from '../src/server/accounts/service.ts';
import { getConfig } from '../src/server/config.ts';
import { openDb } from '../src/server/db/index.ts';
import { migrateToLatest } from '../src/server/db/migrate.ts';
import { translator } from '../src/i18n/index.ts';
import { seedReferenceData } from '../src/server/reference/seed.ts';

const { values } = parseArgs({ options: { email: { type: 'string' }, name: { type: 'string' }, link: { type: 'boolean', default: false } } });
if (!values.email) {
  console.error('Usage: npm run admin:create -- --email ADDRESS [--name "Display name"] [--link]');
  process.exit(2);
}

async function askHidden(question: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk, _enc, cb) {
      if (!muted) process.stdout.write(chunk);
      cb();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      process.stdout.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}

let password: string | undefined;
if (!values.link && process.stdin.isTTY) {
  password = await askHidden('Password (at least 10 characters): ');
  const again = await askHidden('Repeat the password: ');
  if (password !== again) {
    console.error('The two passwords differ. Nothing was created.');
    process.exit(1);
  }
}

const config = getConfig();
const handle = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
try {
  await migrateToLatest(handle.db);
  await seedReferenceData(handle.db);
  const result = await createAdminAccount(handle.db, { email: values.email, displayName: values.name, password }, config.publicUrl);
  if (!result.ok) {
    const t = translator('en');
    for (const [field, msg] of Object.entries(result.errors)) console.error(`${field}: ${t(msg.key, msg.params)}`);
    process.exitCode = 1;
  } else {
    console.log(`Admin account created: ${result.value.user.email}`);
    if (result.value.setupLink) {
      console.log(`Open this one-time link within 24 hours to set the password:\n  ${result.value.setupLink}`);
    }
  }
} finally {
  await handle.close();
}
