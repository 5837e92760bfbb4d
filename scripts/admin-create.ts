/**
 * `npm run admin:create -- --email admin@ambon.go.id [--name "Nama"]`
 * Creates an admin account. On a terminal the password is asked (twice, not echoed);
 * otherwise, or with --link, a one-time set-up link valid for 24 hours is printed.
 */
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { createAdminAccount } from '../src/server/accounts/service.ts';
import { reportErrors, withReadyDatabase } from './cli.ts';

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

const { email, name } = values;
await withReadyDatabase(async (db, config) => {
  const result = await createAdminAccount(db, { email, displayName: name, password }, config.publicUrl);
  if (!result.ok) return reportErrors(result.errors);
  console.log(`Admin account created: ${result.value.user.email}`);
  if (result.value.setupLink) {
    console.log(`Open this one-time link within 24 hours to set the password:\n  ${result.value.setupLink}`);
  }
});
