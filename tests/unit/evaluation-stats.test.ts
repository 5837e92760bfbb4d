import { describe, expect, it } from 'vitest';
import { translator } from '../../src/i18n/index.ts';
import { changeVerdict, effectSentence, formatChange, formatDecimal, formatMeasure } from '../../src/server/evaluation/present.ts';
import {
  bootstrapMedian,
  didEstimate,
  didInterval,
  normal,
  poolEffects,
  preTrend,
  seededRandom,
  wilson,
  type DidMethod,
  type UnitChange,
} from '../../src/server/evaluation/stats.ts';

/**
 * The evaluation's statistics on data whose truth is known: intervals cover a known effect,
 * 90% intervals cover zero about 90% of the time when there is no effect, a constructed
 * pre-trend is flagged, and the sentences read right in both languages.
 */

/** A binomial draw: successes in n trials of probability p. */
function binomial(rng: () => number, n: number, p: number): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (rng() < p) k++;
  return k;
}

/**
 * One simulated evaluation: `treated` coached and `controls` comparison units, each with its own
 * base on-time share and item counts (12–60 a window), a common shift between the windows (the
 * city got better or worse: DiD removes it), a small unit-level shock, and `effect` added to the
 * coached units' after-window probability.
 */
function simulate(rng: () => number, treated: number, controls: number, effect: number): { t: UnitChange[]; c: UnitChange[] } {
  const common = (rng() - 0.5) * 0.2;
  const unit = (id: number, fx: number): UnitChange => {
    const base = 0.35 + rng() * 0.3;
    const shock = normal(rng) * 0.02;
    const nb = 12 + Math.floor(rng() * 49);
    const na = 12 + Math.floor(rng() * 49);
    const pa = Math.min(0.98, Math.max(0.02, base + common + shock + fx));
    return { unitId: id, before: binomial(rng, nb, base) / nb, after: binomial(rng, na, pa) / na, nBefore: nb, nAfter: na };
  };
  return { t: Array.from({ length: treated }, (_, i) => unit(i, effect)), c: Array.from({ length: controls }, (_, i) => unit(1000 + i, 0)) };
}

function coverage(runs: number, treated: number, controls: number, effect: number, seed: number): { covered: number; method: DidMethod | null; runs: number } {
  const rng = seededRandom(seed);
  let covered = 0;
  let method: DidMethod | null = null;
  for (let r = 0; r < runs; r++) {
    const { t, c } = simulate(rng, treated, controls, effect);
    const ci = didInterval(t, c, 1000 + r)!;
    method = ci.method;
    if (ci.lo <= effect && effect <= ci.hi) covered++;
  }
  return { covered: covered / runs, method, runs };
}

