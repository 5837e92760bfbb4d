import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { requestPasswordReset } from '../../src/server/accounts/service.ts';
import { openDb, type Db, type DbHandle } from '../../src/server/db/index.ts';
import type { OutboxRow } from '../../src/server/db/schema.ts';
import { runHandlingAction } from '../../src/server/handling/actions.ts';
import { composeEmail, enqueueEmail } from '../../src/server/notifications/service.ts';
import { createTransport, deliverDueEmails, type Transport } from '../../src/server/messaging/worker.ts';
import { describeEachDb, describePostgres } from '../support/db.ts';
import { handCtx, person, PUBLIC_URL, requestCtx, submitAssigned, unitIdOf, valueOf, type Person } from '../support/handling-fixtures.ts';
import { addressesOf, startSmtp, type ReceivedMail, type TestSmtp } from '../support/handling-smtp.ts';

// Failed deliveries log a warning each; keep the output readable.
process.env.LOG_LEVEL = 'error';

const FROM = 'Baku Dengar <no-reply@bakudengar.test>';
const TRACKING_CODE = /BD-[2-9A-HJKMNP-TW-Z]{4,6}-[2-9A-HJKMNP-TW-Z]{4,6}/;

/**
 * next_attempt_at defaults to the database's now() (microseconds); workers compare it with the
 * Node clock. A second ahead makes messages queued a moment ago due.
 */
const soon = () => new Date(Date.now() + 1000);

async function drain(db: Db, transport: Transport): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await deliverDueEmails(db, transport, soon(), 10);
    if (n === 0) return total;
    total += n;
  }
}

