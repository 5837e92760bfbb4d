import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureFresh } from '../../src/server/evaluation/refresh.ts';
import { histogramMedian, periodOverview, periodSeries } from '../../src/server/evaluation/service.ts';
import { countDirty } from '../../src/server/evaluation/queries.ts';
import { describeEachDb } from '../support/db.ts';
import { endOfWitDay, insertItem, unitIdOf, wit } from '../support/evaluation-fixtures.ts';

/**
 * Measures on a hand-built data set whose figures are worked out by hand below. March 2026 in
 * WIT has the Nyepi / Idul Fitri holidays and joint leave on 18–24 March (db/seeds/holidays.csv).
 */
describeEachDb('evaluation measures', (get) => {
  const db = () => get().db;
  let rijali: number, dinkes: number;
  const ids: Record<string, number> = {};
  const now = wit('2026-11-27T12:00');

  const march = async () => {
    await ensureFresh(db());
    const o = await periodOverview(db(), 'month', '2026-03-01', now);
    return { o, unit: o.units.find((u) => u.unit.id === rijali)!, sector: o.sectors.find((s) => s.sector === 'kesehatan')! };
  };

  beforeAll(async () => {
    rijali = await unitIdOf(db(), 'Puskesmas Rijali');
    dinkes = await unitIdOf(db(), 'Dinkes');
    // 1. Fri 13 Mar → Mon 16 Mar: the weekend does not count → 1 working day; on time; closed; rated 5.
    ids.one = await insertItem(db(), { unitId: rijali, created: wit('2026-03-13T10:00'), answered: wit('2026-03-16T09:00'), due: endOfWitDay('2026-03-20'), status: 'closed', rating: 5 });
    // 2. Tue 17 Mar → Wed 25 Mar: 18–24 are holidays, joint leave or weekend → 1 working day
    //    (6 if holidays were ignored); answered after its deadline (24 Mar); resolved; rated 2.
    ids.two = await insertItem(db(), { unitId: rijali, created: wit('2026-03-17T10:00'), answered: wit('2026-03-25T10:00'), due: endOfWitDay('2026-03-24'), status: 'resolved', rating: 2 });
    // 3. Praise, Mon 2 Mar → Wed 4 Mar: 2 working days; on time.
    ids.three = await insertItem(db(), { unitId: rijali, kind: 'apresiasi', created: wit('2026-03-02T08:00'), answered: wit('2026-03-04T08:00'), due: endOfWitDay('2026-03-09') });
    // 4. Suggestion, Thu 5 Mar → Thu 12 Mar: 5 working days. No deadline was recorded: the
    //    fallback is the 5th working day after assignment (5 Mar) = 12 Mar → on time.
    //    Reopened by the reporter; rated 3.
    ids.four = await insertItem(db(), { unitId: rijali, kind: 'saran', created: wit('2026-03-05T09:00'), answered: wit('2026-03-12T10:00'), status: 'reopened', reopened: true, rating: 3 });
    // 5. Question, Mon 30 Mar, unanswered, deadline passed → overdue now.
    ids.five = await insertItem(db(), { unitId: rijali, kind: 'pertanyaan', created: wit('2026-03-30T09:00'), due: endOfWitDay('2026-04-07'), status: 'assigned' });
    // 6. 1 Mar 05:00 WIT is still 28 Feb in UTC: it belongs to March. Unanswered, no deadline.
    ids.six = await insertItem(db(), { unitId: rijali, created: wit('2026-03-01T05:00'), status: 'received', assigned: null });
    // Not counted in March: rejected, pending, 1 Apr 07:00 WIT (31 Mar in UTC), February.
    await insertItem(db(), { unitId: rijali, created: wit('2026-03-10T10:00'), state: 'rejected' });
    await insertItem(db(), { unitId: rijali, created: wit('2026-03-10T10:00'), state: 'pending' });
    await insertItem(db(), { unitId: rijali, created: wit('2026-04-01T07:00') });
    ids.feb = await insertItem(db(), { unitId: rijali, created: wit('2026-02-27T10:00'), status: 'assigned' });
    // Another health unit, for the sector roll-up: praise answered the same day (0), rated 4; one complaint unanswered.
    await insertItem(db(), { unitId: dinkes, kind: 'apresiasi', created: wit('2026-03-10T08:00'), answered: wit('2026-03-10T15:00'), due: endOfWitDay('2026-03-17'), rating: 4 });
    await insertItem(db(), { unitId: dinkes, created: wit('2026-03-11T08:00'), status: 'assigned' });
  });

  it('counts March for the unit exactly as worked out by hand', async () => {
    const { unit } = await march();
    const m = unit.measures;
    expect(m.received).toBe(6);
    expect(m.byKind).toEqual({ keluhan: 3, apresiasi: 1, saran: 1, pertanyaan: 1 });
    expect(m.complaintShare).toEqual({ value: 3 / 6, n: 6 });
    expect(m.praiseCount).toBe(1);
    // working days [1, 1, 2, 5] → median (1 + 2) / 2
    expect(m.medianWorkingDays).toEqual({ value: 1.5, n: 4 });
    expect(m.onTimeShare).toEqual({ value: 3 / 4, n: 4 });
    expect(m.resolutionRate).toEqual({ value: 2 / 6, n: 6 });
    expect(m.reopenRate).toEqual({ value: 1 / 4, n: 4 });
    expect(m.satisfaction.n).toBe(3);
    expect(m.satisfaction.value).toBeCloseTo(10 / 3, 10);
    expect(unit.overdueNow).toBe(1);
  });

  it('rolls units up into their sector', async () => {
    const { sector } = await march();
    expect(sector.measures.received).toBe(8);
    expect(sector.measures.byKind.keluhan).toBe(4);
    // [0, 1, 1, 2, 5] → 1
    expect(sector.measures.medianWorkingDays).toEqual({ value: 1, n: 5 });
    expect(sector.measures.satisfaction.value).toBeCloseTo(14 / 4, 10);
    expect(sector.measures.satisfaction.n).toBe(4);
    expect(sector.overdueNow).toBe(1);
  });

  it('sums months into quarters', async () => {
    const q = await periodSeries(db(), 'quarter', 2, { unitIds: [rijali], today: '2026-04-15' });
    expect(q.periods.map((p) => p.label)).toEqual(['2026-Q1', '2026-Q2']);
    expect(q.periods[0]!.measures.received).toBe(7);
    expect(q.periods[0]!.measures.byKind.keluhan).toBe(4);
    expect(q.periods[1]!.measures.received).toBe(1);
  });

  it('keeps the rollup right after incremental changes: a new rating, a reopen, a holiday', async () => {
    await db().insertInto('feedback_ratings').values({ feedback_id: ids.three!, score: 4 }).execute();
    expect(await countDirty(db())).toBeGreaterThan(0);
    let m = (await march()).unit.measures;
    expect(m.satisfaction.n).toBe(4);
    expect(m.satisfaction.value).toBeCloseTo(14 / 4, 10);

    await db().updateTable('feedback').set({ status: 'reopened', closed_at: null }).where('id', '=', ids.one!).execute();
    await db().insertInto('feedback_events').values({ feedback_id: ids.one!, kind: 'reopened', public: true, actor_role: 'reporter', to_status: 'reopened' }).execute();
    m = (await march()).unit.measures;
    expect(m.reopenRate).toEqual({ value: 2 / 4, n: 4 });
    expect(m.resolutionRate).toEqual({ value: 1 / 6, n: 6 });

    // A local holiday on Tue 3 Mar: item 3 now took 1 working day → [1, 1, 1, 5] → 1.
    await db().insertInto('holidays').values({ date: '2026-03-03', kind: 'lokal', name_id: 'Libur uji', name_en: 'Test holiday' }).execute();
    m = (await march()).unit.measures;
    expect(m.medianWorkingDays).toEqual({ value: 1, n: 4 });
    await db().deleteFrom('holidays').where('date', '=', '2026-03-03').execute();
    m = (await march()).unit.measures;
    expect(m.medianWorkingDays).toEqual({ value: 1.5, n: 4 });

    // Rejecting an item takes it out.
    await db().updateTable('feedback').set({ moderation_state: 'rejected' }).where('id', '=', ids.six!).execute();
    m = (await march()).unit.measures;
    expect(m.received).toBe(5);
    expect(await countDirty(db())).toBe(0);
  });

  it('a unit-day left with no items loses its row', async () => {
    await db().updateTable('feedback').set({ unit_id: dinkes }).where('id', '=', ids.feb!).execute();
    await ensureFresh(db());
    const r = await sql<{ n: number }>`select count(*)::int as n from unit_day_measures where unit_id = ${rijali} and day = '2026-02-27'`.execute(db());
    expect(r.rows[0]!.n).toBe(0);
    const d = await sql<{ received: number }>`select received from unit_day_measures where unit_id = ${dinkes} and day = '2026-02-27'`.execute(db());
    expect(d.rows[0]!.received).toBe(1);
  });
});

describe('histogram median', () => {
  it('takes the middle value, or the mean of the two middle values', () => {
    expect(histogramMedian([0, 0, 0])).toBeNull();
    expect(histogramMedian([1, 2, 0, 1])).toBe(1);
    expect(histogramMedian([0, 2, 1, 0, 0, 1])).toBe(1.5);
  });
});
