import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type AppConfig } from '../../src/server/config.ts';
import type { Db } from '../../src/server/db/index.ts';
import { SECTORS, type OutboxRow } from '../../src/server/db/schema.ts';
import { lookupFeedbackIdByCode } from '../../src/server/feedback/tracking.ts';
import { cancelMyRegistration, registerForForum } from '../../src/server/forums/registration.ts';
import { decideFeedback } from '../../src/server/moderation/service.ts';
import { runHandlingAction } from '../../src/server/handling/actions.ts';
import { createTransport, deliverDueEmails } from '../../src/server/messaging/worker.ts';
import { createWhatsAppClient } from '../../src/server/whatsapp/client.ts';
import { processWhatsAppInbox, expireConversations } from '../../src/server/whatsapp-conversation/inbound.ts';
import { claimInbox, selectUnitsOfSector } from '../../src/server/whatsapp/queries.ts';
import { requestPhoneCode, verifyPhoneCode } from '../../src/server/whatsapp/service.ts';
import { signBody } from '../../src/server/whatsapp/signature.ts';
import { handleWebhook } from '../../src/server/whatsapp/webhook.ts';
import { describeEachDb } from '../support/db.ts';
import { jpegWithExif, submit, tempPhotos, TRACKING_CODE_RE, unitByShortName } from '../support/feedback-fixtures.ts';
import { fctx, makeForum, regOpen } from '../support/forum-fixtures.ts';
import { handCtx, person, type Person } from '../support/handling-fixtures.ts';
import { addressesOf, startSmtp, type TestSmtp } from '../support/handling-smtp.ts';
import { ERRORS, startFakeWhatsApp, type FakeWhatsApp } from '../support/fake-whatsapp.ts';

process.env.LOG_LEVEL = 'error';

const SECRET = 'app-secret-for-tests';
const VERIFY = 'verify-token-for-tests';
const HOUR = 3600_000;

let numberSeq = 0;
/** A fresh Indonesian number per test: wa_id digits and E.164. */
function newNumber(): { wa: string; e164: string } {
  numberSeq++;
  const local = `81${String(Date.now() % 1_000_000).padStart(6, '0')}${String(numberSeq).padStart(3, '0')}`;
  return { wa: `62${local}`, e164: `+62${local}` };
}

let midSeq = 0;
function wamid(): string {
  return `wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjBD${++midSeq}${Date.now()}`;
}

type Msg = { from: string; id?: string; at?: Date; text?: string; image?: { id: string; mime_type?: string; caption?: string } };

function messagePayload(msgs: Msg[], name = 'Ibu Nona') {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '1234567890',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '6291100000', phone_number_id: '109876543210' },
              contacts: [...new Set(msgs.map((m) => m.from))].map((wa_id) => ({ profile: { name }, wa_id })),
              messages: msgs.map((m) => ({
                from: m.from,
                id: m.id ?? wamid(),
                timestamp: String(Math.floor((m.at ?? new Date()).getTime() / 1000)),
                ...(m.image ? { type: 'image', image: { mime_type: 'image/jpeg', sha256: 'x', ...m.image } } : { type: 'text', text: { body: m.text ?? '' } }),
              })),
            },
          },
        ],
      },
    ],
  };
}

function statusPayload(statuses: Array<{ id: string; status: string; to: string; at?: Date; errors?: unknown[] }>) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '1234567890',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '6291100000', phone_number_id: '109876543210' },
              statuses: statuses.map((s) => ({ id: s.id, status: s.status, timestamp: String(Math.floor((s.at ?? new Date()).getTime() / 1000)), recipient_id: s.to, ...(s.errors ? { errors: s.errors } : {}) })),
            },
          },
        ],
      },
    ],
  };
}

