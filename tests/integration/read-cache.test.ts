import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, expect, it, vi } from 'vitest';
import { CHURN_TABLES, changeFeedOf, writesContent } from '../../src/server/db/changes.ts';
import { openDb, type Db, type DbKind } from '../../src/server/db/index.ts';
import { cachedRead, clearReadCache, READ_CACHE_TTL_MS } from '../../src/server/db/read-cache.ts';
import { listBoard, parseBoardQuery } from '../../src/server/feedback/board.ts';
import { supportFeedback } from '../../src/server/feedback/tracking.ts';
import { listForums } from '../../src/server/forums/service.ts';
import { describeEachDb, describePostgres } from '../support/db.ts';
import { insertForum } from '../support/coaching-fixtures.ts';
import { makeUser, submitPublished, valueOf } from '../support/feedback-fixtures.ts';

/**
 * The contract of src/server/db/read-cache.ts and changes.ts: a public read is served from
 * memory only until the content may have changed, whoever changed it.
 */
afterEach(() => {
  vi.useRealTimers();
});

/**
 * Waits until this process has heard every notification committed so far (PostgreSQL: they arrive
 * after the commit, on the listener's connection, in commit order); at once on PGlite, which has
 * no other writer. Without it an earlier write's notification could arrive in the middle of an
 * assertion about a later one.
 */
async function settled(db: Db, kind: DbKind): Promise<void> {
  if (kind !== 'postgres') return;
  const token = `sync:${randomUUID()}`;
  const heard = changeFeedOf(db)!.whenHeard(token);
  await sql`select pg_notify('bd_content', ${token})`.execute(db);
  await heard;
}

/** A loader that counts its calls and returns what the database holds now. */
function counting<T>(read: () => Promise<T>) {
  const fn = Object.assign(async () => {
    fn.calls++;
    return read();
  }, { calls: 0 });
  return fn;
}

describeEachDb('public reads kept in memory', (get) => {
  const db = () => get().db;

  it('every table either tells listeners of its changes or is listed as churn, never both', async () => {
    const rows = await sql<{ name: string; notifies: boolean }>`
      select c.relname as name,
        exists (select 1 from pg_trigger t where t.tgrelid = c.oid and t.tgname = 'bd_content_changed') as notifies
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and c.relkind in ('r', 'p')`.execute(db());
    expect(rows.rows.length).toBeGreaterThan(30);
    for (const r of rows.rows) expect({ table: r.name, notifies: r.notifies }).toEqual({ table: r.name, notifies: !CHURN_TABLES.has(r.name) });
  });

  it('serves a read from memory until this process writes content, in or out of a transaction', async () => {
    const settle = () => settled(db(), get().kind);
    await settle();
    clearReadCache(db());
    const load = counting(async () => (await db().selectFrom('units').select('name').orderBy('id').executeTakeFirstOrThrow()).name);
    const first = await cachedRead(db(), 'test:unit-name', load);
    expect(await cachedRead(db(), 'test:unit-name', load)).toBe(first);
    expect(load.calls).toBe(1);

    // Churn (a session, a rate-limit count) does not count as a change...
    await db().insertInto('rate_limits').values({ key: `test-${Date.now()}`, window_start: new Date(), count: 1 }).execute();
    await settle();
    await cachedRead(db(), 'test:unit-name', load);
    expect(load.calls).toBe(1);
    // ...nor does a write that touched no row.
    await db().updateTable('units').set({ name: 'x' }).where('id', '=', -1).execute();
    await settle();
    await cachedRead(db(), 'test:unit-name', load);
    expect(load.calls).toBe(1);

    const unit = await db().selectFrom('units').select(['id', 'name']).orderBy('id').executeTakeFirstOrThrow();
    try {
      await db().updateTable('units').set({ name: 'Nama baru' }).where('id', '=', unit.id).execute();
      await settle();
      expect(await cachedRead(db(), 'test:unit-name', load)).toBe('Nama baru');
      expect(load.calls).toBe(2);

      // In a transaction the change counts at its commit, not before; a rollback changes nothing.
      await db().transaction().execute(async (trx) => {
        await trx.updateTable('units').set({ name: 'Nama dalam transaksi' }).where('id', '=', unit.id).execute();
        expect(await cachedRead(db(), 'test:unit-name', load)).toBe('Nama baru');
      });
      await settle();
      expect(await cachedRead(db(), 'test:unit-name', load)).toBe('Nama dalam transaksi');
      const calls = load.calls;
      await db()
        .transaction()
        .execute(async (trx) => {
          await trx.updateTable('units').set({ name: 'dibatalkan' }).where('id', '=', unit.id).execute();
          throw new Error('rollback');
        })
        .catch(() => {});
      await settle();
      expect(await cachedRead(db(), 'test:unit-name', load)).toBe('Nama dalam transaksi');
      expect(load.calls).toBe(calls);
    } finally {
      await db().updateTable('units').set({ name: unit.name }).where('id', '=', unit.id).execute();
    }
  });

  it('a read that ran while a write committed is not kept', async () => {
    clearReadCache(db());
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let value = 'before';
    const slow = counting(async () => {
      const v = value;
      await gate;
      return v;
    });
    const pending = cachedRead(db(), 'test:slow', slow);
    value = 'after';
    await db().updateTable('areas').set({ name: sql`name` }).where('id', '=', (await db().selectFrom('areas').select('id').executeTakeFirstOrThrow()).id).execute();
    release();
    expect(await pending).toBe('before');
    expect(await cachedRead(db(), 'test:slow', slow)).toBe('after');
    expect(slow.calls).toBe(2);
  });

  it('keeps a read for READ_CACHE_TTL_MS at most, shares one load between concurrent callers, and keeps no failure', async () => {
    clearReadCache(db());
    const load = counting(async () => ({ at: Date.now() }));
    const [a, b] = await Promise.all([cachedRead(db(), 'test:ttl', load), cachedRead(db(), 'test:ttl', load)]);
    expect(a).toBe(b);
    expect(load.calls).toBe(1);
    // Callers share the value: it is frozen.
    expect(Object.isFrozen(a)).toBe(true);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + READ_CACHE_TTL_MS + 1);
    await cachedRead(db(), 'test:ttl', load);
    expect(load.calls).toBe(2);

    let fail = true;
    const flaky = counting(async () => {
      if (fail) throw new Error('database away');
      return 'ok';
    });
    await expect(cachedRead(db(), 'test:flaky', flaky)).rejects.toThrow('database away');
    fail = false;
    expect(await cachedRead(db(), 'test:flaky', flaky)).toBe('ok');
  });

  it('the board shows a new item, a support and a hidden item on the next view', async () => {
    clearReadCache(db());
    const moderator = await makeUser(db(), { role: 'moderator' });
    const newest = () => listBoard(db(), parseBoardQuery(new URLSearchParams()));
    await newest();
    const supporter = await makeUser(db());
    const created = await submitPublished(db(), moderator.actor, { title: 'Lampu jalan di Batu Merah padam seminggu' });
    const page = await newest();
    expect(page.items[0]?.id).toBe(created.feedbackId);
    expect(page.items[0]?.support_count).toBe(0);
    valueOf(await supportFeedback(db(), supporter.user, created.feedbackId));
    expect((await newest()).items[0]?.support_count).toBe(1);
    await db().updateTable('feedback').set({ moderation_state: 'hidden' }).where('id', '=', created.feedbackId).execute();
    expect((await newest()).items.map((i) => i.id)).not.toContain(created.feedbackId);
  });

  it('the forum list shows a new forum on the next view', async () => {
    clearReadCache(db());
    const before = await listForums(db(), null);
    const forum = await insertForum(db(), 'Forum yang baru diumumkan');
    // A draft is not public; publishing it is the change the list must show.
    expect((await listForums(db(), null)).upcoming.length).toBe(before.upcoming.length);
    await db().updateTable('forums').set({ status: 'published' }).where('id', '=', forum.id).execute();
    const after = await listForums(db(), null);
    expect([...after.upcoming, ...after.past].map((f) => f.id)).toContain(forum.id);
    expect(after.upcoming.length + after.past.length).toBe(before.upcoming.length + before.past.length + 1);
  });
});

