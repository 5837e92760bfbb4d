/**
 * Prepares the database of an e2e run: migrates, loads the reference data and creates the
 * accounts of tests/e2e/fixtures.ts with known passwords, then closes the database (the
 * embedded one admits one process at a time; the server opens it next).
 *
 *   DATA_DIR=/tmp/x node_modules/.bin/node tests/e2e/seed.ts
 *
 * With DATABASE_URL set it seeds that PostgreSQL database instead, which must be a
 * throwaway one: it refuses a database holding any account outside the e2e domain. There,
 * fixture accounts from an earlier run are reset (password, role, unit, enabled) and the
 * rate-limit counters are emptied, so the suite can run again against the same database.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { ACCOUNTS, E2E_EMAIL_DOMAIN, type FixtureAccount } from './fixtures.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
process.chdir(root);

const { getConfig } = await import('../../src/server/config.ts');
const { openDb } = await import('../../src/server/db/index.ts');
const { migrateToLatest } = await import('../../src/server/db/migrate.ts');
const { seedReferenceData } = await import('../../src/server/reference/seed.ts');
const { createAdminAccount } = await import('../../src/server/accounts/service.ts');
const { hashPassword } = await import('../../src/server/accounts/passwords.ts');
const q = await import('../../src/server/accounts/queries.ts');

type Db = Awaited<ReturnType<typeof openDb>>['db'];

const config = getConfig();
const handle = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });

async function unitId(db: Db, shortName: string | null): Promise<number | null> {
  if (!shortName) return null;
  const row = await db.selectFrom('units').select('id').where('short_name', '=', shortName).executeTakeFirst();
  if (!row) throw new Error(`e2e seed: unit ${shortName} is not in db/seeds/units.csv`);
  return row.id;
}

/** Creates the account, or puts an existing one (earlier run, PostgreSQL) back as the fixture says. */
async function upsertAccount(db: Db, a: FixtureAccount): Promise<'created' | 'reset'> {
  const existing = await q.findUserByEmail(db, a.email);
  const password_hash = await hashPassword(a.password);
  const unit_id = await unitId(db, a.unit);
  if (existing) {
    await q.updateUser(db, existing.id, {
      display_name: a.displayName,
      password_hash,
      role: a.role,
      unit_id,
      disabled_at: null,
      locale: 'id',
      password_changed_at: new Date(),
    });
    await q.deleteUserSessions(db, existing.id);
    return 'reset';
  }
  if (a.role === 'admin') {
    // The admin goes through the same use case as `npm run admin:create`.
    const r = await createAdminAccount(db, { email: a.email, displayName: a.displayName, password: a.password }, config.publicUrl);
    if (!r.ok) throw new Error(`e2e seed: createAdminAccount(${a.email}) failed: ${JSON.stringify(r.errors)}`);
    return 'created';
  }
  await q.insertUser(db, {
    email: a.email,
    display_name: a.displayName,
    password_hash,
    role: a.role,
    unit_id,
    locale: 'id',
    password_changed_at: new Date(),
  });
  return 'created';
}

try {
  await migrateToLatest(handle.db);
  await seedReferenceData(handle.db);
  if (handle.kind === 'postgres') {
    const foreign = await handle.db
      .selectFrom('users')
      .select('email')
      .where('email', 'not like', `%@${E2E_EMAIL_DOMAIN}`)
      .limit(1)
      .executeTakeFirst();
    if (foreign) {
      throw new Error(
        `e2e seed: the database at DATABASE_URL holds accounts outside @${E2E_EMAIL_DOMAIN} (e.g. ${foreign.email}). ` +
          'Point DATABASE_URL at a throwaway database, or unset it to use a fresh embedded one.',
      );
    }
    await sql`delete from rate_limits`.execute(handle.db);
  }
  const done: string[] = [];
  for (const a of Object.values(ACCOUNTS)) done.push(`${a.email} (${a.role}${a.unit ? ` ${a.unit}` : ''}): ${await upsertAccount(handle.db, a)}`);
  process.stdout.write(`e2e seed (${handle.kind}${handle.kind === 'pglite' ? ` in ${config.dataDir}` : ''}):\n  ${done.join('\n  ')}\n`);
} finally {
  await handle.close();
}