describeEachDb('WhatsApp channel against a fake Cloud API', (get) => {
  const db = (): Db => get().db;
  let fake: FakeWhatsApp;
  let smtp: TestSmtp;
  let config: AppConfig;
  let photos: Awaited<ReturnType<typeof tempPhotos>>;
  let mod: Person;

  beforeAll(async () => {
    fake = await startFakeWhatsApp();
    smtp = await startSmtp();
    photos = await tempPhotos();
    config = parseConfig({
      WHATSAPP_API_URL: fake.url,
      WHATSAPP_TOKEN: fake.token,
      WHATSAPP_PHONE_NUMBER_ID: fake.phoneNumberId,
      WHATSAPP_APP_SECRET: SECRET,
      WHATSAPP_VERIFY_TOKEN: VERIFY,
      SMTP_URL: smtp.url,
      DATA_DIR: photos.dir,
    });
    mod = await person(db(), 'moderator');
  });
  afterAll(async () => {
    await fake?.close();
    await smtp?.close();
    await photos?.cleanup();
  });

  const wa = () => config.whatsapp!;

  /** POSTs a payload to the webhook as Meta would: the exact bytes, signed. */
  async function post(payload: unknown, opts: { raw?: string; signature?: string | null } = {}): Promise<Response> {
    const raw = opts.raw ?? JSON.stringify(payload);
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    const sig = opts.signature === undefined ? signBody(raw, SECRET) : opts.signature;
    if (sig !== null) headers['X-Hub-Signature-256'] = sig;
    return handleWebhook(db(), wa(), new Request('http://localhost/webhooks/whatsapp', { method: 'POST', headers, body: raw }));
  }

  /** One worker pass, as a fresh worker instance would do it: inbox, then every due outbox message. */
  async function work(now = new Date()): Promise<void> {
    const client = createWhatsAppClient(wa());
    while ((await processWhatsAppInbox({ db: db(), config, client, photos: photos.store }, now)) > 0) {
      /* drain */
    }
    const transport = createTransport(config.smtpUrl, config.mailFrom);
    // Replies are queued "now" by the real clock while the inbox is processed (which may take a while on a busy machine).
    const sendAt = new Date(Math.max(now.getTime(), Date.now()) + 1000);
    while ((await deliverDueEmails(db(), transport, sendAt, 20, client)) > 0) {
      /* drain */
    }
  }

  /** Sends a message from a number, runs the worker, returns the replies the number got. */
  async function say(from: string, m: Omit<Msg, 'from'>, now = new Date()): Promise<string[]> {
    const before = fake.to(from).length;
    const res = await post(messagePayload([{ from, at: now, ...m }]));
    expect(res.status).toBe(200);
    await work(now);
    return fake.to(from).slice(before).map((s) => s.text);
  }

  const outboxOf = (feedbackId: number) => db().selectFrom('outbox').selectAll().where('feedback_id', '=', feedbackId).orderBy('id').execute();
  const contactOf = (e164: string) => db().selectFrom('whatsapp_contacts').selectAll().where('phone', '=', e164).executeTakeFirstOrThrow();

  describe('webhook', () => {
    it('answers the verification handshake with the challenge as text, 403 on a wrong token, 404 when the channel is off', async () => {
      const ok = await handleWebhook(db(), wa(), new Request(`http://localhost/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=1158201444`));
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await ok.text()).toBe('1158201444');
      const wrong = await handleWebhook(db(), wa(), new Request('http://localhost/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1158201444'));
      expect(wrong.status).toBe(403);
      expect(await wrong.text()).not.toContain('1158201444');
      const off = await handleWebhook(db(), null, new Request(`http://localhost/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=1`));
      expect(off.status).toBe(404);
      expect(parseConfig({}).whatsapp).toBeNull();
    });

    it('refuses unsigned and badly signed POSTs with 401 before storing anything; accepts emoji and non-ASCII bodies signed over their bytes', async () => {
      const { wa: from } = newNumber();
      const id = wamid();
      const payload = messagePayload([{ from, id, text: 'Jalan rusak di Passo 😡 — kasihan ibu-ibu, “tolong” diperbaiki. Ça ne va pas 🙏🏽' }]);
      const count = () => db().selectFrom('whatsapp_inbox').select((eb) => eb.fn.countAll<number>().as('n')).where('message_id', '=', id).executeTakeFirstOrThrow();
      expect((await post(payload, { signature: null })).status).toBe(401);
      expect((await post(payload, { signature: 'sha256=' + '0'.repeat(64) })).status).toBe(401);
      expect((await post(payload, { signature: signBody(JSON.stringify(payload), 'other-secret') })).status).toBe(401);
      expect((await post(payload, { signature: 'sha1=abc' })).status).toBe(401);
      // The same JSON with its non-ASCII written as \u escapes is other bytes: a signature of one does not fit the other.
      const escaped = JSON.stringify(payload).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
      expect((await post(payload, { raw: escaped, signature: signBody(JSON.stringify(payload), SECRET) })).status).toBe(401);
      expect(Number((await count()).n)).toBe(0);

      expect((await post(payload)).status).toBe(200);
      const row = await db().selectFrom('whatsapp_inbox').selectAll().where('message_id', '=', id).executeTakeFirstOrThrow();
      expect((row.payload as { text: { body: string } }).text.body).toBe('Jalan rusak di Passo 😡 — kasihan ibu-ibu, “tolong” diperbaiki. Ça ne va pas 🙏🏽');
      expect(row.contact_name).toBe('Ibu Nona');
      // Escaped bytes, signed over those bytes, are accepted too and mean the same message (stored once).
      expect((await post(payload, { raw: escaped })).status).toBe(200);
      expect(Number((await count()).n)).toBe(1);
      await work();
    });
  });

  describe('conversation', () => {
    it('takes a resident from hello to a tracking code, with a photo checked and stripped like web photos', async () => {
      const n = newNumber();
      const pupr = await unitByShortName(db(), 'Dinas PUPR');
      const sectorNo = SECTORS.indexOf(pupr.sector as (typeof SECTORS)[number]) + 1;
      const units = await selectUnitsOfSector(db(), pupr.sector);
      const unitNo = units.findIndex((u) => u.id === pupr.id) + 1;
      const jpeg = await jpegWithExif(800, 600);
      fake.addMedia('media-photo-1', jpeg, 'image/jpeg');

      expect((await say(n.wa, { text: 'Halo' })).join('\n')).toMatch(/Keluhan[\s\S]*Apresiasi/);
      expect((await say(n.wa, { text: '9' }))[0]).toMatch(/Pilihan itu tidak ada/);
      expect((await say(n.wa, { text: '1' }))[0]).toMatch(/bidang/);
      expect((await say(n.wa, { text: String(sectorNo) }))[0]).toContain('Dinas PUPR');
      expect((await say(n.wa, { text: String(unitNo) }))[0]).toMatch(/kecamatan/i);
      expect((await say(n.wa, { text: '1' }))[0]).toMatch(/Ceritakan/);
      expect((await say(n.wa, { text: 'pendek' }))[0]).toMatch(/terlalu pendek/);
      const story = 'Jalan di depan SD Negeri 5 Nusaniwe berlubang besar sejak bulan lalu. Sudah dua motor jatuh 😟';
      expect((await say(n.wa, { text: story }))[0]).toMatch(/foto/);
      expect((await say(n.wa, { text: 'LEWATI' }))[0]).toMatch(/Sembunyikan nama/);
      // Back one step is not possible; start over with BATAL is; here we continue and send a photo instead on a fresh run below.
      expect((await say(n.wa, { text: '2' }))[0]).toMatch(/KIRIM/);

      // A second resident sends a photo.
      const m = newNumber();
      await say(m.wa, { text: 'halo' });
      await say(m.wa, { text: '2' });
      await say(m.wa, { text: '0' });
      await say(m.wa, { text: 'LEWATI' });
      await say(m.wa, { text: 'Petugas puskesmas sangat ramah dan cepat melayani ibu saya.' });
      fake.addMedia('media-not-a-photo', Buffer.from('%PDF-1.4 not an image'), 'application/pdf');
      expect((await say(m.wa, { image: { id: 'media-not-a-photo', mime_type: 'application/pdf' } }))[0]).toMatch(/bukan foto JPEG, PNG atau WebP/);
      expect((await say(m.wa, { image: { id: 'media-photo-1' } }))[0]).toMatch(/Sembunyikan nama/);
      const summary = (await say(m.wa, { text: '1' }))[0]!;
      expect(summary).toMatch(/Apresiasi[\s\S]*1 foto[\s\S]*Anonim: ya/);
      const done = (await say(m.wa, { text: 'KIRIM' }))[0]!;
      const code = /BD-[2-9A-Z]{5}-[2-9A-Z]{5}/.exec(done)?.[0];
      expect(code).toMatch(TRACKING_CODE_RE);
      expect(done).toMatch(/paling lambat \d/);

      const id = (await lookupFeedbackIdByCode(db(), code!))!;
      const f = await db().selectFrom('feedback').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      expect(f).toMatchObject({ channel: 'whatsapp', kind: 'apresiasi', moderation_state: 'pending', status: 'received', anonymous: true, unit_id: null });
      expect(f.body_md).toBe('Petugas puskesmas sangat ramah dan cepat melayani ibu saya.');
      const contact = await db().selectFrom('feedback_contacts').selectAll().where('feedback_id', '=', id).executeTakeFirstOrThrow();
      expect(contact).toMatchObject({ phone: m.e164, notify: 'whatsapp', name: null });
      const photo = await db().selectFrom('feedback_photos').selectAll().where('feedback_id', '=', id).executeTakeFirstOrThrow();
      const stored = (await photos.store.read(photo.file_name))!;
      const meta = await sharp(stored).metadata();
      expect(meta.exif).toBeUndefined();
      expect(meta.width).toBe(800);
      expect((await contactOf(m.e164)).step).toBe('idle');

      // The first resident sends too; the conversation moved with the unit chosen.
      const first = (await say(n.wa, { text: 'kirim' }))[0]!;
      const id1 = (await lookupFeedbackIdByCode(db(), /BD-[2-9A-Z]{5}-[2-9A-Z]{5}/.exec(first)![0]))!;
      const f1 = await db().selectFrom('feedback').selectAll().where('id', '=', id1).executeTakeFirstOrThrow();
      expect(f1).toMatchObject({ unit_id: pupr.id, kind: 'keluhan', channel: 'whatsapp', kecamatan_code: '81.71.01', anonymous: false });
      expect(f1.title.length).toBeLessThanOrEqual(80);
      const c1 = await db().selectFrom('feedback_contacts').selectAll().where('feedback_id', '=', id1).executeTakeFirstOrThrow();
      expect(c1.name).toBe('Ibu Nona');
    });

    it('stores a duplicate delivery once and answers it once; processes a batch in the provider time order; keeps the latest delivery status', async () => {
      const n = newNumber();
      const id = wamid();
      const t0 = new Date(Date.now() - 5000);
      await post(messagePayload([{ from: n.wa, id, text: 'halo', at: t0 }]));
      await post(messagePayload([{ from: n.wa, id, text: 'halo', at: t0 }]));
      await work();
      expect(fake.to(n.wa)).toHaveLength(2); // welcome + kinds, once
      // "1" (kind) and then "0" (not sure of the sector) arrive in one delivery, newest first.
      await post(messagePayload([
        { from: n.wa, text: '0', at: new Date(t0.getTime() + 2000) },
        { from: n.wa, text: '1', at: new Date(t0.getTime() + 1000) },
      ]));
      await work();
      const c = await contactOf(n.e164);
      expect(c.step).toBe('kecamatan');
      expect(c.draft).toMatchObject({ kind: 'keluhan', unit: 'unsure' });

      // Statuses out of order: read before delivered before sent; a repeat changes nothing.
      const last = fake.to(n.wa).at(-1)!;
      await post(statusPayload([
        { id: last.id, status: 'read', to: n.wa, at: new Date(Date.now() + 3000) },
        { id: last.id, status: 'delivered', to: n.wa, at: new Date(Date.now() + 2000) },
      ]));
      await post(statusPayload([{ id: last.id, status: 'sent', to: n.wa, at: new Date(Date.now() + 1000) }]));
      await post(statusPayload([{ id: last.id, status: 'delivered', to: n.wa }]));
      await work();
      const row = await db().selectFrom('outbox').selectAll().where('provider_message_id', '=', last.id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ channel: 'whatsapp', status: 'sent', delivery_status: 'read', to_phone: n.e164 });
    });

    it('expires a conversation left for 24 hours, telling the person with a template (their window has closed)', async () => {
      const n = newNumber();
      const then = new Date(Date.now() - 25 * HOUR);
      await say(n.wa, { text: 'halo', at: then }, then);
      expect((await contactOf(n.e164)).step).toBe('kind');
      await work();
      const before = fake.to(n.wa).length;
      expect(await expireConversations(db())).toBeGreaterThanOrEqual(1);
      await work();
      const c = await contactOf(n.e164);
      expect(c.step).toBe('idle');
      const sent = fake.to(n.wa).slice(before);
      expect(sent).toHaveLength(1);
      expect(sent[0]!.type).toBe('template');
      expect(sent[0]!.text).toMatch(/^\[bd_kabar\] .*lewat 24 jam/);
      // Expiring again finds nothing.
      await expireConversations(db());
      await work();
      expect(fake.to(n.wa).length).toBe(before + 1);
    });

    it('answers STATUS <code> with the state and the latest public answer; BATAL cancels; BERHENTI stops every message until MULAI', async () => {
      const pupr = await unitByShortName(db(), 'Dinas PUPR');
      const asn = await person(db(), 'asn', { unitId: pupr.id });
      const s = await submit(db(), { unit: String(pupr.id), title: 'Lampu jalan mati di Galunggung' });
      expect((await decideFeedback(db(), mod.actor, s.feedbackId, 'publish', null)).ok).toBe(true);
      const answered = await runHandlingAction(db(), handCtx(asn), s.feedbackId, { action: 'answer', text: 'Lampu sudah kami ganti pada **Senin**.' });
      expect(answered.result?.ok).toBe(true);

      const n = newNumber();
      const reply = (await say(n.wa, { text: `status ${s.trackingCode.toLowerCase()}` }))[0]!;
      expect(reply).toContain('Lampu jalan mati di Galunggung');
      expect(reply).toMatch(/Status: Sudah dijawab/);
      expect(reply).toContain('Lampu sudah kami ganti pada Senin.');
      expect((await say(n.wa, { text: 'STATUS BD-AAAAA-AAAAA' }))[0]).toMatch(/tidak kami temukan/);
      expect((await contactOf(n.e164)).step).toBe('idle');

      await say(n.wa, { text: 'halo' });
      await say(n.wa, { text: '3' });
      expect((await say(n.wa, { text: 'BATAL' }))[0]).toMatch(/dibatalkan/);
      expect(await contactOf(n.e164)).toMatchObject({ step: 'idle', draft: {} });

      expect((await say(n.wa, { text: 'ENGLISH' }))[0]).toMatch(/continue in English/);
      expect((await say(n.wa, { text: 'BERHENTI' }))[0]).toMatch(/no more WhatsApp messages/);
      expect((await contactOf(n.e164)).opted_out_at).not.toBeNull();
      expect(await say(n.wa, { text: 'halo?' })).toEqual([]);
      expect((await say(n.wa, { text: 'MULAI' }))[0]).toMatch(/Welcome back/);
      expect((await say(n.wa, { text: 'hello' }))[0]).toMatch(/This is Baku Dengar/);
    });
  });

  describe('notifications', () => {
    async function webReporter(phone: string, email: string | null, notify: string) {
      return submit(db(), { contactPhone: phone, contactEmail: email ?? '', contactNotify: notify, title: 'Air PDAM tidak mengalir tiga hari' });
    }

    it('uses plain text inside the 24-hour window and the registered template outside it; numbers are stored in E.164', async () => {
      const out = newNumber();
      const s = await webReporter(`0${out.e164.slice(3)}`, null, 'whatsapp');
      const contact = await db().selectFrom('feedback_contacts').selectAll().where('feedback_id', '=', s.feedbackId).executeTakeFirstOrThrow();
      expect(contact.phone).toBe(out.e164);
      await work();
      // Never wrote to us: the receipt goes as the receipt template.
      const receipt = fake.to(out.wa).at(-1)!;
      expect(receipt.type).toBe('template');
      expect(receipt.text).toContain('[bd_masukan_diterima]');
      expect(receipt.text).toContain(s.trackingCode);
      const tpl = receipt.body.template as { language: { code: string } };
      expect(tpl.language.code).toBe('id');

      // Inside the window: the reporter wrote an hour ago, so the publication notice is plain text.
      const inside = newNumber();
      const s2 = await webReporter(`+${inside.wa}`, null, 'whatsapp');
      await say(inside.wa, { text: 'halo' });
      await say(inside.wa, { text: 'BATAL' });
      await work();
      expect((await decideFeedback(db(), mod.actor, s2.feedbackId, 'publish', null)).ok).toBe(true);
      await work();
      const notice = fake.to(inside.wa).at(-1)!;
      expect(notice.type).toBe('text');
      expect(notice.text).toContain('Air PDAM tidak mengalir tiga hari');
      const rows = await outboxOf(s2.feedbackId);
      expect(rows.map((r) => [r.channel, r.template, r.status])).toEqual([
        ['whatsapp', 'feedback_receipt', 'sent'],
        ['whatsapp', 'feedback_published', 'sent'],
      ]);
    });

    it('falls back to email when WhatsApp refuses (undeliverable) or reports a failed delivery; retries rate limits later', async () => {
      const n = newNumber();
      const email = `warga.${Date.now()}@contoh.id`;
      fake.failFor(n.wa, ERRORS.undeliverable);
      const s = await webReporter(n.e164, email, 'whatsapp');
      await work();
      const [waRow] = await outboxOf(s.feedbackId);
      expect(waRow).toMatchObject({ channel: 'whatsapp', status: 'failed', delivery_status: 'failed' });
      expect(waRow!.last_error).toContain('131026');
      expect(waRow!.fallback_outbox_id).not.toBeNull();
      const fallback = (await db().selectFrom('outbox').selectAll().where('id', '=', waRow!.fallback_outbox_id!).executeTakeFirstOrThrow()) as OutboxRow;
      expect(fallback).toMatchObject({ channel: 'email', to_email: email, status: 'sent', template: 'feedback_receipt', feedback_id: s.feedbackId });
      const mail = smtp.received.find((r) => r.outboxId === fallback.id)!;
      expect(addressesOf(mail.parsed.to)).toEqual([email]);
      expect(mail.parsed.text).toContain(s.trackingCode);

      // Accepted by the API, then reported failed by the webhook: the email takes over once.
      const m = newNumber();
      const email2 = `warga2.${Date.now()}@contoh.id`;
      fake.failNext(ERRORS.rateLimited);
      const s2 = await webReporter(m.e164, email2, 'whatsapp');
      await work();
      let [row] = await outboxOf(s2.feedbackId);
      expect(row).toMatchObject({ status: 'pending', attempts: 1 });
      expect(row!.last_error).toContain('130429');
      await work(new Date(Date.now() + 10 * 60_000));
      [row] = await outboxOf(s2.feedbackId);
      expect(row).toMatchObject({ status: 'sent' });
      const failure = { code: 131026, title: 'Message undeliverable', message: 'Message undeliverable', error_data: { details: 'Receiver is incapable of receiving this message' } };
      await post(statusPayload([{ id: row!.provider_message_id!, status: 'failed', to: m.wa, errors: [failure] }]));
      await post(statusPayload([{ id: row!.provider_message_id!, status: 'failed', to: m.wa, errors: [failure] }]));
      await work();
      const rows = await outboxOf(s2.feedbackId);
      expect(rows.map((r) => [r.channel, r.status])).toEqual([
        ['whatsapp', 'failed'],
        ['email', 'sent'],
      ]);
      expect(rows[0]!.delivery_error).toMatch(/131026.*incapable/);
      expect(smtp.received.filter((r) => r.outboxId === rows[1]!.id)).toHaveLength(1);
    });

    it('sends to both channels when both are chosen; BERHENTI makes it email only', async () => {
      const n = newNumber();
      const email = `both.${Date.now()}@contoh.id`;
      const s = await webReporter(n.e164, email, 'both');
      await work();
      expect((await outboxOf(s.feedbackId)).map((r) => [r.channel, r.status])).toEqual([
        ['email', 'sent'],
        ['whatsapp', 'sent'],
      ]);
      await say(n.wa, { text: 'BERHENTI' });
      expect((await decideFeedback(db(), mod.actor, s.feedbackId, 'publish', null)).ok).toBe(true);
      await work();
      const rows = await outboxOf(s.feedbackId);
      expect(rows.slice(2).map((r) => [r.channel, r.template])).toEqual([['email', 'feedback_published']]);
    });

    it('takes a WhatsApp reply to a request for information as added information on the item', async () => {
      const pupr = await unitByShortName(db(), 'Dinas PUPR');
      const asn = await person(db(), 'asn', { unitId: pupr.id });
      const n = newNumber();
      const s = await submit(db(), { unit: String(pupr.id), contactPhone: n.e164, contactNotify: 'whatsapp' });
      expect((await decideFeedback(db(), mod.actor, s.feedbackId, 'publish', null)).ok).toBe(true);
      const asked = await runHandlingAction(db(), handCtx(asn), s.feedbackId, { action: 'ask', text: 'Di RT berapa tepatnya?' });
      expect(asked.result?.ok).toBe(true);
      await work();
      expect(fake.to(n.wa).at(-1)!.text).toContain('Di RT berapa tepatnya?');
      const reply = (await say(n.wa, { text: 'RT 03 / RW 02, dekat masjid.' }))[0]!;
      expect(reply).toMatch(/sudah ditambahkan/);
      const ev = await db().selectFrom('feedback_events').selectAll().where('feedback_id', '=', s.feedbackId).where('kind', '=', 'info_added').executeTakeFirstOrThrow();
      expect(ev.body_md).toBe('RT 03 / RW 02, dekat masjid.');
      // The next message starts a conversation again.
      expect((await say(n.wa, { text: 'halo' }))[0]).toMatch(/Ini Baku Dengar/);
    });

    it('sends a forum registration with its code and QR image to a verified number, and the promotion after a cancellation', async () => {
      const dinkes = await unitByShortName(db(), 'Dinkes');
      const f = await makeForum(db(), mod, { capacity: 1, unitIds: [dinkes.id] });
      const [a, b] = [await person(db(), 'resident'), await person(db(), 'resident')];
      const nb = newNumber();
      // b verifies a number in /akun: the code comes as the authentication template.
      expect((await requestPhoneCode(db(), b.user, b.actor, true, { phone: `0${nb.e164.slice(3)}` })).ok).toBe(true);
      await work();
      const codeMsg = fake.to(nb.wa).at(-1)!;
      expect(codeMsg.text).toMatch(/^\[bd_kode_verifikasi\] \d{6}$/);
      const code = codeMsg.text.slice(-6);
      const wrong = code === '000000' ? '111111' : '000000';
      expect((await verifyPhoneCode(db(), b.user, b.actor, { code: wrong })).ok).toBe(false);
      expect((await verifyPhoneCode(db(), b.user, b.actor, { code })).ok).toBe(true);
      await say(nb.wa, { text: 'halo' });
      await say(nb.wa, { text: 'batal' });

      const now = regOpen(f);
      expect((await registerForForum(db(), fctx(a, now), f.id))?.ok).toBe(true);
      expect((await registerForForum(db(), fctx(b, now), f.id))?.ok).toBe(true);
      await work();
      expect(fake.to(nb.wa).at(-1)!.text).toMatch(/daftar tunggu|waiting/i);
      const uploadsBefore = fake.uploads.length;
      expect((await cancelMyRegistration(db(), fctx(a, now), f.id))?.ok).toBe(true);
      await work();
      const promoted = fake.to(nb.wa).at(-1)!;
      expect(promoted.type).toBe('image');
      expect(promoted.text).toMatch(/F-[2-9A-Z]{4}-[2-9A-Z]{4}/);
      expect(fake.uploads.length).toBe(uploadsBefore + 1);
      expect(fake.uploads.at(-1)!.mime).toBe('image/png');
      // Both channels were chosen at verification: the email went too.
      const mails = smtp.received.filter((r) => addressesOf(r.parsed.to).includes(b.user.email));
      expect(mails.some((r) => /F-[2-9A-Z]{4}-[2-9A-Z]{4}/.test(r.parsed.text ?? ''))).toBe(true);
    });
  });

  describe('restarts', () => {
    it('loses nothing when the process dies after acknowledging (stored, not processed) or while processing (claimed, not finished)', async () => {
      const n = newNumber();
      // Acknowledged and stored; the process dies before any worker ran.
      expect((await post(messagePayload([{ from: n.wa, text: 'halo' }]))).status).toBe(200);
      expect(fake.to(n.wa)).toHaveLength(0);
      // A new process: a new client and worker pass.
      await work();
      expect(fake.to(n.wa).length).toBe(2);

      // Claimed by a worker that died before finishing: another worker takes it over after the claim times out.
      await post(messagePayload([{ from: n.wa, text: '4' }]));
      const claimed = await claimInbox(db(), 10, new Date());
      expect(claimed.map((r) => r.status)).toEqual(['processing']);
      await work();
      expect((await contactOf(n.e164)).step).toBe('kind');
      await work(new Date(Date.now() + 5 * 60_000));
      expect((await contactOf(n.e164)).step).toBe('sector');
      expect(fake.to(n.wa).length).toBe(3);
      await work(new Date(Date.now() + 10 * 60_000));
      expect(fake.to(n.wa).length).toBe(3);
    });
  });
});