describePostgres('public reads kept in memory, several processes', (get) => {
  it("another process's commit reaches this one's memory; while the listener is away nothing is served from memory", async () => {
    const { db, url } = get();
    const feed = changeFeedOf(db)!;
    expect(feed).toBeDefined();
    for (let i = 0; i < 100 && !feed.live; i++) await feed.nextChange();
    expect(feed.live).toBe(true);
    await settled(db, 'postgres');
    clearReadCache(db);
    const load = counting(async () => Number((await db.selectFrom('forums').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n));
    const before = await cachedRead(db, 'test:forums', load);

    // Another process: its own pool, the app's kind of handle.
    const other = await openDb({ databaseUrl: url!, dataDir: null, readCache: true });
    try {
      const seen = feed.nextChange();
      await insertForum(other.db, 'Forum dari proses lain');
      await seen;
      expect(await cachedRead(db, 'test:forums', load)).toBe(before + 1);
      expect(load.calls).toBe(2);
    } finally {
      await other.close();
    }

    // The listener's connection is ended by the server: reads go to the database until it is back.
    const admin = new pg.Client({ connectionString: url! });
    await admin.connect();
    try {
      const lost = feed.nextChange();
      await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query = 'listen ${'bd_content'}'`);
      await lost;
      expect(feed.live).toBe(false);
      const calls = load.calls;
      await cachedRead(db, 'test:forums', load);
      await cachedRead(db, 'test:forums', load);
      expect(load.calls).toBe(calls + 2);
      for (let i = 0; i < 100 && !feed.live; i++) await feed.nextChange();
      expect(feed.live).toBe(true);
      await cachedRead(db, 'test:forums', load);
      await cachedRead(db, 'test:forums', load);
      expect(load.calls).toBe(calls + 3);
    } finally {
      await admin.end();
    }
  });
});

it('tells content writes from reads, churn and row locks', () => {
  expect(writesContent('insert into "feedback" ("title") values ($1)', 1n)).toBe(true);
  expect(writesContent('update "feedback" set "support_count" = "support_count" + 1 where "id" = $1', 0n)).toBe(false);
  expect(writesContent('with "x" as (update "forums" set "resident_taken" = 1 returning "id") select * from "x"', 0n)).toBe(true);
  expect(writesContent('insert into "rate_limits" ("key") values ($1) on conflict ("key") do update set "count" = "rate_limits"."count" + 1', 1n)).toBe(false);
  expect(writesContent('select * from "forums" where "id" = $1 for update', undefined)).toBe(false);
  expect(writesContent('select * from "forums" for no key update of "forums"', undefined)).toBe(false);
  expect(writesContent('delete from sessions where expires_at < now()', 3n)).toBe(false);
  expect(writesContent('select "updated_at" from "feedback"', undefined)).toBe(false);
  expect(writesContent('create index x on feedback (id)', undefined)).toBe(true);
});
