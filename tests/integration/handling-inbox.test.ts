import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../../src/server/db/index.ts';
import { addInformation, getTrackingView } from '../../src/server/feedback/tracking.ts';
import { runHandlingAction } from '../../src/server/handling/actions.ts';
import { autocloseDue, sendOverdueDigest } from '../../src/server/handling/service.ts';
import { publishFeedback } from '../../src/server/moderation/service.ts';
import { describeEachDb, describePostgres } from '../support/db.ts';
import {
  auditOf,
  endOfWitDay,
  errorKeys,
  eventsOf,
  feedbackRow,
  handCtx,
  insertFeedbackRow,
  modCtx,
  outboxTo,
  person,
  PUBLIC_URL,
  RULES,
  snapshot,
  submit,
  submitAssigned,
  unitIdOf,
  valueOf,
  wit,
  type Person,
} from '../support/handling-fixtures.ts';

describeEachDb('unit inbox: answers, autoclose and the overdue digest', (get) => {
  const db = () => get().db;
  let mod: Person;
  let asn: Person;
  let unitA: number;

  beforeAll(async () => {
    unitA = await unitIdOf(db(), 'Dinas PUPR');
    mod = await person(db(), 'moderator');
    asn = await person(db(), 'asn', { unitId: unitA });
  });

  const run = (id: number, form: Record<string, string>, now?: Date, who: Person = asn) => runHandlingAction(db(), handCtx(who, now), id, form);

  describe('acknowledge, answer, ask, resolve', () => {
    it('answer: public response, status responded, first_response_at, autoclose at the end of the 10th working day; reporter emailed without their phone', async () => {
      const email = 'jawab@contoh.id';
      const phone = '0812 5555 6666';
      const f = await submitAssigned(db(), mod, unitA, { contactEmail: email, contactPhone: phone, officer: 'Pak Petugas Rahasia' }, wit('2026-03-13T10:00'));
      const now = wit('2026-03-27T15:00');
      valueOf((await run(f.id, { action: 'answer', text: 'Lampu sudah diganti pada *26 Maret*.' }, now)).result);
      const row = await feedbackRow(db(), f.id);
      expect(row).toMatchObject({ status: 'responded', first_response_at: now, responded_at: now, answer_due_at: null, updated_at: now });
      // 30, 31 Mar, 1, 2, (3 Good Friday), 6, 7, 8, 9, 10, 13 Apr.
      expect(row.autoclose_at).toEqual(endOfWitDay('2026-04-13'));
      const ev = (await eventsOf(db(), f.id)).at(-1)!;
      expect(ev).toMatchObject({ kind: 'response', public: true, from_status: 'assigned', to_status: 'responded', actor_id: asn.user.id, actor_role: 'asn', at: now });
      expect(ev.body_html).toContain('<em>26 Maret</em>');
      expect((await auditOf(db(), f.id, 'feedback.answer'))[0]).toMatchObject({ before: { status: 'assigned' }, after: { status: 'responded' } });
      const [mail] = await outboxTo(db(), email, 'feedback_answer');
      expect(mail!.text_body).toContain('Lampu sudah diganti');
      expect(mail!.text_body).toContain('Dinas PUPR');
      for (const body of [mail!.text_body, mail!.html_body, mail!.subject]) {
        expect(body).not.toContain(phone);
        expect(body).not.toContain('5555');
        expect(body).not.toContain('Pak Petugas Rahasia');
        expect(body).not.toContain(f.code);
      }
      // The tracking page shows the answer.
      expect((await getTrackingView(db(), f.code))!.events.map((e) => e.kind)).toContain('response');

      // A second answer moves the autoclose clock but not first_response_at.
      const later = wit('2026-04-01T09:00');
      valueOf((await run(f.id, { action: 'answer', text: 'Tambahan: tiang juga dicat.' }, later)).result);
      const again = await feedbackRow(db(), f.id);
      expect(again.first_response_at).toEqual(now);
      expect(again.responded_at).toEqual(later);
      // 2, 6, 7, 8, 9, 10, 13, 14, 15, 16 Apr.
      expect(again.autoclose_at).toEqual(endOfWitDay('2026-04-16'));
    });

    it('acknowledge: assigned → in_progress once; refused once answered', async () => {
      const email = 'akui@contoh.id';
      const f = await submitAssigned(db(), mod, unitA, { contactEmail: email });
      valueOf((await run(f.id, { action: 'acknowledge' })).result);
      expect((await feedbackRow(db(), f.id)).status).toBe('in_progress');
      expect((await auditOf(db(), f.id, 'feedback.status'))[0]).toMatchObject({ before: { status: 'assigned' }, after: { status: 'in_progress' } });
      const [mail] = await outboxTo(db(), email, 'feedback_status');
      expect(mail!.text_body).toContain('Sedang ditangani');
      const before = await snapshot(db(), f.id);
      valueOf((await run(f.id, { action: 'acknowledge' })).result);
      expect(await snapshot(db(), f.id)).toEqual(before);
      valueOf((await run(f.id, { action: 'answer', text: 'Jawaban.' })).result);
      const answered = await snapshot(db(), f.id);
      expect(errorKeys((await run(f.id, { action: 'acknowledge' })).result)).toEqual({ _form: 'err.badRequest' });
      expect(await snapshot(db(), f.id)).toEqual(answered);
    });

    it('empty answer, note or question: err.textRequired and nothing changes; an unknown action is a bad request', async () => {
      const f = await submitAssigned(db(), mod, unitA, { contactEmail: 'kosong@contoh.id' });
      const before = await snapshot(db(), f.id);
      for (const action of ['answer', 'note', 'ask']) {
        expect(errorKeys((await run(f.id, { action, text: '   ' })).result), action).toEqual({ text: 'err.textRequired' });
        expect(errorKeys((await run(f.id, { action })).result), action).toEqual({ text: 'err.required' });
      }
      expect(errorKeys((await run(f.id, { action: 'close' })).result)).toEqual({ _form: 'err.badRequest' });
      expect(await snapshot(db(), f.id)).toEqual(before);
    });

    it('ask for information: info_request event (not public, shown on the tracking page) and an email with the question', async () => {
      const email = 'tanya@contoh.id';
      const f = await submitAssigned(db(), mod, unitA, { contactEmail: email });
      valueOf((await run(f.id, { action: 'ask', text: 'Mohon kirim **nomor tiang** lampu.' })).result);
      const ev = (await eventsOf(db(), f.id)).at(-1)!;
      expect(ev).toMatchObject({ kind: 'info_request', public: false });
      expect((await getTrackingView(db(), f.code))!.events.map((e) => e.kind)).toContain('info_request');
      const [mail] = await outboxTo(db(), email, 'feedback_info_request');
      expect(mail!.text_body).toContain('nomor tiang');
      expect(mail!.text_body).not.toContain('**');
      expect((await feedbackRow(db(), f.id)).status).toBe('assigned');
    });

    it('note: internal only — not on the tracking page, no email', async () => {
      const email = 'catatan@contoh.id';
      const f = await submitAssigned(db(), mod, unitA, { contactEmail: email });
      const mails = (await outboxTo(db(), email)).length;
      valueOf((await run(f.id, { action: 'note', text: 'Koordinasi dengan PLN dulu.' })).result);
      expect((await eventsOf(db(), f.id)).at(-1)).toMatchObject({ kind: 'note', public: false });
      expect(JSON.stringify(await getTrackingView(db(), f.code))).not.toContain('PLN');
      expect((await outboxTo(db(), email)).length).toBe(mails);
    });

    it('resolve: status resolved, autoclose clock from the resolution day', async () => {
      const f = await submitAssigned(db(), mod, unitA);
      const now = wit('2026-05-26T10:00');
      valueOf((await run(f.id, { action: 'resolve' }, now)).result);
      const row = await feedbackRow(db(), f.id);
      expect(row.status).toBe('resolved');
      // 27 May Idul Adha, 28 leave, 31 Waisak (Sunday), 1 June Pancasila: 29 May, 2, 3, 4, 5, 8, 9, 10, 11, 12 June.
      expect(row.autoclose_at).toEqual(endOfWitDay('2026-06-12'));
      expect((await eventsOf(db(), f.id)).at(-1)).toMatchObject({ kind: 'status', public: true, to_status: 'resolved' });
    });
  });

  describe('autoclose', () => {
    it('closes an answered item once its autoclose time has passed: closed_at, public closed event, audit, reporter emailed; only once', async () => {
      const email = 'tutup@contoh.id';
      const f = await submitAssigned(db(), mod, unitA, { contactEmail: email }, wit('2026-03-13T10:00'));
      valueOf((await run(f.id, { action: 'answer', text: 'Sudah beres.' }, wit('2026-03-27T15:00'))).result);
      const due = (await feedbackRow(db(), f.id)).autoclose_at!;
      expect(due).toEqual(endOfWitDay('2026-04-13'));

      await autocloseDue(db(), PUBLIC_URL, new Date(due.getTime() - 1));
      expect((await feedbackRow(db(), f.id)).status).toBe('responded');

      const now = new Date(due.getTime() + 1);
      expect(await autocloseDue(db(), PUBLIC_URL, now)).toBeGreaterThanOrEqual(1);
      const row = await feedbackRow(db(), f.id);
      expect(row).toMatchObject({ status: 'closed', closed_at: now, autoclose_at: null });
      expect((await eventsOf(db(), f.id)).at(-1)).toMatchObject({ kind: 'closed', public: true, actor_role: 'system', from_status: 'responded', to_status: 'closed' });
      expect((await auditOf(db(), f.id, 'feedback.autoclose'))[0]).toMatchObject({ actor_id: null, before: { status: 'responded' }, after: { status: 'closed' } });
      const mails = await outboxTo(db(), email, 'feedback_status');
      expect(mails.at(-1)!.text_body).toContain('Ditutup');

      const events = (await eventsOf(db(), f.id)).length;
      await autocloseDue(db(), PUBLIC_URL, new Date(now.getTime() + 86400_000));
      expect((await eventsOf(db(), f.id)).length).toBe(events);
      expect((await outboxTo(db(), email, 'feedback_status')).length).toBe(mails.length);
    });

    it('a resolved item closes after its window too', async () => {
      const f = await submitAssigned(db(), mod, unitA);
      valueOf((await run(f.id, { action: 'resolve' }, wit('2026-06-15T10:00'))).result);
      const due = (await feedbackRow(db(), f.id)).autoclose_at!;
      await autocloseDue(db(), PUBLIC_URL, new Date(due.getTime() + 1));
      expect((await feedbackRow(db(), f.id)).status).toBe('closed');
    });

    it("the reporter's reply to an answer stops the clock: in_progress, autoclose_at cleared, never auto-closed", async () => {
      const f = await submitAssigned(db(), mod, unitA, { contactEmail: 'balas@contoh.id' }, wit('2026-03-13T10:00'));
      valueOf((await run(f.id, { action: 'answer', text: 'Sudah beres.' }, wit('2026-03-27T15:00'))).result);
      valueOf(await addInformation(db(), f.code, { text: 'Belum beres, lampunya mati lagi.' }));
      const row = await feedbackRow(db(), f.id);
      expect(row).toMatchObject({ status: 'in_progress', autoclose_at: null });
      const events = await eventsOf(db(), f.id);
      expect(events.slice(-2).map((e) => [e.kind, e.public])).toEqual([
        ['info_added', false],
        ['status', true],
      ]);
      expect(events.at(-1)).toMatchObject({ from_status: 'responded', to_status: 'in_progress', actor_role: 'reporter' });
      await autocloseDue(db(), PUBLIC_URL, wit('2026-12-31T23:00'));
      expect((await feedbackRow(db(), f.id)).status).toBe('in_progress');
    });

    it('information added to an item not yet answered leaves its status alone', async () => {
      const f = await submitAssigned(db(), mod, unitA);
      valueOf(await addInformation(db(), f.code, { text: 'Tambahan: lokasinya di depan masjid.' }));
      expect((await feedbackRow(db(), f.id)).status).toBe('assigned');
    });
  });

  describe('overdue digest', () => {
    it('once per WIT day, only from DIGEST_HOUR_WIT on, to every active moderator and admin, listing the overdue items', async () => {
      expect(RULES.digestHourWit).toBe(7);
      const admin = await person(db(), 'admin');
      const gone = await person(db(), 'moderator');
      await db().updateTable('users').set({ disabled_at: new Date() }).where('id', '=', gone.user.id).execute();
      const overdue = await submitAssigned(db(), mod, unitA, { title: 'Drainase tersumbat di Batu Merah' }, wit('2026-03-13T10:00'));
      const answered = await submitAssigned(db(), mod, unitA, { title: 'Sudah dijawab tepat waktu' }, wit('2026-03-13T10:00'));
      valueOf((await run(answered.id, { action: 'answer', text: 'Dijawab.' }, wit('2026-03-16T10:00'))).result);
      const recipients = await db().selectFrom('users').select('email').where('role', 'in', ['moderator', 'admin']).where('disabled_at', 'is', null).execute();
      const digests = async (to: string) => outboxTo(db(), to, 'overdue_digest');
      const jobRuns = async () => (await db().selectFrom('job_runs').select(['name', 'run_on']).where('name', '=', 'overdue_digest').orderBy('run_on').execute()).map((r) => r.run_on);

      // 06:59 WIT: too early; the day is not claimed.
      expect(await sendOverdueDigest(db(), RULES, PUBLIC_URL, wit('2026-03-30T06:59'))).toBe(0);
      expect(await jobRuns()).toEqual([]);
      expect(await digests(mod.user.email)).toEqual([]);

      expect(await sendOverdueDigest(db(), RULES, PUBLIC_URL, wit('2026-03-30T07:00'))).toBe(recipients.length);
      expect(await jobRuns()).toEqual(['2026-03-30']);
      for (const r of recipients) expect((await digests(r.email)).length, r.email).toBe(1);
      expect(await digests(gone.user.email)).toEqual([]);
      expect(await digests(asn.user.email)).toEqual([]);
      const [mail] = await digests(admin.user.email);
      expect(mail!.text_body).toContain(`No. ${overdue.id}: Drainase tersumbat di Batu Merah`);
      expect(mail!.text_body).not.toContain('Sudah dijawab tepat waktu');
      expect(mail!.text_body).toContain(`${PUBLIC_URL}/moderasi/tenggat`);

      // Later the same WIT day (23:30 WIT is still 30 March): nothing more.
      expect(await sendOverdueDigest(db(), RULES, PUBLIC_URL, wit('2026-03-30T15:00'))).toBe(0);
      expect(await sendOverdueDigest(db(), RULES, PUBLIC_URL, wit('2026-03-30T23:30'))).toBe(0);
      // 01:00 WIT the next day: a new day, but before the hour.
      expect(await sendOverdueDigest(db(), RULES, PUBLIC_URL, wit('2026-03-31T01:00'))).toBe(0);
      for (const r of recipients) expect((await digests(r.email)).length, r.email).toBe(1);

      expect(await sendOverdueDigest(db(), RULES, PUBLIC_URL, wit('2026-03-31T08:00'))).toBe(recipients.length);
      expect(await jobRuns()).toEqual(['2026-03-30', '2026-03-31']);
      for (const r of recipients) expect((await digests(r.email)).length, r.email).toBe(2);
    });
  });

  describe("the reporter's email address", () => {
    // notifyReporter (moderation/service.ts) is documented as "contact email, or account email
    // unless anonymous", the rule submitFeedback follows for the receipt. At e324e56 it selected
    // feedback.anonymous without using it, so anonymous posters got every later email at their
    // account address; fixed in the working tree since. This guards the fix.
    it('an anonymous post by a signed-in reporter without a contact email gets no emails, as documented', async () => {
      const author = await person(db(), 'resident');
      const f = await submit(db(), { author, anonymous: true, unitId: unitA });
      expect(await outboxTo(db(), author.user.email)).toEqual([]);
      valueOf(await publishFeedback(db(), modCtx(mod), f.id, null));
      valueOf((await run(f.id, { action: 'answer', text: 'Jawaban.' })).result);
      expect((await outboxTo(db(), author.user.email)).map((m) => m.template)).toEqual([]);
    });

    it('a named post by a signed-in reporter is emailed at the account address', async () => {
      const author = await person(db(), 'resident');
      const f = await submit(db(), { author, unitId: unitA });
      valueOf(await publishFeedback(db(), modCtx(mod), f.id, null));
      valueOf((await run(f.id, { action: 'answer', text: 'Jawaban.' })).result);
      expect((await outboxTo(db(), author.user.email)).map((m) => m.template)).toEqual(['feedback_receipt', 'feedback_published', 'feedback_answer']);
    });
  });
});

