import { parse } from 'csv-parse/sync';
import { beforeAll, expect, it } from 'vitest';
import type { Db } from '../../src/server/db/index.ts';
import { FEEDBACK_COLUMNS, feedbackCsvStream, MEASURE_COLUMNS, measuresCsv } from '../../src/server/evaluation/csv.ts';
import { canEvaluate, canExportEvaluation, canRecordFinding, canViewFinding } from '../../src/server/evaluation/permissions.ts';
import { ensureFresh } from '../../src/server/evaluation/refresh.ts';
import { exportFeedbackCsv, periodSeries, unitDirectory, unitScorecard } from '../../src/server/evaluation/service.ts';
import { selectActionsForUnit, selectCommitmentsForUnit, selectOverdueByUnit } from '../../src/server/evaluation/queries.ts';
import { getFinding, recordFinding } from '../../src/server/evaluation/findings.ts';
import { describeEachDb } from '../support/db.ts';
import { insertAction, insertItem, unitIdOf, wit } from '../support/evaluation-fixtures.ts';
import { errorKeys, errorsOf, makeUser, valueOf, type TestUser } from '../support/feedback-fixtures.ts';

/** Who sees what of the evaluation; what the exports and the public scorecard contain. */

async function readStream(s: ReadableStream<Uint8Array>): Promise<string> {
  const chunks: string[] = [];
  const dec = new TextDecoder();
  for await (const c of s as unknown as AsyncIterable<Uint8Array>) chunks.push(dec.decode(c, { stream: true }));
  return chunks.join('');
}

const csvRows = (text: string): string[][] => parse(text.replace(/^\ufeff/, ''), { relax_column_count: false }) as string[][];

