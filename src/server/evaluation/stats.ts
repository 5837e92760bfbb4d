import { histogramMedian } from './measures.ts';

/**
 * The statistics behind the evaluation's intervals. Pure functions, no database; every random
 * draw comes from a seeded generator, so a page shows the same interval on every load and tests
 * are reproducible.
 *
 * - Proportions: Wilson score interval.
 * - Medians (working days, from the rollup's histogram): percentile bootstrap over items.
 * - Difference-in-differences with few coached units: randomization inference over the
 *   comparison units in the spirit of Conley and Taber (2011). The interval is centred on the pooled
 *   DiD (all items of the coached and comparison units). The coached units' error is
 *   unknown; the comparison units' deviations from their own pooled change show how large such an
 *   error is when nothing happened. Each deviation is first put on a common scale (divided by
 *   sqrt(1/n_before + 1/n_after), the sampling scale of a change; Ferman and Pinto 2019), then
 *   scaled to the coached units' item counts. The interval inverts the test: every effect α for
 *   which "DiD − α" looks like one of these placebo errors. With 19 or more usable comparison
 *   units the interval comes from their order statistics (exact under exchangeability); with
 *   4 to 18 the order statistics cannot reach 90%, so a Student t with k − 1 degrees of freedom
 *   is fitted to the same placebo errors (a prediction interval); with fewer than 4 no interval is
 *   given.
 * - Many coached and many comparison units: a unit-level cluster bootstrap (units resampled
 *   with replacement within each group), which keeps each unit's serial correlation
 *   (Bertrand, Duflo and Mullainathan 2004).
 */

/** z for a two-sided 90% interval. */
export const Z90 = 1.6448536269514722;
export const LEVEL = 0.9;

/** Mulberry32: a small, fast, seeded 32-bit generator; uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stable seed from a text (FNV-1a), e.g. "action 12 onTimeShare". */
export function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Standard normal draw (Box–Muller). */
export function normal(rng: () => number): number {
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export interface Interval {
  lo: number;
  hi: number;
}

/** Wilson score interval of k successes in n trials; null when n is 0. */
export function wilson(k: number, n: number, z = Z90): Interval | null {
  if (n <= 0) return null;
  const p = k / n;
  const z2 = z * z;
  const den = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / den;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / den;
  return { lo: Math.max(0, centre - half), hi: Math.min(1, centre + half) };
}

/** The q-quantile (0..1) of sorted values, linear between order statistics. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * Percentile bootstrap interval of the median of a histogram of values 0..len−1 (items resampled
 * with replacement). Null when there are no items.
 */
export function bootstrapMedian(hist: readonly number[], seed: number, resamples = 400): Interval | null {
  const n = hist.reduce((a, b) => a + b, 0);
  if (n === 0) return null;
  const cum: number[] = [];
  let c = 0;
  for (const h of hist) cum.push((c += h));
  const rng = seededRandom(seed);
  const meds: number[] = [];
  const counts = new Array<number>(hist.length);
  for (let b = 0; b < resamples; b++) {
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const u = rng() * n;
      let v = 0;
      while (cum[v]! <= u) v++;
      counts[v]!++;
    }
    meds.push(histogramMedian(counts)!); // n > 0 items were drawn
  }
  meds.sort((a, b) => a - b);
  return { lo: quantile(meds, (1 - LEVEL) / 2), hi: quantile(meds, 1 - (1 - LEVEL) / 2) };
}

/** Two-sided 95th-percentile of Student's t (for a 90% interval), df ≥ 1. */
export function t95(df: number): number {
  const table = [6.314, 2.92, 2.353, 2.132, 2.015, 1.943, 1.895, 1.86, 1.833, 1.812, 1.796, 1.782, 1.771, 1.761, 1.753, 1.746, 1.74, 1.734, 1.729, 1.725, 1.721, 1.717, 1.714, 1.711, 1.708, 1.706, 1.703, 1.701, 1.699, 1.697];
  if (df < 1) return Infinity;
  return df <= table.length ? table[df - 1]! : Z90 + 2.5 / df;
}

/** Two-sided 97.5th-percentile of Student's t (for a 5% two-sided test), df ≥ 1. */
export function t975(df: number): number {
  const table = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086];
  if (df < 1) return Infinity;
  return df <= table.length ? table[df - 1]! : 1.96 + 2.4 / df;
}

