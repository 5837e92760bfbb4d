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
import { ACCOUNTS, E2E_EMAIL_DOMAIN, SEED_BULK, SEED_FEEDBACK, type FixtureAccount, type SeedFeedback } from './fixtures.ts';
import { FORUM_ACCOUNTS, SEED_FORUMS, type SeedForum } from './forum-fixtures.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
process.chdir(root);

const { getConfig } = await import('../../src/server/config.ts');
const { openDb } = await import('../../src/server/db/index.ts');
const { migrateToLatest } = await import('../../src/server/db/migrate.ts');
const { seedReferenceData } = await import('../../src/server/reference/seed.ts');
const { createAdminAccount } = await import('../../src/server/accounts/service.ts');
const { hashPassword } = await import('../../src/server/accounts/passwords.ts');
const q = await import('../../src/server/accounts/queries.ts');
const { parseConfig } = await import('../../src/server/config.ts');
const { submitFeedback } = await import('../../src/server/feedback/submission.ts');
const { supportFeedback } = await import('../../src/server/feedback/tracking.ts');
const { photoStore } = await import('../../src/server/feedback/photos.ts');
const { insertEvent } = await import('../../src/server/feedback/queries.ts');
const { assignFeedback, publishFeedback } = await import('../../src/server/moderation/service.ts');

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

/** A session user for the use cases (the seed acts as these accounts without signing in). */
async function sessionUser(db: Db, a: FixtureAccount) {
  const u = await db.selectFrom('users').select(['id', 'email', 'display_name', 'role', 'unit_id']).where('email', '=', a.email).executeTakeFirstOrThrow();
  return { id: u.id, email: u.email, displayName: u.display_name, role: u.role, unitId: u.unit_id, unitShortName: a.unit, unitSlug: null, locale: 'id' as const };
}

async function areaIds(db: Db, s: SeedFeedback): Promise<{ kecamatan: string; area: string }> {
  if (!s.kecamatan) return { kecamatan: '', area: '' };
  const kec = await db.selectFrom('areas').select('code').where('kind', '=', 'kecamatan').where('name', '=', s.kecamatan).executeTakeFirstOrThrow();
  if (!s.area) return { kecamatan: kec.code, area: '' };
  const area = await db
    .selectFrom('areas')
    .select('id')
    .where('kind', '!=', 'kecamatan')
    .where('kecamatan_code', '=', kec.code)
    .where('name', '=', s.area)
    .orderBy('id')
    .executeTakeFirst();
  if (!area) throw new Error(`e2e seed: area ${s.area} (${s.kecamatan}) is not in db/seeds/areas.csv`);
  return { kecamatan: kec.code, area: String(area.id) };
}

/**
 * Stores SEED_BULK then SEED_FEEDBACK through the use cases: submitted (pending), then
 * published, assigned, supported and closed as each entry says. A second run against the
 * same PostgreSQL database starts from no feedback (see below), so codes stay valid.
 */
