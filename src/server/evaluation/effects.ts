import { witDate } from '../calendar/working-days.ts';
import type { Db } from '../db/index.ts';
import {
  addDays,
  addMonths,
  COMPARED,emptySums,measuresOf,
  MIN_ITEMS,periodStartOf,sumAll,type ComparedKey,
  type Figure,
  type Measures,type Sums
} from './measures.ts';
import { bootstrapMedian, didInterval, poolEffects, preTrend, seedOf, wilson, type DidInterval, type Interval, type PooledEffect, type PreTrend, type UnitChange } from './stats.ts';
import * as q from './queries.ts';
import { ensureFresh } from './refresh.ts';

/**
 * Before/after comparisons of coaching actions: the windows around an action, a
 * difference-in-differences against comparison units with its interval and pre-trend, and the
 * programme's pooled effects.
 */

/** Sums per unit over [from, to). */
export async function sumsByUnit(db: Db, from: string, to: string): Promise<Map<number, Sums>> {
  const rows = await q.selectSums(db, { from, to, byUnit: true });
  return new Map(rows.map((r) => [r.unit_id!, r as Sums]));
}

// ---- before / after

export const DEFAULT_WINDOW_DAYS = 90;
export const MIN_WINDOW_DAYS = 30;
export const MAX_WINDOW_DAYS = 365;

/** `?jendela=` → window length in days (30..365, default 90). */
export function parseWindow(v: string | null | undefined): number {
  const n = Number(v);
  return Number.isInteger(n) && n >= MIN_WINDOW_DAYS && n <= MAX_WINDOW_DAYS ? n : DEFAULT_WINDOW_DAYS;
}

export interface DayRange {
  /** first day, inclusive */
  from: string;
  /** day after the last, exclusive */
  to: string;
}

export interface ComparisonRow {
  key: ComparedKey;
  percent: boolean;
  better: 'up' | 'down';
  treatedBefore: Figure;
  treatedAfter: Figure;
  controlBefore: Figure;
  controlAfter: Figure;
  treatedChange: number | null;
  controlChange: number | null;
  /** treated change − control change; null when any of the four figures rests on too few items */
  did: number | null;
  enough: boolean;
  /** the DiD's 90% interval (null with no DiD, or too few comparison units to judge chance) */
  interval: DidInterval | null;
  /** the four figures' own 90% intervals (Wilson for shares, bootstrap for the median); detail pages only */
  figureIntervals: { treatedBefore: Interval | null; treatedAfter: Interval | null; controlBefore: Interval | null; controlAfter: Interval | null } | null;
  /** did coached and comparison units already drift apart in the months before the action? */
  preTrend: PreTrend | null;
}

/** A comparison unit with the items it had in each window. */
export interface ComparisonUnit {
  unit: q.UnitInfo;
  before: number;
  after: number;
}

/** One month of the event study: month relative to the action's start month (0). */
export interface EventMonth {
  rel: number;
  start: string;
  treated: Sums;
  control: Sums;
}

export interface ActionEffect {
  action: q.ActionRow;
  units: q.UnitInfo[];
  before: DayRange;
  after: DayRange;
  /** the after window reaches beyond today: figures may still change */
  afterOpen: boolean;
  /**
   * The comparison units: by default the units of the coached units' sectors that were never
   * coached or not yet coached by the end of the after window ('sector'; all such units, 'all',
   * when those have fewer than MIN_ITEMS items in a window); or the coordinator's choice among
   * the same eligible units ('chosen').
   */
  control: { basis: 'sector' | 'all' | 'chosen'; units: number; list: ComparisonUnit[] };
  /** every unit that may serve as comparison (never or not yet coached), for the chooser */
  eligible: q.UnitInfo[];
  rows: ComparisonRow[];
  /** months −EVENT_PRE_MONTHS … +EVENT_POST_MONTHS around the action's start month */
  months: EventMonth[];
}

/** Months before and after the action's start month drawn in the event study. */
export const EVENT_PRE_MONTHS = 6;
export const EVENT_POST_MONTHS = 6;
/** A comparison unit's change is used as a placebo only with this many items in each window. */
export const MIN_UNIT_ITEMS = 5;