// ---- difference-in-differences

/** One unit's figure before and after, with the number of items behind each. */
export interface UnitChange {
  unitId: number;
  before: number;
  after: number;
  nBefore: number;
  nAfter: number;
}

export type DidMethod = 'randomization' | 'randomization-t' | 'cluster-bootstrap';

export interface DidInterval extends Interval {
  method: DidMethod;
  /** comparison units whose changes were used */
  placebos: number;
}

/** Fewest coached and comparison units for the cluster bootstrap. */
export const BOOTSTRAP_MIN_UNITS = 10;
/** Fewest comparison units for an order-statistics interval reaching 90%: (k−1)/(k+1) ≥ 0.9. */
export const ORDER_MIN_PLACEBOS = 19;
/** Fewest comparison units to say anything about chance. */
export const MIN_PLACEBOS = 4;

const scale = (nb: number, na: number) => Math.sqrt(1 / nb + 1 / na);

/** Pooled (item-weighted) before and after of some units: what the DiD compares. */
export function pooled(units: readonly UnitChange[]): { before: number; after: number; nBefore: number; nAfter: number } | null {
  let sb = 0, sa = 0, nb = 0, na = 0;
  for (const u of units) {
    sb += u.before * u.nBefore;
    sa += u.after * u.nAfter;
    nb += u.nBefore;
    na += u.nAfter;
  }
  if (nb === 0 || na === 0) return null;
  return { before: sb / nb, after: sa / na, nBefore: nb, nAfter: na };
}

/** Pooled DiD: coached change minus comparison change (item-weighted figures). */
export function didEstimate(treated: readonly UnitChange[], control: readonly UnitChange[]): number | null {
  const t = pooled(treated);
  const c = pooled(control);
  if (!t || !c) return null;
  return t.after - t.before - (c.after - c.before);
}

/**
 * The 90% interval of a DiD (see the module comment for the method chosen). `treated` and
 * `control` hold only units with items in both windows. Null when there are too few comparison
 * units to judge chance.
 */
export function didInterval(treated: readonly UnitChange[], control: readonly UnitChange[], seed: number, estimate?: number): DidInterval | null {
  const est = estimate ?? didEstimate(treated, control);
  if (est === null) return null;
  if (treated.length >= BOOTSTRAP_MIN_UNITS && control.length >= BOOTSTRAP_MIN_UNITS) return clusterBootstrap(treated, control, seed);
  const k = control.length;
  if (k < MIN_PLACEBOS) return null;
  const c = pooled(control);
  const t = pooled(treated);
  if (!c || !t) return null;
  const cChange = c.after - c.before;
  // Scaled placebo errors: each comparison unit's deviation from the pooled comparison change.
  const e = control.map((u) => (u.after - u.before - cChange) / scale(u.nBefore, u.nAfter));
  // The coached units' error on the same scale; the pooled comparison change carries a little
  // error of its own (its scale is that of all comparison items together).
  const sT = scale(t.nBefore, t.nAfter);
  const sC = scale(c.nBefore, c.nAfter);
  const errs = e.map((x) => x * Math.sqrt(sT * sT + sC * sC)).sort((a, b) => a - b);
  if (k >= ORDER_MIN_PLACEBOS) {
    // Smallest rank r with coverage 1 − 2r/(k+1) ≥ 90%.
    const r = Math.max(1, Math.floor((1 - LEVEL) * (k + 1) / 2));
    return { lo: est - errs[k - r]!, hi: est - errs[r - 1]!, method: 'randomization', placebos: k };
  }
  const mean = errs.reduce((a, b) => a + b, 0) / k;
  const sd = Math.sqrt(errs.reduce((a, b) => a + (b - mean) ** 2, 0) / (k - 1));
  const half = t95(k - 1) * sd * Math.sqrt(1 + 1 / k);
  return { lo: est - half, hi: est + half, method: 'randomization-t', placebos: k };
}