async function seedFeedback(db: Db): Promise<number> {
  const rules = parseConfig({}).handling;
  const moderator = await sessionUser(db, ACCOUNTS.moderator);
  const ctxMod = { actor: { id: moderator.id, label: `${moderator.displayName} <${moderator.email}>`, ip: null }, rules, publicUrl: config.publicUrl };
  const photos = photoStore(config.dataDir);
  const units = new Map((await db.selectFrom('units').select(['id', 'short_name']).execute()).map((u) => [u.short_name, u.id]));
  const unitOf = (name: string) => {
    const id = units.get(name);
    if (!id) throw new Error(`e2e seed: unit ${name} is not in db/seeds/units.csv`);
    return String(id);
  };
  let n = 0;
  for (const s of [...SEED_BULK, ...(Object.values(SEED_FEEDBACK) as SeedFeedback[])]) {
    const author = s.author ? await sessionUser(db, ACCOUNTS[s.author]) : null;
    const where = await areaIds(db, s);
    const ctx = { ip: `seed-${n}`, userAgent: 'e2e seed', locale: 'id' as const, sessionPolicy: config.session, publicUrl: config.publicUrl, rules };
    const input: Record<string, string> = {
      submissionKey: s.submissionKey,
      kind: s.kind,
      unit: s.unit ? unitOf(s.unit) : 'unsure',
      kecamatan: where.kecamatan,
      area: where.area,
      title: s.title,
      body: s.body,
      contactName: s.contact?.name ?? '',
      contactEmail: s.contact?.email ?? '',
      contactPhone: s.contact?.phone ?? '',
    };
    if (s.anonymous) input.anonymous = 'on';
    if (s.confidential) input.confidential = 'on';
    const r = await submitFeedback(db, ctx, author, input, [], photos);
    if (!r.ok) throw new Error(`e2e seed: submitFeedback(${s.title}) failed: ${JSON.stringify(r.errors)}`);
    const id = r.value.feedbackId;
    if (s.publish) {
      const p = await publishFeedback(db, { ...ctxMod, now: new Date() }, id, null);
      if (!p.ok) throw new Error(`e2e seed: publishFeedback(${s.title}) failed: ${JSON.stringify(p.errors)}`);
    }
    if (s.assign) {
      const a = await assignFeedback(db, { ...ctxMod, now: new Date() }, id, null, { unitId: unitOf(s.assign) });
      if (!a.ok) throw new Error(`e2e seed: assignFeedback(${s.title}) failed: ${JSON.stringify(a.errors)}`);
    }
    for (const name of s.supporters ?? []) {
      const r = await supportFeedback(db, await sessionUser(db, ACCOUNTS[name]), id);
      if (!r.ok) throw new Error(`e2e seed: supportFeedback(${s.title}) failed: ${JSON.stringify(r.errors)}`);
    }
    if (s.closedDaysAgo !== undefined) {
      const closedAt = new Date(Date.now() - s.closedDaysAgo * 86400_000);
      const row = await db.selectFrom('feedback').select('status').where('id', '=', id).executeTakeFirstOrThrow();
      await db
        .updateTable('feedback')
        .set({ status: 'closed', closed_at: closedAt, responded_at: closedAt, first_response_at: closedAt, answer_due_at: null, autoclose_at: null, updated_at: closedAt })
        .where('id', '=', id)
        .execute();
      await insertEvent(db, { feedback_id: id, kind: 'closed', public: true, actor_role: 'system', from_status: row.status, to_status: 'closed', at: closedAt });
    }
    n++;
  }
  return n;
}

// ---- forums (tests/e2e/forums*.spec.ts; data in tests/e2e/forum-fixtures.ts) ----------------

/**
 * Schedules SEED_FORUMS through createForum (published at once, or left a draft), gives each
 * its fixed slug, then registers, checks in and publishes minutes as each entry says.
 */