/**
 * The windows of a completed action: `days` days before its start date, and `days` days after
 * it was over (the day after the later of its end date and its completion date, in WIT).
 */
export function windowsOf(a: Pick<q.ActionRow, 'starts_on' | 'ends_on' | 'completed_at'>, days: number): { before: DayRange; after: DayRange } {
  const completed = a.completed_at ? witDate(new Date(a.completed_at)) : a.ends_on;
  const over = completed > a.ends_on ? completed : a.ends_on;
  return { before: { from: addDays(a.starts_on, -days), to: a.starts_on }, after: { from: addDays(over, 1), to: addDays(over, 1 + days) } };
}

const figureOf = (m: Measures, key: ComparedKey): Figure => m[key];

/** Compares treated and control figures, measure by measure (no intervals: see beforeAfter). */
export function compare(tb: Sums, ta: Sums, cb: Sums, ca: Sums): ComparisonRow[] {
  const [mtb, mta, mcb, mca] = [tb, ta, cb, ca].map(measuresOf) as [Measures, Measures, Measures, Measures];
  return COMPARED.map((c) => {
    const f = [figureOf(mtb, c.key), figureOf(mta, c.key), figureOf(mcb, c.key), figureOf(mca, c.key)] as const;
    const enough = f.every((x) => x.n >= MIN_ITEMS && x.value !== null);
    const change = (a: Figure, b: Figure) => (a.value !== null && b.value !== null ? b.value - a.value : null);
    const treatedChange = change(f[0], f[1]);
    const controlChange = change(f[2], f[3]);
    return {
      key: c.key,
      percent: c.percent,
      better: c.better,
      treatedBefore: f[0],
      treatedAfter: f[1],
      controlBefore: f[2],
      controlAfter: f[3],
      treatedChange,
      controlChange,
      did: enough && treatedChange !== null && controlChange !== null ? treatedChange - controlChange : null,
      enough,
      interval: null,
      figureIntervals: null,
      preTrend: null,
    };
  });
}

/** A figure's own 90% interval: Wilson for shares, bootstrap for the median, none for the mean rating. */
function figureInterval(key: ComparedKey, s: Sums, seed: number): Interval | null {
  const m = measuresOf(s);
  const f = m[key];
  if (f.value === null) return null;
  switch (key) {
    case 'complaintShare':
      return wilson(s.keluhan, s.received);
    case 'onTimeShare':
      return wilson(s.on_time, s.answered);
    case 'resolutionRate':
      return wilson(s.resolved, s.received);
    case 'reopenRate':
      return wilson(s.reopened, s.answered);
    case 'medianWorkingDays':
      return bootstrapMedian(s.wd_hist, seed);
    default:
      return null;
  }
}

/**
 * Per-unit changes of one measure: units with at least `minN` items in each window; with
 * `partial`, also units with items in one window only (they count in that window's pooled
 * figure, as in the DiD itself, with n = 0 on the other side).
 */
function unitChanges(key: ComparedKey, ids: readonly number[], sb: Map<number, Sums>, sa: Map<number, Sums>, minN: number, partial = false): UnitChange[] {
  const out: UnitChange[] = [];
  for (const id of ids) {
    const b = measuresOf(sb.get(id) ?? emptySums())[key];
    const a = measuresOf(sa.get(id) ?? emptySums())[key];
    if (partial && (b.value !== null || a.value !== null)) {
      out.push({ unitId: id, before: b.value ?? 0, after: a.value ?? 0, nBefore: b.value === null ? 0 : b.n, nAfter: a.value === null ? 0 : a.n });
      continue;
    }
    if (b.value === null || a.value === null || b.n < minN || a.n < minN) continue;
    out.push({ unitId: id, before: b.value, after: a.value, nBefore: b.n, nAfter: a.n });
  }
  return out;
}

/** The months before the action as points for the pre-trend test of one measure. */
function preTrendOf(key: ComparedKey, months: readonly EventMonth[]): PreTrend | null {
  const points: Array<{ month: number; diff: number; weight: number }> = [];
  for (const m of months) {
    if (m.rel >= 0) continue;
    const t = measuresOf(m.treated)[key];
    const c = measuresOf(m.control)[key];
    if (t.value === null || c.value === null || t.n === 0 || c.n === 0) continue;
    points.push({ month: m.rel, diff: t.value - c.value, weight: 1 / (1 / t.n + 1 / c.n) });
  }
  return preTrend(points);
}

