import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/server/db/index.ts';
import { oneMonthLater, toWitLocal } from '../../src/domain/dates.ts';
import {
  cancelRegistrationAsModerator,
  checkInByCode,
  recordWalkIn,
  registerForForum,
  undoCheckIn,
} from '../../src/server/forums/registration.ts';
import { addAgendaItem, moveAgendaItem, removeAgendaItem, suggestAgenda } from '../../src/server/forums/agenda.ts';
import { addCommitment, publishMinutes, setCommitmentStatus } from '../../src/server/forums/minutes.ts';
import { cancelForum, closeForum, createForum, deleteDraftForum, planNextMonth, publishForum, updateForum } from '../../src/server/forums/schedule.ts';
import { decideQuestion, questionsFor, submitQuestion } from '../../src/server/forums/questions.ts';
import { findForumBySlug, listCommitmentsForUnit, listForums, listForumsInMonth } from '../../src/server/forums/service.ts';
import { sendForumReminders, sendForumSurveys } from '../../src/server/forums/reminders.ts';
import { submitSurvey, surveyResults } from '../../src/server/forums/survey.ts';
import { describeEachDb } from '../support/db.ts';
import {
  auditOfForum,
  auditOfRegistration,
  editForm,
  errorKeys,
  expectCountersConsistent,
  fctx,
  forumForm,
  forumRow,
  icsOf,
  insertFeedback,
  lastOutboxId,
  makeForum,
  outboxOfTemplate,
  outboxTo,
  person,
  PUBLIC_URL,
  REG_CODE_RE,
  regOpen,
  registrationOf,
  registrationsOf,
  residents,
  unitId,
  valueOf,
  wit,
  type Person,
} from '../support/forum-fixtures.ts';

const HOUR = 3600_000;

async function countForums(db: Db): Promise<number> {
  return (await sql<{ n: number }>`select count(*)::int as n from forums`.execute(db)).rows[0]!.n;
}

describe('oneMonthLater (WIT wall clock)', () => {
  it('keeps the time and clamps to the end of shorter months', () => {
    const cases: [string, string][] = [
      ['2027-01-31T10:00', '2027-02-28T10:00'],
      ['2028-01-31T10:00', '2028-02-29T10:00'],
      ['2027-03-31T19:30', '2027-04-30T19:30'],
      ['2027-12-15T10:00', '2028-01-15T10:00'],
      // 23.30 WIT is 14.30 UTC the same day; 08.00 WIT on the 1st is the previous day in UTC.
      ['2027-01-31T23:30', '2027-02-28T23:30'],
      ['2027-03-01T08:00', '2027-04-01T08:00'],
    ];
    for (const [from, to] of cases) expect(toWitLocal(oneMonthLater(wit(from))), from).toBe(to);
  });
});