async function seedForums(db: Db): Promise<number> {
  const { createForum } = await import('../../src/server/forums/schedule.ts');
  const { publishMinutes } = await import('../../src/server/forums/minutes.ts');
  const { registerForForum, checkInByCode } = await import('../../src/server/forums/registration.ts');
  const { toWitLocal } = await import('../../src/domain/dates.ts');
  const moderator = await sessionUser(db, FORUM_ACCOUNTS.moderator);
  const actorOf = (u: { id: string; displayName: string; email: string }) => ({ id: u.id, label: `${u.displayName} <${u.email}>`, ip: null });
  const now = Date.now();
  const at = (hours: number) => new Date(now + hours * 3600_000);
  let n = 0;
  for (const f of Object.values(SEED_FORUMS) as SeedForum[]) {
    const unitIds = await Promise.all(f.units.map(async (u) => String(await unitId(db, u))));
    const created = await createForum(db, { user: moderator, actor: actorOf(moderator), publicUrl: config.publicUrl }, {
      title: f.title,
      description: `Forum dialog warga dan ${f.units.join(', ')}.`,
      starts_at: toWitLocal(at(f.startsInHours)),
      ends_at: toWitLocal(at(f.startsInHours + f.hours)),
      mode: 'in_person',
      venue: f.venue,
      address: 'Kota Ambon',
      online_url: '',
      capacity: String(f.capacity),
      reserved_asn: String(f.reservedAsn),
      registration_opens_at: toWitLocal(at(f.opensInHours)),
      registration_closes_at: toWitLocal(at(f.closesInHours)),
      unit_ids: unitIds,
      publish: f.status === 'published' ? '1' : '',
    });
    if (!created.ok) throw new Error(`e2e seed: createForum(${f.slug}) failed: ${JSON.stringify(created.errors)}`);
    const forumId = created.value.id;
    await db.updateTable('forums').set({ slug: f.slug }).where('id', '=', forumId).execute();
    const codes = new Map<string, string>();
    for (const name of f.registrants ?? []) {
      const who = await sessionUser(db, FORUM_ACCOUNTS[name]);
      // Registered while the window was open (an hour after it opened).
      const r = await registerForForum(db, { user: who, actor: actorOf(who), publicUrl: config.publicUrl, now: at(f.opensInHours + 1) }, forumId);
      if (!r?.ok) throw new Error(`e2e seed: registerForForum(${f.slug}, ${name}) failed: ${JSON.stringify(r)}`);
      codes.set(name, r.value.code);
    }
    for (const name of f.checkedIn ?? []) {
      const r = await checkInByCode(db, { user: moderator, actor: actorOf(moderator), publicUrl: config.publicUrl }, forumId, codes.get(name)!);
      if (!r?.ok) throw new Error(`e2e seed: checkInByCode(${f.slug}, ${name}) failed: ${JSON.stringify(r)}`);
    }
    if (f.minutes) {
      const r = await publishMinutes(db, { user: moderator, actor: actorOf(moderator), publicUrl: config.publicUrl }, forumId, { minutes: f.minutes });
      if (!r?.ok) throw new Error(`e2e seed: publishMinutes(${f.slug}) failed: ${JSON.stringify(r)}`);
    }
    n++;
  }
  return n;
}

// ---- end of forums ------------------------------------------------------------------------

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
    // Feedback of an earlier run (tests change it): seeded again from scratch below.
    await sql`update feedback set duplicate_of = null`.execute(handle.db);
    await sql`delete from feedback`.execute(handle.db);
    await sql`delete from answer_templates`.execute(handle.db);
    // Forums of an earlier run (forums spec): seeded again below; those the tests scheduled go too.
    await sql`delete from forums where slug like 'e2e-forum-%' or created_by in (select id from users where email = ${FORUM_ACCOUNTS.moderator.email})`.execute(handle.db);
  }
  const done: string[] = [];
  for (const a of Object.values(ACCOUNTS)) done.push(`${a.email} (${a.role}${a.unit ? ` ${a.unit}` : ''}): ${await upsertAccount(handle.db, a)}`);
  for (const a of Object.values(FORUM_ACCOUNTS)) done.push(`${a.email} (${a.role}${a.unit ? ` ${a.unit}` : ''}): ${await upsertAccount(handle.db, a)}`);
  // Flags hide content only when they come from established accounts (FLAG_ESTABLISHED_DAYS): these three are a month old.
  await sql`update users set created_at = now() - interval '30 days' where email in (${ACCOUNTS.residentFlagA.email}, ${ACCOUNTS.residentFlagB.email}, ${ACCOUNTS.residentFlagC.email})`.execute(handle.db);
  const feedback = await seedFeedback(handle.db);
  const forums = await seedForums(handle.db);
  process.stdout.write(`e2e seed (${handle.kind}${handle.kind === 'pglite' ? ` in ${config.dataDir}` : ''}):\n  ${done.join('\n  ')}\n  ${feedback} feedback items\n  ${forums} forums\n`);
} finally {
  await handle.close();
}
