import { parse } from 'csv-parse/sync';
import { beforeAll, expect, it } from 'vitest';
import type { Db } from '../../src/server/db/index.ts';
import { evidenceRecord, exportEvidenceCsv, parseEvidenceRange } from '../../src/server/evaluation/evidence.ts';
import { canViewEvidenceRecord } from '../../src/server/evaluation/permissions.ts';
import { insertAsnRegistration, insertForum } from '../support/coaching-fixtures.ts';
import { describeEachDb } from '../support/db.ts';
import { insertAction, insertItem, unitIdOf, wit } from '../support/evaluation-fixtures.ts';
import { makeUser, type TestUser } from '../support/feedback-fixtures.ts';

/** Each ASN person's evidence record for the appraisal: what it holds, who may read it, and the audited CSV. */

const YEAR = { from: '2026-01-01', to: '2026-12-31' };

describeEachDb('evaluation: evidence record for the SKP appraisal', (get) => {
  const db = (): Db => get().db;
  let unit: number;
  let person: TestUser, colleague: TestUser, otherAsn: TestUser, coordinator: TestUser, admin: TestUser, resident: TestUser;
  let onTime: number, late: number;

  async function answer(feedbackId: number, by: string, at: Date) {
    await db().insertInto('feedback_events').values({ feedback_id: feedbackId, kind: 'response', public: true, actor_id: by, actor_role: 'asn', at, body_md: 'Jawaban.', body_html: '<p>Jawaban.</p>' }).execute();
  }

  beforeAll(async () => {
    unit = await unitIdOf(db(), 'Puskesmas Hutumuri');
    person = await makeUser(db(), { role: 'asn', unitId: unit, displayName: 'Maria Tuhumury' });
    colleague = await makeUser(db(), { role: 'asn', unitId: unit });
    otherAsn = await makeUser(db(), { role: 'asn', unitId: await unitIdOf(db(), 'Dishub') });
    coordinator = await makeUser(db(), { role: 'moderator' });
    admin = await makeUser(db(), { role: 'admin' });
    resident = await makeUser(db());
    onTime = await insertItem(db(), { unitId: unit, created: wit('2026-10-05T09:00'), answered: wit('2026-10-06T10:00'), due: wit('2026-10-06T11:00'), rating: 5, title: 'Nomor HP pelapor 0812 1111 2222' });
    late = await insertItem(db(), { unitId: unit, created: wit('2026-10-05T09:00'), answered: wit('2026-10-07T10:00'), due: wit('2026-10-07T09:30'), rating: 2 });
    await answer(onTime, person.row.id, wit('2026-10-06T10:00'));
    await answer(late, person.row.id, wit('2026-10-07T10:00'));
    await answer(onTime, person.row.id, wit('2026-10-08T10:00')); // a later answer on the same item
    await answer(late, person.row.id, wit('2025-12-30T10:00')); // outside the period
    await answer(late, colleague.row.id, wit('2026-10-09T10:00')); // someone else's
    const action = await insertAction(db(), { title: 'Pelatihan layanan ramah', unitIds: [unit], starts: '2026-08-03', ends: '2026-08-05' });
    await db().insertInto('coaching_participants').values({ action_id: action, user_id: person.row.id, attendance_confirmed_at: wit('2026-08-05T16:00') }).execute();
    await db().insertInto('coaching_progress_reports').values({ action_id: action, user_id: person.row.id, learned_md: 'Menyapa warga.', learned_html: '<p>Menyapa warga.</p>', changed_md: 'Antrean lebih tertib.', changed_html: '<p>Antrean lebih tertib.</p>' }).execute();
    const old = await insertAction(db(), { title: 'Seminar lama', unitIds: [unit], starts: '2025-03-03', ends: '2025-03-04' });
    await db().insertInto('coaching_participants').values({ action_id: old, user_id: person.row.id }).execute();
    const forum = await insertForum(db(), 'Forum dialog kesehatan');
    await insertAsnRegistration(db(), forum.id, person.row.id, unit, true);
    const notAttended = await insertForum(db(), 'Forum yang tidak dihadiri');
    await insertAsnRegistration(db(), notAttended.id, person.row.id, unit, false);
  });

  it('holds the period’s coaching, progress report, forums attended and answers with timeliness and ratings', async () => {
    const r = (await evidenceRecord(db(), person.user, person.row.id, YEAR))!;
    expect(r.person.display_name).toBe('Maria Tuhumury');
    expect(r.coaching.map((c) => c.title)).toEqual(['Pelatihan layanan ramah']);
    expect(r.coaching[0]!.attendance_confirmed_at).not.toBeNull();
    expect(r.coaching[0]!.changed_md).toBe('Antrean lebih tertib.');
    expect(r.forums.map((f) => f.title)).toEqual(['Forum dialog kesehatan']);
    expect(r.answers.map((a) => [a.feedbackId, a.first, a.onTime, a.rating])).toEqual([
      [onTime, true, true, 5],
      [late, true, false, 2],
      [onTime, false, null, 5],
    ]);
    expect(r.summary).toMatchObject({ coaching: 1, attended: 1, reports: 1, forums: 1, answers: 3, firstAnswers: 2, onTime: 1, onTimeShare: 0.5, ratings: 3, ratingMean: 4 });
    // Nothing in 2025 but the old seminar and the answer of 30 December.
    const before = (await evidenceRecord(db(), coordinator.user, person.row.id, { from: '2025-01-01', to: '2025-12-31' }))!;
    expect(before.coaching.map((c) => c.title)).toEqual(['Seminar lama']);
    expect(before.answers.map((a) => a.feedbackId)).toEqual([late]);
  });

  it('is read by the person and coordinators only', async () => {
    expect(await evidenceRecord(db(), coordinator.user, person.row.id, YEAR)).not.toBeNull();
    expect(await evidenceRecord(db(), admin.user, person.row.id, YEAR)).not.toBeNull();
    expect(await evidenceRecord(db(), colleague.user, person.row.id, YEAR)).toBeNull();
    expect(await evidenceRecord(db(), otherAsn.user, person.row.id, YEAR)).toBeNull();
    expect(await evidenceRecord(db(), resident.user, person.row.id, YEAR)).toBeNull();
    expect(await evidenceRecord(db(), null, person.row.id, YEAR)).toBeNull();
    expect(canViewEvidenceRecord(person.user, person.row.id)).toBe(true);
    expect(canViewEvidenceRecord(person.user, colleague.row.id)).toBe(false);
    // Not an ASN person (a resident's id), or not an id at all: no record.
    expect(await evidenceRecord(db(), coordinator.user, resident.row.id, YEAR)).toBeNull();
    expect(await evidenceRecord(db(), coordinator.user, 'not-a-uuid', YEAR)).toBeNull();
  });

  it('the CSV carries the record without feedback titles, and every download is audited', async () => {
    const audits = async () => (await db().selectFrom('audit_log').select(['actor_id', 'object_id', 'after']).where('action', '=', 'evaluation.export_evidence').execute());
    const refused = await exportEvidenceCsv(db(), colleague.user, colleague.actor, person.row.id, YEAR);
    expect(refused.ok).toBe(false);
    expect(await audits()).toHaveLength(0);
    for (const who of [person, coordinator]) {
      const r = await exportEvidenceCsv(db(), who.user, who.actor, person.row.id, YEAR);
      expect(r.ok).toBe(true);
      const text = r.ok ? r.value : '';
      expect(text).not.toContain('0812 1111 2222');
      const rows = parse(text.replace(/^\ufeff/, '')) as string[][];
      expect(rows[0]).toEqual(['section', 'date', 'item', 'kind', 'unit', 'status', 'attendance_or_timeliness', 'rating', 'detail']);
      expect(rows.filter((x) => x[0] === 'answer').map((x) => [x[2], x[5], x[6], x[7]])).toEqual([
        [`#${onTime}`, 'first_answer', 'on_time', '5'],
        [`#${late}`, 'first_answer', 'late', '2'],
        [`#${onTime}`, 'later_answer', '', '5'],
      ]);
      expect(rows.some((x) => x[0] === 'progress_report' && x[8]!.includes('Antrean lebih tertib.'))).toBe(true);
      expect(rows.some((x) => x[0] === 'forum' && x[2] === 'Forum dialog kesehatan')).toBe(true);
    }
    const logged = await audits();
    expect(logged.map((a) => [a.actor_id, a.object_id])).toEqual([
      [person.row.id, person.row.id],
      [coordinator.row.id, person.row.id],
    ]);
  });

  it('reads the period from the form, refusing bad dates next to their field', () => {
    const now = new Date('2026-12-05T01:00:00Z');
    expect(parseEvidenceRange(null, null, now)).toEqual({ range: YEAR, errors: null });
    expect(parseEvidenceRange('2026-07-01', '2026-09-30', now).range).toEqual({ from: '2026-07-01', to: '2026-09-30' });
    expect(parseEvidenceRange('2026-02-30', null, now).errors).toEqual({ dari: { key: 'eval.ev.err.date' } });
    expect(parseEvidenceRange('2026-09-01', '2026-08-01', now).errors).toEqual({ sampai: { key: 'eval.ev.err.order' } });
    expect(parseEvidenceRange('2020-01-01', '2026-01-01', now).errors).toEqual({ sampai: { key: 'eval.ev.err.long' } });
  });
});
