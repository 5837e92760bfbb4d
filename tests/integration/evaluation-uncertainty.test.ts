import { beforeAll, expect, it } from 'vitest';
import type { Db } from '../../src/server/db/index.ts';
import { translator } from '../../src/i18n/index.ts';
import { effectSentence } from '../../src/server/evaluation/present.ts';
import { actionEffect, beforeAfter, programmeEffects } from '../../src/server/evaluation/effects.ts';
import { needsAttention } from '../../src/server/evaluation/attention.ts';
import { describeEachDb } from '../support/db.ts';
import { insertAction, insertItem, unitIdOf, wit } from '../support/evaluation-fixtures.ts';

/**
 * Intervals, comparison units and the pre-trend check on constructed data read back from the
 * rollup. Action A (1–5 June 2026) coaches Puskesmas Latuhalat: its on-time share goes from 50%
 * to 100% while six comparison puskesmas move 0, +10, 0, −10, +10 and 0 points (a constructed
 * effect of +50 points). Puskesmas Nania was coached in January (already coached: never a
 * comparison for A); Puskesmas Tawiri's first action is planned for 2027 (not yet coached: a
 * valid comparison). Action P (1–4 September 2026) coaches Kecamatan Nusaniwe, whose on-time
 * share was already climbing month after month before it while Kecamatan Sirimau stayed flat.
 */

/** `n` answered items received on weekdays from `from`, the first `onTime` answered before their deadline. */
async function items(db: Db, unitId: number, from: string, n: number, onTime: number) {
  let day = new Date(`${from}T00:00:00Z`);
  for (let i = 0; i < n; i++) {
    while ([0, 6].includes(day.getUTCDay())) day = new Date(day.getTime() + 86400_000);
    const d = day.toISOString().slice(0, 10);
    await insertItem(db, { unitId, created: wit(`${d}T09:00`), answered: wit(`${d}T10:00`), due: i < onTime ? wit(`${d}T11:00`) : wit(`${d}T09:30`) });
    day = new Date(day.getTime() + 86400_000);
  }
}