async function outboxRow(db: Db, id: number): Promise<OutboxRow> {
  return db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

function byOutboxId(smtp: TestSmtp, id: number): ReceivedMail {
  const m = smtp.received.filter((r) => r.outboxId === id);
  expect(m.length, `messages with outbox id ${id}`).toBe(1);
  return m[0]!;
}

describeEachDb('outbox delivery through a real SMTP server', (get) => {
  const db = () => get().db;
  let smtp: TestSmtp;
  let mod: Person;
  let asn: Person;
  let unitA: number;

  beforeAll(async () => {
    smtp = await startSmtp();
    unitA = await unitIdOf(db(), 'Dinas PUPR');
    mod = await person(db(), 'moderator');
    asn = await person(db(), 'asn', { unitId: unitA });
  });
  afterAll(async () => {
    await smtp?.close();
  });
  beforeEach(async () => {
    await drain(db(), createTransport(undefined, FROM));
    smtp.received.length = 0;
  });

  it('a password reset email and an answer email arrive as multipart text+html, with the right headers and links, and nothing they should not carry', async () => {
    const last = await db().selectFrom('outbox').select('id').orderBy('id', 'desc').limit(1).executeTakeFirst();
    const firstNew = (last?.id ?? 0) + 1;
    const user = await person(db(), 'resident', { name: 'Maria Tuhumury' });
    valueOf(await requestPasswordReset(db(), requestCtx(), { email: user.user.email }));
    const reset = await db().selectFrom('outbox').selectAll().where('to_email', '=', user.user.email).where('template', '=', 'password_reset').executeTakeFirstOrThrow();

    const phone = '0812 7777 8888';
    const contact = 'pelapor.smtp@contoh.id';
    const f = await submitAssigned(db(), mod, unitA, { contactEmail: contact, contactPhone: phone, contactName: 'Yakobus Pattinama', officer: 'Ibu Petugas Loket' });
    valueOf((await runHandlingAction(db(), handCtx(asn), f.id, { action: 'answer', text: 'Lampu sudah diganti. Terima kasih atas laporannya.' })).result);
    const answer = await db().selectFrom('outbox').selectAll().where('to_email', '=', contact).where('template', '=', 'feedback_answer').executeTakeFirstOrThrow();
    const receipt = await db().selectFrom('outbox').selectAll().where('to_email', '=', contact).where('template', '=', 'feedback_receipt').executeTakeFirstOrThrow();

    const transport = createTransport(smtp.url, FROM);
    const delivered = await drain(db(), transport);
    expect(delivered).toBeGreaterThanOrEqual(3);
    expect(await db().selectFrom('outbox').select(['id', 'status']).where('id', '>=', firstNew).where('status', '!=', 'sent').execute()).toEqual([]);
    for (const id of [reset.id, answer.id, receipt.id]) {
      const row = await outboxRow(db(), id);
      expect(row).toMatchObject({ status: 'sent', attempts: 1, last_error: null });
      expect(row.sent_at).not.toBeNull();
    }
    // Every delivered row arrived once, with its id in the header.
    expect([...smtp.countsByOutboxId().values()].every((n) => n === 1)).toBe(true);
    expect(smtp.received.length).toBe(delivered);

    // The reset email.
    const r = byOutboxId(smtp, reset.id);
    expect(r.envelopeTo).toEqual([user.user.email]);
    expect(r.mailFrom).toBe('no-reply@bakudengar.test');
    expect(r.parsed.subject).toBe('Atur ulang kata sandi Baku Dengar');
    expect(addressesOf(r.parsed.to)).toEqual([user.user.email]);
    expect(addressesOf(r.parsed.from)).toEqual(['no-reply@bakudengar.test']);
    expect(r.parsed.from!.value[0]!.name).toBe('Baku Dengar');
    expect(r.parsed.text).toBeTruthy();
    expect(r.parsed.html).toBeTruthy();
    const link = /http:\/\/localhost:4321\/atur-sandi\/[a-z2-7]{32}/.exec(r.parsed.text!)?.[0];
    expect(link, 'reset link in the text part').toBeDefined();
    expect(r.parsed.html as string).toContain(`<a href="${link}">${link}</a>`);
    expect(r.parsed.text).toContain('Maria Tuhumury');
    expect(r.raw).not.toMatch(TRACKING_CODE);

    // The answer email.
    const a = byOutboxId(smtp, answer.id);
    expect(a.envelopeTo).toEqual([contact]);
    expect(a.parsed.subject).toBe('Jawaban atas masukan Anda');
    expect(a.parsed.text).toContain('Lampu sudah diganti. Terima kasih atas laporannya.');
    expect(a.parsed.text).toContain(`${PUBLIC_URL}/lacak`);
    // (The exact href is checked in the punctuation test below; here only that the link is there.)
    expect(a.parsed.html as string).toContain(`<a href="${PUBLIC_URL}/lacak`);
    expect(a.parsed.html as string).toContain('Lampu sudah diganti.');
    for (const part of [a.raw, a.parsed.text!, a.parsed.html as string]) {
      expect(part).not.toContain(phone);
      expect(part).not.toContain('7777');
      expect(part).not.toContain('Ibu Petugas Loket');
      expect(part).not.toContain(f.code);
      expect(part).not.toMatch(TRACKING_CODE);
    }

    // The receipt is the one email that needs the tracking code; even it has no phone number.
    const rc = byOutboxId(smtp, receipt.id);
    expect(rc.parsed.text).toContain(f.code);
    expect(rc.raw).not.toContain('7777');
  });

  // composeEmail turns URLs into links after escaping the text. At e324e56 its pattern swallowed
  // the full stop after a link ending a sentence ("... di {link}. Jika ..." → href ".../lacak.",
  // a 404) in the answer, hidden and rejected-incomplete emails. The working-tree fix stops at
  // sentence punctuation but still runs on the escaped text, so a URL the unit quotes in its
  // answer ("https://..." or 'https://...') gets href="https://...&quot" (BUG: the last case).
  it('links in delivered HTML parts are exactly the URLs: no trailing punctuation, no escaped quotes', async () => {
    const lacak = `${PUBLIC_URL}/lacak`;
    const answer = (text: string) => composeEmail('id', 'email.answer.subject', 'email.answer.body', { unit: 'Dinas PUPR', title: 'Judul', answer: text, link: lacak });
    const cases: Array<[ReturnType<typeof composeEmail>, string[]]> = [
      [answer('Jawaban'), [lacak]],
      [composeEmail('id', 'email.hidden.subject', 'email.hidden.body', { title: 'Judul', link: lacak }), [lacak]],
      [composeEmail('id', 'email.rejected.subject', 'email.rejected.incomplete', { title: 'Judul', note: 'Catatan', original: '', link: lacak }), [lacak]],
      [composeEmail('en', 'email.answer.subject', 'email.answer.body', { unit: 'Dinas PUPR', title: 'Title', answer: 'Answer', link: lacak }), [lacak]],
      [answer('Jadwal ada di (https://ambon.go.id/jadwal) dan https://ambon.go.id/a?x=1&y=2.'), ['https://ambon.go.id/jadwal', 'https://ambon.go.id/a?x=1&amp;y=2', lacak]],
      [answer(`Lihat "https://ambon.go.id/info" atau 'https://ambon.go.id/faq'.`), ['https://ambon.go.id/info', 'https://ambon.go.id/faq', lacak]],
    ];
    const ids: number[] = [];
    for (const [c] of cases) ids.push(await enqueueEmail(db(), 'tautan@contoh.id', 'id', 'test', c));
    await drain(db(), createTransport(smtp.url, FROM));
    for (const [i, id] of ids.entries()) {
      const html = byOutboxId(smtp, id).parsed.html as string;
      const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!);
      expect(hrefs, `case ${i}`).toEqual(cases[i]![1]);
    }
  });

  it('non-ASCII content and HTML-looking text survive the trip, escaped in the HTML part', async () => {
    const content = composeEmail('id', 'email.answer.subject', 'email.answer.body', { unit: 'Dinas PUPR', title: 'Jalan <rusak> & "berlubang" — Batu Merah', answer: 'Sudah diperbaiki ✓', link: `${PUBLIC_URL}/lacak` });
    const id = await enqueueEmail(db(), 'unicode@contoh.id', 'id', 'test', content);
    await drain(db(), createTransport(smtp.url, FROM));
    const m = byOutboxId(smtp, id);
    expect(m.parsed.text).toContain('Jalan <rusak> & "berlubang" — Batu Merah');
    expect(m.parsed.text).toContain('Sudah diperbaiki ✓');
    expect(m.parsed.html as string).toContain('Jalan &lt;rusak&gt; &amp; &quot;berlubang&quot; — Batu Merah');
    expect(m.parsed.html as string).not.toContain('<rusak>');
  });

  it('a server that refuses the recipient: the message stays pending with attempts 1, last_error set and a later retry time', async () => {
    const refusing = await startSmtp({ rejectRecipient: { code: 550, message: 'Mailbox unavailable' } });
    try {
      const id = await enqueueEmail(db(), 'tidak.ada@contoh.id', 'id', 'test', { subject: 'Uji', text: 'Isi', html: '<p>Isi</p>' });
      const before = Date.now();
      expect(await deliverDueEmails(db(), createTransport(refusing.url, FROM), soon())).toBe(1);
      const row = await outboxRow(db(), id);
      expect(row).toMatchObject({ status: 'pending', attempts: 1, sent_at: null });
      expect(row.last_error).toMatch(/550|Mailbox unavailable/);
      expect(row.next_attempt_at.getTime()).toBeGreaterThanOrEqual(before + 55_000);
      expect(refusing.received).toEqual([]);
      // Not due again yet.
      expect(await deliverDueEmails(db(), createTransport(refusing.url, FROM), soon())).toBe(0);
      // Once due, a working server takes it.
      expect(await deliverDueEmails(db(), createTransport(smtp.url, FROM), new Date(row.next_attempt_at.getTime() + 1))).toBe(1);
      expect(await outboxRow(db(), id)).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
      byOutboxId(smtp, id);
    } finally {
      await refusing.close();
    }
  });

  it('an unreachable server: pending with the connection error', async () => {
    const gone = await startSmtp();
    const url = gone.url;
    await gone.close();
    const id = await enqueueEmail(db(), 'siapa@contoh.id', 'id', 'test', { subject: 'Uji', text: 'Isi', html: '<p>Isi</p>' });
    expect(await deliverDueEmails(db(), createTransport(url, FROM), soon())).toBe(1);
    const row = await outboxRow(db(), id);
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row.last_error).toMatch(/ECONNREFUSED|connect/i);
  });
});