/**
 * Before/after for completed coaching actions, with a difference-in-differences against
 * comparison units and its 90% interval, and the event study with a pre-trend check per measure.
 *
 * Comparison units are never units coached before or during the windows: only units never
 * coached, or coached for the first time after the after window ends (Callaway and Sant'Anna
 * 2021; an already coached unit carries its own effect and would bias a staggered comparison,
 * Goodman-Bacon 2021). `opts.comparison` (the coordinator's choice) is intersected with those.
 * Everything is read from the rollup. `opts.detail` adds the four figures' own intervals.
 */
export async function beforeAfter(
  db: Db,
  windowDays = DEFAULT_WINDOW_DAYS,
  today = witDate(new Date()),
  opts: { actionId?: number; comparison?: readonly number[] | null; detail?: boolean } = {},
): Promise<ActionEffect[]> {
  await ensureFresh(db);
  const [allActions, units, firstCoached] = await Promise.all([q.selectCompletedActions(db), q.selectUnits(db), q.selectFirstCoachedOn(db)]);
  const actions = opts.actionId === undefined ? allActions : allActions.filter((a) => a.id === opts.actionId);
  if (actions.length === 0) return [];
  const unitById = new Map(units.map((u) => [u.id, u]));
  const links = await q.selectActionUnits(db, actions.map((a) => a.id));
  const cache = new Map<string, Map<number, Sums>>();
  const sums = async (r: DayRange) => {
    const k = `${r.from}|${r.to}`;
    let m = cache.get(k);
    if (!m) cache.set(k, (m = await sumsByUnit(db, r.from, r.to)));
    return m;
  };
  // The event studies' months, for every unit, in one read of the rollup.
  const startMonths = actions.map((a) => periodStartOf('month', a.starts_on)).sort();
  const monthRows = await q.selectSums(db, { from: addMonths(startMonths[0]!, -EVENT_PRE_MONTHS), to: addMonths(startMonths[startMonths.length - 1]!, EVENT_POST_MONTHS + 1), byUnit: true, period: 'month' });
  const monthly = new Map(monthRows.map((r) => [`${r.unit_id}|${r.period}`, r as Sums]));
  const out: ActionEffect[] = [];
  for (const a of actions) {
    const treatedIds = links.filter((l) => l.action_id === a.id).map((l) => l.unit_id);
    if (treatedIds.length === 0) continue;
    const { before, after } = windowsOf(a, windowDays);
    const [sb, sa] = await Promise.all([sums(before), sums(after)]);
    const pick = (m: Map<number, Sums>, ids: readonly number[]) => sumAll(ids.map((id) => m.get(id)).filter((s): s is Sums => !!s));
    const lastDay = addDays(after.to, -1);
    const eligible = units.filter((u) => {
      if (treatedIds.includes(u.id)) return false;
      const first = firstCoached.get(u.id);
      return first === undefined || first > lastDay;
    });
    const eligibleIds = eligible.map((u) => u.id);
    let basis: 'sector' | 'all' | 'chosen';
    let controls: number[];
    if (opts.comparison && opts.comparison.length > 0) {
      basis = 'chosen';
      controls = eligibleIds.filter((id) => opts.comparison!.includes(id));
    } else {
      const sectors = new Set(treatedIds.map((id) => unitById.get(id)?.sector));
      const sectorControls = eligibleIds.filter((id) => sectors.has(unitById.get(id)?.sector));
      const sectorEnough = pick(sb, sectorControls).received >= MIN_ITEMS && pick(sa, sectorControls).received >= MIN_ITEMS;
      basis = sectorEnough ? 'sector' : 'all';
      controls = sectorEnough ? sectorControls : eligibleIds;
    }
    const m0 = periodStartOf('month', a.starts_on);
    const months: EventMonth[] = [];
    for (let rel = -EVENT_PRE_MONTHS; rel <= EVENT_POST_MONTHS; rel++) {
      const start = addMonths(m0, rel);
      const of = (ids: readonly number[]) => sumAll(ids.map((id) => monthly.get(`${id}|${start}`)).filter((s): s is Sums => !!s));
      months.push({ rel, start, treated: of(treatedIds), control: of(controls) });
    }
    const tb = pick(sb, treatedIds), ta = pick(sa, treatedIds), cb = pick(sb, controls), ca = pick(sa, controls);
    const rows = compare(tb, ta, cb, ca).map((r): ComparisonRow => {
      const seed = seedOf(`${a.id}|${r.key}|${windowDays}|${controls.join(',')}`);
      const interval = r.did === null ? null : didInterval(unitChanges(r.key, treatedIds, sb, sa, 1, true), unitChanges(r.key, controls, sb, sa, MIN_UNIT_ITEMS), seed, r.did);
      const figureIntervals = opts.detail
        ? { treatedBefore: figureInterval(r.key, tb, seed + 1), treatedAfter: figureInterval(r.key, ta, seed + 2), controlBefore: figureInterval(r.key, cb, seed + 3), controlAfter: figureInterval(r.key, ca, seed + 4) }
        : null;
      return { ...r, interval, figureIntervals, preTrend: preTrendOf(r.key, months) };
    });
    out.push({
      action: a,
      units: treatedIds.map((id) => unitById.get(id)!).filter(Boolean),
      before,
      after,
      afterOpen: after.to > addDays(today, 1),
      control: { basis, units: controls.length, list: controls.map((id) => ({ unit: unitById.get(id)!, before: sb.get(id)?.received ?? 0, after: sa.get(id)?.received ?? 0 })) },
      eligible,
      rows,
      months,
    });
  }
  return out;
}

