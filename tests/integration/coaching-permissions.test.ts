import { beforeAll, describe, expect, it } from 'vitest';
import type { SessionUser } from '../../src/server/accounts/sessions.ts';
import {
  canManageCoaching,
  canOpenMyCoaching,
  canReadProgressReport,
  canReportProgress,
  canViewCoachingAction,
  canViewParticipationRecord,
} from '../../src/server/coaching/permissions.ts';
import { coachingForFeedback, confirmAttendance, linkFeedback, removeParticipant, unlinkFeedback } from '../../src/server/coaching/participants.ts';
import { createCoachingAction, setCoachingStatus } from '../../src/server/coaching/editing.ts';
import { getCoachingAction } from '../../src/server/coaching/service.ts';
import { listMyCoaching, submitProgressReport } from '../../src/server/coaching/reports.ts';
import { describeEachDb } from '../support/db.ts';
import { actionForm, coachCtx } from '../support/coaching-fixtures.ts';
import { insertFeedbackRow, person, unitIdOf, valueOf, type Person } from '../support/handling-fixtures.ts';

/**
 * Who sees what of coaching: ASN see their own records; coordinators (moderators, admins)
 * see all; the public sees only that public feedback was used as coaching material.
 */
describeEachDb('coaching permissions', (get) => {
  const db = () => get().db;
  let mod: Person;
  let admin: Person;
  let participant: Person;
  let colleague: Person;
  let otherUnit: Person;
  let resident: Person;
  let unitA: number;
  let unitB: number;
  let actionId: number;
  let publicFb: number;
  let confidentialFb: number;
  let pendingFb: number;
  let otherUnitPrivateFb: number;

  beforeAll(async () => {
    unitA = await unitIdOf(db(), 'Dinas PUPR');
    unitB = await unitIdOf(db(), 'Dinkes');
    mod = await person(db(), 'moderator');
    admin = await person(db(), 'admin');
    participant = await person(db(), 'asn', { unitId: unitA, name: 'Peserta PUPR' });
    colleague = await person(db(), 'asn', { unitId: unitA, name: 'Rekan PUPR bukan peserta' });
    otherUnit = await person(db(), 'asn', { unitId: unitB, name: 'Peserta Dinkes' });
    resident = await person(db(), 'resident');
    publicFb = await insertFeedbackRow(db(), { unit_id: unitA, moderation_state: 'published', title: 'Jalan rusak publik' });
    confidentialFb = await insertFeedbackRow(db(), { unit_id: unitA, moderation_state: 'published', title: 'Rahasia PUPR' });
    await db().updateTable('feedback').set({ confidential: true }).where('id', '=', confidentialFb).execute();
    pendingFb = await insertFeedbackRow(db(), { unit_id: unitA, moderation_state: 'pending', title: 'Belum diverifikasi' });
    otherUnitPrivateFb = await insertFeedbackRow(db(), { unit_id: unitB, moderation_state: 'published', title: 'Rahasia Dinkes' });
    await db().updateTable('feedback').set({ confidential: true }).where('id', '=', otherUnitPrivateFb).execute();
    actionId = valueOf(
      await createCoachingAction(
        db(),
        coachCtx(mod),
        actionForm([unitA, unitB], {
          title: 'Pendampingan layanan jalan',
          participants: [participant.user.id, otherUnit.user.id],
          masukan: [publicFb, confidentialFb, pendingFb, otherUnitPrivateFb].map(String),
        }),
      ),
    );
    valueOf(await setCoachingStatus(db(), coachCtx(mod), actionId, 'in_progress'));
    valueOf(await confirmAttendance(db(), coachCtx(mod), actionId, participant.user.id));
    valueOf(await submitProgressReport(db(), coachCtx(participant), actionId, { learned: 'Milik peserta PUPR', changed: 'Perubahan PUPR' }));
    valueOf(await submitProgressReport(db(), coachCtx(otherUnit), actionId, { learned: 'Milik peserta Dinkes', changed: 'Perubahan Dinkes' }));
  });

  describe('named predicates', () => {
    const u = (role: SessionUser['role'], id = 'u1', unitId: number | null = null): SessionUser => ({ id, email: 'x@contoh.id', displayName: 'X', role, unitId, unitShortName: null, unitSlug: null, locale: 'id' });

    it('canManageCoaching and canViewParticipationRecord: moderators and admins only', () => {
      for (const f of [canManageCoaching, canViewParticipationRecord]) {
        expect(f(null)).toBe(false);
        expect(f(u('resident'))).toBe(false);
        expect(f(u('asn', 'u1', 1))).toBe(false);
        expect(f(u('moderator'))).toBe(true);
        expect(f(u('admin'))).toBe(true);
      }
    });

    it('canViewCoachingAction: coordinators, and ASN participants of that action', () => {
      const facts = { participantIds: ['p1'] };
      expect(canViewCoachingAction(null, facts)).toBe(false);
      expect(canViewCoachingAction(u('resident', 'p1'), facts)).toBe(false);
      expect(canViewCoachingAction(u('asn', 'p2', 1), facts)).toBe(false);
      expect(canViewCoachingAction(u('asn', 'p1', 1), facts)).toBe(true);
      expect(canViewCoachingAction(u('moderator'), facts)).toBe(true);
      expect(canViewCoachingAction(u('admin'), facts)).toBe(true);
    });

    it('canReportProgress: the participant themself, not on a cancelled action', () => {
      expect(canReportProgress(u('asn', 'p1', 1), { userId: 'p1', actionStatus: 'in_progress' })).toBe(true);
      expect(canReportProgress(u('asn', 'p1', 1), { userId: 'p1', actionStatus: 'cancelled' })).toBe(false);
      expect(canReportProgress(u('asn', 'p2', 1), { userId: 'p1', actionStatus: 'in_progress' })).toBe(false);
      expect(canReportProgress(u('moderator', 'p1'), { userId: 'p1', actionStatus: 'in_progress' })).toBe(false);
      expect(canReportProgress(u('asn', 'p1', 1), null)).toBe(false);
      expect(canReportProgress(null, { userId: 'p1', actionStatus: 'in_progress' })).toBe(false);
    });

    it('canReadProgressReport: its author and coordinators; canOpenMyCoaching: ASN', () => {
      expect(canReadProgressReport(u('asn', 'p1', 1), 'p1')).toBe(true);
      expect(canReadProgressReport(u('asn', 'p2', 1), 'p1')).toBe(false);
      expect(canReadProgressReport(u('moderator'), 'p1')).toBe(true);
      expect(canReadProgressReport(null, 'p1')).toBe(false);
      expect(canOpenMyCoaching(u('asn', 'p1', 1))).toBe(true);
      expect(canOpenMyCoaching(u('moderator'))).toBe(false);
      expect(canOpenMyCoaching(null)).toBe(false);
    });
  });

  describe('the action page', () => {
    it('anonymous, residents, ASN of another unit and non-participant staff of a target unit: not found', async () => {
      const outsider = await person(db(), 'asn', { unitId: await unitIdOf(db(), 'Disdukcapil') });
      expect(await getCoachingAction(db(), null, actionId)).toBeNull();
      for (const who of [resident, colleague, outsider]) expect(await getCoachingAction(db(), who.user, actionId)).toBeNull();
    });

    it('coordinators see every participant, report and piece of evidence, and who can still be added', async () => {
      for (const who of [mod, admin]) {
        const v = (await getCoachingAction(db(), who.user, actionId))!;
        expect(v.coordinator).toBe(true);
        expect(v.participants.map((p) => p.user_id).sort()).toEqual([participant.user.id, otherUnit.user.id].sort());
        expect(v.reports.map((r) => r.learned_md).sort()).toEqual(['Milik peserta Dinkes', 'Milik peserta PUPR']);
        expect(v.evidence.map((e) => e.id).sort((a, b) => a - b)).toEqual([publicFb, confidentialFb, pendingFb, otherUnitPrivateFb].sort((a, b) => a - b));
        expect(v.candidates.map((c) => c.id)).toContain(colleague.user.id);
        expect(v.canReport).toBe(false);
      }
    });

    it('a participant sees only their own attendance and report, and only the evidence they may open anyway', async () => {
      const v = (await getCoachingAction(db(), participant.user, actionId))!;
      expect(v.coordinator).toBe(false);
      expect(v.participants.map((p) => p.user_id)).toEqual([participant.user.id]);
      expect(v.participants[0]!.attendance_confirmed_at).toBeInstanceOf(Date);
      expect(v.reports.map((r) => r.learned_md)).toEqual(['Milik peserta PUPR']);
      expect(v.candidates).toEqual([]);
      expect(v.canReport).toBe(true);
      // Public, and their own unit's confidential item (staff view); not pending, not another unit's confidential one.
      expect(v.evidence.map((e) => e.id).sort((a, b) => a - b)).toEqual([publicFb, confidentialFb].sort((a, b) => a - b));
      expect(v.evidence.find((e) => e.id === confidentialFb)!.href).toBe(`/kotak-masuk/${confidentialFb}`);

      const w = (await getCoachingAction(db(), otherUnit.user, actionId))!;
      expect(w.participants.map((p) => p.user_id)).toEqual([otherUnit.user.id]);
      expect(w.reports.map((r) => r.learned_md)).toEqual(['Milik peserta Dinkes']);
      expect(w.evidence.map((e) => e.id).sort((a, b) => a - b)).toEqual([publicFb, otherUnitPrivateFb].sort((a, b) => a - b));
    });

    it('"my coaching" lists only one\'s own actions', async () => {
      expect((await listMyCoaching(db(), participant.user)).map((a) => a.id)).toEqual([actionId]);
      expect(await listMyCoaching(db(), colleague.user)).toEqual([]);
      expect(await listMyCoaching(db(), mod.user)).toEqual([]);
    });
  });

  describe('writes by people who may not', () => {
    it('ASN and residents cannot create, staff, link, change status or confirm attendance', async () => {
      for (const who of [participant, colleague, resident]) {
        const ctx = coachCtx(who);
        expect((await createCoachingAction(db(), ctx, actionForm([unitA]))).ok).toBe(false);
        expect(await setCoachingStatus(db(), ctx, actionId, 'completed')).toBeNull();
        expect(await confirmAttendance(db(), ctx, actionId, participant.user.id, false)).toBeNull();
        expect(await removeParticipant(db(), ctx, actionId, otherUnit.user.id)).toBeNull();
        expect(await linkFeedback(db(), ctx, actionId, publicFb)).toBeNull();
        expect(await unlinkFeedback(db(), ctx, actionId, publicFb)).toBeNull();
      }
      const v = (await getCoachingAction(db(), mod.user, actionId))!;
      expect(v.action.status).toBe('in_progress');
      expect(v.evidence).toHaveLength(4);
      expect(v.participants).toHaveLength(2);
    });

    it('a colleague cannot write a report on an action they do not take part in', async () => {
      expect(await submitProgressReport(db(), coachCtx(colleague), actionId, { learned: 'x', changed: 'y' })).toBeNull();
    });
  });

  describe('the public: only aggregates', () => {
    it('a public item shows the linked actions\' title, kind and status, and nothing about people', async () => {
      const publicView = await coachingForFeedback(db(), null, { id: publicFb, moderation_state: 'published', confidential: false });
      expect(publicView).toEqual({ coordinator: false, actions: [{ id: actionId, title: 'Pendampingan layanan jalan', kind: 'it_training', status: 'in_progress' }], linkable: [] });
      expect(await coachingForFeedback(db(), resident.user, { id: publicFb, moderation_state: 'published', confidential: false })).toEqual(publicView);
    });

    it('confidential or unverified items show nothing to the public', async () => {
      expect((await coachingForFeedback(db(), null, { id: confidentialFb, moderation_state: 'published', confidential: true })).actions).toEqual([]);
      expect((await coachingForFeedback(db(), resident.user, { id: pendingFb, moderation_state: 'pending', confidential: false })).actions).toEqual([]);
    });

    it('coordinators get every linked action and those still open for linking', async () => {
      const other = valueOf(await createCoachingAction(db(), coachCtx(admin), actionForm([unitA], { title: 'Seminar terbuka' })));
      const v = await coachingForFeedback(db(), mod.user, { id: confidentialFb, moderation_state: 'published', confidential: true });
      expect(v.coordinator).toBe(true);
      expect(v.actions.map((a) => a.id)).toEqual([actionId]);
      expect(v.linkable.map((a) => a.id)).toContain(other);
      expect(v.linkable.map((a) => a.id)).not.toContain(actionId);
    });

    it('cancelled actions are not shown to the public', async () => {
      const fb = await insertFeedbackRow(db(), { unit_id: unitA, moderation_state: 'published' });
      const cancelled = valueOf(await createCoachingAction(db(), coachCtx(mod), actionForm([unitA], { title: 'Batal', masukan: [String(fb)] })));
      valueOf(await setCoachingStatus(db(), coachCtx(mod), cancelled, 'cancelled'));
      expect((await coachingForFeedback(db(), null, { id: fb, moderation_state: 'published', confidential: false })).actions).toEqual([]);
    });
  });
});