describeEachDb('evaluation access and exports', (get) => {
  const db = (): Db => get().db;
  let unit: number, other: number, slug: string;
  let coordinator: TestUser, admin: TestUser, asnOwn: TestUser, asnOther: TestUser, resident: TestUser, author: TestUser;
  let cited: number, foreign: number;
  const SECRET = {
    author: 'Yohanis Latumahina',
    contactName: 'Maria Pattinama',
    email: 'rahasia.pelapor@contoh.id',
    phone: '0812-3456-7890',
    officer: 'Pak Budi Loket Dua',
    title: 'Petugas Ibu Sari minta uang, HP saya 0813 2222 1111',
    participant: 'Ronaldo Wattimury',
  };

  beforeAll(async () => {
    unit = await unitIdOf(db(), 'Puskesmas Rijali');
    other = await unitIdOf(db(), 'Dishub');
    slug = (await db().selectFrom('units').select('slug').where('id', '=', unit).executeTakeFirstOrThrow()).slug;
    coordinator = await makeUser(db(), { role: 'moderator', displayName: 'Koordinator Evaluasi' });
    admin = await makeUser(db(), { role: 'admin' });
    asnOwn = await makeUser(db(), { role: 'asn', unitId: unit, displayName: SECRET.participant });
    asnOther = await makeUser(db(), { role: 'asn', unitId: other });
    resident = await makeUser(db());
    author = await makeUser(db(), { displayName: SECRET.author });
    const kec = (await db().selectFrom('areas').select('code').where('kind', '=', 'kecamatan').executeTakeFirstOrThrow()).code;
    cited = await insertItem(db(), {
      unitId: unit, created: wit('2026-10-05T09:00'), answered: wit('2026-10-06T09:00'), due: wit('2026-10-12T23:59'), rating: 2,
      title: SECRET.title, authorId: author.row.id, officer: SECRET.officer, kecamatan: kec,
      contact: { name: SECRET.contactName, email: SECRET.email, phone: SECRET.phone },
    });
    for (let i = 0; i < 4; i++) await insertItem(db(), { unitId: unit, kind: i % 2 ? 'apresiasi' : 'keluhan', created: wit(`2026-10-${String(7 + i).padStart(2, '0')}T09:00`) });
    foreign = await insertItem(db(), { unitId: other, created: wit('2026-10-05T09:00') });
    await insertItem(db(), { unitId: unit, created: wit('2026-10-05T09:00'), state: 'pending', title: 'Belum diverifikasi' });
    // A coaching action with an ASN participant, and forum commitments (one in a draft forum).
    const action = await insertAction(db(), { title: 'Lokakarya layanan ramah lansia', unitIds: [unit], starts: '2026-09-01', ends: '2026-09-03' });
    await db().insertInto('coaching_participants').values({ action_id: action, user_id: asnOwn.row.id }).execute();
    for (const [status, title] of [['published', 'Forum Oktober'], ['draft', 'Forum rancangan']] as const) {
      const f = await db()
        .insertInto('forums')
        .values({
          slug: `forum-${status}-${Date.now()}`, title, starts_at: wit('2026-10-20T09:00'), ends_at: wit('2026-10-20T12:00'), mode: 'in_person', capacity: 30,
          registration_opens_at: wit('2026-10-01T00:00'), registration_closes_at: wit('2026-10-19T00:00'), status,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db().insertInto('forum_commitments').values({ forum_id: f.id, unit_id: unit, body_md: `Komitmen ${title}`, body_html: `<p>Komitmen ${title}</p>`, status: 'in_progress' }).execute();
    }
  });

  it('names who may evaluate, export and read findings', () => {
    expect(canEvaluate(coordinator.user)).toBe(true);
    expect(canEvaluate(admin.user)).toBe(true);
    for (const u of [asnOwn.user, asnOther.user, resident.user, null]) {
      expect(canEvaluate(u)).toBe(false);
      expect(canExportEvaluation(u)).toBe(false);
      expect(canRecordFinding(u)).toBe(false);
    }
    expect(canViewFinding(asnOwn.user, { unit_id: unit })).toBe(true);
    expect(canViewFinding(asnOther.user, { unit_id: unit })).toBe(false);
    expect(canViewFinding(resident.user, { unit_id: unit })).toBe(false);
    expect(canViewFinding(null, { unit_id: unit })).toBe(false);
  });

  it('records a finding with evidence; coordinators and the unit’s ASN read it, nobody else', async () => {
    for (const who of [asnOwn, resident]) {
      const refused = await recordFinding(db(), who.user, who.actor, { unit: String(unit), periodKind: 'month', period: '2026-10', title: 'Judul temuan', body: 'Isi temuan.' });
      expect(refused).toEqual({ ok: false, errors: { _form: { key: 'error.403.text', params: undefined } } });
    }
    const bad = await recordFinding(db(), coordinator.user, coordinator.actor, { unit: String(unit), periodKind: 'month', period: '2026-13', title: 'Judul temuan', body: 'Isi.' });
    expect(errorKeys(errorsOf(bad))).toEqual({ period: 'eval.err.period' });
    const wrongUnit = await recordFinding(db(), coordinator.user, coordinator.actor, { unit: String(unit), periodKind: 'month', period: '2026-10', title: 'Judul temuan', body: 'Isi.', feedback: `${cited}, ${foreign}` });
    expect(errorKeys(errorsOf(wrongUnit))).toEqual({ feedback: 'eval.err.feedbackNotOfUnit' });

    const id = valueOf(await recordFinding(db(), coordinator.user, coordinator.actor, {
      unit: String(unit), periodKind: 'month', period: '2026-10', title: 'Petugas perlu pelatihan komunikasi', body: 'Keluhan tentang **sikap** petugas.', feedback: `#${cited}`,
    }));
    const seen = (await getFinding(db(), coordinator.user, id))!;
    expect(seen.finding.body_html).toContain('<strong>sikap</strong>');
    expect(seen.feedback.map((f) => f.id)).toEqual([cited]);
    expect(seen.evidence.period).toMatchObject({ kind: 'month', start: '2026-10-01', label: '2026-10' });
    expect(seen.evidence.measures!.received).toBe(5);
    expect(seen.evidence.measures!.byKind.keluhan).toBe(3);
    expect(seen.evidence.measures!.satisfaction).toEqual({ value: 2, n: 1 });
    expect(seen.evidence.feedback).toEqual([cited]);
    expect(await getFinding(db(), asnOwn.user, id)).not.toBeNull();
    expect(await getFinding(db(), asnOther.user, id)).toBeNull();
    expect(await getFinding(db(), resident.user, id)).toBeNull();
    expect(await getFinding(db(), null, id)).toBeNull();
    const audit = await db().selectFrom('audit_log').selectAll().where('action', '=', 'finding.create').where('object_id', '=', String(id)).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor_id).toBe(coordinator.row.id);
  });

  it('exports feedback with exactly the documented columns and no personal data', async () => {
    const text = await readStream(feedbackCsvStream(db(), wit('2026-01-01T00:00'), wit('2027-01-01T00:00'), 3));
    const rows = csvRows(text);
    expect(rows[0]).toEqual([...FEEDBACK_COLUMNS]);
    expect(rows[0]).toEqual(['id', 'created_at', 'kind', 'unit', 'sector', 'kecamatan', 'status', 'moderation_state', 'first_response_at', 'answer_due_at', 'support_count', 'rating']);
    const ids = rows.slice(1).map((r) => Number(r[0]));
    expect(ids).toContain(cited);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    const row = rows.find((r) => Number(r[0]) === cited)!;
    expect(row[2]).toBe('keluhan');
    expect(row[3]).toBe('Puskesmas Rijali');
    expect(row[4]).toBe('kesehatan');
    expect(row[5]).not.toBe('');
    expect(row[9]).toBe(wit('2026-10-12T23:59').toISOString());
    expect(row[11]).toBe('2');
    const tracking = (await db().selectFrom('feedback').select('tracking_hash').where('id', '=', cited).executeTakeFirstOrThrow()).tracking_hash;
    for (const s of [...Object.values(SECRET), '0813', 'Sari', author.row.id, author.row.email, tracking]) expect(text).not.toContain(s);
  });

  it('records who downloaded the feedback export', async () => {
    expect(await exportFeedbackCsv(db(), asnOwn.user, asnOwn.actor, wit('2026-10-01T00:00'), wit('2026-11-01T00:00'))).toBeNull();
    expect(await exportFeedbackCsv(db(), resident.user, resident.actor, wit('2026-10-01T00:00'), wit('2026-11-01T00:00'))).toBeNull();
    const text = await readStream((await exportFeedbackCsv(db(), coordinator.user, coordinator.actor, wit('2026-10-01T00:00'), wit('2026-11-01T00:00')))!);
    expect(csvRows(text).slice(1).map((r) => Number(r[0]))).toContain(cited);
    const audit = await db().selectFrom('audit_log').selectAll().where('action', '=', 'evaluation.export_feedback').where('actor_id', '=', coordinator.row.id).execute();
    expect(audit).toHaveLength(1);
  });

  it('exports measures with exactly the documented columns', async () => {
    await ensureFresh(db());
    const rows = csvRows(await measuresCsv(db(), 'month', '2026-10-01', '2026-11-01'));
    expect(rows[0]).toEqual([...MEASURE_COLUMNS]);
    const r = Object.fromEntries(rows[0]!.map((c, i) => [c, rows.find((x) => x[3] === 'Puskesmas Rijali')![i]]));
    expect(r).toMatchObject({ period_kind: 'month', period_start: '2026-10-01', sector: 'kesehatan', received: '5', keluhan: '3', apresiasi: '2', complaint_share: '0.6000', answered: '1', on_time: '1', on_time_share: '1.0000', rating_count: '1', satisfaction_mean: '2.00' });
  });

  it('shows the public only aggregates: no feedback text, no names, no draft forums', async () => {
    const card = (await unitScorecard(db(), slug, wit('2026-11-27T12:00')))!;
    const oct = card.months.periods.find((p) => p.label === '2026-10')!;
    expect(oct.measures.received).toBe(5);
    expect(card.actions.map((a) => a.title)).toEqual(['Lokakarya layanan ramah lansia']);
    expect(card.commitments.map((c) => c.forum_title)).toEqual(['Forum Oktober']);
    const json = JSON.stringify(card);
    for (const s of Object.values(SECRET)) expect(json).not.toContain(s);
    expect(json).not.toContain(asnOwn.row.email);
    expect(await unitScorecard(db(), 'tidak-ada')).toBeNull();
    const dir = JSON.stringify(await unitDirectory(db(), wit('2026-11-27T12:00')));
    for (const s of Object.values(SECRET)) expect(dir).not.toContain(s);
  });

  it('reads the scorecard in one statement with the same figures as the separate reads, fresh after new items', async () => {
    const now = wit('2026-11-27T12:00');
    const separate = async () => {
      await ensureFresh(db());
      return {
        months: await periodSeries(db(), 'month', 12, { unitIds: [unit], today: '2026-11-27' }),
        quarters: await periodSeries(db(), 'quarter', 4, { unitIds: [unit], today: '2026-11-27' }),
        actions: await selectActionsForUnit(db(), unit),
        commitments: await selectCommitmentsForUnit(db(), unit),
        overdueNow: (await selectOverdueByUnit(db(), now, unit)).get(unit) ?? 0,
      };
    };
    // An overdue item and one answered in 3 working days (a median from the histogram).
    await insertItem(db(), { unitId: unit, created: wit('2026-11-02T09:00'), due: wit('2026-11-09T23:59'), status: 'assigned' });
    await insertItem(db(), { unitId: unit, created: wit('2026-11-03T09:00'), answered: wit('2026-11-06T09:00'), due: wit('2026-11-10T23:59'), rating: 4 });
    // Queued (dirty) pairs: the scorecard refreshes before it shows them.
    const card = (await unitScorecard(db(), slug, now))!;
    expect(card.pending).toBe(0);
    const expected = await separate();
    expect(card.months).toEqual(expected.months);
    expect(card.quarters).toEqual(expected.quarters);
    expect(card.actions).toEqual(expected.actions);
    expect(card.commitments).toEqual(expected.commitments);
    expect(card.overdueNow).toBe(expected.overdueNow);
    expect(card.overdueNow).toBeGreaterThan(0);
    expect(card.months.periods.find((p) => p.label === '2026-11')!.measures.medianWorkingDays.n).toBeGreaterThan(0);
    expect(card.actions[0]!.completed_at).toBeInstanceOf(Date);
    expect(card.commitments[0]!.forum_starts_at).toBeInstanceOf(Date);
    // Nothing queued now: the same again.
    expect(await unitScorecard(db(), slug, now)).toEqual(card);
  });
});