/** One completed action's effects for its page; null when there is no such completed action. */
export async function actionEffect(db: Db, actionId: number, opts: { windowDays?: number; comparison?: readonly number[] | null; today?: string } = {}): Promise<ActionEffect | null> {
  const [e] = await beforeAfter(db, opts.windowDays ?? DEFAULT_WINDOW_DAYS, opts.today ?? witDate(new Date()), { actionId, comparison: opts.comparison ?? null, detail: true });
  return e ?? null;
}

// ---- which coaching works

export interface PooledRow {
  key: ComparedKey;
  better: 'up' | 'down';
  percent: boolean;
  pooled: PooledEffect | null;
}

export interface ProgrammeGroup {
  /** a coaching kind or a sector */
  name: string;
  /** completed actions in the group */
  actions: number;
  rows: PooledRow[];
}

function poolGroup(name: string, effects: readonly ActionEffect[]): ProgrammeGroup {
  return {
    name,
    actions: effects.length,
    rows: COMPARED.map((c) => {
      const xs = effects.flatMap((e) => {
        const r = e.rows.find((x) => x.key === c.key);
        return r && r.did !== null && r.interval ? [{ estimate: r.did, lo: r.interval.lo, hi: r.interval.hi }] : [];
      });
      return { key: c.key, better: c.better, percent: c.percent, pooled: poolEffects(xs) };
    }),
  };
}

/**
 * The programme view: the effects of all completed actions pooled by coaching kind and by
 * sector (an action counts in every sector of its units), with random-effects intervals and the
 * number of actions behind each. Actions that share comparison units are not independent; the
 * pooled interval is then somewhat too narrow, which the page says.
 */
export async function programmeEffects(db: Db, windowDays = DEFAULT_WINDOW_DAYS, today = witDate(new Date())) {
  const effects = await beforeAfter(db, windowDays, today);
  const byKind = new Map<string, ActionEffect[]>();
  const bySector = new Map<string, ActionEffect[]>();
  for (const e of effects) {
    byKind.set(e.action.kind, [...(byKind.get(e.action.kind) ?? []), e]);
    for (const s of new Set(e.units.map((u) => u.sector))) bySector.set(s, [...(bySector.get(s) ?? []), e]);
  }
  return {
    effects: effects.length,
    kinds: [...byKind.entries()].map(([k, es]) => poolGroup(k, es)),
    sectors: [...bySector.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([s, es]) => poolGroup(s, es)),
  };
}
