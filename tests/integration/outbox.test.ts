import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db, type DbHandle } from '../../src/server/db/index.ts';
import type { OutboxRow } from '../../src/server/db/schema.ts';
import { claimDueMessages } from '../../src/server/notifications/queries.ts';
import { composeEmail, enqueueEmail, listOutbox } from '../../src/server/notifications/service.ts';
import { backoffSeconds, deliverDueEmails, MAX_ATTEMPTS, type Transport } from '../../src/server/messaging/worker.ts';
import { describeEachDb, describePostgres } from '../support/db.ts';

// Failed deliveries log a warning each; keep the test output readable.
process.env.LOG_LEVEL = 'error';

const MINUTE = 60_000;

/**
 * "Now" for a worker call that must see messages queued a moment ago. The queue's
 * next_attempt_at defaults to the database's now() (microseconds) while workers compare it
 * with the Node clock (milliseconds): a message queued within the same millisecond would not
 * be due yet. A second ahead removes that race from the tests.
 */
const soon = () => new Date(Date.now() + 1000);

/** A transport that records every message it is handed, and answers as told. */
function recorder(answer: (m: OutboxRow) => Promise<'sent' | 'logged'> = async () => 'sent') {
  const calls: OutboxRow[] = [];
  const transport: Transport = async (m) => {
    calls.push(m);
    return answer(m);
  };
  return { transport, calls, ids: () => calls.map((m) => m.id) };
}

function content(n: number | string) {
  return { subject: `Subjek ${n}`, text: `Isi ${n}`, html: `<p>Isi ${n}</p>` };
}

type Id = OutboxRow['id'];

async function enqueue(db: Db, n: number | string, to = `penerima${n}@contoh.id`): Promise<Id> {
  return enqueueEmail(db, to, 'id', 'test', content(n));
}

