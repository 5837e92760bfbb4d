import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { handleOneClickUnsubscribe } from '../../src/server/alerts/one-click.ts';
import { cancelMySubscription, confirmSubscription, mySubscriptions, runAlerts, subscribeToAlerts, subscriptionForToken } from '../../src/server/alerts/service.ts';
import type { Db } from '../../src/server/db/index.ts';
import { runHandlingAction } from '../../src/server/handling/actions.ts';
import { createTransport, deliverDueEmails } from '../../src/server/messaging/worker.ts';
import { describeEachDb, describePostgres } from '../support/db.ts';
import { publish, submit as submitForm } from '../support/feedback-fixtures.ts';
import { errorKeys, handCtx, person, PUBLIC_URL, requestCtx, submitAssigned, unitIdOf, valueOf, type Person } from '../support/handling-fixtures.ts';
import { startSmtp, type ReceivedMail, type TestSmtp } from '../support/handling-smtp.ts';

process.env.LOG_LEVEL = 'error';

const FROM = 'Baku Dengar <no-reply@bakudengar.test>';
const DIGEST_HOUR = 7;
/** 10:00 WIT today: immediate and daily alerts are both due. */
const morning = () => {
  const d = new Date();
  d.setUTCHours(1, 0, 0, 0);
  return d;
};
let seq = 0;
const address = () => `pengikut.${Date.now().toString(36)}.${++seq}@contoh.id`;