function clusterBootstrap(treated: readonly UnitChange[], control: readonly UnitChange[], seed: number, resamples = 999): DidInterval {
  const rng = seededRandom(seed);
  const draw = (xs: readonly UnitChange[]) => xs.map(() => xs[Math.floor(rng() * xs.length)]!);
  const ests: number[] = [];
  for (let b = 0; b < resamples; b++) {
    const d = didEstimate(draw(treated), draw(control));
    if (d !== null) ests.push(d);
  }
  ests.sort((a, b) => a - b);
  return { lo: quantile(ests, (1 - LEVEL) / 2), hi: quantile(ests, 1 - (1 - LEVEL) / 2), method: 'cluster-bootstrap', placebos: control.length };
}

// ---- pooling effects of several actions

export interface PooledEffect extends Interval {
  estimate: number;
  /** actions pooled */
  k: number;
}

/**
 * Random-effects pooling (DerSimonian–Laird) of several actions' effects, each with its 90%
 * interval (read as estimate ± 1.645 standard errors). Actions differ, so their true effects may
 * too; the between-action variance widens the pooled interval accordingly.
 */
export function poolEffects(effects: ReadonlyArray<{ estimate: number; lo: number; hi: number }>): PooledEffect | null {
  const xs = effects.filter((e) => Number.isFinite(e.lo) && Number.isFinite(e.hi) && e.hi > e.lo);
  const k = xs.length;
  if (k === 0) return null;
  const v = xs.map((e) => ((e.hi - e.lo) / (2 * Z90)) ** 2);
  const w = v.map((x) => 1 / x);
  const sw = w.reduce((a, b) => a + b, 0);
  const fixed = xs.reduce((a, e, i) => a + w[i]! * e.estimate, 0) / sw;
  const q = xs.reduce((a, e, i) => a + w[i]! * (e.estimate - fixed) ** 2, 0);
  const c = sw - w.reduce((a, b) => a + b * b, 0) / sw;
  const tau2 = k > 1 && c > 0 ? Math.max(0, (q - (k - 1)) / c) : 0;
  const ws = v.map((x) => 1 / (x + tau2));
  const sws = ws.reduce((a, b) => a + b, 0);
  const estimate = xs.reduce((a, e, i) => a + ws[i]! * e.estimate, 0) / sws;
  const half = Z90 / Math.sqrt(sws);
  return { estimate, lo: estimate - half, hi: estimate + half, k };
}

// ---- pre-trend

export interface PreTrend {
  /** slope of (coached − comparison) per month over the months before the action */
  slope: number;
  /** its standard error, from the scatter of the monthly differences around the line */
  se: number;
  months: number;
  /** the slope differs from zero beyond the months' own noise (5% two-sided t test) */
  differs: boolean;
}

/** Fewest months before the action with a difference to test a pre-trend. */
export const PRETREND_MIN_MONTHS = 4;

/**
 * Tests whether coached and comparison units already drifted apart before the action: a
 * weighted least-squares line through the monthly differences (month relative to the action,
 * weight ∝ the items behind each month's difference), its slope tested against the scatter of
 * the months around the line (t with months − 2 degrees of freedom). Null with fewer than
 * PRETREND_MIN_MONTHS usable months.
 */
export function preTrend(points: ReadonlyArray<{ month: number; diff: number; weight: number }>): PreTrend | null {
  const ps = points.filter((p) => Number.isFinite(p.diff) && p.weight > 0);
  const m = ps.length;
  if (m < PRETREND_MIN_MONTHS) return null;
  const sw = ps.reduce((a, p) => a + p.weight, 0);
  const xb = ps.reduce((a, p) => a + p.weight * p.month, 0) / sw;
  const yb = ps.reduce((a, p) => a + p.weight * p.diff, 0) / sw;
  const sxx = ps.reduce((a, p) => a + p.weight * (p.month - xb) ** 2, 0);
  if (sxx === 0) return null;
  const slope = ps.reduce((a, p) => a + p.weight * (p.month - xb) * (p.diff - yb), 0) / sxx;
  const rss = ps.reduce((a, p) => a + p.weight * (p.diff - yb - slope * (p.month - xb)) ** 2, 0);
  // Weights are relative (item counts), so the residual variance is estimated from the data; a
  // floor keeps perfectly straight constructed lines from dividing by zero.
  const s2 = Math.max(rss / (m - 2), 1e-12);
  const se = Math.sqrt(s2 / sxx);
  return { slope, se, months: m, differs: Math.abs(slope) > t975(m - 2) * se };
}