async function row(db: Db, id: Id): Promise<OutboxRow> {
  return db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

describeEachDb('email outbox', (get) => {
  const db = () => get().db;

  // Each test starts with an empty outbox (the outbox, unlike the audit log, may be cleaned).
  beforeEach(async () => {
    await db().deleteFrom('outbox').execute();
  });

  it('enqueueEmail in a transaction that rolls back leaves no message; one that commits leaves a pending one', async () => {
    await expect(
      db()
        .transaction()
        .execute(async (trx) => {
          await enqueue(trx, 'batal');
          throw new Error('the change failed');
        }),
    ).rejects.toThrow('the change failed');
    expect(await db().selectFrom('outbox').selectAll().execute()).toEqual([]);

    const id = await db()
      .transaction()
      .execute((trx) => enqueue(trx, 'jadi', 'jadi@contoh.id'));
    const m = await row(db(), id);
    expect(m).toMatchObject({
      to_email: 'jadi@contoh.id',
      locale: 'id',
      template: 'test',
      subject: 'Subjek jadi',
      text_body: 'Isi jadi',
      html_body: '<p>Isi jadi</p>',
      status: 'pending',
      attempts: 0,
      claimed_at: null,
      sent_at: null,
      last_error: null,
    });
    expect(m.next_attempt_at.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('delivers each due message exactly once and records how', async () => {
    const ids = [await enqueue(db(), 1), await enqueue(db(), 2), await enqueue(db(), 3)];
    const rec = recorder(async (m) => (m.subject === 'Subjek 2' ? 'logged' : 'sent'));
    expect(await deliverDueEmails(db(), rec.transport, soon())).toBe(3);
    expect(rec.ids().sort()).toEqual([...ids].sort());
    expect(rec.calls.map((m) => m.to_email).sort()).toEqual(['penerima1@contoh.id', 'penerima2@contoh.id', 'penerima3@contoh.id']);

    const rows = await Promise.all(ids.map((id) => row(db(), id)));
    expect(rows.map((r) => r.status)).toEqual(['sent', 'logged', 'sent']);
    for (const r of rows) {
      expect(r.attempts).toBe(1);
      expect(r.sent_at).toBeInstanceOf(Date);
      expect(r.last_error).toBeNull();
    }

    // Nothing is due any more.
    expect(await deliverDueEmails(db(), rec.transport, new Date(Date.now() + 3600_000))).toBe(0);
    expect(rec.calls).toHaveLength(3);
  });

  it('does not deliver a message before its next_attempt_at', async () => {
    const id = await enqueue(db(), 'nanti');
    await db().updateTable('outbox').set({ next_attempt_at: new Date(Date.now() + 10 * MINUTE) }).where('id', '=', id).execute();
    const rec = recorder();
    expect(await deliverDueEmails(db(), rec.transport, soon())).toBe(0);
    expect(await deliverDueEmails(db(), rec.transport, new Date(Date.now() + 11 * MINUTE))).toBe(1);
    expect(rec.ids()).toEqual([id]);
  });

  it('takes at most one batch per call, oldest due first', async () => {
    const ids: Id[] = [];
    for (let i = 0; i < 5; i++) ids.push(await enqueue(db(), `b${i}`));
    const rec = recorder();
    expect(await deliverDueEmails(db(), rec.transport, soon(), 2)).toBe(2);
    expect([...rec.ids()].sort()).toEqual(ids.slice(0, 2).sort());
    expect(await deliverDueEmails(db(), rec.transport, soon(), 2)).toBe(2);
    expect(await deliverDueEmails(db(), rec.transport, soon(), 2)).toBe(1);
    expect(await deliverDueEmails(db(), rec.transport, soon(), 2)).toBe(0);
    expect(new Set(rec.ids()).size).toBe(5);
    expect(rec.ids().sort()).toEqual([...ids].sort());
  });

  it('a failing delivery leaves the message pending with a later next attempt; one failure does not stop the others', async () => {
    const bad = await enqueue(db(), 'gagal');
    const good = await enqueue(db(), 'baik');
    const rec = recorder(async (m) => {
      if (m.subject === 'Subjek gagal') throw new Error('SMTP 451 coba lagi nanti');
      return 'sent';
    });
    const before = Date.now();
    expect(await deliverDueEmails(db(), rec.transport, soon())).toBe(2);

    const b = await row(db(), bad);
    expect(b).toMatchObject({ status: 'pending', attempts: 1, last_error: 'SMTP 451 coba lagi nanti', sent_at: null });
    expect(b.next_attempt_at.getTime()).toBeGreaterThanOrEqual(before + backoffSeconds(1) * 1000 - 1000);
    expect(b.next_attempt_at.getTime()).toBeLessThanOrEqual(Date.now() + backoffSeconds(1) * 1000 + 1000);
    expect((await row(db(), good)).status).toBe('sent');

    // Not retried before its time...
    expect(await deliverDueEmails(db(), rec.transport, soon())).toBe(0);
    // ...but after it, with a longer wait after the second failure.
    expect(await deliverDueEmails(db(), rec.transport, new Date(Date.now() + 2 * MINUTE))).toBe(1);
    const b2 = await row(db(), bad);
    expect(b2).toMatchObject({ status: 'pending', attempts: 2 });
    expect(b2.next_attempt_at.getTime()).toBeGreaterThanOrEqual(Date.now() + backoffSeconds(2) * 1000 - 2000);
    expect(backoffSeconds(2)).toBeGreaterThan(backoffSeconds(1));
  });

  it(`gives up after ${MAX_ATTEMPTS} attempts: the message becomes failed and is not tried again`, async () => {
    const id = await enqueue(db(), 'menyerah');
    const rec = recorder(async () => {
      throw new Error('connection refused');
    });
    // Each attempt a day later: the backoff (at most 2 hours) has always run out by then.
    let day = 0;
    const farFuture = () => new Date(Date.now() + ++day * 24 * 3600_000);
    for (let i = 1; i < MAX_ATTEMPTS; i++) {
      expect(await deliverDueEmails(db(), rec.transport, farFuture())).toBe(1);
      expect(await row(db(), id), `after attempt ${i}`).toMatchObject({ status: 'pending', attempts: i });
    }
    expect(await deliverDueEmails(db(), rec.transport, farFuture())).toBe(1);
    expect(await row(db(), id)).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS, last_error: 'connection refused', sent_at: null });
    expect(rec.calls).toHaveLength(MAX_ATTEMPTS);

    expect(await deliverDueEmails(db(), rec.transport, new Date(Date.now() + 30 * 24 * 3600_000))).toBe(0);
    expect(rec.calls).toHaveLength(MAX_ATTEMPTS);
  });

  it('a message claimed by a worker that died is delivered by another after five minutes, not before', async () => {
    const id = await enqueue(db(), 'yatim');
    const now = soon();
    const claimed = await claimDueMessages(db(), 10, now);
    expect(claimed.map((m) => m.id)).toEqual([id]);
    expect(await row(db(), id)).toMatchObject({ status: 'sending', attempts: 1 });

    const rec = recorder();
    expect(await deliverDueEmails(db(), rec.transport, new Date(now.getTime() + MINUTE))).toBe(0);
    expect(await deliverDueEmails(db(), rec.transport, new Date(now.getTime() + 6 * MINUTE))).toBe(1);
    expect(rec.ids()).toEqual([id]);
    expect(await row(db(), id)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('listOutbox pages newest first', async () => {
    const ids: Id[] = [];
    for (let i = 0; i < 3; i++) ids.push(await enqueue(db(), `l${i}`));
    const p1 = await listOutbox(db(), undefined, 2);
    expect(p1.messages.map((m) => m.id)).toEqual([ids[2], ids[1]]);
    const p2 = await listOutbox(db(), p1.nextBeforeId!, 2);
    expect(p2.messages.map((m) => m.id)).toEqual([ids[0]]);
    expect(p2.nextBeforeId).toBeNull();
  });

  it('composeEmail escapes the HTML part and makes links clickable; the text part stays plain', () => {
    const link = 'http://localhost:4321/atur-sandi/abcdefghijklmnopqrstuvwxyz234567';
    const c = composeEmail('id', 'email.reset.subject', 'email.reset.body', { name: '<b>Nona & "Co"</b>', link });
    expect(c.subject).toBe('Atur ulang kata sandi Baku Dengar');
    expect(c.text).toContain('<b>Nona & "Co"</b>');
    expect(c.text).toContain(link);
    expect(c.html).not.toContain('<b>');
    expect(c.html).toContain('&lt;b&gt;Nona &amp; &quot;Co&quot;&lt;/b&gt;');
    expect(c.html).toContain(`<a href="${link}">${link}</a>`);
    expect(c.html).toContain('<html lang="id">');
  });
});

describePostgres('email outbox with several workers', (get) => {
  let second: DbHandle | undefined;
  beforeAll(async () => {
    second = await openDb({ databaseUrl: get().url!, dataDir: null });
  });
  afterAll(async () => {
    await second?.close();
  });
  beforeEach(async () => {
    await get().db.deleteFrom('outbox').execute();
  });

  it('two workers on separate pools deliver 30 messages, every one exactly once', async () => {
    const ids: Id[] = [];
    for (let i = 0; i < 30; i++) ids.push(await enqueue(get().db, `c${i}`));
    const delivered: Array<{ worker: string; id: Id }> = [];
    const slow = (worker: string): Transport => async (m) => {
      delivered.push({ worker, id: m.id });
      await new Promise((r) => setTimeout(r, 20));
      return 'sent';
    };
    const now = soon();
    const drain = async (db: Db, worker: string) => {
      let n = 0;
      let got: number;
      while ((got = await deliverDueEmails(db, slow(worker), now, 3)) > 0) n += got;
      return n;
    };
    const [a, b] = await Promise.all([drain(get().db, 'A'), drain(second!.db, 'B')]);

    expect(a + b).toBe(30);
    expect(delivered).toHaveLength(30);
    expect(new Set(delivered.map((d) => d.id)).size).toBe(30);
    expect(delivered.map((d) => d.id).sort()).toEqual([...ids].sort());
    // Both really worked in parallel.
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
    const rows = await get().db.selectFrom('outbox').select(['status', 'attempts']).execute();
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
  });

  it('a worker skips messages another transaction has locked and takes the rest', async () => {
    const locked = await enqueue(get().db, 'terkunci');
    const free = await enqueue(get().db, 'bebas');
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    let lockedReady!: () => void;
    const ready = new Promise<void>((r) => (lockedReady = r));
    const holder = get()
      .db.transaction()
      .execute(async (trx) => {
        await trx.selectFrom('outbox').select('id').where('id', '=', locked).forUpdate().execute();
        lockedReady();
        await hold;
      });
    await ready;
    try {
      const rec = recorder();
      // Without SKIP LOCKED the worker would wait for the lock: fail fast instead of hanging.
      const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('worker blocked on a locked message')), 5000).unref());
      expect(await Promise.race([deliverDueEmails(second!.db, rec.transport, soon()), timeout])).toBe(1);
      expect(rec.ids()).toEqual([free]);
    } finally {
      release();
      await holder;
    }
    expect((await row(get().db, locked)).status).toBe('pending');
    const rec = recorder();
    expect(await deliverDueEmails(second!.db, rec.transport, soon())).toBe(1);
    expect(rec.ids()).toEqual([locked]);
  });
});

describe('backoff', () => {
  it('doubles from one minute and caps at two hours', () => {
    expect([1, 2, 3, 4].map(backoffSeconds)).toEqual([60, 120, 240, 480]);
    expect(backoffSeconds(20)).toBe(7200);
  });
});