describe('difference-in-differences intervals', () => {
  it('covers zero in 85–95% of 400 seeded runs without an effect (one coached unit, 24 comparison units: order statistics)', () => {
    const c = coverage(400, 1, 24, 0, 20261204);
    expect(c.method).toBe('randomization');
    expect(c.covered).toBeGreaterThanOrEqual(0.85);
    expect(c.covered).toBeLessThanOrEqual(0.95);
  });

  it('covers zero in 85–95% of 400 seeded runs without an effect (two coached units, 8 comparison units: t approximation)', () => {
    const c = coverage(400, 2, 8, 0, 7);
    expect(c.method).toBe('randomization-t');
    expect(c.covered).toBeGreaterThanOrEqual(0.85);
    expect(c.covered).toBeLessThanOrEqual(0.95);
  });

  it('covers zero in 85–95% of 200 seeded runs without an effect (12 coached and 14 comparison units: cluster bootstrap)', () => {
    const c = coverage(200, 12, 14, 0, 99);
    expect(c.method).toBe('cluster-bootstrap');
    expect(c.covered).toBeGreaterThanOrEqual(0.85);
    expect(c.covered).toBeLessThanOrEqual(0.95);
  });

  it('covers a known effect of +25 points and leaves out zero when the effect is large', () => {
    const c = coverage(200, 1, 24, 0.25, 42);
    expect(c.covered).toBeGreaterThanOrEqual(0.85);
    // Constructed without noise in the coached unit: +40 points against comparison units that moved −5..+5.
    const controls: UnitChange[] = [-0.05, -0.03, 0, 0.02, 0.05, 0.01, -0.01, 0.03].map((d, i) => ({ unitId: i, before: 0.5, after: 0.5 + d, nBefore: 20, nAfter: 20 }));
    const treated: UnitChange[] = [{ unitId: 99, before: 0.5, after: 0.9, nBefore: 20, nAfter: 20 }];
    const est = didEstimate(treated, controls)!;
    expect(est).toBeCloseTo(0.4 - 0.0025, 6);
    const ci = didInterval(treated, controls, 1)!;
    expect(ci.lo).toBeLessThan(est);
    expect(ci.hi).toBeGreaterThan(est);
    expect(ci.lo).toBeGreaterThan(0);
  });

  it('copes with coached units that have items in one window only (they still count in the pooled figures)', () => {
    const controls: UnitChange[] = [-0.05, 0, 0.05, 0.02, -0.02].map((d, i) => ({ unitId: i, before: 0.5, after: 0.5 + d, nBefore: 20, nAfter: 20 }));
    const treated: UnitChange[] = [
      { unitId: 98, before: 0.5, after: 0, nBefore: 20, nAfter: 0 },
      { unitId: 99, before: 0, after: 0.9, nBefore: 0, nAfter: 20 },
    ];
    expect(didEstimate(treated, controls)).toBeCloseTo(0.4, 6);
    const ci = didInterval(treated, controls, 1)!;
    expect(ci.lo).toBeLessThan(0.4);
    expect(ci.hi).toBeGreaterThan(0.4);
    expect(didInterval([], controls, 1)).toBeNull();
  });

  it('gives the same interval for the same seed, and none with fewer than 4 comparison units', () => {
    const rng = seededRandom(3);
    const { t, c } = simulate(rng, 12, 12, 0);
    expect(didInterval(t, c, 5)).toEqual(didInterval(t, c, 5));
    expect(didInterval(t.slice(0, 1), c.slice(0, 3), 5)).toBeNull();
  });
});