describePostgres('two workers deliver the outbox concurrently through one SMTP server', (get) => {
  it('40 messages, two pools draining at once, a slow server: each message delivered exactly once, all sent', async () => {
    const { db, url } = get();
    const smtp = await startSmtp({ delayMs: 15 });
    const pools: DbHandle[] = [];
    try {
      const ids: number[] = [];
      for (let i = 0; i < 40; i++) ids.push(await enqueueEmail(db, `warga${i}@contoh.id`, 'id', 'test', { subject: `Pesan ${i}`, text: `Isi ${i}`, html: `<p>Isi ${i}</p>` }));
      pools.push(await openDb({ databaseUrl: url!, dataDir: null, poolSize: 3 }), await openDb({ databaseUrl: url!, dataDir: null, poolSize: 3 }));
      const worker = async (p: DbHandle) => {
        const transport = createTransport(smtp.url, FROM);
        let handled = 0;
        for (;;) {
          const n = await deliverDueEmails(p.db, transport, soon(), 3);
          if (n === 0) return handled;
          handled += n;
        }
      };
      const handled = await Promise.all(pools.map(worker));
      expect(handled[0]! + handled[1]!).toBe(40);
      // Both workers took part (SKIP LOCKED let them share the queue).
      expect(handled.every((n) => n > 0)).toBe(true);

      const counts = smtp.countsByOutboxId();
      expect([...counts.keys()].sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      expect(smtp.received.length).toBe(40);
      for (const m of smtp.received) expect(m.envelopeTo).toEqual([`warga${ids.indexOf(m.outboxId!)}@contoh.id`]);
      const rows = await db.selectFrom('outbox').select(['id', 'status', 'attempts']).where('id', 'in', ids).execute();
      expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
    } finally {
      for (const p of pools) await p.close();
      await smtp.close();
    }
  });

  // BUG: openDb (src/server/db/index.ts) creates its pg.Pool without an 'error' listener. When
  // PostgreSQL ends an idle pooled connection (server restart, failover, idle timeout,
  // pg_terminate_backend), node-postgres emits 'error' on the pool and, with no listener, the
  // process crashes: the outbox/autoclose/digest worker and the web server alike. The same
  // missing listener is why test runs on PostgreSQL now and then end with an unhandled
  // "57P01 terminating connection due to administrator command" when tests/support/db.ts drops
  // a test database (drop ... with (force)) right after pool.end() resolved.
  it("the worker's pool survives PostgreSQL terminating its idle connections", async () => {
    const { db, url } = get();
    const created: pg.Pool[] = [];
    const Original = pg.Pool;
    class Recording extends Original {
      constructor(config?: pg.PoolConfig) {
        super(config);
        created.push(this);
      }
    }
    (pg as { Pool: typeof pg.Pool }).Pool = Recording;
    let worker: DbHandle;
    try {
      worker = await openDb({ databaseUrl: url!, dataDir: null, poolSize: 2 });
    } finally {
      (pg as { Pool: typeof pg.Pool }).Pool = Original;
    }
    try {
      expect(created.length).toBe(1);
      // Without a listener the step below would crash the process instead of failing here.
      expect(created[0]!.listenerCount('error'), "pool 'error' listeners").toBeGreaterThan(0);
      const id = await enqueueEmail(db, 'tahan@contoh.id', 'id', 'test', { subject: 'Uji', text: 'Isi', html: '<p>Isi</p>' });
      const pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(worker.db)).rows[0]!.pid;
      await sql`select pg_terminate_backend(${pid})`.execute(db);
      await new Promise((r) => setTimeout(r, 300));
      expect(await deliverDueEmails(worker.db, createTransport(undefined, FROM), soon())).toBeGreaterThanOrEqual(1);
      expect((await outboxRow(db, id)).status).toBe('logged');
    } finally {
      await worker.close();
    }
  });
});