describeEachDb('forums: scheduling, agenda, questions, check-in, minutes, commitments, survey and jobs', (get) => {
  const db = () => get().db;
  let mod: Person;
  let resident: Person;
  let dinkes: number;
  let pupr: number;
  let dishub: number;
  let asnDinkes: Person;
  let asnPupr: Person;
  let asnDishub: Person;

  beforeAll(async () => {
    mod = await person(db(), 'moderator');
    resident = await person(db(), 'resident');
    dinkes = await unitId(db(), 'Dinkes');
    pupr = await unitId(db(), 'Dinas PUPR');
    dishub = await unitId(db(), 'Dishub');
    asnDinkes = await person(db(), 'asn', { unitId: dinkes });
    asnPupr = await person(db(), 'asn', { unitId: pupr });
    asnDishub = await person(db(), 'asn', { unitId: dishub });
  });

  describe('scheduling', () => {
    it('createForum: bad input on every field gives the documented key next to that field, and nothing is written', async () => {
      const base = forumForm({ starts: wit('2027-09-08T10:00'), unitIds: [dinkes] });
      const inactive = await db().insertInto('units').values({ slug: `unit-nonaktif-${Date.now()}`, short_name: `Nonaktif ${Date.now()}`, name: 'Unit nonaktif', sector: 'umum', kind: 'agency', active: false }).returning('id').executeTakeFirstOrThrow();
      const cases: [Record<string, string | string[]>, Record<string, string>][] = [
        [{ title: '' }, { title: 'forum.err.title' }],
        [{ title: '  Abc ' }, { title: 'forum.err.title' }],
        [{ starts_at: 'besok pagi' }, { starts_at: 'forum.err.dateTime' }],
        [{ starts_at: '2027-02-30T10:00' }, { starts_at: 'forum.err.dateTime' }],
        [{ ends_at: '2027-09-08T25:00' }, { ends_at: 'forum.err.dateTime' }],
        [{ ends_at: '' }, { ends_at: 'forum.err.dateTime' }],
        [{ ends_at: '2027-09-08T10:00' }, { ends_at: 'forum.err.endsBeforeStart' }],
        [{ ends_at: '2027-09-08T09:00', registration_closes_at: '2027-09-08T08:00' }, { ends_at: 'forum.err.endsBeforeStart' }],
        [{ mode: 'zoom' }, { mode: 'forum.err.mode' }],
        [{ mode: '' }, { mode: 'forum.err.mode' }],
        [{ venue: '' }, { venue: 'forum.err.venueRequired' }],
        [{ mode: 'hybrid', venue: '   ', online_url: 'https://meet.ambon.go.id/x' }, { venue: 'forum.err.venueRequired' }],
        [{ mode: 'online', online_url: '' }, { online_url: 'forum.err.onlineUrlRequired' }],
        [{ mode: 'hybrid', online_url: '' }, { online_url: 'forum.err.onlineUrlRequired' }],
        [{ mode: 'online', online_url: 'meet.ambon.go.id/forum' }, { online_url: 'forum.err.onlineUrl' }],
        [{ mode: 'online', online_url: 'javascript:alert(1)' }, { online_url: 'forum.err.onlineUrl' }],
        [{ mode: 'hybrid', online_url: 'https://localhost' }, { online_url: 'forum.err.onlineUrl' }],
        [{ capacity: '0' }, { capacity: 'forum.err.capacity' }],
        [{ capacity: '-5' }, { capacity: 'forum.err.capacity' }],
        [{ capacity: '2.5' }, { capacity: 'forum.err.capacity' }],
        [{ capacity: 'dua puluh' }, { capacity: 'forum.err.capacity' }],
        [{ capacity: '5001' }, { capacity: 'forum.err.capacity' }],
        [{ capacity: '' }, { capacity: 'forum.err.capacity' }],
        [{ reserved_asn: '-1' }, { reserved_asn: 'forum.err.reservedAsn' }],
        [{ reserved_asn: '501' }, { reserved_asn: 'forum.err.reservedAsn' }],
        [{ reserved_asn: 'x' }, { reserved_asn: 'forum.err.reservedAsn' }],
        [{ registration_opens_at: '2027-13-01T10:00' }, { registration_opens_at: 'forum.err.dateTime' }],
        [{ registration_closes_at: 'kemarin' }, { registration_closes_at: 'forum.err.dateTime' }],
        [{ registration_opens_at: '2027-09-01T10:00', registration_closes_at: '2027-09-01T10:00' }, { registration_closes_at: 'forum.err.windowOrder' }],
        [{ registration_opens_at: '2027-09-05T10:00', registration_closes_at: '2027-09-01T10:00' }, { registration_closes_at: 'forum.err.windowOrder' }],
        [{ registration_closes_at: '2027-09-08T12:01' }, { registration_closes_at: 'forum.err.windowAfterEnd' }],
        [{ unit_ids: [] }, { unit_ids: 'forum.err.units' }],
        [{ unit_ids: ['987654'] }, { unit_ids: 'forum.err.units' }],
        [{ unit_ids: [String(dinkes), '987654'] }, { unit_ids: 'forum.err.units' }],
        [{ unit_ids: [String(inactive.id)] }, { unit_ids: 'forum.err.units' }],
      ];
      const before = await countForums(db());
      const audits = (await sql<{ n: number }>`select count(*)::int as n from audit_log where action = 'forum.create'`.execute(db())).rows[0]!.n;
      for (const [change, expected] of cases) {
        expect(errorKeys(await createForum(db(), fctx(mod), { ...base, ...change })), JSON.stringify(change)).toEqual(expected);
      }
      expect(await countForums(db())).toBe(before);
      expect((await sql<{ n: number }>`select count(*)::int as n from audit_log where action = 'forum.create'`.execute(db())).rows[0]!.n).toBe(audits);

      // Several mistakes at once: each field gets its own message in the same answer, the checks
      // across fields included (they do not wait for the other fields to be right).
      const many = errorKeys(await createForum(db(), fctx(mod), { ...base, title: '', starts_at: '', mode: 'hybrid', venue: '', online_url: 'meet', capacity: '0', unit_ids: [] }));
      expect(many).toEqual({
        title: 'forum.err.title',
        starts_at: 'forum.err.dateTime',
        venue: 'forum.err.venueRequired',
        online_url: 'forum.err.onlineUrl',
        capacity: 'forum.err.capacity',
        unit_ids: 'forum.err.units',
      });
      expect(await countForums(db())).toBe(before);

      // The base form itself is fine; the unit list may come comma-separated; duplicates collapse.
      const ok = valueOf(await createForum(db(), fctx(mod), { ...base, unit_ids: `${dinkes},${pupr},${dinkes}` }));
      expect(ok.slug).toMatch(/^2027-09-08-forum-dialog-publik/);
      const f = await forumRow(db(), ok.id);
      expect(f).toMatchObject({ status: 'draft', starts_at: wit('2027-09-08T10:00'), ends_at: wit('2027-09-08T12:00'), capacity: 20, reserved_asn: 0, online_url: null, sequence: 0 });
      expect(f.description_html).toContain('<em>perangkat daerah</em>');
      expect((await db().selectFrom('forum_units').select('unit_id').where('forum_id', '=', ok.id).orderBy('unit_id').execute()).map((u) => u.unit_id)).toEqual([dinkes, pupr].sort((a, b) => a - b));
      expect(await auditOfForum(db(), ok.id, 'forum.create')).toHaveLength(1);
      // An online URL is dropped for an in-person forum.
      const inPerson = valueOf(await createForum(db(), fctx(mod), { ...base, online_url: 'https://meet.ambon.go.id/x' }));
      expect((await forumRow(db(), inPerson.id)).online_url).toBeNull();
      // Same title and day: a free slug.
      expect(inPerson.slug).toBe(`${ok.slug}-2`);
    });

    it('updateForum: a stale edit is refused with forum.err.staleEdit and nothing changes; cancelled forums are not editable', async () => {
      const f = await makeForum(db(), mod, { unitIds: [dinkes] });
      const stale = await editForm(db(), f.id);
      await new Promise((r) => setTimeout(r, 5));
      valueOf(await updateForum(db(), fctx(mod), f.id, { ...stale, title: 'Forum Dialog yang Diubah Pertama' }));
      const now = await forumRow(db(), f.id);
      expect(now.title).toBe('Forum Dialog yang Diubah Pertama');
      expect(errorKeys(await updateForum(db(), fctx(mod), f.id, { ...stale, title: 'Forum Dialog yang Diubah Kedua' }))).toEqual({ _form: 'forum.err.staleEdit' });
      expect(errorKeys(await updateForum(db(), fctx(mod), f.id, { ...(await editForm(db(), f.id)), seen: undefined, capacity: '30' }))).toEqual({ _form: 'forum.err.staleEdit' });
      expect(await forumRow(db(), f.id)).toEqual(now);
      expect(await auditOfForum(db(), f.id, 'forum.update')).toHaveLength(1);
      // Validation errors come back the same way (field keys).
      expect(errorKeys(await updateForum(db(), fctx(mod), f.id, await editForm(db(), f.id, { capacity: '0' })))).toEqual({ capacity: 'forum.err.capacity' });
      expect(await updateForum(db(), fctx(mod), 987654321, await editForm(db(), f.id))).toBeNull();

      valueOf(await cancelForum(db(), fctx(mod), f.id, { reason: 'Ruangan tidak tersedia.' }));
      expect(errorKeys(await updateForum(db(), fctx(mod), f.id, await editForm(db(), f.id, { capacity: '30' })))).toEqual({ _form: 'forum.err.notEditable' });
      expect(errorKeys(await publishForum(db(), fctx(mod), f.id))).toEqual({ _form: 'forum.err.notDraft' });
    });

    it('moving a published forum emails every registered and waitlisted person (forum_changed with .ics), not those who cancelled', async () => {
      const f = await makeForum(db(), mod, { capacity: 1, unitIds: [dinkes] });
      const now = regOpen(f);
      const [a, b, c] = await residents(db(), 3);
      for (const p of [a!, b!, c!]) valueOf(await registerForForum(db(), fctx(p, now), f.id));
      const cReg = await registrationOf(db(), f.id, c!.user.id);
      valueOf(await cancelRegistrationAsModerator(db(), fctx(mod, now), f.id, cReg.id));
      const r = valueOf(await updateForum(db(), fctx(mod, now), f.id, await editForm(db(), f.id, { venue: 'Taman Pattimura' })));
      expect(r.notified).toBe(2);
      for (const p of [a!, b!]) {
        const [m] = await outboxTo(db(), p.user.email, 'forum_changed');
        expect(m!.text_body).toContain('Taman Pattimura');
        expect(icsOf(m!)).toContain('LOCATION:Taman Pattimura');
      }
      expect(await outboxTo(db(), c!.user.email, 'forum_changed')).toEqual([]);
      // A title-only change raises SEQUENCE but sends nothing.
      const before = await lastOutboxId(db());
      const t = valueOf(await updateForum(db(), fctx(mod, now), f.id, await editForm(db(), f.id, { title: `${f.title} (edisi khusus)` })));
      expect(t.notified).toBe(0);
      expect(await outboxOfTemplate(db(), 'forum_changed', before)).toEqual([]);
      expect((await forumRow(db(), f.id)).sequence).toBe(2);
      // A draft is moved silently.
      const draft = await makeForum(db(), mod, { unitIds: [dinkes] }, { publish: false });
      expect(valueOf(await updateForum(db(), fctx(mod), draft.id, await editForm(db(), draft.id, { venue: 'Taman Pattimura' }))).notified).toBe(0);
    });

    it('a draft cannot be cancelled (that would announce it) but can be deleted; a published forum cannot be deleted', async () => {
      const draft = await makeForum(db(), mod, { unitIds: [dinkes] }, { publish: false });
      expect(errorKeys(await cancelForum(db(), fctx(mod), draft.id, { reason: 'Tidak jadi diadakan.' }))).toEqual({ _form: 'forum.err.draftDelete' });
      expect((await forumRow(db(), draft.id)).status).toBe('draft');
      const [resident] = await residents(db(), 1);
      expect(await deleteDraftForum(db(), fctx(resident!), draft.id)).toBeNull();
      valueOf(await deleteDraftForum(db(), fctx(mod), draft.id));
      expect(await db().selectFrom('forums').select('id').where('id', '=', draft.id).executeTakeFirst()).toBeUndefined();
      expect(await auditOfForum(db(), draft.id, 'forum.delete_draft')).toHaveLength(1);
      const published = await makeForum(db(), mod, { unitIds: [dinkes] });
      expect(errorKeys(await deleteDraftForum(db(), fctx(mod), published.id))).toEqual({ _form: 'forum.err.notDraft' });
    });

    it('cancelForum requires a reason, emails everyone registered or waitlisted with it, and raises SEQUENCE', async () => {
      const f = await makeForum(db(), mod, { capacity: 1, unitIds: [dinkes] });
      const now = regOpen(f);
      const [a, b] = await residents(db(), 2);
      for (const p of [a!, b!]) valueOf(await registerForForum(db(), fctx(p, now), f.id));
      for (const reason of [undefined, '', '   ', 'abc']) {
        expect(errorKeys(await cancelForum(db(), fctx(mod), f.id, { reason })), String(reason)).toEqual({ reason: 'forum.err.cancelReason' });
      }
      expect(errorKeys(await cancelForum(db(), fctx(mod), f.id, { reason: 'x'.repeat(1001) }))).toEqual({ reason: 'err.tooLong' });
      expect((await forumRow(db(), f.id)).status).toBe('published');
      expect(await outboxTo(db(), a!.user.email, 'forum_cancelled')).toEqual([]);

      expect(valueOf(await cancelForum(db(), fctx(mod), f.id, { reason: '  Hujan deras dan banjir di kota.  ' }))).toEqual({ notified: 2 });
      expect(await forumRow(db(), f.id)).toMatchObject({ status: 'cancelled', cancel_reason: 'Hujan deras dan banjir di kota.', sequence: 1 });
      for (const p of [a!, b!]) {
        const [m] = await outboxTo(db(), p.user.email, 'forum_cancelled');
        expect(m!.text_body).toContain('Hujan deras dan banjir di kota.');
        expect(icsOf(m!)).toContain('STATUS:CANCELLED');
      }
      expect(await auditOfForum(db(), f.id, 'forum.cancel')).toHaveLength(1);
      expect(errorKeys(await cancelForum(db(), fctx(mod), f.id, { reason: 'Sekali lagi dibatalkan.' }))).toEqual({ _form: 'forum.err.notEditable' });
      expect(await cancelForum(db(), fctx(mod), 987654321, { reason: 'Tidak ada forum ini.' })).toBeNull();
    });

    it('planNextMonth: a draft one calendar month later (31 Jan → 28 Feb), same times, window, units and agenda titles (not selected questions)', async () => {
      const f = await makeForum(db(), mod, { starts: wit('2027-01-31T10:00'), hours: 3, opensDaysBefore: 7, closesHoursBefore: 1, capacity: 40, reserved: 5, mode: 'hybrid', unitIds: [dinkes, pupr] });
      valueOf(await addAgendaItem(db(), fctx(mod), f.id, { title: 'Antrean obat di puskesmas', note: 'Bahas stok', unit_id: String(dinkes) }));
      valueOf(await addAgendaItem(db(), fctx(mod), f.id, { title: 'Drainase Jalan Sam Ratulangi', unit_id: String(pupr) }));
      const p = await person(db(), 'resident');
      valueOf(await registerForForum(db(), fctx(p, regOpen(f)), f.id));
      const q = valueOf(await submitQuestion(db(), fctx(p, regOpen(f)), f.id, { body: 'Kapan obat hipertensi tersedia lagi?', unit_id: String(dinkes) }));
      valueOf(await decideQuestion(db(), fctx(mod), f.id, q.id, 'select'));

      const copy = valueOf(await planNextMonth(db(), fctx(mod), f.id));
      const c = await forumRow(db(), copy.id);
      expect(toWitLocal(c.starts_at)).toBe('2027-02-28T10:00');
      expect(toWitLocal(c.ends_at)).toBe('2027-02-28T13:00');
      expect(toWitLocal(c.registration_opens_at)).toBe('2027-02-21T10:00');
      expect(toWitLocal(c.registration_closes_at)).toBe('2027-02-28T09:00');
      expect(c).toMatchObject({ status: 'draft', copied_from: f.id, title: f.title, capacity: 40, reserved_asn: 5, mode: 'hybrid', venue: f.venue, online_url: f.online_url, resident_taken: 0, sequence: 0 });
      expect(c.slug).toMatch(/^2027-02-28-/);
      const units = await db().selectFrom('forum_units').select('unit_id').where('forum_id', '=', c.id).orderBy('unit_id').execute();
      expect(units.map((u) => u.unit_id)).toEqual([dinkes, pupr].sort((x, y) => x - y));
      const agenda = await db().selectFrom('forum_agenda_items').select(['title', 'position', 'note', 'unit_id', 'question_id']).where('forum_id', '=', c.id).orderBy('position').execute();
      expect(agenda).toEqual([
        { title: 'Antrean obat di puskesmas', position: 1, note: 'Bahas stok', unit_id: dinkes, question_id: null },
        { title: 'Drainase Jalan Sam Ratulangi', position: 2, note: null, unit_id: pupr, question_id: null },
      ]);
      expect(await registrationsOf(db(), c.id)).toEqual([]);
      // Drafts are for moderators only.
      expect(await findForumBySlug(db(), resident.user, c.slug)).toBeNull();
      expect(await findForumBySlug(db(), null, c.slug)).toBeNull();
      expect((await findForumBySlug(db(), mod.user, c.slug))!.id).toBe(c.id);
      expect(await planNextMonth(db(), fctx(mod), 987654321)).toBeNull();
    });
  });

  describe('agenda', () => {
    it('suggestAgenda: the most supported unresolved published feedback of the participating units since the previous forum', async () => {
      const prev = await makeForum(db(), mod, { starts: wit('2031-04-10T10:00'), unitIds: [dishub] });
      const f = await makeForum(db(), mod, { starts: wit('2031-05-10T10:00'), unitIds: [dinkes, pupr] });
      const at = (d: string) => wit(`2031-04-${d}T12:00`);
      const a = await insertFeedback(db(), { unitId: dinkes, support: 5, createdAt: at('20'), title: 'Obat hipertensi kosong di puskesmas' });
      const b = await insertFeedback(db(), { unitId: pupr, support: 9, createdAt: at('25'), title: 'Obat nyamuk fogging tidak merata' });
      const c = await insertFeedback(db(), { unitId: dinkes, support: 1, createdAt: at('26'), status: 'responded', title: 'Antrean obat lama' });
      await insertFeedback(db(), { unitId: dinkes, support: 20, createdAt: at('21'), status: 'resolved' });
      await insertFeedback(db(), { unitId: dinkes, support: 21, createdAt: at('21'), status: 'closed' });
      await insertFeedback(db(), { unitId: dinkes, support: 30, createdAt: at('22'), moderation: 'pending' });
      await insertFeedback(db(), { unitId: dinkes, support: 31, createdAt: at('22'), moderation: 'hidden' });
      await insertFeedback(db(), { unitId: dinkes, support: 60, createdAt: at('23'), confidential: true });
      await insertFeedback(db(), { unitId: dishub, support: 50, createdAt: at('24'), title: 'Angkot ngetem sembarangan' });
      const early = await insertFeedback(db(), { unitId: dinkes, support: 40, createdAt: wit('2031-04-09T12:00') });
      // Planned on 1 May 2031, after the April forum took place.
      const s = await suggestAgenda(db(), f, wit('2031-05-01T09:00'));
      expect(s.since).toEqual(prev.starts_at);
      expect(s.items.filter((i) => !i.older).map((i) => i.id)).toEqual([b, a, c]);
      // Fewer than ten since then: older unresolved items of these units follow, marked as such.
      expect(s.items.filter((i) => i.older).map((i) => i.id)).toEqual([early]);
      expect(s.items.slice(0, 3).every((i) => !i.older)).toBe(true);
      expect(s.items[0]).toMatchObject({ unit_short_name: 'Dinas PUPR', support_count: 9 });
      const words = s.themes.map((t) => t.word);
      expect(s.themes[0]).toMatchObject({ word: 'obat', count: 3 });
      expect(words).not.toContain('angkot');
    });

    it('addAgendaItem: bad title or feedback numbers, unpublished feedback refused; reporters of cited feedback invited once (anonymous only through a contact email)', async () => {
      const f = await makeForum(db(), mod, { unitIds: [dinkes] });
      const author = await person(db(), 'resident');
      const anonAuthor = await person(db(), 'resident');
      const anonWithContact = await person(db(), 'resident');
      const open = await insertFeedback(db(), { unitId: dinkes, authorId: author.user.id });
      const anon = await insertFeedback(db(), { unitId: dinkes, authorId: anonAuthor.user.id, anonymous: true });
      const contact = await insertFeedback(db(), { unitId: dinkes, authorId: anonWithContact.user.id, anonymous: true, contactEmail: 'kontak.forum@contoh.id' });
      const pending = await insertFeedback(db(), { unitId: dinkes, moderation: 'pending', authorId: author.user.id });
      const hidden = await insertFeedback(db(), { unitId: dinkes, moderation: 'hidden' });

      const add = (input: Record<string, string>) => addAgendaItem(db(), fctx(mod), f.id, input);
      expect(errorKeys(await add({ title: 'ab' }))).toEqual({ title: 'forum.err.agendaTitle' });
      expect(errorKeys(await add({ title: '' }))).toEqual({ title: 'forum.err.agendaTitle' });
      expect(errorKeys(await add({ title: 'Antrean', feedback_ids: 'dua belas' }))).toEqual({ feedback_ids: 'forum.err.feedbackIds' });
      expect(errorKeys(await add({ title: 'Antrean', feedback_ids: `${open}, 4x` }))).toEqual({ feedback_ids: 'forum.err.feedbackIds' });
      expect(errorKeys(await add({ title: 'Antrean', feedback_ids: `${open}, ${pending}` }))).toEqual({ feedback_ids: 'forum.err.feedbackNotCitable' });
      expect(errorKeys(await add({ title: 'Antrean', feedback_ids: `${hidden}` }))).toEqual({ feedback_ids: 'forum.err.feedbackNotCitable' });
      expect(errorKeys(await add({ title: 'Antrean', feedback_ids: '987654321' }))).toEqual({ feedback_ids: 'forum.err.feedbackNotCitable' });
      expect(errorKeys(await add({ title: 'Antrean', unit_id: '987654' }))).toEqual({ unit_id: 'forum.err.unitNotInForum' });
      expect(errorKeys(await add({ title: 'Antrean', unit_id: String(dishub) }))).toEqual({ unit_id: 'forum.err.unitNotInForum' });
      expect(await db().selectFrom('forum_agenda_items').select('id').where('forum_id', '=', f.id).execute()).toEqual([]);
      expect(await outboxTo(db(), author.user.email)).toEqual([]);

      const first = valueOf(await add({ title: 'Layanan puskesmas', feedback_ids: `#${open}, ${anon} ${contact}` }));
      const [inv] = await outboxTo(db(), author.user.email, 'forum_invite');
      expect(inv!.text_body).toContain(f.title);
      expect(inv!.text_body).toContain(`${PUBLIC_URL}/forum/${f.slug}`);
      expect(await outboxTo(db(), 'kontak.forum@contoh.id', 'forum_invite')).toHaveLength(1);
      expect(await outboxTo(db(), anonAuthor.user.email)).toEqual([]);
      const cites = await db().selectFrom('forum_agenda_citations').select('feedback_id').where('agenda_item_id', '=', first.id).orderBy('feedback_id').execute();
      expect(cites.map((x) => x.feedback_id)).toEqual([open, anon, contact].sort((x, y) => x - y));

      // Cited again in the same forum: no second invitation.
      expect(valueOf(await add({ title: 'Tindak lanjut puskesmas', feedback_ids: `${open}` })).invited).toBe(0);
      expect(await outboxTo(db(), author.user.email, 'forum_invite')).toHaveLength(1);
      // Cited in another forum: invited there.
      const g = await makeForum(db(), mod, { unitIds: [dinkes] });
      expect(valueOf(await addAgendaItem(db(), fctx(mod), g.id, { title: 'Puskesmas lagi', feedback_ids: `${open}` })).invited).toBe(1);
      // A draft invites nobody yet; publishing it does, once.
      const draft = await makeForum(db(), mod, { unitIds: [dinkes] }, { publish: false });
      const other = await insertFeedback(db(), { unitId: dinkes, authorId: anonWithContact.user.id });
      expect(valueOf(await addAgendaItem(db(), fctx(mod), draft.id, { title: 'Draf agenda', feedback_ids: `${other}` })).invited).toBe(0);
      expect(await outboxTo(db(), anonWithContact.user.email)).toEqual([]);
      valueOf(await publishForum(db(), fctx(mod), draft.id));
      expect(await outboxTo(db(), anonWithContact.user.email, 'forum_invite')).toHaveLength(1);
      expect(valueOf(await addAgendaItem(db(), fctx(mod), draft.id, { title: 'Draf agenda lagi', feedback_ids: `${other}` })).invited).toBe(0);
      expect(await outboxTo(db(), anonWithContact.user.email, 'forum_invite')).toHaveLength(1);

      // Order and removal.
      const second = (await db().selectFrom('forum_agenda_items').select('id').where('forum_id', '=', f.id).orderBy('position').execute())[1]!.id;
      valueOf(await moveAgendaItem(db(), fctx(mod), f.id, second, 'up'));
      const order = await db().selectFrom('forum_agenda_items').select(['id', 'position']).where('forum_id', '=', f.id).orderBy('position').execute();
      expect(order.map((o) => o.id)).toEqual([second, first.id]);
      valueOf(await removeAgendaItem(db(), fctx(mod), f.id, first.id));
      expect(await db().selectFrom('forum_agenda_citations').select('feedback_id').where('agenda_item_id', '=', first.id).execute()).toEqual([]);
      expect(await removeAgendaItem(db(), fctx(mod), g.id, second)).toBeNull();
    });
  });

  describe('questions ahead', () => {
    it('only registered (or waitlisted) people, before the start, for a participating unit, citing their own feedback, at most 5', async () => {
      const f = await makeForum(db(), mod, { capacity: 1, unitIds: [dinkes, pupr] });
      const now = regOpen(f);
      const [r, w, stranger, leaver] = await residents(db(), 4);
      for (const p of [r!, w!, leaver!]) valueOf(await registerForForum(db(), fctx(p, now), f.id));
      const leaverReg = await registrationOf(db(), f.id, leaver!.user.id);
      valueOf(await cancelRegistrationAsModerator(db(), fctx(mod, now), f.id, leaverReg.id));
      const own = await insertFeedback(db(), { unitId: dinkes, authorId: r!.user.id, title: 'Obat kosong lagi' });
      const others = await insertFeedback(db(), { unitId: dinkes, authorId: w!.user.id });

      const ask = (p: Person, input: Record<string, string>, at = now, id = f.id) => submitQuestion(db(), fctx(p, at), id, input);
      const body = 'Kapan stok obat di puskesmas dipenuhi?';
      expect(errorKeys(await ask(stranger!, { body }))).toEqual({ _form: 'forum.err.registerFirst' });
      expect(errorKeys(await ask(leaver!, { body }))).toEqual({ _form: 'forum.err.registerFirst' });
      expect(errorKeys(await ask(mod, { body }))).toEqual({ _form: 'forum.err.registerFirst' });
      expect(errorKeys(await ask(r!, { body: 'Halo?' }))).toEqual({ body: 'forum.err.questionBody' });
      expect(errorKeys(await ask(r!, { body, unit_id: String(dishub) }))).toEqual({ unit_id: 'forum.err.unitNotInForum' });
      expect(errorKeys(await ask(r!, { body, feedback_id: String(others) }))).toEqual({ feedback_id: 'forum.err.notYourFeedback' });
      expect(errorKeys(await ask(r!, { body }, f.starts_at))).toEqual({ _form: 'forum.err.questionsClosed' });
      expect(await db().selectFrom('forum_questions').select('id').where('forum_id', '=', f.id).execute()).toEqual([]);

      const q1 = valueOf(await ask(r!, { body, unit_id: String(dinkes), feedback_id: String(own) }));
      const q2 = valueOf(await ask(w!, { body: 'Jalan ke puskesmas rusak, kapan diperbaiki?', unit_id: String(pupr) }));
      for (let i = 0; i < 4; i++) valueOf(await ask(r!, { body: `Pertanyaan tambahan nomor ${i + 2} untuk Dinkes`, unit_id: String(dinkes) }));
      expect(errorKeys(await ask(r!, { body: 'Pertanyaan keenam yang terlalu banyak' }))).toEqual({ body: 'forum.err.tooManyQuestions' });
      const draft = await makeForum(db(), mod, { unitIds: [dinkes] }, { publish: false });
      expect(await ask(r!, { body }, now, draft.id)).toBeNull();

      // Who sees which questions.
      const forum = await forumRow(db(), f.id);
      expect((await questionsFor(db(), mod.user, forum)).length).toBe(6);
      const dinkesView = await questionsFor(db(), asnDinkes.user, forum);
      expect(dinkesView.length).toBe(5);
      expect(dinkesView.every((q) => q.unit_id === dinkes)).toBe(true);
      expect((await questionsFor(db(), asnPupr.user, forum)).map((q) => q.id)).toEqual([q2.id]);
      expect(await questionsFor(db(), asnDishub.user, forum)).toEqual([]);
      expect((await questionsFor(db(), w!.user, forum)).map((q) => q.id)).toEqual([q2.id]);
      expect(await questionsFor(db(), stranger!.user, forum)).toEqual([]);

      // Selected onto the agenda (at the end, citing the feedback), once; declined; removed → submitted again.
      valueOf(await addAgendaItem(db(), fctx(mod), f.id, { title: 'Pembukaan' }));
      expect(await decideQuestion(db(), fctx(resident), f.id, q1.id, 'select')).toBeNull();
      valueOf(await decideQuestion(db(), fctx(mod), f.id, q1.id, 'select'));
      valueOf(await decideQuestion(db(), fctx(mod), f.id, q1.id, 'select'));
      const agenda = await db().selectFrom('forum_agenda_items').selectAll().where('forum_id', '=', f.id).orderBy('position').execute();
      expect(agenda.map((a) => [a.title, a.position, a.question_id, a.unit_id])).toEqual([
        ['Pembukaan', 1, null, null],
        [body, 2, q1.id, dinkes],
      ]);
      expect((await db().selectFrom('forum_agenda_citations').select('feedback_id').where('agenda_item_id', '=', agenda[1]!.id).execute()).map((x) => x.feedback_id)).toEqual([own]);
      expect(await db().selectFrom('forum_questions').select(['status', 'position']).where('id', '=', q1.id).executeTakeFirst()).toEqual({ status: 'selected', position: 2 });
      valueOf(await decideQuestion(db(), fctx(mod), f.id, q2.id, 'decline'));
      expect((await db().selectFrom('forum_questions').select('status').where('id', '=', q2.id).executeTakeFirstOrThrow()).status).toBe('declined');
      valueOf(await removeAgendaItem(db(), fctx(mod), f.id, agenda[1]!.id));
      expect(await db().selectFrom('forum_questions').select(['status', 'position']).where('id', '=', q1.id).executeTakeFirst()).toEqual({ status: 'submitted', position: null });
      expect(await decideQuestion(db(), fctx(mod), draft.id, q1.id, 'select')).toBeNull();
    });
  });

  describe('check-in', () => {
    it('by code typed loosely or read from the QR URL; unknown, cancelled, twice, waitlisted without a seat, walk-ins when full, the window', async () => {
      const f = await makeForum(db(), mod, { starts: wit('2027-08-11T10:00'), capacity: 2, unitIds: [dinkes] });
      const now = regOpen(f);
      const [a, b, c, d] = await residents(db(), 4);
      const code: Record<string, string> = {};
      for (const [k, p] of Object.entries({ a, b, c, d })) code[k] = valueOf(await registerForForum(db(), fctx(p!, now), f.id)).code;
      valueOf(await cancelRegistrationAsModerator(db(), fctx(mod, now), f.id, (await registrationOf(db(), f.id, d!.user.id)).id));
      // d was waitlisted (seats: a, b); c is first in line.
      const check = (input: string, at: Date, who: Person = mod) => checkInByCode(db(), fctx(who, at), f.id, input);
      const doorOpen = wit('2027-08-10T10:00');

      expect(errorKeys(await check(code.a!, wit('2027-08-10T09:59')))).toEqual({ code: 'forum.err.checkInClosed' });
      expect(errorKeys(await check('F-12', doorOpen))).toEqual({ code: 'forum.err.codeFormat' });
      expect(errorKeys(await check('', doorOpen))).toEqual({ code: 'forum.err.codeFormat' });
      expect(errorKeys(await check('F-2222-2222', doorOpen))).toEqual({ code: 'forum.err.codeUnknown' });
      const elsewhere = await makeForum(db(), mod, { starts: wit('2027-08-11T10:00'), unitIds: [dinkes] });
      const otherCode = valueOf(await registerForForum(db(), fctx(resident, regOpen(elsewhere)), elsewhere.id)).code;
      expect(errorKeys(await check(otherCode, doorOpen))).toEqual({ code: 'forum.err.codeUnknown' });

      const loose = ` ${code.a!.toLowerCase().replace(/-/g, ' ')} `;
      const atDoor = wit('2027-08-11T09:40');
      expect(valueOf(await check(loose, atDoor))).toEqual({ name: a!.user.displayName, code: code.a, already: false, promoted: false });
      const regA = await registrationOf(db(), f.id, a!.user.id);
      expect(regA).toMatchObject({ checked_in_at: atDoor, checked_in_by: mod.user.id, status: 'registered' });
      expect(await auditOfRegistration(db(), regA.id, 'forum.check_in')).toHaveLength(1);
      expect(valueOf(await check(code.a!, wit('2027-08-11T09:50')))).toMatchObject({ already: true });
      expect((await registrationOf(db(), f.id, a!.user.id)).checked_in_at).toEqual(atDoor);
      expect(await auditOfRegistration(db(), regA.id, 'forum.check_in')).toHaveLength(1);

      const qrUrl = `${PUBLIC_URL}/forum/${f.slug}/checkin?kode=${encodeURIComponent(code.b!)}`;
      expect(valueOf(await check(qrUrl, atDoor))).toMatchObject({ code: code.b, already: false });

      const dCancelled = await check(code.d!, atDoor);
      expect(errorKeys(dCancelled)).toEqual({ code: 'forum.err.registrationCancelled' });
      expect(dCancelled!.ok === false && dCancelled!.errors.code!.params).toEqual({ name: d!.user.displayName });
      expect(errorKeys(await check(code.c!, atDoor))).toEqual({ code: 'forum.err.waitlistedNoSeat' });
      expect((await registrationOf(db(), f.id, c!.user.id)).status).toBe('waitlisted');
      expect(errorKeys(await recordWalkIn(db(), fctx(mod, atDoor), f.id, { name: 'Bapak Tanpa Daftar' }))).toEqual({ name: 'forum.err.walkInFull' });
      expect(errorKeys(await recordWalkIn(db(), fctx(mod, atDoor), f.id, { name: ' A ' }))).toEqual({ name: 'forum.err.walkInName' });
      expect(errorKeys(await recordWalkIn(db(), fctx(mod, atDoor), f.id, { name: 'x'.repeat(121) }))).toEqual({ name: 'err.tooLong' });
      expect((await forumRow(db(), f.id)).resident_taken).toBe(2);

      // After the end, b is cancelled (no promotion once over): the seat is free at the door, and c gets it.
      const after = new Date(f.ends_at.getTime() + 10 * 60_000);
      valueOf(await undoCheckIn(db(), fctx(mod, after), f.id, (await registrationOf(db(), f.id, b!.user.id)).id));
      expect((await registrationOf(db(), f.id, b!.user.id)).checked_in_at).toBeNull();
      expect((await forumRow(db(), f.id)).resident_taken).toBe(2);
      valueOf(await cancelRegistrationAsModerator(db(), fctx(mod, after), f.id, (await registrationOf(db(), f.id, b!.user.id)).id));
      expect((await registrationOf(db(), f.id, c!.user.id)).status).toBe('waitlisted');
      expect(valueOf(await check(code.c!, after))).toMatchObject({ promoted: true, already: false });
      expect(await registrationOf(db(), f.id, c!.user.id)).toMatchObject({ status: 'registered', promoted_at: after, checked_in_at: after });
      expect((await forumRow(db(), f.id)).resident_taken).toBe(2);
      await expectCountersConsistent(db(), f.id);

      expect(errorKeys(await check(code.a!, new Date(f.ends_at.getTime() + 24 * HOUR + 60_000)))).toEqual({ code: 'forum.err.checkInClosed' });
      for (const who of [resident, asnDinkes]) {
        expect(await check(code.a!, atDoor, who)).toBeNull();
        expect(await recordWalkIn(db(), fctx(who, atDoor), f.id, { name: 'Tamu' })).toBeNull();
        expect(await undoCheckIn(db(), fctx(who, atDoor), f.id, regA.id)).toBeNull();
      }
      const draft = await makeForum(db(), mod, { starts: wit('2027-08-11T10:00'), unitIds: [dinkes] }, { publish: false });
      expect(errorKeys(await checkInByCode(db(), fctx(mod, atDoor), draft.id, code.a!))).toEqual({ code: 'forum.err.checkInClosed' });
    });

    it('walk-ins take a free residents seat with a code of their own', async () => {
      const f = await makeForum(db(), mod, { starts: wit('2027-08-18T10:00'), capacity: 2, unitIds: [dinkes] });
      const at = wit('2027-08-18T09:30');
      const w = valueOf(await recordWalkIn(db(), fctx(mod, at), f.id, { name: '  Ibu Nona Latuconsina ' }));
      expect(w.code).toMatch(REG_CODE_RE);
      const [row] = await registrationsOf(db(), f.id);
      expect(row).toMatchObject({ user_id: null, walk_in_name: 'Ibu Nona Latuconsina', status: 'registered', pool: 'resident', checked_in_at: at, code: w.code });
      expect((await forumRow(db(), f.id)).resident_taken).toBe(1);
      expect(await auditOfRegistration(db(), row!.id, 'forum.walk_in')).toHaveLength(1);
      expect(errorKeys(await recordWalkIn(db(), fctx(mod, wit('2027-08-16T09:30')), f.id, { name: 'Terlalu Awal' }))).toEqual({ name: 'forum.err.checkInClosed' });
    });
  });

  describe('after the forum', () => {
    it('publishMinutes takes the attendee count from check-ins and validates the text; addCommitment validates; statuses; per-unit list', async () => {
      const f = await makeForum(db(), mod, { starts: wit('2027-10-13T10:00'), capacity: 5, unitIds: [dinkes, pupr] });
      const [a, b, c] = await residents(db(), 3);
      for (const p of [a!, b!, c!]) valueOf(await registerForForum(db(), fctx(p, regOpen(f)), f.id));
      const at = wit('2027-10-13T09:45');
      for (const p of [a!, b!]) valueOf(await checkInByCode(db(), fctx(mod, at), f.id, (await registrationOf(db(), f.id, p.user.id)).code));
      valueOf(await recordWalkIn(db(), fctx(mod, at), f.id, { name: 'Tamu Tanpa Daftar' }));
      const end = wit('2027-10-13T12:05');
      const minutes = 'Notula forum: **tiga** hal dibahas, Dinkes berjanji menambah stok obat.';

      expect(errorKeys(await publishMinutes(db(), fctx(mod, end), f.id, { minutes: 'Terlalu pendek' }))).toEqual({ minutes: 'forum.err.minutes' });
      expect(errorKeys(await publishMinutes(db(), fctx(mod, end), f.id, { minutes: '' }))).toEqual({ minutes: 'forum.err.minutes' });
      expect(errorKeys(await publishMinutes(db(), fctx(mod, end), f.id, { minutes: 'x'.repeat(50001) }))).toEqual({ minutes: 'err.tooLong' });
      expect(errorKeys(await publishMinutes(db(), fctx(mod, wit('2027-10-13T09:59')), f.id, { minutes }))).toEqual({ _form: 'forum.err.notStartedYet' });
      expect(errorKeys(await publishMinutes(db(), fctx(mod, end), f.id, { minutes, seen: '2020-01-01T00:00:00.000Z' }))).toEqual({ _form: 'forum.err.staleEdit' });
      expect(await publishMinutes(db(), fctx(resident, end), f.id, { minutes })).toBeNull();
      expect((await forumRow(db(), f.id)).minutes_md).toBeNull();

      expect(valueOf(await publishMinutes(db(), fctx(mod, end), f.id, { minutes, seen: (await forumRow(db(), f.id)).updated_at.toISOString() }))).toEqual({ attendees: 3 });
      const closed = await forumRow(db(), f.id);
      expect(closed).toMatchObject({ status: 'closed', attendee_count: 3, minutes_published_at: end, minutes_md: minutes });
      expect(closed.minutes_html).toContain('<strong>tiga</strong>');
      // Re-published later: the first publication time stays.
      valueOf(await publishMinutes(db(), fctx(mod, new Date(end.getTime() + HOUR)), f.id, { minutes: `${minutes} Ralat: empat hal.` }));
      expect((await forumRow(db(), f.id)).minutes_published_at).toEqual(end);
      const draft = await makeForum(db(), mod, { unitIds: [dinkes] }, { publish: false });
      expect(errorKeys(await publishMinutes(db(), fctx(mod, end), draft.id, { minutes }))).toEqual({ _form: 'forum.err.notEditable' });

      // Commitments.
      const cited = await insertFeedback(db(), { unitId: dinkes });
      const pending = await insertFeedback(db(), { unitId: dinkes, moderation: 'pending' });
      const body = 'Dinkes menambah stok obat hipertensi di semua puskesmas.';
      const commit = (input: Record<string, string>, id = f.id) => addCommitment(db(), fctx(mod), id, input);
      expect(errorKeys(await commit({ unit_id: String(dishub), body }))).toEqual({ unit_id: 'forum.err.unitNotInForum' });
      expect(errorKeys(await commit({ unit_id: '', body }))).toEqual({ unit_id: 'forum.err.commitmentUnit' });
      expect(errorKeys(await commit({ unit_id: 'Dinkes', body }))).toEqual({ unit_id: 'forum.err.commitmentUnit' });
      expect(errorKeys(await commit({ unit_id: String(dinkes), body: 'Segera.' }))).toEqual({ body: 'forum.err.commitmentBody' });
      expect(errorKeys(await commit({ unit_id: String(dinkes), body, due_on: '31/12/2027' }))).toEqual({ due_on: 'forum.err.dueOn' });
      expect(errorKeys(await commit({ unit_id: String(dinkes), body, due_on: '2027-13-01' }))).toEqual({ due_on: 'forum.err.dueOn' });
      for (const due_on of ['2027-02-30', '2027-04-31', '2027-02-29', '0000-01-01']) expect(errorKeys(await commit({ unit_id: String(dinkes), body, due_on })), due_on).toEqual({ due_on: 'forum.err.dueOn' });
      expect(errorKeys(await commit({ unit_id: String(dinkes), body, feedback_ids: 'nomor 12' }))).toEqual({ feedback_ids: 'forum.err.feedbackIds' });
      expect(errorKeys(await commit({ unit_id: String(dinkes), body, feedback_ids: `${cited}, ${pending}` }))).toEqual({ feedback_ids: 'forum.err.feedbackNotCitable' });
      expect(await commit({ unit_id: String(dinkes), body }, 987654321)).toBeNull();
      expect(errorKeys(await commit({ unit_id: String(dinkes), body }, draft.id))).toEqual({ _form: 'forum.err.notEditable' });
      expect(await addCommitment(db(), fctx(asnDinkes), f.id, { unit_id: String(dinkes), body })).toBeNull();
      expect(await db().selectFrom('forum_commitments').select('id').where('forum_id', '=', f.id).execute()).toEqual([]);

      const made = valueOf(await commit({ unit_id: String(dinkes), body, due_on: '2027-12-31', feedback_ids: `#${cited}` }));
      const row = await db().selectFrom('forum_commitments').selectAll().where('id', '=', made.id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ unit_id: dinkes, status: 'open', body_md: body });
      expect(row.due_on).toBe('2027-12-31');
      expect((await db().selectFrom('forum_commitment_citations').select('feedback_id').where('commitment_id', '=', made.id).execute()).map((x) => x.feedback_id)).toEqual([cited]);
      const list = await listCommitmentsForUnit(db(), dinkes);
      expect(list.find((x) => x.id === made.id)).toMatchObject({ forum_slug: f.slug, unit_short_name: 'Dinkes', status: 'open' });
      expect((await listCommitmentsForUnit(db(), pupr)).find((x) => x.id === made.id)).toBeUndefined();

      valueOf(await setCommitmentStatus(db(), fctx(mod), f.id, made.id, 'in_progress'));
      valueOf(await setCommitmentStatus(db(), fctx(mod), f.id, made.id, 'done'));
      expect(errorKeys(await setCommitmentStatus(db(), fctx(mod), f.id, made.id, 'finished'))).toEqual({ status: 'err.invalidChoice' });
      expect(await setCommitmentStatus(db(), fctx(mod), draft.id, made.id, 'open')).toBeNull();
      expect(await setCommitmentStatus(db(), fctx(asnDinkes), f.id, made.id, 'open')).toBeNull();
      expect((await db().selectFrom('forum_commitments').select('status').where('id', '=', made.id).executeTakeFirstOrThrow()).status).toBe('done');
      const statusAudit = await sql<{ n: number }>`select count(*)::int as n from audit_log where action = 'forum.commitment_status' and object_id = ${String(made.id)}`.execute(db());
      expect(statusAudit.rows[0]!.n).toBe(2);
    });

    it('survey: attendees only, once, after the start, score 1..5; results give count, mean and distribution', async () => {
      const f = await makeForum(db(), mod, { starts: wit('2027-11-10T10:00'), capacity: 5, unitIds: [dinkes] });
      const [a, b, absent] = await residents(db(), 3);
      for (const p of [a!, b!, absent!]) valueOf(await registerForForum(db(), fctx(p, regOpen(f)), f.id));
      for (const p of [a!, b!]) valueOf(await checkInByCode(db(), fctx(mod, wit('2027-11-10T09:50')), f.id, (await registrationOf(db(), f.id, p.user.id)).code));
      const after = wit('2027-11-10T12:30');
      const answer = (p: Person, input: Record<string, string>, at = after, id = f.id) => submitSurvey(db(), fctx(p, at), id, input);

      expect(errorKeys(await answer(a!, { score: '4' }, wit('2027-11-10T09:55')))).toEqual({ _form: 'forum.err.notStartedYet' });
      expect(errorKeys(await answer(absent!, { score: '4' }))).toEqual({ _form: 'forum.err.attendeesOnly' });
      expect(errorKeys(await answer(resident, { score: '4' }))).toEqual({ _form: 'forum.err.attendeesOnly' });
      for (const score of ['0', '6', '4.5', 'lima', '', ' 3']) expect(errorKeys(await answer(a!, { score })), score).toEqual({ score: 'forum.err.score' });
      expect(errorKeys(await answer(a!, { score: '3', comment: 'x'.repeat(2001) }))).toEqual({ comment: 'err.tooLong' });
      expect((await surveyResults(db(), f.id)).count).toBe(0);

      valueOf(await answer(a!, { score: '4', comment: '' }));
      expect(errorKeys(await answer(a!, { score: '5' }))).toEqual({ _form: 'forum.err.surveyDone' });
      valueOf(await answer(b!, { score: '5', comment: '  Sangat bermanfaat, lanjutkan!  ' }));
      expect(await surveyResults(db(), f.id)).toEqual({ count: 2, mean: 4.5, distribution: [0, 0, 0, 1, 1], comments: ['Sangat bermanfaat, lanjutkan!'] });
      const draft = await makeForum(db(), mod, { unitIds: [dinkes] }, { publish: false });
      expect(await answer(a!, { score: '4' }, after, draft.id)).toBeNull();
    });
  });

  describe('background jobs', () => {
    it('the day-before reminder goes once to registered and waitlisted people from 09.00 WIT; the survey once to attendees after the end', async () => {
      // 2032: no other test schedules forums then, so the job's counts are this test's.
      const f = await makeForum(db(), mod, { starts: wit('2032-03-15T10:00'), capacity: 1, unitIds: [dinkes] });
      const cancelledForum = await makeForum(db(), mod, { starts: wit('2032-03-15T14:00'), unitIds: [dinkes] });
      await makeForum(db(), mod, { starts: wit('2032-03-15T16:00'), unitIds: [dinkes] }, { publish: false });
      const now = regOpen(f);
      const [a, b, c] = await residents(db(), 3);
      for (const p of [a!, b!, c!]) valueOf(await registerForForum(db(), fctx(p, now), f.id));
      valueOf(await registerForForum(db(), fctx(a!, regOpen(cancelledForum)), cancelledForum.id));
      valueOf(await cancelForum(db(), fctx(mod), cancelledForum.id, { reason: 'Ditunda ke bulan depan.' }));
      valueOf(await cancelRegistrationAsModerator(db(), fctx(mod, now), f.id, (await registrationOf(db(), f.id, c!.user.id)).id));
      const codeA = (await registrationOf(db(), f.id, a!.user.id)).code;

      expect(await sendForumReminders(db(), PUBLIC_URL, wit('2032-03-13T12:00'))).toBe(0);
      expect(await sendForumReminders(db(), PUBLIC_URL, wit('2032-03-14T08:59'))).toBe(0);
      expect((await forumRow(db(), f.id)).reminder_sent_at).toBeNull();
      const at = wit('2032-03-14T09:00');
      expect(await sendForumReminders(db(), PUBLIC_URL, at)).toBe(2);
      const [ra] = await outboxTo(db(), a!.user.email, 'forum_reminder');
      expect(ra!.subject).toContain('Pengingat');
      expect(ra!.text_body).toContain(codeA);
      const [rb] = await outboxTo(db(), b!.user.email, 'forum_reminder');
      expect(rb!.text_body).toContain('daftar tunggu, urutan ke-1');
      expect(await outboxTo(db(), c!.user.email, 'forum_reminder')).toEqual([]);
      expect((await outboxTo(db(), a!.user.email, 'forum_reminder')).length).toBe(1);
      expect((await forumRow(db(), f.id)).reminder_sent_at).toEqual(at);
      expect(await auditOfForum(db(), f.id, 'forum.reminders')).toHaveLength(1);
      expect(await sendForumReminders(db(), PUBLIC_URL, at)).toBe(0);
      expect(await sendForumReminders(db(), PUBLIC_URL, wit('2032-03-15T08:00'))).toBe(0);
      expect((await outboxTo(db(), b!.user.email, 'forum_reminder')).length).toBe(1);

      // A worker that was down the evening before still reminds on the morning of the forum, but never after its start.
      const early = await makeForum(db(), mod, { starts: wit('2032-04-10T10:00'), unitIds: [dinkes] });
      const late = await makeForum(db(), mod, { starts: wit('2032-04-12T10:00'), unitIds: [dinkes] });
      valueOf(await registerForForum(db(), fctx(b!, regOpen(early)), early.id));
      valueOf(await registerForForum(db(), fctx(b!, regOpen(late)), late.id));
      expect(await sendForumReminders(db(), PUBLIC_URL, wit('2032-04-10T07:30'))).toBe(1);
      expect((await forumRow(db(), early.id)).reminder_sent_at).toEqual(wit('2032-04-10T07:30'));
      expect(await sendForumReminders(db(), PUBLIC_URL, wit('2032-04-12T10:30'))).toBe(0);
      expect((await forumRow(db(), late.id)).reminder_sent_at).toBeNull();

      // The survey: after the end, once, to attendees (not to those who did not come).
      valueOf(await checkInByCode(db(), fctx(mod, wit('2032-03-15T09:45')), f.id, codeA));
      expect(await sendForumSurveys(db(), PUBLIC_URL, wit('2032-03-15T11:59'))).toBe(0);
      expect(await sendForumSurveys(db(), PUBLIC_URL, wit('2032-03-15T12:10'))).toBe(1);
      const [s] = await outboxTo(db(), a!.user.email, 'forum_survey');
      expect(s!.text_body).toContain(`${PUBLIC_URL}/forum/${f.slug}/survei`);
      expect(await outboxTo(db(), b!.user.email, 'forum_survey')).toEqual([]);
      expect(await sendForumSurveys(db(), PUBLIC_URL, wit('2032-03-15T12:20'))).toBe(0);
      expect((await outboxTo(db(), a!.user.email, 'forum_survey')).length).toBe(1);
      expect((await forumRow(db(), cancelledForum.id)).survey_sent_at).toBeNull();
    });
  });

  describe('permissions', () => {
    it('residents and ASN get null (404/403) from every moderator service; createForum says error.403.text', async () => {
      const f = await makeForum(db(), mod, { unitIds: [dinkes] });
      const form = await editForm(db(), f.id);
      const before = await forumRow(db(), f.id);
      for (const who of [resident, asnDinkes]) {
        const ctx = fctx(who, regOpen(f));
        expect(errorKeys(await createForum(db(), ctx, forumForm({ unitIds: [dinkes] })))).toEqual({ _form: 'error.403.text' });
        expect(await updateForum(db(), ctx, f.id, form)).toBeNull();
        expect(await publishForum(db(), ctx, f.id)).toBeNull();
        expect(await cancelForum(db(), ctx, f.id, { reason: 'Saya ingin membatalkan.' })).toBeNull();
        expect(await closeForum(db(), ctx, f.id)).toBeNull();
        expect(await planNextMonth(db(), ctx, f.id)).toBeNull();
        expect(await addAgendaItem(db(), ctx, f.id, { title: 'Agenda liar' })).toBeNull();
        expect(await moveAgendaItem(db(), ctx, f.id, 1, 'up')).toBeNull();
        expect(await removeAgendaItem(db(), ctx, f.id, 1)).toBeNull();
        expect(await decideQuestion(db(), ctx, f.id, 1, 'select')).toBeNull();
        expect(await publishMinutes(db(), ctx, f.id, { minutes: 'Notula yang cukup panjang untuk lolos.' })).toBeNull();
        expect(await addCommitment(db(), ctx, f.id, { unit_id: String(dinkes), body: 'Komitmen yang tidak sah sama sekali.' })).toBeNull();
        expect(await setCommitmentStatus(db(), ctx, f.id, 1, 'done')).toBeNull();
        expect(await cancelRegistrationAsModerator(db(), ctx, f.id, 1)).toBeNull();
      }
      expect(await forumRow(db(), f.id)).toEqual(before);
      expect(await db().selectFrom('forum_agenda_items').select('id').where('forum_id', '=', f.id).execute()).toEqual([]);

      // Lists: drafts for moderators only.
      const draft = await makeForum(db(), mod, { starts: wit('2026-12-20T10:00'), unitIds: [dinkes] }, { publish: false });
      const listNow = wit('2026-12-01T10:00');
      const ids = (l: Awaited<ReturnType<typeof listForums>>) => [...l.upcoming, ...l.past].map((x) => x.id);
      expect(ids(await listForums(db(), mod.user, listNow))).toContain(draft.id);
      expect(ids(await listForums(db(), resident.user, listNow))).not.toContain(draft.id);
      expect(ids(await listForums(db(), null, listNow))).not.toContain(draft.id);
      // A month is a WIT calendar month: 23.30 WIT on 31 December is December, 00.30 on 1 January is January.
      const dec = await makeForum(db(), mod, { starts: wit('2030-12-31T21:00'), hours: 2.5, unitIds: [dinkes] });
      const jan = await makeForum(db(), mod, { starts: wit('2031-01-01T00:30'), unitIds: [dinkes] });
      const janDraft = await makeForum(db(), mod, { starts: wit('2031-01-02T10:00'), unitIds: [dinkes] }, { publish: false });
      expect((await listForumsInMonth(db(), null, '2030-12')).map((x) => x.id)).toEqual([dec.id]);
      expect((await listForumsInMonth(db(), null, '2031-01')).map((x) => x.id)).toEqual([jan.id]);
      expect((await listForumsInMonth(db(), mod.user, '2031-01')).map((x) => x.id)).toEqual([jan.id, janDraft.id]);
      for (const bad of ['2031-13', '2031-1', '', 'januari']) expect(await listForumsInMonth(db(), mod.user, bad)).toEqual([]);
      // closeForum: only once started.
      expect(errorKeys(await closeForum(db(), fctx(mod, wit('2027-03-10T09:00')), f.id))).toEqual({ _form: 'forum.err.notStartedYet' });
    });
  });
});