describe('intervals of figures', () => {
  it('Wilson interval of a proportion', () => {
    const w = wilson(9, 10)!;
    // 90% Wilson for 9/10: 0.652–0.977.
    expect(w.lo).toBeCloseTo(0.652, 3);
    expect(w.hi).toBeCloseTo(0.977, 3);
    expect(wilson(0, 20)!.lo).toBe(0);
    expect(wilson(0, 0)).toBeNull();
  });

  it('bootstrap interval of a median holds the median and narrows with more items', () => {
    const small = [0, 2, 3, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const big = small.map((x) => x * 20);
    const a = bootstrapMedian(small, 1)!;
    const b = bootstrapMedian(big, 1)!;
    expect(a.lo).toBeLessThanOrEqual(2);
    expect(a.hi).toBeGreaterThanOrEqual(2);
    expect(b.lo).toBeLessThanOrEqual(2);
    expect(b.hi).toBeGreaterThanOrEqual(2);
    expect(b.hi - b.lo).toBeLessThanOrEqual(a.hi - a.lo);
    expect(bootstrapMedian(new Array(32).fill(0), 1)).toBeNull();
  });

  it('pools effects: the pooled interval is narrower than each, and counts the actions', () => {
    const p = poolEffects([
      { estimate: 0.1, lo: 0.0, hi: 0.2 },
      { estimate: 0.12, lo: 0.02, hi: 0.22 },
      { estimate: 0.08, lo: -0.02, hi: 0.18 },
    ])!;
    expect(p.k).toBe(3);
    expect(p.estimate).toBeCloseTo(0.1, 6);
    expect(p.hi - p.lo).toBeLessThan(0.2);
    expect(p.lo).toBeGreaterThan(0);
  });
});

describe('pre-trend check', () => {
  it('flags coached units already drifting away before the action, not parallel noisy ones', () => {
    const w = 1 / (1 / 20 + 1 / 60);
    const drift = preTrend([-6, -5, -4, -3, -2, -1].map((m, i) => ({ month: m, diff: 0.05 * i + [0.01, -0.01, 0.015, 0, -0.012, 0.008][i]!, weight: w })))!;
    expect(drift.differs).toBe(true);
    expect(drift.slope).toBeCloseTo(0.05, 2);
    const parallel = preTrend([-6, -5, -4, -3, -2, -1].map((m, i) => ({ month: m, diff: 0.1 + [0.04, -0.05, 0.03, -0.02, 0.05, -0.04][i]!, weight: w })))!;
    expect(parallel.differs).toBe(false);
    expect(preTrend([{ month: -2, diff: 0, weight: 1 }, { month: -1, diff: 1, weight: 1 }])).toBeNull();
  });

  it('flags a pre-trend in about 5% of seeded runs with parallel trends and noise', () => {
    const rng = seededRandom(11);
    let flagged = 0;
    for (let r = 0; r < 300; r++) {
      const pts = [-6, -5, -4, -3, -2, -1].map((m) => ({ month: m, diff: 0.1 + normal(rng) * 0.08, weight: 15 }));
      if (preTrend(pts)!.differs) flagged++;
    }
    expect(flagged / 300).toBeLessThan(0.1);
  });
});

describe('sentences', () => {
  const id = translator('id');
  const en = translator('en');
  it('reads an effect with its range in Indonesian and English', () => {
    expect(effectSentence('onTimeShare', 'up', 0.12, { lo: -0.03, hi: 0.27 }, 'id', id)).toBe('naik 12 poin (kisaran −3 sampai 27): belum bisa dibedakan dari kebetulan');
    expect(effectSentence('onTimeShare', 'up', 0.18, { lo: 0.06, hi: 0.3 }, 'id', id)).toBe('naik 18 poin (kisaran 6 sampai 30): kemungkinan besar bukan kebetulan (membaik)');
    expect(effectSentence('onTimeShare', 'up', 0.12, { lo: -0.03, hi: 0.27 }, 'en', en)).toBe('up 12 points (range −3 to 27): cannot yet be told apart from chance');
    expect(effectSentence('complaintShare', 'down', 0.18, { lo: 0.06, hi: 0.3 }, 'en', en)).toBe('up 18 points (range 6 to 30): most likely not chance (worse)');
    expect(effectSentence('satisfaction', 'up', -0.34, { lo: -0.61, hi: -0.07 }, 'id', id)).toBe('turun 0,3 (kisaran −0,6 sampai −0,1): kemungkinan besar bukan kebetulan (memburuk)');
    expect(effectSentence('satisfaction', 'up', -0.34, { lo: -0.61, hi: -0.07 }, 'en', en)).toBe('down 0.3 (range −0.6 to −0.1): most likely not chance (worse)');
    expect(effectSentence('medianWorkingDays', 'down', -1.5, null, 'id', id)).toBe('turun 1,5 hari kerja: terlalu sedikit unit pembanding dengan data cukup untuk menilai apakah ini kebetulan');
  });

  it('says "no change" for a change inside the rounding, with one decimal for satisfaction', () => {
    expect(formatChange('satisfaction', -0.04, 'id', id)).toBe('tidak berubah');
    expect(formatChange('satisfaction', -0.04, 'en', en)).toBe('no change');
    expect(changeVerdict('satisfaction', 'up', -0.04, id)).toBe('tidak berubah');
    expect(formatChange('satisfaction', 0.26, 'id', id)).toBe('+0,3');
    expect(formatChange('onTimeShare', 0.004, 'id', id)).toBe('tidak berubah');
    expect(formatChange('onTimeShare', -0.3, 'id', id)).toBe('−30 poin');
    expect(changeVerdict('onTimeShare', 'up', -0.3, en)).toBe('worse');
    expect(effectSentence('satisfaction', 'up', 0.03, { lo: -0.2, hi: 0.25 }, 'id', id)).toBe('tidak berubah (kisaran −0,2 sampai 0,3): belum bisa dibedakan dari kebetulan');
  });

  it('writes satisfaction with one decimal whatever was formatted before, with a decimal comma in Indonesian', () => {
    // A whole-number median formatted first used to fix the shared formatter at 0 decimals.
    expect(formatMeasure('medianWorkingDays', { value: 3, n: 12 }, 'id')).toBe('3');
    expect(formatMeasure('satisfaction', { value: 3.04, n: 12 }, 'id')).toBe('3,0');
    expect(formatDecimal(3.46, 'id', 1)).toBe('3,5');
    expect(formatDecimal(3.46, 'en', 1)).toBe('3.5');
    expect(id('forum.surveySummary', { n: 7, mean: formatDecimal(4, 'id', 1) })).toBe('7 jawaban, rata-rata 4,0 dari 5.');
    expect(en('forum.surveySummary', { n: 7, mean: formatDecimal(4, 'en', 1) })).toBe('7 answers, mean 4.0 out of 5.');
  });
});
