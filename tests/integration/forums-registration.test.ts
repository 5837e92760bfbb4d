import { beforeAll, describe, expect, it } from 'vitest';
import { cancelMyRegistration, cancelRegistrationAsModerator, myRegistration, registerForForum } from '../../src/server/forums/registration.ts';
import { cancelForum, closeForum, updateForum } from '../../src/server/forums/schedule.ts';
import { describeEachDb } from '../support/db.ts';
import {
  attachmentsOf,
  auditOfRegistration,
  editForm,
  errorKeys,
  expectCountersConsistent,
  fctx,
  forumRow,
  icsOf,
  makeForum,
  outboxTo,
  person,
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

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describeEachDb('forums: seats, waitlist and promotion', (get) => {
  const db = () => get().db;
  let mod: Person;
  let dinkes: number;
  let pupr: number;
  let dishub: number;

  beforeAll(async () => {
    mod = await person(db(), 'moderator');
    dinkes = await unitId(db(), 'Dinkes');
    pupr = await unitId(db(), 'Dinas PUPR');
    dishub = await unitId(db(), 'Dishub');
  });

  /** A published forum with `capacity` seats and `people` residents registered in order. */
  async function filled(capacity: number, people: number, spec: { reserved?: number } = {}) {
    const f = await makeForum(db(), mod, { capacity, reserved: spec.reserved ?? 0, unitIds: [dinkes, pupr] });
    const now = regOpen(f);
    const ps = await residents(db(), people);
    const outcomes = [];
    for (const p of ps) outcomes.push(valueOf(await registerForForum(db(), fctx(p, now), f.id)));
    return { f, now, ps, outcomes };
  }

  it('registers with a code F-XXXX-XXXX, then waitlists in order 1, 2, 3; emails carry the code, the QR code (seat) and the .ics', async () => {
    const { f, ps, outcomes } = await filled(2, 5);
    expect(outcomes.map((o) => o.status)).toEqual(['registered', 'registered', 'waitlisted', 'waitlisted', 'waitlisted']);
    expect(outcomes.map((o) => o.position)).toEqual([null, null, 1, 2, 3]);
    for (const o of outcomes) expect(o.code).toMatch(REG_CODE_RE);
    expect(new Set(outcomes.map((o) => o.code)).size).toBe(5);

    const rows = await registrationsOf(db(), f.id);
    expect(rows.map((r) => r.user_id)).toEqual(ps.map((p) => p.user.id));
    expect(rows.map((r) => r.pool)).toEqual(Array(5).fill('resident'));
    expect(rows.map((r) => r.code)).toEqual(outcomes.map((o) => o.code));
    expect((await forumRow(db(), f.id)).resident_taken).toBe(2);
    await expectCountersConsistent(db(), f.id);

    // The confirmation: code in text and HTML, inline QR (PNG, cid) and the .ics.
    const [confirm] = await outboxTo(db(), ps[0]!.user.email, 'forum_registered');
    expect(confirm!.text_body).toContain(outcomes[0]!.code);
    expect(confirm!.text_body).toContain(f.title);
    expect(confirm!.html_body).toContain('cid:registration-qr');
    const att = attachmentsOf(confirm!);
    const png = att.find((a) => a.contentType === 'image/png')!;
    expect(png).toMatchObject({ filename: `${outcomes[0]!.code}.png`, cid: 'registration-qr' });
    expect(Buffer.from(png.base64, 'base64').subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(icsOf(confirm!)).toContain(`UID:forum-${f.id}@localhost`);

    // The waitlisted: their place and code, the .ics, but no QR code (no seat to show at the door).
    const [wait] = await outboxTo(db(), ps[3]!.user.email, 'forum_waitlisted');
    expect(wait!.text_body).toContain('urutan ke-2');
    expect(wait!.text_body).toContain(outcomes[3]!.code);
    expect(attachmentsOf(wait!).map((a) => a.contentType)).not.toContain('image/png');
    icsOf(wait!);
    expect(await outboxTo(db(), ps[3]!.user.email, 'forum_registered')).toEqual([]);

    // Audit: one entry per decision.
    expect(await auditOfRegistration(db(), rows[0]!.id, 'forum.register')).toHaveLength(1);
    expect(await auditOfRegistration(db(), rows[2]!.id, 'forum.waitlist')).toHaveLength(1);
    expect(await auditOfRegistration(db(), rows[2]!.id, 'forum.register')).toHaveLength(0);
  });

  it('cancelling a seat promotes the first waitlisted person in the same transaction, with a forum_promoted email (QR PNG + .ics)', async () => {
    const { f, now, ps, outcomes } = await filled(2, 5);
    const later = new Date(now.getTime() + 3600_000);
    valueOf(await cancelMyRegistration(db(), fctx(ps[0]!, later), f.id));

    const cancelled = await registrationOf(db(), f.id, ps[0]!.user.id);
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelled_at: later, checked_in_at: null });
    const promoted = await registrationOf(db(), f.id, ps[2]!.user.id);
    expect(promoted).toMatchObject({ status: 'registered', promoted_at: later, code: outcomes[2]!.code });
    expect((await forumRow(db(), f.id)).resident_taken).toBe(2);
    await expectCountersConsistent(db(), f.id);
    expect((await myRegistration(db(), f.id, ps[3]!.user.id))!.position).toBe(1);
    expect((await myRegistration(db(), f.id, ps[4]!.user.id))!.position).toBe(2);
    expect(await myRegistration(db(), f.id, ps[0]!.user.id)).toBeNull();

    const mails = await outboxTo(db(), ps[2]!.user.email, 'forum_promoted');
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text_body).toContain(outcomes[2]!.code);
    const att = attachmentsOf(mails[0]!);
    expect(att.map((a) => a.contentType)).toEqual(['image/png', expect.stringMatching(/^text\/calendar/)]);
    expect(Buffer.from(att[0]!.base64, 'base64').subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(icsOf(mails[0]!)).toContain('BEGIN:VEVENT');
    // Nobody else was promoted or told.
    for (const p of [ps[3]!, ps[4]!]) expect(await outboxTo(db(), p.user.email, 'forum_promoted')).toEqual([]);

    const cancelledAudit = await auditOfRegistration(db(), cancelled.id, 'forum.cancel_registration');
    expect(cancelledAudit).toHaveLength(1);
    expect(cancelledAudit[0]).toMatchObject({ before: { status: 'registered' }, after: { status: 'cancelled' } });
    const promoteAudit = await auditOfRegistration(db(), promoted.id, 'forum.promote');
    expect(promoteAudit).toHaveLength(1);
    expect(promoteAudit[0]).toMatchObject({ before: { status: 'waitlisted' }, after: { status: 'registered' } });
    // In the same transaction: the promotion is recorded right after the cancellation.
    expect(promoteAudit[0]!.id).toBeGreaterThan(cancelledAudit[0]!.id);
  });

  it('cancelling a waitlist place promotes nobody; those behind move up', async () => {
    const { f, now, ps } = await filled(2, 5);
    const before = await forumRow(db(), f.id);
    valueOf(await cancelMyRegistration(db(), fctx(ps[3]!, now), f.id));
    expect((await registrationOf(db(), f.id, ps[3]!.user.id)).status).toBe('cancelled');
    const rows = await registrationsOf(db(), f.id);
    expect(rows.map((r) => r.status)).toEqual(['registered', 'registered', 'waitlisted', 'cancelled', 'waitlisted']);
    expect(rows.every((r) => r.promoted_at === null)).toBe(true);
    expect((await forumRow(db(), f.id)).resident_taken).toBe(before.resident_taken);
    expect((await myRegistration(db(), f.id, ps[2]!.user.id))!.position).toBe(1);
    expect((await myRegistration(db(), f.id, ps[4]!.user.id))!.position).toBe(2);
    for (const p of ps) expect(await outboxTo(db(), p.user.email, 'forum_promoted')).toEqual([]);
    await expectCountersConsistent(db(), f.id);
  });

  it('coming back after cancelling goes to the back of the line (same code); with a free seat, straight to a seat', async () => {
    const { f, now, ps, outcomes } = await filled(2, 5);
    valueOf(await cancelMyRegistration(db(), fctx(ps[0]!, now), f.id));
    const again = valueOf(await registerForForum(db(), fctx(ps[0]!, now), f.id));
    expect(again).toEqual({ status: 'waitlisted', code: outcomes[0]!.code, position: 3 });
    const rows = await registrationsOf(db(), f.id);
    expect(rows.at(-1)!.user_id).toBe(ps[0]!.user.id);
    expect(rows.filter((r) => r.user_id === ps[0]!.user.id)).toHaveLength(1);
    expect(rows.map((r) => r.status)).toEqual(['registered', 'registered', 'waitlisted', 'waitlisted', 'waitlisted']);
    expect(rows.map((r) => r.user_id)).toEqual([ps[1], ps[2], ps[3], ps[4], ps[0]].map((p) => p!.user.id));

    // A forum with room: cancel and come back → seated again.
    const roomy = await filled(3, 1);
    valueOf(await cancelMyRegistration(db(), fctx(roomy.ps[0]!, roomy.now), roomy.f.id));
    expect((await forumRow(db(), roomy.f.id)).resident_taken).toBe(0);
    expect(valueOf(await registerForForum(db(), fctx(roomy.ps[0]!, roomy.now), roomy.f.id))).toMatchObject({ status: 'registered', position: null });
    expect((await forumRow(db(), roomy.f.id)).resident_taken).toBe(1);
    await expectCountersConsistent(db(), roomy.f.id);
  });

  it('registering twice (seated or waitlisted) is refused with forum.err.alreadyRegistered and changes nothing', async () => {
    const { f, now, ps } = await filled(1, 2);
    const before = await registrationsOf(db(), f.id);
    for (const p of ps) expect(errorKeys(await registerForForum(db(), fctx(p, now), f.id))).toEqual({ _form: 'forum.err.alreadyRegistered' });
    expect(await registrationsOf(db(), f.id)).toEqual(before);
    expect((await forumRow(db(), f.id)).resident_taken).toBe(1);
  });

  it('the registration window: not open yet, closed, forum over, cancelled, draft (404), closed forum; nothing written', async () => {
    const f = await makeForum(db(), mod, { starts: wit('2027-04-14T10:00'), hours: 3, opensDaysBefore: 10, closesHoursBefore: 2, unitIds: [dinkes] });
    const p = await person(db(), 'resident');
    const reg = (now: Date, id = f.id) => registerForForum(db(), fctx(p, now), id);
    expect(errorKeys(await reg(wit('2027-04-04T09:59')))).toEqual({ _form: 'forum.err.notOpenYet' });
    expect(errorKeys(await reg(wit('2027-04-14T08:00')))).toEqual({ _form: 'forum.err.registrationClosed' });
    expect(errorKeys(await reg(wit('2027-04-14T12:00')))).toEqual({ _form: 'forum.err.registrationClosed' });
    expect(errorKeys(await reg(wit('2027-04-14T13:00')))).toEqual({ _form: 'forum.err.over' });
    expect(errorKeys(await reg(wit('2027-05-01T10:00')))).toEqual({ _form: 'forum.err.over' });
    expect(await registrationsOf(db(), f.id)).toEqual([]);
    expect(await outboxTo(db(), p.user.email)).toEqual([]);
    // The edges: open from the first minute, closed from the last.
    expect(valueOf(await reg(wit('2027-04-04T10:00'))).status).toBe('registered');
    const q = await person(db(), 'resident');
    expect(errorKeys(await registerForForum(db(), fctx(q, wit('2027-04-14T08:00')), f.id))).toEqual({ _form: 'forum.err.registrationClosed' });
    expect(valueOf(await registerForForum(db(), fctx(q, wit('2027-04-14T07:59')), f.id)).status).toBe('registered');

    const draft = await makeForum(db(), mod, { unitIds: [dinkes] }, { publish: false });
    expect(await reg(regOpen(draft), draft.id)).toBeNull();
    expect(await reg(regOpen(draft), 987654321)).toBeNull();

    const cancelled = await makeForum(db(), mod, { unitIds: [dinkes] });
    valueOf(await cancelForum(db(), fctx(mod), cancelled.id, { reason: 'Narasumber berhalangan hadir.' }));
    expect(errorKeys(await reg(regOpen(cancelled), cancelled.id))).toEqual({ _form: 'forum.err.cancelled' });

    const closed = await makeForum(db(), mod, { starts: wit('2027-02-03T10:00'), unitIds: [dinkes] });
    valueOf(await closeForum(db(), fctx(mod, wit('2027-02-03T12:30')), closed.id));
    expect(errorKeys(await reg(regOpen(closed), closed.id))).toEqual({ _form: 'forum.err.over' });
    for (const id of [draft.id, cancelled.id, closed.id]) expect(await registrationsOf(db(), id)).toEqual([]);
  });

  it('ASN of a participating unit take reserved seats only (pool asn, asn_taken), then the ASN waitlist; other units, moderators and admins are refused', async () => {
    const f = await makeForum(db(), mod, { capacity: 2, reserved: 1, unitIds: [dinkes, pupr] });
    const now = regOpen(f);
    const asnDinkes = await person(db(), 'asn', { unitId: dinkes });
    const asnPupr = await person(db(), 'asn', { unitId: pupr });
    const asnDishub = await person(db(), 'asn', { unitId: dishub });

    expect(valueOf(await registerForForum(db(), fctx(asnDinkes, now), f.id))).toMatchObject({ status: 'registered', position: null });
    expect(await registrationOf(db(), f.id, asnDinkes.user.id)).toMatchObject({ pool: 'asn', unit_id: dinkes, status: 'registered' });
    expect(await forumRow(db(), f.id)).toMatchObject({ asn_taken: 1, resident_taken: 0 });

    // Reserved seats full: the ASN waitlist, never a free residents' seat.
    expect(valueOf(await registerForForum(db(), fctx(asnPupr, now), f.id))).toMatchObject({ status: 'waitlisted', position: 1 });
    expect(await registrationOf(db(), f.id, asnPupr.user.id)).toMatchObject({ pool: 'asn', unit_id: pupr, status: 'waitlisted' });
    expect(await forumRow(db(), f.id)).toMatchObject({ asn_taken: 1, resident_taken: 0 });

    expect(errorKeys(await registerForForum(db(), fctx(asnDishub, now), f.id))).toEqual({ _form: 'forum.err.unitNotParticipating' });
    expect(errorKeys(await registerForForum(db(), fctx(mod, now), f.id))).toEqual({ _form: 'forum.err.staffRunForums' });
    const admin = await person(db(), 'admin');
    expect(errorKeys(await registerForForum(db(), fctx(admin, now), f.id))).toEqual({ _form: 'forum.err.staffRunForums' });

    // Residents fill their own seats and wait in their own line.
    const rs = await residents(db(), 3);
    const out = [];
    for (const r of rs) out.push(valueOf(await registerForForum(db(), fctx(r, now), f.id)));
    expect(out.map((o) => [o.status, o.position])).toEqual([['registered', null], ['registered', null], ['waitlisted', 1]]);

    // The ASN seat frees: the ASN waitlist moves, not the residents'.
    valueOf(await cancelMyRegistration(db(), fctx(asnDinkes, now), f.id));
    expect(await registrationOf(db(), f.id, asnPupr.user.id)).toMatchObject({ status: 'registered', pool: 'asn', promoted_at: now });
    expect((await registrationOf(db(), f.id, rs[2]!.user.id)).status).toBe('waitlisted');
    expect(await forumRow(db(), f.id)).toMatchObject({ asn_taken: 1, resident_taken: 2 });
    await expectCountersConsistent(db(), f.id);
    expect(await outboxTo(db(), asnPupr.user.email, 'forum_promoted')).toHaveLength(1);

    // A residents' seat frees: a resident is promoted, never an ASN.
    const lateAsn = await person(db(), 'asn', { unitId: pupr });
    expect(valueOf(await registerForForum(db(), fctx(lateAsn, now), f.id))).toMatchObject({ status: 'waitlisted', position: 1 });
    valueOf(await cancelMyRegistration(db(), fctx(rs[0]!, now), f.id));
    expect((await registrationOf(db(), f.id, rs[2]!.user.id)).status).toBe('registered');
    expect((await registrationOf(db(), f.id, lateAsn.user.id)).status).toBe('waitlisted');
    await expectCountersConsistent(db(), f.id);
  });

  it('a resident never takes a free reserved ASN seat; a forum without reserved seats refuses ASN', async () => {
    const f = await makeForum(db(), mod, { capacity: 1, reserved: 3, unitIds: [dinkes] });
    const now = regOpen(f);
    const [a, b] = await residents(db(), 2);
    valueOf(await registerForForum(db(), fctx(a!, now), f.id));
    expect(valueOf(await registerForForum(db(), fctx(b!, now), f.id))).toMatchObject({ status: 'waitlisted', position: 1 });
    expect(await forumRow(db(), f.id)).toMatchObject({ resident_taken: 1, asn_taken: 0 });

    const none = await makeForum(db(), mod, { capacity: 5, reserved: 0, unitIds: [dinkes] });
    const asn = await person(db(), 'asn', { unitId: dinkes });
    expect(errorKeys(await registerForForum(db(), fctx(asn, regOpen(none)), none.id))).toEqual({ _form: 'forum.err.noAsnSeats' });
    expect(await registrationsOf(db(), none.id)).toEqual([]);
  });

  it('raising the capacity seats waitlisted people in order; lowering it below the seats taken is refused', async () => {
    const { f, now, ps } = await filled(2, 6);
    const r = valueOf(await updateForum(db(), fctx(mod, now), f.id, await editForm(db(), f.id, { capacity: '4' })));
    expect(r.notified).toBe(0);
    const rows = await registrationsOf(db(), f.id);
    expect(rows.map((x) => x.status)).toEqual(['registered', 'registered', 'registered', 'registered', 'waitlisted', 'waitlisted']);
    expect(rows[2]!.promoted_at).toEqual(now);
    expect(rows[3]!.promoted_at).toEqual(now);
    expect(await forumRow(db(), f.id)).toMatchObject({ capacity: 4, resident_taken: 4, sequence: 0 });
    await expectCountersConsistent(db(), f.id);
    for (const p of [ps[2]!, ps[3]!]) expect(await outboxTo(db(), p.user.email, 'forum_promoted')).toHaveLength(1);
    for (const p of [ps[4]!, ps[5]!]) expect(await outboxTo(db(), p.user.email, 'forum_promoted')).toEqual([]);
    expect((await myRegistration(db(), f.id, ps[4]!.user.id))!.position).toBe(1);

    const before = await forumRow(db(), f.id);
    const low = await updateForum(db(), fctx(mod, now), f.id, await editForm(db(), f.id, { capacity: '3' }));
    expect(errorKeys(low)).toEqual({ capacity: 'forum.err.capacityBelowTaken' });
    expect(low!.ok === false && low!.errors.capacity!.params).toEqual({ taken: 4 });
    expect(await forumRow(db(), f.id)).toEqual(before);
    // Exactly the seats taken is fine.
    valueOf(await updateForum(db(), fctx(mod, now), f.id, await editForm(db(), f.id, { capacity: '4', title: `${f.title} (ruang 2)` })));

    // Reserved seats below the ASN seats taken.
    const g = await makeForum(db(), mod, { capacity: 5, reserved: 2, unitIds: [dinkes] });
    const asn = await person(db(), 'asn', { unitId: dinkes });
    valueOf(await registerForForum(db(), fctx(asn, regOpen(g)), g.id));
    expect(errorKeys(await updateForum(db(), fctx(mod), g.id, await editForm(db(), g.id, { reserved_asn: '0' })))).toEqual({ reserved_asn: 'forum.err.reservedBelowTaken' });
    expect((await forumRow(db(), g.id)).reserved_asn).toBe(2);

    // More reserved seats seat the ASN waitlist in order (and leave the residents' line alone).
    const h = await makeForum(db(), mod, { capacity: 1, reserved: 1, unitIds: [dinkes, pupr] });
    const hNow = regOpen(h);
    const asns = [await person(db(), 'asn', { unitId: dinkes }), await person(db(), 'asn', { unitId: pupr }), await person(db(), 'asn', { unitId: dinkes })];
    for (const a of asns) valueOf(await registerForForum(db(), fctx(a, hNow), h.id));
    const [r1, r2] = await residents(db(), 2);
    for (const r of [r1!, r2!]) valueOf(await registerForForum(db(), fctx(r, hNow), h.id));
    valueOf(await updateForum(db(), fctx(mod, hNow), h.id, await editForm(db(), h.id, { reserved_asn: '2' })));
    expect((await registrationOf(db(), h.id, asns[1]!.user.id)).status).toBe('registered');
    expect((await registrationOf(db(), h.id, asns[2]!.user.id)).status).toBe('waitlisted');
    expect((await registrationOf(db(), h.id, r2!.user.id)).status).toBe('waitlisted');
    expect(await forumRow(db(), h.id)).toMatchObject({ asn_taken: 2, resident_taken: 1 });
    await expectCountersConsistent(db(), h.id);
  });

  it('a moderator cancels a registration (promotes the next); others cannot; cancelling oneself after the start is refused', async () => {
    const { f, now, ps } = await filled(1, 3);
    const seat = await registrationOf(db(), f.id, ps[0]!.user.id);
    expect(await cancelRegistrationAsModerator(db(), fctx(ps[1]!, now), f.id, seat.id)).toBeNull();
    const asn = await person(db(), 'asn', { unitId: dinkes });
    expect(await cancelRegistrationAsModerator(db(), fctx(asn, now), f.id, seat.id)).toBeNull();
    expect((await registrationOf(db(), f.id, ps[0]!.user.id)).status).toBe('registered');

    valueOf(await cancelRegistrationAsModerator(db(), fctx(mod, now), f.id, seat.id));
    expect((await registrationOf(db(), f.id, ps[1]!.user.id)).status).toBe('registered');
    expect(errorKeys(await cancelRegistrationAsModerator(db(), fctx(mod, now), f.id, seat.id))).toEqual({ _form: 'forum.err.notRegistered' });
    const other = await filled(1, 1);
    expect(await cancelRegistrationAsModerator(db(), fctx(mod, now), other.f.id, seat.id)).toBeNull();

    expect(errorKeys(await cancelMyRegistration(db(), fctx(ps[1]!, f.starts_at), f.id))).toEqual({ _form: 'forum.err.alreadyStarted' });
    expect(errorKeys(await cancelMyRegistration(db(), fctx(ps[0]!, now), f.id))).toEqual({ _form: 'forum.err.notRegistered' });
    const stranger = await person(db(), 'resident');
    expect(errorKeys(await cancelMyRegistration(db(), fctx(stranger, now), f.id))).toEqual({ _form: 'forum.err.notRegistered' });
    await expectCountersConsistent(db(), f.id);
  });

  it('after the forum ends a freed seat promotes nobody', async () => {
    const { f, ps } = await filled(1, 2);
    const seat = await registrationOf(db(), f.id, ps[0]!.user.id);
    valueOf(await cancelRegistrationAsModerator(db(), fctx(mod, new Date(f.ends_at.getTime() + 60_000)), f.id, seat.id));
    expect((await registrationOf(db(), f.id, ps[1]!.user.id)).status).toBe('waitlisted');
    expect((await forumRow(db(), f.id)).resident_taken).toBe(0);
    await expectCountersConsistent(db(), f.id);
  });
});

describe('forum fixture sanity', () => {
  it('REG_CODE_RE refuses look-alike letters', () => {
    expect('F-ABCD-EFGH').toMatch(REG_CODE_RE);
    expect('F-ABCD-EFGI').not.toMatch(REG_CODE_RE);
    expect('F-0BCD-EFGH').not.toMatch(REG_CODE_RE);
  });
});
