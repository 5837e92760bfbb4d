import { beforeAll, describe, expect, it } from 'vitest';
import { beforeAfter, compare, parseWindow, windowsOf } from '../../src/server/evaluation/effects.ts';
import { emptySums, MIN_ITEMS } from '../../src/server/evaluation/service.ts';
import { needsAttention } from '../../src/server/evaluation/attention.ts';
import type { FeedbackKind } from '../../src/server/db/schema.ts';
import type { Db } from '../../src/server/db/index.ts';
import { describeEachDb } from '../support/db.ts';
import { insertAction, insertItem, unitIdOf, wit } from '../support/evaluation-fixtures.ts';

/**
 * Before/after with a difference-in-differences on a constructed case with a known effect.
 * Every action runs 1–5 June 2026; with the default 90-day window "before" is 3 Mar – 31 May
 * and "after" is 6 Jun – 3 Sep.
 */

/** `n` answered items on weekdays from `from` (WIT date), `onTime` of them before their deadline. */
async function items(db: Db, unitId: number, from: string, n: number, onTime: number, opts: { kinds?: FeedbackKind[]; rating?: number } = {}) {
  let day = new Date(`${from}T00:00:00Z`);
  for (let i = 0; i < n; i++) {
    while ([0, 6].includes(day.getUTCDay())) day = new Date(day.getTime() + 86400_000);
    const d = day.toISOString().slice(0, 10);
    const created = wit(`${d}T09:00`);
    await insertItem(db, {
      unitId,
      kind: opts.kinds?.[i] ?? 'keluhan',
      created,
      answered: wit(`${d}T10:00`),
      // On time: the deadline is after the answer; late: before it.
      due: i < onTime ? wit(`${d}T11:00`) : wit(`${d}T09:30`),
      rating: opts.rating,
    });
    day = new Date(day.getTime() + 86400_000);
  }
}

const kinds = (keluhan: number, n: number): FeedbackKind[] => Array.from({ length: n }, (_, i) => (i < keluhan ? 'keluhan' : 'saran'));

