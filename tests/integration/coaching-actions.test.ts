import { beforeAll, describe, expect, it } from 'vitest';
import { runHandlingAction } from '../../src/server/handling/actions.ts';
import { addParticipant, confirmAttendance, linkFeedback, removeParticipant, unlinkFeedback } from '../../src/server/coaching/participants.ts';
import { coachingActionForCommitments, getCoachingAction, listCoachingActions, listCompletedActionsWithUnits, parsePrefillQuery, prefillCoachingAction } from '../../src/server/coaching/service.ts';
import { coachingFormInput } from '../../src/server/coaching/service.ts';
import { createCoachingAction, setCoachingStatus, updateCoachingAction } from '../../src/server/coaching/editing.ts';
import { listMyCoaching, participationRecord, submitProgressReport } from '../../src/server/coaching/reports.ts';
import { describeEachDb, describePostgres } from '../support/db.ts';
import { actionForm, coachCtx, insertAsnRegistration, insertCommitment, insertFinding, insertForum } from '../support/coaching-fixtures.ts';
import { auditOf, errorKeys, handCtx, insertFeedbackRow, person, submitAssigned, unitIdOf, valueOf, type Person } from '../support/handling-fixtures.ts';

describeEachDb('coaching actions', (get) => {
  const db = () => get().db;
  let mod: Person;
  let admin: Person;
  let asnA: Person;
  let asnA2: Person;
  let asnB: Person;
  let asnC: Person;
  let resident: Person;
  let unitA: number;
  let unitB: number;
  let unitC: number;

  beforeAll(async () => {
    unitA = await unitIdOf(db(), 'Dinas PUPR');
    unitB = await unitIdOf(db(), 'Dinkes');
    unitC = await unitIdOf(db(), 'Disdukcapil');
    mod = await person(db(), 'moderator');
    admin = await person(db(), 'admin');
    asnA = await person(db(), 'asn', { unitId: unitA, name: 'Andi PUPR' });
    asnA2 = await person(db(), 'asn', { unitId: unitA, name: 'Ani PUPR' });
    asnB = await person(db(), 'asn', { unitId: unitB, name: 'Budi Dinkes' });
    asnC = await person(db(), 'asn', { unitId: unitC, name: 'Citra Disdukcapil' });
    resident = await person(db(), 'resident');
  });

  const create = async (form: Record<string, string | string[]>, who: Person = mod) => valueOf(await createCoachingAction(db(), coachCtx(who), form));
  const seenOf = async (id: number) => (await db().selectFrom('coaching_actions').select('updated_at').where('id', '=', id).executeTakeFirstOrThrow()).updated_at.toISOString();

  describe('validation', () => {
    it('an empty form: a translated message for every field', async () => {
      const r = await createCoachingAction(db(), coachCtx(mod), {});
      expect(errorKeys(r)).toEqual({
        kind: 'coaching.err.kind',
        title: 'coaching.err.title',
        goal: 'coaching.err.goal',
        starts_on: 'coaching.err.date',
        ends_on: 'coaching.err.date',
        units: 'coaching.err.units',
      });
    });

    it('blank strings and an unknown kind are refused the same way', async () => {
      const r = await createCoachingAction(db(), coachCtx(mod), { kind: 'party', title: '  ', goal: ' ', starts_on: '', ends_on: '', units: [] });
      expect(errorKeys(r)).toEqual({
        kind: 'coaching.err.kind',
        title: 'coaching.err.title',
        goal: 'coaching.err.goal',
        starts_on: 'coaching.err.date',
        ends_on: 'coaching.err.date',
        units: 'coaching.err.units',
      });
    });

    it('title of 2 or 201 characters; 3 and 200 pass', async () => {
      expect(errorKeys(await createCoachingAction(db(), coachCtx(mod), actionForm([unitA], { title: 'ab' })))).toEqual({ title: 'coaching.err.title' });
      expect(errorKeys(await createCoachingAction(db(), coachCtx(mod), actionForm([unitA], { title: 'x'.repeat(201) })))).toEqual({ title: 'coaching.err.title' });
      await create(actionForm([unitA], { title: 'abc' }));
      await create(actionForm([unitA], { title: 'y'.repeat(200) }));
    });

    it('dates: not a calendar date, another format, the end before the start; the same day passes', async () => {
      expect(errorKeys(await createCoachingAction(db(), coachCtx(mod), actionForm([unitA], { starts_on: '2026-02-30' })))).toEqual({ starts_on: 'coaching.err.date' });
      expect(errorKeys(await createCoachingAction(db(), coachCtx(mod), actionForm([unitA], { ends_on: '09/12/2026' })))).toEqual({ ends_on: 'coaching.err.date' });
      expect(errorKeys(await createCoachingAction(db(), coachCtx(mod), actionForm([unitA], { starts_on: '2026-12-09', ends_on: '2026-12-08' })))).toEqual({
        ends_on: 'coaching.err.endsBeforeStarts',
      });
      await create(actionForm([unitA], { starts_on: '2026-12-09', ends_on: '2026-12-09' }));
    });

    it('units must exist and be active', async () => {
      expect(errorKeys(await createCoachingAction(db(), coachCtx(mod), actionForm([unitA, 999999])))).toEqual({ units: 'coaching.err.unitUnknown' });
      expect(errorKeys(await createCoachingAction(db(), coachCtx(mod), actionForm([], { units: ['abc'] })))).toEqual({ units: 'err.invalidChoice' });
    });

    it('participants must be enabled ASN of the target units (not another unit, not a resident)', async () => {
      for (const who of [asnB, resident, mod]) {
        const r = await createCoachingAction(db(), coachCtx(mod), actionForm([unitA], { participants: [asnA.user.id, who.user.id] }));
        expect(errorKeys(r)).toEqual({ participants: 'coaching.err.participantNotInUnits' });
      }
      expect(errorKeys(await createCoachingAction(db(), coachCtx(mod), actionForm([unitA], { participants: ['not-a-uuid'] })))).toEqual({ participants: 'coaching.err.participant' });
    });

    it('errors of several kinds come together (the end date and a participant)', async () => {
      const r = await createCoachingAction(db(), coachCtx(mod), actionForm([unitA], { starts_on: '2026-12-09', ends_on: '2026-12-01', participants: [asnB.user.id] }));
      expect(errorKeys(r)).toEqual({ ends_on: 'coaching.err.endsBeforeStarts', participants: 'coaching.err.participantNotInUnits' });
    });

    it('nothing is written when refused', async () => {
      const before = await db().selectFrom('coaching_actions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      await createCoachingAction(db(), coachCtx(mod), actionForm([unitA], { title: 'x' }));
      const after = await db().selectFrom('coaching_actions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(after.n)).toBe(Number(before.n));
    });
  });

  describe('create, list, edit', () => {
    it('creates with units, participants and linked feedback; Markdown sanitized; audited', async () => {
      const f1 = await insertFeedbackRow(db(), { unit_id: unitA, moderation_state: 'published' });
      const f2 = await insertFeedbackRow(db(), { unit_id: unitB, moderation_state: 'pending' });
      const id = await create(
        actionForm([unitA, unitB], {
          goal: 'Tujuan <script>alert(1)</script> **tebal**',
          participants: [asnA.user.id, asnB.user.id],
          masukan: [String(f1), String(f2)],
        }),
      );
      const row = await db().selectFrom('coaching_actions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ kind: 'it_training', status: 'planned', starts_on: '2026-12-07', ends_on: '2026-12-09', created_by: mod.user.id, completed_at: null, commitment_id: null, finding_id: null });
      expect(row.goal_html).toContain('<strong>tebal</strong>');
      expect(row.goal_html).not.toContain('<script');
      const view = (await getCoachingAction(db(), mod.user, id))!;
      expect(view.units.map((u) => u.id).sort()).toEqual([unitA, unitB].sort());
      expect(view.participants.map((p) => p.user_id).sort()).toEqual([asnA.user.id, asnB.user.id].sort());
      expect(view.evidence.map((e) => e.id)).toEqual([f1, f2]);
      expect(view.evidence.find((e) => e.id === f2)).toMatchObject({ public: false, href: `/moderasi/${f2}` });
      expect(view.evidence.find((e) => e.id === f1)).toMatchObject({ public: true, href: `/masukan/${f1}` });
      const [audit] = await auditOf(db(), id, 'coaching.create');
      expect(audit).toMatchObject({ actor_id: mod.user.id, object_type: 'coaching_action' });
      expect(audit!.after).toMatchObject({ unit_ids: [unitA, unitB].sort((a, b) => a - b), feedback_ids: [f1, f2], title: 'Pelatihan sistem pelaporan kinerja' });
    });

    it('unknown feedback ids refuse the whole form', async () => {
      expect(errorKeys(await createCoachingAction(db(), coachCtx(mod), actionForm([unitA], { masukan: ['99999999'] })))).toEqual({ _form: 'coaching.err.feedbackUnknown' });
    });

    it('a resident or ASN cannot create', async () => {
      for (const who of [resident, asnA]) expect(errorKeys(await createCoachingAction(db(), coachCtx(who), actionForm([unitA])))).toEqual({ _form: 'err.badRequest' });
    });

    it('the list filters by status, kind and unit, newest first, with counts', async () => {
      const f = await insertFeedbackRow(db(), { unit_id: unitC });
      const older = await create(actionForm([unitC], { kind: 'mentoring', title: 'Pendampingan loket Disdukcapil', masukan: [String(f)], participants: [asnC.user.id] }));
      const newer = await create(actionForm([unitC], { kind: 'seminar', title: 'Seminar pelayanan prima Disdukcapil' }));
      const all = await listCoachingActions(db(), { unitId: unitC });
      expect(all.map((a) => a.id)).toEqual([newer, older]);
      expect(all.find((a) => a.id === older)).toMatchObject({ feedback_count: 1, participant_count: 1, units: [{ id: unitC, short_name: 'Disdukcapil' }] });
      expect((await listCoachingActions(db(), { unitId: unitC, kind: 'mentoring' })).map((a) => a.id)).toEqual([older]);
      valueOf(await setCoachingStatus(db(), coachCtx(mod), newer, 'cancelled'));
      expect((await listCoachingActions(db(), { unitId: unitC, status: 'cancelled' })).map((a) => a.id)).toEqual([newer]);
    });

    it('edit: saved with a fresh `seen`; a stale one is refused and nothing is overwritten', async () => {
      const id = await create(actionForm([unitA]));
      const seen = await seenOf(id);
      valueOf(await updateCoachingAction(db(), coachCtx(mod, new Date(Date.now() + 1000)), id, { ...actionForm([unitA, unitB], { title: 'Judul baru' }), seen }));
      const row = await db().selectFrom('coaching_actions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      expect(row.title).toBe('Judul baru');
      expect((await getCoachingAction(db(), mod.user, id))!.units.map((u) => u.id).sort()).toEqual([unitA, unitB].sort());
      const [audit] = await auditOf(db(), id, 'coaching.update');
      expect(audit).toMatchObject({ before: { title: 'Pelatihan sistem pelaporan kinerja', unit_ids: [unitA] }, after: { title: 'Judul baru' } });
      // A second coordinator still holding the old page.
      const stale = await updateCoachingAction(db(), coachCtx(admin), id, { ...actionForm([unitA], { title: 'Judul lama menimpa' }), seen });
      expect(errorKeys(stale)).toEqual({ _form: 'coaching.err.staleEdit' });
      expect((await db().selectFrom('coaching_actions').select('title').where('id', '=', id).executeTakeFirstOrThrow()).title).toBe('Judul baru');
      // Without `seen` at all: a bad request, not a silent overwrite.
      expect(errorKeys(await updateCoachingAction(db(), coachCtx(admin), id, actionForm([unitA])))).toEqual({ _form: 'err.badRequest' });
    });

    it('edit validates like create; a unit whose staff take part cannot be dropped; unknown action → null', async () => {
      const id = await create(actionForm([unitA, unitB], { participants: [asnB.user.id] }));
      const seen = await seenOf(id);
      expect(errorKeys(await updateCoachingAction(db(), coachCtx(mod), id, { ...actionForm([unitA], { title: '' }), seen }))).toEqual({ title: 'coaching.err.title' });
      expect(errorKeys(await updateCoachingAction(db(), coachCtx(mod), id, { ...actionForm([unitA]), seen }))).toEqual({ units: 'coaching.err.unitHasParticipants' });
      expect(await updateCoachingAction(db(), coachCtx(mod), 99999999, { ...actionForm([unitA]), seen })).toBeNull();
      expect(await updateCoachingAction(db(), coachCtx(asnB), id, { ...actionForm([unitA, unitB]), seen })).toBeNull();
    });

    it('status: completing sets completed_at (listed for the evaluation), reopening clears it; forbidden changes refused', async () => {
      const id = await create(actionForm([unitA, unitC]));
      const done = new Date('2026-12-09T09:00:00Z');
      valueOf(await setCoachingStatus(db(), coachCtx(mod), id, 'in_progress'));
      valueOf(await setCoachingStatus(db(), coachCtx(mod, done), id, 'completed'));
      let row = await db().selectFrom('coaching_actions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 'completed', completed_at: done });
      const completed = await listCompletedActionsWithUnits(db());
      expect(completed.find((c) => c.id === id)).toEqual({ id, title: row.title, kind: 'it_training', starts_on: '2026-12-07', ends_on: '2026-12-09', completed_at: done, unit_ids: [unitA, unitC].sort((a, b) => a - b) });
      expect(errorKeys(await setCoachingStatus(db(), coachCtx(mod), id, 'cancelled'))).toEqual({ status: 'coaching.err.statusChange' });
      expect(errorKeys(await setCoachingStatus(db(), coachCtx(mod), id, 'finished'))).toEqual({ status: 'err.invalidChoice' });
      valueOf(await setCoachingStatus(db(), coachCtx(mod), id, 'in_progress'));
      row = await db().selectFrom('coaching_actions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 'in_progress', completed_at: null });
      expect((await listCompletedActionsWithUnits(db())).some((c) => c.id === id)).toBe(false);
      expect((await auditOf(db(), id, 'coaching.status')).map((a) => (a.after as { status: string }).status)).toEqual(['in_progress', 'completed', 'in_progress']);
      // A stale status button.
      expect(errorKeys(await setCoachingStatus(db(), coachCtx(mod), id, 'completed', '2020-01-01T00:00:00.000Z'))).toEqual({ _form: 'coaching.err.staleEdit' });
    });
  });

  describe('participants and attendance', () => {
    it('only ASN of a target unit can be added; adding twice is one participant and one audit entry', async () => {
      const id = await create(actionForm([unitA]));
      for (const who of [asnB, resident, mod]) expect(errorKeys(await addParticipant(db(), coachCtx(mod), id, who.user.id))).toEqual({ participant: 'coaching.err.participantNotInUnits' });
      expect(errorKeys(await addParticipant(db(), coachCtx(mod), id, 'x'))).toEqual({ participant: 'coaching.err.participant' });
      valueOf(await addParticipant(db(), coachCtx(mod), id, asnA.user.id));
      valueOf(await addParticipant(db(), coachCtx(mod), id, asnA.user.id));
      expect((await getCoachingAction(db(), mod.user, id))!.participants.map((p) => p.user_id)).toEqual([asnA.user.id]);
      expect(await auditOf(db(), id, 'coaching.participant_add')).toHaveLength(1);
      // An ASN cannot staff an action.
      expect(await addParticipant(db(), coachCtx(asnA2), id, asnA2.user.id)).toBeNull();
    });

    it('a disabled ASN cannot be added', async () => {
      const disabled = await person(db(), 'asn', { unitId: unitA });
      await db().updateTable('users').set({ disabled_at: new Date() }).where('id', '=', disabled.user.id).execute();
      const id = await create(actionForm([unitA]));
      expect(errorKeys(await addParticipant(db(), coachCtx(mod), id, disabled.user.id))).toEqual({ participant: 'coaching.err.participantNotInUnits' });
    });

    it('attendance is confirmed once the action started; confirmed participants stay on the record', async () => {
      const id = await create(actionForm([unitA], { participants: [asnA.user.id, asnA2.user.id] }));
      expect(errorKeys(await confirmAttendance(db(), coachCtx(mod), id, asnA.user.id))).toEqual({ _form: 'coaching.err.attendanceNotStarted' });
      valueOf(await setCoachingStatus(db(), coachCtx(mod), id, 'in_progress'));
      const at = new Date('2026-12-07T02:00:00Z');
      valueOf(await confirmAttendance(db(), coachCtx(mod, at), id, asnA.user.id));
      valueOf(await confirmAttendance(db(), coachCtx(mod), id, asnA.user.id));
      const p = await db().selectFrom('coaching_participants').selectAll().where('action_id', '=', id).where('user_id', '=', asnA.user.id).executeTakeFirstOrThrow();
      expect(p).toMatchObject({ attendance_confirmed_at: at, confirmed_by: mod.user.id });
      expect(await auditOf(db(), id, 'coaching.attendance_confirm')).toHaveLength(1);
      expect(errorKeys(await confirmAttendance(db(), coachCtx(mod), id, asnB.user.id))).toEqual({ participant: 'coaching.err.participant' });
      expect(errorKeys(await removeParticipant(db(), coachCtx(mod), id, asnA.user.id))).toEqual({ _form: 'coaching.err.participantHasRecord' });
      valueOf(await removeParticipant(db(), coachCtx(mod), id, asnA2.user.id));
      valueOf(await removeParticipant(db(), coachCtx(mod), id, asnA2.user.id));
      expect(await auditOf(db(), id, 'coaching.participant_remove')).toHaveLength(1);
      valueOf(await confirmAttendance(db(), coachCtx(mod), id, asnA.user.id, false));
      expect((await db().selectFrom('coaching_participants').select('attendance_confirmed_at').where('action_id', '=', id).executeTakeFirstOrThrow()).attendance_confirmed_at).toBeNull();
      expect(await auditOf(db(), id, 'coaching.attendance_withdraw')).toHaveLength(1);
      // An ASN cannot confirm their own attendance.
      expect(await confirmAttendance(db(), coachCtx(asnA), id, asnA.user.id)).toBeNull();
    });
  });

  describe('feedback links', () => {
    it('linking is idempotent; unknown feedback refused; unlinking twice is harmless; each change audited once', async () => {
      const id = await create(actionForm([unitA]));
      const f = await insertFeedbackRow(db(), { unit_id: unitA });
      expect(valueOf(await linkFeedback(db(), coachCtx(mod), id, f))).toEqual({ linked: true });
      expect(valueOf(await linkFeedback(db(), coachCtx(admin), id, f))).toEqual({ linked: false });
      const links = await db().selectFrom('coaching_feedback_links').selectAll().where('action_id', '=', id).execute();
      expect(links).toMatchObject([{ feedback_id: f, linked_by: mod.user.id }]);
      expect(await auditOf(db(), id, 'coaching.link')).toHaveLength(1);
      expect(errorKeys(await linkFeedback(db(), coachCtx(mod), id, 99999999))).toEqual({ feedback: 'coaching.err.feedbackUnknown' });
      expect(await linkFeedback(db(), coachCtx(mod), 99999999, f)).toBeNull();
      expect(valueOf(await unlinkFeedback(db(), coachCtx(mod), id, f))).toEqual({ unlinked: true });
      expect(valueOf(await unlinkFeedback(db(), coachCtx(mod), id, f))).toEqual({ unlinked: false });
      expect(await auditOf(db(), id, 'coaching.unlink')).toHaveLength(1);
      // A cancelled action takes no new evidence.
      valueOf(await setCoachingStatus(db(), coachCtx(mod), id, 'cancelled'));
      expect(errorKeys(await linkFeedback(db(), coachCtx(mod), id, f))).toEqual({ _form: 'coaching.err.cancelled' });
    });

    it('a creation form carries repeated and comma-separated feedback ids', () => {
      const form = new FormData();
      form.append('masukan', '3,4');
      form.append('masukan', '5');
      form.append('masukan', '4');
      form.append('units', '1');
      form.append('units', '2');
      form.append('title', 'x');
      expect(coachingFormInput(form)).toEqual({ masukan: ['3', '4', '5'], units: ['1', '2'], title: 'x' });
      expect(parsePrefillQuery(new URLSearchParams('masukan=1,2&masukan=7&masukan=x&dari_komitmen=9'))).toEqual({ feedbackIds: [1, 2, 7], commitmentId: 9, findingId: null });
    });
  });

  describe('origins: forum commitments and evaluation findings', () => {
    it('a commitment: prefilled (unit, goal, cited feedback), becomes one action only', async () => {
      const forum = await insertForum(db(), 'Forum dialog Sirimau');
      const cited1 = await insertFeedbackRow(db(), { unit_id: unitB, moderation_state: 'published' });
      const cited2 = await insertFeedbackRow(db(), { unit_id: unitB, moderation_state: 'published' });
      const extra = await insertFeedbackRow(db(), { unit_id: unitB });
      const commitment = await insertCommitment(db(), forum.id, unitB, 'Dinkes melatih petugas loket memakai antrean daring.', [cited1, cited2]);
      const pre = await prefillCoachingAction(db(), { feedbackIds: [extra], commitmentId: commitment, findingId: null });
      expect(pre.values).toMatchObject({ units: [String(unitB)], goal: 'Dinkes melatih petugas loket memakai antrean daring.' });
      expect(pre.feedback.map((f) => f.id).sort((a, b) => a - b)).toEqual([cited1, cited2, extra].sort((a, b) => a - b));
      expect(pre.commitment).toMatchObject({ id: commitment, forum_slug: forum.slug });
      expect(pre.existingAction).toBeNull();

      // The form posts only the extra feedback: the cited ones come from the commitment itself.
      const id = await create(actionForm([unitB], { goal: pre.values.goal as string, masukan: [String(extra)], dari_komitmen: String(commitment) }));
      const row = await db().selectFrom('coaching_actions').select(['commitment_id']).where('id', '=', id).executeTakeFirstOrThrow();
      expect(row.commitment_id).toBe(commitment);
      const view = (await getCoachingAction(db(), mod.user, id))!;
      expect(view.evidence.map((e) => e.id).sort((a, b) => a - b)).toEqual([cited1, cited2, extra].sort((a, b) => a - b));
      expect(view.commitment).toMatchObject({ forum_slug: forum.slug, unit_short_name: 'Dinkes' });
      expect((await prefillCoachingAction(db(), { feedbackIds: [], commitmentId: commitment, findingId: null })).existingAction).toMatchObject({ id });

      expect(errorKeys(await createCoachingAction(db(), coachCtx(admin), actionForm([unitB], { dari_komitmen: String(commitment) })))).toEqual({ _form: 'coaching.err.commitmentTaken' });
      expect(errorKeys(await createCoachingAction(db(), coachCtx(admin), actionForm([unitB], { dari_komitmen: '99999999' })))).toEqual({ _form: 'coaching.err.commitmentUnknown' });

      const map = await coachingActionForCommitments(db(), [commitment, 99999999]);
      expect([...map.entries()]).toEqual([[commitment, { id, title: 'Pelatihan sistem pelaporan kinerja', status: 'planned' }]]);
      expect((await coachingActionForCommitments(db(), [])).size).toBe(0);
    });

    it('a finding: prefilled (unit, title, body), finding_id set and its feedback linked', async () => {
      const evidence = await insertFeedbackRow(db(), { unit_id: unitC, moderation_state: 'published' });
      const finding = await insertFinding(db(), unitC, 'Antrean KTP makin lama', 'Waktu tunggu naik dua kali lipat sejak Oktober.', [evidence]);
      const pre = await prefillCoachingAction(db(), { feedbackIds: [], commitmentId: null, findingId: finding });
      expect(pre.values).toEqual({ units: [String(unitC)], title: 'Antrean KTP makin lama', goal: 'Waktu tunggu naik dua kali lipat sejak Oktober.' });
      expect(pre.feedback.map((f) => f.id)).toEqual([evidence]);
      const id = await create(actionForm([unitC], { title: pre.values.title as string, goal: pre.values.goal as string, dari_temuan: String(finding) }));
      const view = (await getCoachingAction(db(), mod.user, id))!;
      expect(view.action.finding_id).toBe(finding);
      expect(view.finding).toMatchObject({ id: finding, title: 'Antrean KTP makin lama' });
      expect(view.evidence.map((e) => e.id)).toEqual([evidence]);
      expect(errorKeys(await createCoachingAction(db(), coachCtx(mod), actionForm([unitC], { dari_temuan: '99999999' })))).toEqual({ _form: 'coaching.err.findingUnknown' });
    });

    it('feedback alone suggests its units', async () => {
      const f1 = await insertFeedbackRow(db(), { unit_id: unitA });
      const f2 = await insertFeedbackRow(db(), { unit_id: null });
      const pre = await prefillCoachingAction(db(), { feedbackIds: [f1, f2, 99999999], commitmentId: null, findingId: null });
      expect(pre.values.units).toEqual([String(unitA)]);
      expect(pre.feedback.map((f) => f.id)).toEqual([f1, f2]);
    });
  });

  describe('progress reports and "my coaching"', () => {
    it('the participant writes one report per action, may rewrite it; Markdown sanitized; audited', async () => {
      const id = await create(actionForm([unitA], { participants: [asnA.user.id] }));
      expect(errorKeys(await submitProgressReport(db(), coachCtx(asnA), id, {}))).toEqual({ learned: 'coaching.err.learned', changed: 'coaching.err.changed' });
      valueOf(await submitProgressReport(db(), coachCtx(asnA), id, { learned: 'Mengisi *e-kinerja*.', changed: 'Laporan <img src=x onerror=alert(1)> tepat waktu.' }));
      valueOf(await submitProgressReport(db(), coachCtx(asnA), id, { learned: 'Mengisi **e-kinerja** sendiri.', changed: 'Laporan tepat waktu.' }));
      const rows = await db().selectFrom('coaching_progress_reports').selectAll().where('action_id', '=', id).execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ user_id: asnA.user.id, learned_md: 'Mengisi **e-kinerja** sendiri.', changed_md: 'Laporan tepat waktu.' });
      expect(rows[0]!.learned_html).toContain('<strong>e-kinerja</strong>');
      expect((await auditOf(db(), rows[0]!.id, 'coaching.report')).length).toBe(1);
      expect((await auditOf(db(), rows[0]!.id, 'coaching.report_update')).length).toBe(1);
      const mine = await listMyCoaching(db(), asnA.user);
      expect(mine.find((m) => m.id === id)).toMatchObject({ learned_md: 'Mengisi **e-kinerja** sendiri.', attendance_confirmed_at: null });
    });

    it('only the participant: another ASN, a coordinator or a resident gets null; a cancelled action refuses', async () => {
      const id = await create(actionForm([unitA], { participants: [asnA.user.id] }));
      const form = { learned: 'a', changed: 'b' };
      for (const who of [asnA2, asnB, mod, admin, resident]) expect(await submitProgressReport(db(), coachCtx(who), id, form)).toBeNull();
      expect(await db().selectFrom('coaching_progress_reports').selectAll().where('action_id', '=', id).execute()).toEqual([]);
      valueOf(await setCoachingStatus(db(), coachCtx(mod), id, 'cancelled'));
      expect(errorKeys(await submitProgressReport(db(), coachCtx(asnA), id, form))).toEqual({ _form: 'coaching.err.cannotReport' });
      expect(await submitProgressReport(db(), coachCtx(asnA), 99999999, form)).toBeNull();
    });
  });

  describe('participation record', () => {
    it('coaching with attendance, forums attended for the unit (checked-in ASN seats only), answers given', async () => {
      const who = await person(db(), 'asn', { unitId: unitB, name: 'Rekam Jejak' });
      const id = await create(actionForm([unitB], { title: 'Lokakarya keramahan loket', kind: 'workshop', participants: [who.user.id] }));
      valueOf(await setCoachingStatus(db(), coachCtx(mod), id, 'in_progress'));
      valueOf(await confirmAttendance(db(), coachCtx(mod), id, who.user.id));
      valueOf(await submitProgressReport(db(), coachCtx(who), id, { learned: 'Menyapa warga.', changed: 'Antrean lebih tertib.' }));
      const attended = await insertForum(db(), 'Forum yang dihadiri');
      const missed = await insertForum(db(), 'Forum yang tidak dihadiri');
      await insertAsnRegistration(db(), attended.id, who.user.id, unitB, true);
      await insertAsnRegistration(db(), missed.id, who.user.id, unitB, false);
      const f1 = await submitAssigned(db(), mod, unitB, { title: 'Obat habis di puskesmas' });
      const f2 = await submitAssigned(db(), mod, unitB, { title: 'Jam buka puskesmas' });
      valueOf((await runHandlingAction(db(), handCtx(who), f1.id, { action: 'answer', text: 'Obat sudah tersedia lagi.' })).result);
      valueOf((await runHandlingAction(db(), handCtx(who), f2.id, { action: 'answer', text: 'Buka pukul 08.00 WIT.' })).result);
      valueOf((await runHandlingAction(db(), handCtx(who), f2.id, { action: 'note', text: 'Catatan internal, bukan jawaban.' })).result);

      const record = (await participationRecord(db(), who.user.id))!;
      expect(record.person).toMatchObject({ id: who.user.id, unit_id: unitB, unit_short_name: 'Dinkes' });
      expect(record.coaching).toHaveLength(1);
      expect(record.coaching[0]).toMatchObject({ id, title: 'Lokakarya keramahan loket', status: 'in_progress', reported: true });
      expect(record.coaching[0]!.attendance_confirmed_at).toBeInstanceOf(Date);
      expect(record.forums.map((f) => f.slug)).toEqual([attended.slug]);
      expect(record.answers.count).toBe(2);
      expect(record.answers.recent.map((a) => a.feedback_id).sort((a, b) => a - b)).toEqual([f1.id, f2.id].sort((a, b) => a - b));
      // Only ASN accounts have a record.
      expect(await participationRecord(db(), resident.user.id)).toBeNull();
      expect(await participationRecord(db(), mod.user.id)).toBeNull();
      expect(await participationRecord(db(), 'nope')).toBeNull();
    });
  });
});

describePostgres('coaching actions: concurrency', (get) => {
  it('two coordinators turning the same commitment into an action at once: exactly one wins, the other is told', async () => {
    const db = get().db;
    const unit = await unitIdOf(db, 'Dinkes');
    const [mod, admin] = [await person(db, 'moderator'), await person(db, 'admin')];
    const forum = await insertForum(db);
    const commitment = await insertCommitment(db, forum.id, unit, 'Komitmen yang diperebutkan.');
    const results = await Promise.all(
      [mod, admin].map((who) => createCoachingAction(db, coachCtx(who), actionForm([unit], { dari_komitmen: String(commitment) }))),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => errorKeys(r))).toEqual([{ _form: 'coaching.err.commitmentTaken' }]);
    expect(await db.selectFrom('coaching_actions').select('id').where('commitment_id', '=', commitment).execute()).toHaveLength(1);
  });
});
