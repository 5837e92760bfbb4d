import { beforeAll, describe, expect, it } from 'vitest';
import { participationRecord } from '../../src/server/coaching/reports.ts';
import { getFeedbackForStaff, getPublicFeedback } from '../../src/server/feedback/service.ts';
import { getTrackingView } from '../../src/server/feedback/tracking.ts';
import { runHandlingAction } from '../../src/server/handling/actions.ts';
import { answer, assignOfficer, listInbox } from '../../src/server/handling/service.ts';
import { assignFeedback } from '../../src/server/moderation/service.ts';
import { describeEachDb } from '../support/db.ts';
import { auditOf, errorKeys, eventsOf, feedbackRow, handCtx, modCtx, outboxTo, person, submitAssigned, unitIdOf, valueOf, type Person } from '../support/handling-fixtures.ts';

/** Officers within a unit: assignment, inbox filters, email, staff timeline, audit, record. */
describeEachDb('everyday: officers within a unit', (get) => {
  const db = () => get().db;
  let mod: Person;
  let lead: Person;
  let officer: Person;
  let colleague: Person;
  let otherUnitAsn: Person;
  let unitId: number;
  let otherUnit: number;

  beforeAll(async () => {
    unitId = await unitIdOf(db(), 'Dinkes');
    otherUnit = await unitIdOf(db(), 'Disdukcapil');
    mod = await person(db(), 'moderator');
    lead = await person(db(), 'asn', { unitId, name: 'Kepala Seksi Uji' });
    officer = await person(db(), 'asn', { unitId, name: 'Perawat Bertugas' });
    colleague = await person(db(), 'asn', { unitId, name: 'Bidan Rekan' });
    otherUnitAsn = await person(db(), 'asn', { unitId: otherUnit, name: 'Petugas Unit Lain' });
  });

  it("the unit's ASN gives an item to a named officer: column, staff-only event, audit entry, email to the officer", async () => {
    const c = await submitAssigned(db(), mod, unitId, { title: 'Obat di apotek puskesmas habis' });
    const r = await runHandlingAction(db(), handCtx(lead), c.id, { action: 'officer', officerId: officer.user.id });
    expect(r.result?.ok).toBe(true);
    expect(r.done).toBe('officer.done');
    expect((await feedbackRow(db(), c.id)).officer_id).toBe(officer.user.id);
    const ev = (await eventsOf(db(), c.id)).filter((e) => e.kind === 'officer');
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({ public: false, actor_id: lead.user.id, body_md: 'Perawat Bertugas' });
    const audit = await auditOf(db(), c.id, 'feedback.assign_officer');
    expect(audit).toHaveLength(1);
    expect(audit[0]!.before).toEqual({ officer_id: null });
    expect(audit[0]!.after).toEqual({ officer_id: officer.user.id, officer: 'Perawat Bertugas' });
    const mail = await outboxTo(db(), officer.user.email, 'feedback_officer');
    expect(mail).toHaveLength(1);
    expect(mail[0]!.text_body).toContain(`/kotak-masuk/${c.id}`);
    expect(mail[0]!.text_body).toContain('Obat di apotek puskesmas habis');

    // Staff see it in the timeline; the public and the reporter never.
    const staff = (await getFeedbackForStaff(db(), c.id, colleague.user))!;
    expect(staff.events.some((e) => e.kind === 'officer')).toBe(true);
    expect((await getPublicFeedback(db(), c.id, null))!.events.some((e) => e.kind === 'officer')).toBe(false);
    expect((await getTrackingView(db(), c.code))!.events.some((e) => e.kind === 'officer')).toBe(false);

    // Reassignment within the unit by a moderator: a second event and audit entry.
    valueOf(await assignOfficer(db(), handCtx(mod), c.id, { officerId: colleague.user.id }));
    expect((await feedbackRow(db(), c.id)).officer_id).toBe(colleague.user.id);
    expect((await auditOf(db(), c.id, 'feedback.assign_officer')).at(-1)!.before).toEqual({ officer_id: officer.user.id });
    expect((await eventsOf(db(), c.id)).filter((e) => e.kind === 'officer').map((e) => e.body_md)).toEqual(['Perawat Bertugas', 'Bidan Rekan']);
    // The same choice again changes nothing.
    valueOf(await assignOfficer(db(), handCtx(mod), c.id, { officerId: colleague.user.id }));
    expect(await auditOf(db(), c.id, 'feedback.assign_officer')).toHaveLength(2);
  });

  it('refuses an officer of another unit, a disabled officer, and staff of another unit (not found)', async () => {
    const c = await submitAssigned(db(), mod, unitId);
    expect(errorKeys(await assignOfficer(db(), handCtx(lead), c.id, { officerId: otherUnitAsn.user.id }))).toEqual({ officerId: 'err.officerNotInUnit' });
    expect(errorKeys(await assignOfficer(db(), handCtx(lead), c.id, { officerId: mod.user.id }))).toEqual({ officerId: 'err.officerNotInUnit' });
    expect(errorKeys(await assignOfficer(db(), handCtx(lead), c.id, { officerId: 'bukan-uuid' }))).toEqual({ officerId: 'err.invalidChoice' });
    const gone = await person(db(), 'asn', { unitId });
    await db().updateTable('users').set({ disabled_at: new Date() }).where('id', '=', gone.user.id).execute();
    expect(errorKeys(await assignOfficer(db(), handCtx(lead), c.id, { officerId: gone.user.id }))).toEqual({ officerId: 'err.officerNotInUnit' });
    expect(await assignOfficer(db(), handCtx(otherUnitAsn), c.id, { officerId: officer.user.id })).toBeNull();
    expect((await feedbackRow(db(), c.id)).officer_id).toBeNull();
    expect(await auditOf(db(), c.id, 'feedback.assign_officer')).toEqual([]);
  });

  it('the inbox filters "mine" / "unassigned" / all', async () => {
    const a = await submitAssigned(db(), mod, unitId, { title: 'Untuk petugas saringan' });
    const b = await submitAssigned(db(), mod, unitId, { title: 'Belum diserahkan saringan' });
    valueOf(await assignOfficer(db(), handCtx(lead), a.id, { officerId: officer.user.id }));
    const ids = async (p: Person, f: Parameters<typeof listInbox>[2]) => (await listInbox(db(), p.user, f)).map((i) => i.id);
    const mine = await ids(officer, { officer: { id: officer.user.id } });
    expect(mine).toContain(a.id);
    expect(mine).not.toContain(b.id);
    const none = await ids(officer, { officer: 'none' });
    expect(none).toContain(b.id);
    expect(none).not.toContain(a.id);
    const all = await ids(officer, {});
    expect(all).toEqual(expect.arrayContaining([a.id, b.id]));
    expect((await listInbox(db(), officer.user, {})).find((i) => i.id === a.id)!.officer_name).toBe('Perawat Bertugas');
  });

  it('moving the item to another unit takes it back from the officer, in the timeline and the audit log', async () => {
    const c = await submitAssigned(db(), mod, unitId);
    valueOf(await assignOfficer(db(), handCtx(lead), c.id, { officerId: officer.user.id }));
    valueOf(await assignFeedback(db(), modCtx(mod), c.id, null, { unitId: String(otherUnit) }));
    expect((await feedbackRow(db(), c.id)).officer_id).toBeNull();
    const last = (await eventsOf(db(), c.id)).filter((e) => e.kind === 'officer').at(-1)!;
    expect(last).toMatchObject({ public: false, body_md: null });
    const audit = (await auditOf(db(), c.id, 'feedback.assign')).at(-1)!;
    expect(audit.before).toMatchObject({ officer_id: officer.user.id });
    expect(audit.after).toMatchObject({ officer_id: null });
  });

  it("the participation record counts the items given to the officer and how many were answered", async () => {
    const fresh = await person(db(), 'asn', { unitId });
    const a = await submitAssigned(db(), mod, unitId);
    const b = await submitAssigned(db(), mod, unitId);
    valueOf(await assignOfficer(db(), handCtx(lead), a.id, { officerId: fresh.user.id }));
    valueOf(await assignOfficer(db(), handCtx(lead), b.id, { officerId: fresh.user.id }));
    valueOf(await answer(db(), handCtx(fresh), a.id, { text: 'Stok obat sudah datang.' }));
    const rec = (await participationRecord(db(), fresh.user.id))!;
    expect(rec.officerItems).toEqual({ assigned: 2, answered: 1 });
    expect(rec.answers.count).toBe(1);
  });

  describe('public timeline on verification and forwarding (defect 8)', () => {
    it('orders verification before forwarding and names the unit', async () => {
      const c = await submitAssigned(db(), mod, unitId);
      const kinds = (await getPublicFeedback(db(), c.id, null))!.events.map((e) => e.kind);
      expect(kinds.indexOf('published')).toBeGreaterThan(-1);
      expect(kinds.indexOf('published')).toBeLessThan(kinds.indexOf('assigned'));
      const assigned = (await getPublicFeedback(db(), c.id, null))!.events.find((e) => e.kind === 'assigned')!;
      expect(assigned.body_md).toBe('Dinkes');
    });
  });
});