describeEachDb('evaluation uncertainty and comparison units', (get) => {
  const db = () => get().db;
  let treated: number, nania: number, tawiri: number, nusaniwe: number, sirimau: number;
  let controls: number[];
  let a: number, early: number, p: number;

  beforeAll(async () => {
    treated = await unitIdOf(db(), 'Puskesmas Latuhalat');
    nania = await unitIdOf(db(), 'Puskesmas Nania');
    tawiri = await unitIdOf(db(), 'Puskesmas Tawiri');
    nusaniwe = await unitIdOf(db(), 'Kecamatan Nusaniwe');
    sirimau = await unitIdOf(db(), 'Kecamatan Sirimau');
    controls = [];
    for (const name of ['Puskesmas Amahusu', 'Puskesmas Air Salobar', 'Puskesmas Urimessing', 'Puskesmas Waihaong', 'Puskesmas Karang Panjang', 'Puskesmas Waihoka']) controls.push(await unitIdOf(db(), name));
    await items(db(), treated, '2026-04-01', 10, 5);
    await items(db(), treated, '2026-06-15', 10, 10);
    const after = [5, 6, 5, 4, 6, 5];
    for (const [i, id] of controls.entries()) {
      await items(db(), id, '2026-04-01', 10, 5);
      await items(db(), id, '2026-06-15', 10, after[i]!);
    }
    // Already coached (January), and with a big change of its own: it would move the comparison.
    await items(db(), nania, '2026-04-01', 10, 0);
    await items(db(), nania, '2026-06-15', 10, 10);
    a = await insertAction(db(), { title: 'Lokakarya Latuhalat', unitIds: [treated], starts: '2026-06-01', ends: '2026-06-05' });
    early = await insertAction(db(), { title: 'Pelatihan Nania', unitIds: [nania], starts: '2026-01-05', ends: '2026-01-09' });
    await insertAction(db(), { title: 'Pendampingan Tawiri', unitIds: [tawiri], starts: '2027-02-01', ends: '2027-02-05', status: 'planned' });

    // Pre-trend: March–August 2026, 10 items a month each.
    const rising = [2, 4, 5, 7, 8, 10];
    for (const [i, m] of ['03', '04', '05', '06', '07', '08'].entries()) {
      await items(db(), nusaniwe, `2026-${m}-02`, 10, rising[i]!);
      await items(db(), sirimau, `2026-${m}-02`, 10, 5);
    }
    p = await insertAction(db(), { title: 'Seminar Nusaniwe', unitIds: [nusaniwe], starts: '2026-09-01', ends: '2026-09-04' });
  });

  it('the interval of a known effect covers it and leaves out zero; the sentence says it is not chance', async () => {
    const e = (await actionEffect(db(), a, { today: '2026-12-01' }))!;
    expect(e.control.basis).toBe('sector');
    const onTime = e.rows.find((r) => r.key === 'onTimeShare')!;
    expect(onTime.did).toBeCloseTo(0.5 - 1 / 60, 10);
    expect(onTime.interval).not.toBeNull();
    expect(onTime.interval!.method).toBe('randomization-t');
    expect(onTime.interval!.placebos).toBe(6);
    expect(onTime.interval!.lo).toBeLessThanOrEqual(0.5);
    expect(onTime.interval!.hi).toBeGreaterThanOrEqual(0.5);
    expect(onTime.interval!.lo).toBeGreaterThan(0);
    expect(effectSentence('onTimeShare', 'up', onTime.did!, onTime.interval, 'id', translator('id'))).toMatch(/^naik 48 poin \(kisaran \d+ sampai \d+\): kemungkinan besar bukan kebetulan \(membaik\)$/);
    // Wilson interval of the coached units' 5/10 before.
    expect(onTime.figureIntervals!.treatedBefore!.lo).toBeCloseTo(0.2692, 3);
    // The same page twice: the same interval (seeded).
    const again = (await actionEffect(db(), a, { today: '2026-12-01' }))!;
    expect(again.rows.find((r) => r.key === 'onTimeShare')!.interval).toEqual(onTime.interval);
  });

  it('never uses an already coached unit as comparison in staggered actions, but does use not-yet-coached ones', async () => {
    const e = (await actionEffect(db(), a, { today: '2026-12-01' }))!;
    const listed = e.control.list.map((c) => c.unit.id);
    expect(listed).not.toContain(nania);
    expect(listed).not.toContain(treated);
    expect(listed).toContain(tawiri);
    for (const id of controls) expect(listed).toContain(id);
    expect(e.eligible.map((u) => u.id)).not.toContain(nania);
    expect(e.control.list.find((c) => c.unit.id === controls[0])).toMatchObject({ before: 10, after: 10 });
    // The January action: Latuhalat was not yet coached then, so it is a valid comparison.
    const first = (await actionEffect(db(), early, { today: '2026-12-01' }))!;
    expect(first.eligible.map((u) => u.id)).toContain(treated);
    // The coordinator's choice is limited to eligible units: Nania is dropped.
    const chosen = (await actionEffect(db(), a, { today: '2026-12-01', comparison: [nania, controls[0]!, controls[1]!] }))!;
    expect(chosen.control.basis).toBe('chosen');
    expect(chosen.control.list.map((c) => c.unit.id).sort()).toEqual([controls[0]!, controls[1]!].sort());
    // Every action on the dashboard follows the same rule.
    for (const x of await beforeAfter(db(), 90, '2026-12-01')) {
      if (x.action.id === a) expect(x.control.list.map((c) => c.unit.id)).not.toContain(nania);
    }
  });

  it('flags a constructed pre-trend, and draws the months around the action', async () => {
    const e = (await actionEffect(db(), p, { today: '2026-12-31' }))!;
    expect(e.control.list.map((c) => c.unit.id)).toContain(sirimau);
    const onTime = e.rows.find((r) => r.key === 'onTimeShare')!;
    expect(onTime.preTrend).not.toBeNull();
    expect(onTime.preTrend!.differs).toBe(true);
    expect(onTime.preTrend!.slope).toBeGreaterThan(0.1);
    expect(e.months.map((m) => m.rel)).toEqual([-6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6]);
    expect(e.months[0]!.start).toBe('2026-03-01');
    expect(e.months[0]!.treated.answered).toBe(10);
    expect(e.months[0]!.treated.on_time).toBe(2);
    // Latuhalat had items in April only: too few months to check.
    const ea = (await actionEffect(db(), a, { today: '2026-12-01' }))!;
    expect(ea.rows.find((r) => r.key === 'onTimeShare')!.preTrend).toBeNull();
  });

  it('pools effects by kind and sector with the number of actions, and ranks needs attention by the interval', async () => {
    const prog = await programmeEffects(db(), 90, '2026-12-31');
    const workshop = prog.kinds.find((k) => k.name === 'workshop')!;
    expect(workshop.actions).toBeGreaterThanOrEqual(2);
    const pooled = workshop.rows.find((r) => r.key === 'onTimeShare')!.pooled!;
    expect(pooled.k).toBeGreaterThanOrEqual(1);
    expect(pooled.lo).toBeLessThanOrEqual(pooled.estimate);
    expect(prog.sectors.map((s) => s.name)).toContain('kesehatan');
    const list = await needsAttention(db(), 90);
    for (let i = 1; i < list.length; i++) {
      const [x, y] = [list[i - 1]!.worseBy, list[i]!.worseBy];
      if (x !== null && y !== null) expect(x).toBeGreaterThanOrEqual(y);
      if (x === null) expect(y).toBeNull();
    }
  });

  it('returns nothing for an action that is not completed', async () => {
    expect(await actionEffect(db(), 999999)).toBeNull();
  });
});