describeEachDb('before and after coaching', (get) => {
  const db = () => get().db;
  let treated: number, control: number, worse: number, busy: number, thin: number;
  let a1: number, a2: number, a4: number;

  beforeAll(async () => {
    treated = await unitIdOf(db(), 'Puskesmas Benteng');
    control = await unitIdOf(db(), 'Puskesmas Halong');
    worse = await unitIdOf(db(), 'Dinkes');
    busy = await unitIdOf(db(), 'Puskesmas Passo');
    thin = await unitIdOf(db(), 'Disdukcapil');
    // Treated: on time 10/20 = 50% → 18/20 = 90%; complaints 10/20 → 6/20.
    await items(db(), treated, '2026-04-01', 20, 10, { kinds: kinds(10, 20) });
    await items(db(), treated, '2026-06-15', 20, 18, { kinds: kinds(6, 20) });
    // Control (not coached): 50% → 60%.
    await items(db(), control, '2026-04-01', 20, 10);
    await items(db(), control, '2026-06-15', 20, 12);
    // Coached at the same time by an action still in progress: never a control.
    await items(db(), busy, '2026-04-01', 20, 20);
    await items(db(), busy, '2026-06-15', 20, 0);
    // Got worse: 7/10 → 6/10 on time; satisfaction 3.0 after.
    await items(db(), worse, '2026-04-01', 10, 7);
    await items(db(), worse, '2026-06-15', 10, 6, { rating: 3 });
    // Too few items to say anything.
    await items(db(), thin, '2026-04-01', 3, 1);
    await items(db(), thin, '2026-06-15', 2, 2);
    a1 = await insertAction(db(), { title: 'Lokakarya pelayanan prima Benteng', unitIds: [treated], starts: '2026-06-01', ends: '2026-06-05' });
    a2 = await insertAction(db(), { title: 'Pelatihan tenaga kesehatan Dinkes', unitIds: [worse], starts: '2026-06-01', ends: '2026-06-05' });
    await insertAction(db(), { title: 'Pendampingan Passo', unitIds: [busy], starts: '2026-05-20', ends: '2026-07-30', status: 'in_progress' });
    a4 = await insertAction(db(), { title: 'Seminar Disdukcapil', unitIds: [thin], starts: '2026-06-01', ends: '2026-06-05' });
  });

  it('places the windows before the start and after the end', () => {
    const w = windowsOf({ starts_on: '2026-06-01', ends_on: '2026-06-05', completed_at: wit('2026-06-05T15:00') }, 90);
    expect(w.before).toEqual({ from: '2026-03-03', to: '2026-06-01' });
    expect(w.after).toEqual({ from: '2026-06-06', to: '2026-09-04' });
    // Completed later than planned: the after window starts the day after completion.
    expect(windowsOf({ starts_on: '2026-06-01', ends_on: '2026-06-05', completed_at: wit('2026-06-10T08:00') }, 30).after).toEqual({ from: '2026-06-11', to: '2026-07-11' });
    expect(parseWindow('45')).toBe(45);
    expect(parseWindow('10')).toBe(90);
    expect(parseWindow('9999')).toBe(90);
    expect(parseWindow(null)).toBe(90);
  });

  it('finds the known effect: +40 points treated, +10 control, DiD +30 points', async () => {
    const effects = await beforeAfter(db(), 90, '2026-11-27');
    const e = effects.find((x) => x.action.id === a1)!;
    expect(e.units.map((u) => u.id)).toEqual([treated]);
    // Controls: health units not coached then (not Dinkes, not Passo); only Halong has items.
    expect(e.control.basis).toBe('sector');
    const onTime = e.rows.find((r) => r.key === 'onTimeShare')!;
    expect(onTime.treatedBefore).toEqual({ value: 0.5, n: 20 });
    expect(onTime.treatedAfter).toEqual({ value: 0.9, n: 20 });
    expect(onTime.controlBefore).toEqual({ value: 0.5, n: 20 });
    expect(onTime.controlAfter).toEqual({ value: 0.6, n: 20 });
    expect(onTime.treatedChange).toBeCloseTo(0.4, 10);
    expect(onTime.controlChange).toBeCloseTo(0.1, 10);
    expect(onTime.did).toBeCloseTo(0.3, 10);
    expect(onTime.enough).toBe(true);
    const complaints = e.rows.find((r) => r.key === 'complaintShare')!;
    expect(complaints.treatedChange).toBeCloseTo(-0.2, 10);
    expect(complaints.did).toBeCloseTo(-0.2, 10);
    // No ratings anywhere: nothing to say about satisfaction.
    const sat = e.rows.find((r) => r.key === 'satisfaction')!;
    expect(sat.enough).toBe(false);
    expect(sat.did).toBeNull();
  });

  it('says nothing when there are too few items, and falls back to all uncoached units', async () => {
    const effects = await beforeAfter(db(), 90, '2026-11-27');
    const e = effects.find((x) => x.action.id === a4)!;
    expect(e.control.basis).toBe('all');
    for (const r of e.rows) {
      expect(r.enough).toBe(false);
      expect(r.did).toBeNull();
    }
    const onTime = e.rows.find((r) => r.key === 'onTimeShare')!;
    expect(onTime.treatedBefore).toEqual({ value: 1 / 3, n: 3 });
    expect(onTime.controlBefore.n).toBe(20);
  });

  it('a shorter window can leave too few items', async () => {
    // 30 days before 1 June: 2–31 May holds none of the April items.
    const effects = await beforeAfter(db(), 30, '2026-11-27');
    const e = effects.find((x) => x.action.id === a1)!;
    expect(e.rows.find((r) => r.key === 'onTimeShare')!.treatedBefore.n).toBe(0);
    expect(e.rows.every((r) => r.did === null)).toBe(true);
  });

  it('lists the unit that got worse or stayed under target, not the one that improved', async () => {
    const list = await needsAttention(db(), 90);
    expect(list.map((x) => x.unit.id)).toEqual([worse]);
    const w = list[0]!;
    expect(w.action.id).toBe(a2);
    expect(w.reasons).toEqual(['complaintAboveTarget', 'onTimeWorse', 'satisfactionBelowTarget']);
  });
});

describe('compare', () => {
  it('needs MIN_ITEMS in each of the four figures', () => {
    const s = (answered: number, onTime: number) => ({ ...emptySums(), received: answered, keluhan: answered, answered, on_time: onTime });
    const rows = compare(s(MIN_ITEMS, 5), s(MIN_ITEMS, 9), s(MIN_ITEMS, 5), s(MIN_ITEMS - 1, 6));
    const r = rows.find((x) => x.key === 'onTimeShare')!;
    expect(r.enough).toBe(false);
    expect(r.did).toBeNull();
    expect(r.treatedChange).toBeCloseTo(0.4, 10);
  });
});