describeEachDb('email alerts through a real SMTP server', (get) => {
  const db = () => get().db;
  let smtp: TestSmtp;
  let server: http.Server;
  let serverUrl: string;
  let mod: Person;
  let asn: Person;
  let unit: number;

  /** Delivers everything due in the outbox to the test SMTP server; returns the new messages. */
  async function deliver(): Promise<ReceivedMail[]> {
    const before = smtp.received.length;
    const transport = createTransport(smtp.url, FROM);
    while ((await deliverDueEmails(db(), transport, new Date(Date.now() + 1000), 20)) > 0) {
      /* drain */
    }
    return smtp.received.slice(before);
  }

  function linkIn(m: ReceivedMail, path: string): string {
    const found = (m.parsed.text ?? '').match(new RegExp(`${PUBLIC_URL}${path}/([a-z2-7]+)`));
    expect(found, `a ${path} link in: ${m.parsed.text}`).not.toBeNull();
    return found![1]!;
  }

  /** Subscribes, reads the confirmation email from the SMTP server, and confirms through its link. */
  async function subscribeConfirmed(input: Record<string, string>): Promise<{ email: string; id: number }> {
    const email = input.email ?? address();
    const { id } = valueOf(await subscribeToAlerts(db(), requestCtx(), null, { frequency: 'immediate', ...input, email }));
    const mails = (await deliver()).filter((m) => m.envelopeTo.includes(email));
    expect(mails).toHaveLength(1);
    expect(rawHeader(mails[0]!, 'List-Unsubscribe')).toBeNull();
    valueOf(await confirmSubscription(db(), requestCtx(), linkIn(mails[0]!, '/langganan/konfirmasi')));
    return { email, id };
  }

  /** Runs the alert step of the worker at `now` and delivers; the new messages to each address. */
  async function alertStep(now = morning()): Promise<(email: string) => ReceivedMail[]> {
    await runAlerts(db(), PUBLIC_URL, DIGEST_HOUR, now);
    const mails = await deliver();
    return (email) => mails.filter((m) => m.envelopeTo.includes(email));
  }

  async function alertsFor(email: string, now = morning()): Promise<ReceivedMail[]> {
    return (await alertStep(now))(email);
  }

  /** A header as sent (unfolded), from the raw message. */
  function rawHeader(m: ReceivedMail, name: string): string | null {
    const head = m.raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
    return head.match(new RegExp(`^${name}: (.*)$`, 'mi'))?.[1]?.trim() ?? null;
  }

  beforeAll(async () => {
    smtp = await startSmtp();
    unit = await unitIdOf(db(), 'Dinas PUPR');
    mod = await person(db(), 'moderator');
    asn = await person(db(), 'asn', { unitId: unit });
    server = http.createServer((req, res) => {
      if (!handleOneClickUnsubscribe(req, res, async () => db(), false)) res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await smtp?.close();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  });
  beforeEach(async () => {
    // Earlier tests' events must not leak into the next one's alerts.
    await runAlerts(db(), PUBLIC_URL, DIGEST_HOUR, morning());
    await deliver();
  });

  it('subscribe → confirm → receive → one-click unsubscribe, with RFC 8058 headers', async () => {
    const { email, id } = await subscribeConfirmed({ scope: 'unit', unit: String(unit) });
    const f = await submitAssigned(db(), mod, unit, { title: 'Jalan berlubang di depan sekolah' });
    const first = await alertsFor(email);
    expect(first).toHaveLength(1);
    const m = first[0]!;
    expect(m.parsed.subject).toContain('Dinas PUPR');
    expect(m.parsed.text).toContain(`No. ${f.id} Jalan berlubang di depan sekolah`);
    expect(m.parsed.text).toContain(`${PUBLIC_URL}/masukan/${f.id}`);
    const token = linkIn(m, '/langganan/berhenti');
    expect(rawHeader(m, 'List-Unsubscribe')).toBe(`<${PUBLIC_URL}/langganan/berhenti/${token}>`);
    expect(rawHeader(m, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    // The token is stored only as its hash.
    const stored = await db().selectFrom('alert_tokens').select('token_hash').where('subscription_id', '=', id).execute();
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.map((s) => s.token_hash)).not.toContain(token);

    // The answer reaches the subscriber too.
    valueOf((await runHandlingAction(db(), handCtx(asn), f.id, { action: 'answer', text: 'Lubang sudah ditambal minggu ini.' })).result);
    const answered = await alertsFor(email);
    expect(answered).toHaveLength(1);
    expect(answered[0]!.parsed.text).toContain('dijawab');

    // A mail client's one-click POST: cross-site, no cookie, authenticated by the token.
    const bad = await fetch(`${serverUrl}/langganan/berhenti/${token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://mail.example' }, body: 'something=else' });
    expect(bad.status).toBe(400);
    const res = await fetch(`${serverUrl}/langganan/berhenti/${token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://mail.example' }, body: 'List-Unsubscribe=One-Click' });
    expect(res.status).toBe(200);
    const sub = await db().selectFrom('alert_subscriptions').select('cancelled_at').where('id', '=', id).executeTakeFirstOrThrow();
    expect(sub.cancelled_at).not.toBeNull();
    const audit = await db().selectFrom('audit_log').select('action').where('object_type', '=', 'alert_subscription').where('object_id', '=', String(id)).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['alert.subscribe', 'alert.confirm', 'alert.unsubscribe']);

    // Nothing more after unsubscribing.
    await submitAssigned(db(), mod, unit, { title: 'Saluran air tersumbat dekat pasar' });
    expect(await alertsFor(email)).toHaveLength(0);
    const unknown = await fetch(`${serverUrl}/langganan/berhenti/${'a'.repeat(32)}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(unknown.status).toBe(404);
  });

  it('sends nothing before confirmation, and a confirmation link works once and expires', async () => {
    const email = address();
    valueOf(await subscribeToAlerts(db(), requestCtx(), null, { email, scope: 'unit', unit: String(unit), frequency: 'immediate' }));
    const [confirm] = (await deliver()).filter((m) => m.envelopeTo.includes(email));
    await submitAssigned(db(), mod, unit);
    expect(await alertsFor(email)).toHaveLength(0);
    const token = linkIn(confirm!, '/langganan/konfirmasi');
    expect(await subscriptionForToken(db(), token, 'confirm', new Date(Date.now() + 8 * 86400_000))).toBeNull();
    valueOf(await confirmSubscription(db(), requestCtx(), token));
    expect(errorKeys(await confirmSubscription(db(), requestCtx(), token))).toEqual({ _form: 'alerts.err.linkInvalid' });
  });

  it('a daily digest goes once a day after the digest hour, with every waiting item; immediate goes at once', async () => {
    const kec = '81.71.02';
    const daily = await subscribeConfirmed({ scope: 'kecamatan', kecamatan: kec, frequency: 'daily' });
    const now = await subscribeConfirmed({ scope: 'kecamatan', kecamatan: kec, frequency: 'immediate' });
    const early = new Date(morning().getTime() - 4 * 3600_000); // 06:00 WIT
    const a = await submitAssigned(db(), mod, unit, { kecamatan: kec, title: 'Sampah menumpuk di Batu Merah' });
    let step = await alertStep(early);
    expect(step(daily.email)).toHaveLength(0);
    expect(step(now.email)).toHaveLength(1);
    const b = await submitAssigned(db(), mod, unit, { kecamatan: kec, title: 'Lampu taman kota padam' });
    step = await alertStep(early);
    expect(step(daily.email)).toHaveLength(0);
    expect(step(now.email)).toHaveLength(1);
    const digest = await alertsFor(daily.email, morning());
    expect(digest).toHaveLength(1);
    expect(digest[0]!.parsed.subject).toMatch(/ringkasan harian: 2 kabar/);
    expect(digest[0]!.parsed.text).toContain(`No. ${a.id}`);
    expect(digest[0]!.parsed.text).toContain(`No. ${b.id}`);
    expect(rawHeader(digest[0]!, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    // Later the same day: waits for tomorrow.
    await submitAssigned(db(), mod, unit, { kecamatan: kec });
    expect(await alertsFor(daily.email, new Date(morning().getTime() + 3600_000))).toHaveLength(0);
    expect(await alertsFor(daily.email, new Date(morning().getTime() + 86400_000))).toHaveLength(1);
  });

  it('a distance subscription gets items within its radius only, by their public (rounded) place', async () => {
    // Centre in Sirimau; one item ~300 m away, one ~2 km away.
    const sub = await subscribeConfirmed({ scope: 'point', latitude: '-3.6955', longitude: '128.1814', radius: '500' });
    const near = await submitForm(db(), { latitude: '-3.6982', longitude: '128.1814', title: 'Trotoar rusak dekat lapangan Merdeka' });
    const far = await submitForm(db(), { latitude: '-3.7135', longitude: '128.1814', title: 'Drainase mampet di Benteng' });
    for (const s of [near, far]) await publish(db(), mod.actor, s.feedbackId);
    const mails = await alertsFor(sub.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.parsed.text).toContain(`No. ${near.feedbackId}`);
    expect(mails[0]!.parsed.text).not.toContain(`No. ${far.feedbackId}`);
    // A centre outside the city, or no centre, is refused.
    expect(errorKeys(await subscribeToAlerts(db(), requestCtx(), null, { email: address(), scope: 'point', latitude: '-6.2', longitude: '106.8', radius: '500', frequency: 'daily' }))).toEqual({ pin: 'map.err.pinOutside' });
    expect(errorKeys(await subscribeToAlerts(db(), requestCtx(), null, { email: address(), scope: 'point', radius: '700', frequency: 'daily' }))).toEqual({ pin: 'alerts.err.point', radius: 'alerts.err.radius' });
  });

  it('an item subscription follows that item only while it is public; confidential items alert nobody', async () => {
    const f = await submitAssigned(db(), mod, unit, { title: 'Air PDAM keruh sejak Senin' });
    const sub = await subscribeConfirmed({ scope: 'item', feedback: String(f.id) });
    const unitSub = await subscribeConfirmed({ scope: 'unit', unit: String(unit) });
    valueOf((await runHandlingAction(db(), handCtx(asn), f.id, { action: 'answer', text: 'Pipa sudah dibersihkan.' })).result);
    expect(await alertsFor(sub.email)).toHaveLength(1);
    const secret = await submitAssigned(db(), mod, unit, { confidential: true, title: 'Pungutan liar di loket' });
    expect(await alertsFor(unitSub.email)).toHaveLength(0);
    expect(errorKeys(await subscribeToAlerts(db(), requestCtx(), null, { email: address(), scope: 'item', feedback: String(secret.id), frequency: 'daily' }))).toEqual({ feedback: 'alerts.err.item' });
  });

  it('limits subscription requests per recipient address', async () => {
    const email = address();
    for (let i = 0; i < 3; i++) valueOf(await subscribeToAlerts(db(), requestCtx(), null, { email, scope: 'unit', unit: String(unit), frequency: 'daily' }));
    expect(errorKeys(await subscribeToAlerts(db(), requestCtx(), null, { email, scope: 'unit', unit: String(unit), frequency: 'daily' }))).toEqual({ _form: 'err.rateLimited' });
  });

  it("signed-in people see and cancel their own subscriptions, and nobody else's", async () => {
    const owner = await person(db(), 'resident');
    const other = await person(db(), 'resident');
    const { id } = valueOf(await subscribeToAlerts(db(), requestCtx(), owner.user, { email: owner.user.email, scope: 'unit', unit: String(unit), frequency: 'daily' }));
    valueOf(await subscribeToAlerts(db(), requestCtx(), owner.user, { email: address(), scope: 'unit', unit: String(unit), frequency: 'daily' }));
    expect((await mySubscriptions(db(), owner.user)).map((s) => s.id)).toEqual([id]);
    expect(await mySubscriptions(db(), other.user)).toEqual([]);
    expect(errorKeys(await cancelMySubscription(db(), requestCtx(), other.user, { id: String(id) }))).toEqual({ _form: 'alerts.err.notFound' });
    valueOf(await cancelMySubscription(db(), requestCtx(), owner.user, { id: String(id) }));
    expect(await mySubscriptions(db(), owner.user)).toEqual([]);
  });
});

export type { Db };

describePostgres('email alerts with two workers at once', (get) => {
  it('each due subscription is emailed once when two pools run the alert step together', async () => {
    const { db, url } = get();
    const { openDb } = await import('../../src/server/db/index.ts');
    const second = await openDb({ databaseUrl: url!, dataDir: null });
    try {
      const unit = await unitIdOf(db, 'Dinas PUPR');
      const mod = await person(db, 'moderator');
      const emails: string[] = [];
      for (let i = 0; i < 12; i++) {
        const email = address();
        emails.push(email);
        const { id } = valueOf(await subscribeToAlerts(db, requestCtx(), null, { email, scope: 'unit', unit: String(unit), frequency: 'immediate' }));
        await db.updateTable('alert_subscriptions').set({ confirmed_at: new Date() }).where('id', '=', id).execute();
      }
      await db.deleteFrom('outbox').execute();
      for (let i = 0; i < 3; i++) await submitAssigned(db, mod, unit);
      await Promise.all([runAlerts(db, PUBLIC_URL, DIGEST_HOUR, morning()), runAlerts(second.db, PUBLIC_URL, DIGEST_HOUR, morning())]);
      const rows = await db.selectFrom('outbox').select(['to_email', 'text_body']).where('template', '=', 'alert').execute();
      expect(rows.map((r) => r.to_email).sort()).toEqual([...emails].sort());
      for (const r of rows) expect(r.text_body.match(/^- No\. /gm)).toHaveLength(3);
      expect(await db.selectFrom('alert_events').select('event_id').execute()).toEqual([]);
    } finally {
      await second.close();
    }
  });
});