describePostgres('background jobs run once whatever the number of processes', (get) => {
  it('two processes autoclosing at once close each item exactly once', async () => {
    const { db } = get();
    const unitA = await unitIdOf(db, 'Dinas PUPR');
    const ids: number[] = [];
    for (let i = 0; i < 30; i++) {
      ids.push(await insertFeedbackRow(db, { unit_id: unitA, moderation_state: 'published', status: 'responded', autoclose_at: wit('2026-04-13T12:00'), first_response_at: wit('2026-03-27T12:00') }));
    }
    const pools: DbHandle[] = [await openDb({ databaseUrl: get().url!, dataDir: null, poolSize: 2 }), await openDb({ databaseUrl: get().url!, dataDir: null, poolSize: 2 })];
    try {
      const now = wit('2026-04-14T09:00');
      const counts = await Promise.all(pools.map((p) => autocloseDue(p.db, PUBLIC_URL, now)));
      expect(counts.reduce((a, b) => a + b, 0)).toBe(30);
      const closed = await sql<{ feedback_id: number; n: number }>`
        select feedback_id, count(*)::int as n from feedback_events where kind = 'closed' and feedback_id in (${sql.join(ids)}) group by feedback_id`.execute(db);
      expect(closed.rows.length).toBe(30);
      expect(closed.rows.every((r) => r.n === 1)).toBe(true);
    } finally {
      for (const p of pools) await p.close();
    }
  });

  it('two processes sending the digest at the same moment: one digest per moderator', async () => {
    const { db } = get();
    const unitA = await unitIdOf(db, 'Dinas PUPR');
    const mod = await person(db, 'moderator');
    await insertFeedbackRow(db, { unit_id: unitA, moderation_state: 'published', status: 'assigned', answer_due_at: wit('2026-03-27T23:59') });
    const pools: DbHandle[] = [await openDb({ databaseUrl: get().url!, dataDir: null, poolSize: 2 }), await openDb({ databaseUrl: get().url!, dataDir: null, poolSize: 2 })];
    try {
      const now = wit('2026-04-02T08:00');
      const sent = await Promise.all(pools.map((p) => sendOverdueDigest(p.db, RULES, PUBLIC_URL, now)));
      expect(sent.filter((n) => n > 0).length).toBe(1);
      expect((await outboxTo(db, mod.user.email, 'overdue_digest')).length).toBe(1);
    } finally {
      for (const p of pools) await p.close();
    }
  });
});
