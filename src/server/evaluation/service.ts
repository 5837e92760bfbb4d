import { z } from 'zod';
import type { SessionUser } from '../accounts/sessions.ts';
import { recordAudit, type Actor } from '../audit/service.ts';
import { witDate, workingDayDeadline, workingDaysBetween } from '../calendar/working-days.ts';
import type { Db } from '../db/index.ts';
import { canViewAsStaff } from '../feedback/permissions.ts';
import { fail, parseIdList, validate, type Result } from '../forms.ts';
import { log } from '../log.ts';
import { renderMarkdown } from '../markdown.ts';
import {
  addDays,
  addMonths,
  COMPARED,
  DEFAULT_ANSWER_WORKING_DAYS,
  emptySums,
  HIST_BUCKETS,
  measuresOf,
  MIN_ITEMS,
  parsePeriod,
  periodEnd,
  periodLabel,
  periodStartOf,
  recentPeriods,
  sumAll,
  TARGET_COMPLAINT_SHARE_MAX,
  TARGET_ON_TIME_SHARE,
  TARGET_SATISFACTION,
  type ComparedKey,
  type Figure,
  type Measures,
  type PeriodKind,
  type Sums,
} from './measures.ts';
import { canExportEvaluation, canRecordFinding, canViewFinding } from './permissions.ts';
import { bootstrapMedian, didInterval, poolEffects, preTrend, seedOf, wilson, type DidInterval, type Interval, type PooledEffect, type PreTrend, type UnitChange } from './stats.ts';
import * as q from './queries.ts';
import { feedbackCsvStream } from './csv.ts';

export * from './measures.ts';

/**
 * Evaluation: the measures rollup and its refresh, dashboards, before/after comparisons with a
 * difference-in-differences, the "needs attention" list, findings, and public scorecards.
 */

// ---- refresh

/**
 * Recomputes the rollup rows of up to `limit` dirty (unit, day) pairs, in one transaction (a
 * failure puts the pairs back). Safe in several processes (pairs are claimed with SKIP
 * LOCKED). Returns how many pairs were refreshed.
 */
export async function refreshMeasures(db: Db, opts: { limit?: number; answerWorkingDays?: number } = {}): Promise<number> {
  const limit = opts.limit ?? 500;
  const answerDays = opts.answerWorkingDays ?? DEFAULT_ANSWER_WORKING_DAYS;
  return db.transaction().execute(async (trx) => {
    const pairs = await q.claimDirty(trx, limit);
    if (pairs.length === 0) return 0;
    const holidays = await q.selectAllHolidayDates(trx);
    const items = await q.selectItemFacts(trx, pairs);
    const sums = new Map<string, Sums>();
    for (const it of items) {
      const key = `${it.unit_id}|${it.day}`;
      let s = sums.get(key);
      if (!s) sums.set(key, (s = emptySums()));
      s.received++;
      s[it.kind]++;
      if (it.first_response_at) {
        s.answered++;
        const created = new Date(it.created_at);
        const answered = new Date(it.first_response_at);
        const due = it.due_at ? new Date(it.due_at) : workingDayDeadline(it.assigned_at ? new Date(it.assigned_at) : created, answerDays, holidays);
        if (answered.getTime() <= due.getTime()) s.on_time++;
        if (it.status === 'resolved' || it.status === 'closed') s.resolved++;
        const wd = Math.min(workingDaysBetween(created, answered, holidays), HIST_BUCKETS - 1);
        s.wd_hist[wd]!++;
      }
      if (it.reopened) s.reopened++;
      if (it.score !== null && it.score !== undefined) {
        s.rating_sum += Number(it.score);
        s.rating_count++;
      }
    }
    const keep: Array<{ unit_id: number; day: string; sums: Sums }> = [];
    const drop: q.DirtyPair[] = [];
    for (const p of pairs) {
      const s = sums.get(`${p.unit_id}|${p.day}`);
      if (s) keep.push({ unit_id: p.unit_id, day: p.day, sums: s });
      else drop.push(p);
    }
    await q.upsertDayMeasures(trx, keep);
    await q.deleteDayMeasures(trx, drop);
    return pairs.length;
  });
}

/**
 * Refresh-on-read: pages call this before reading so that they never show stale numbers.
 * Bounded (`maxPairs`), so a huge backlog (first start on an existing database) cannot hold a
 * request: what is left is done by the worker, and the page says figures are still being
 * computed. Returns the number of pairs still waiting.
 */
export async function ensureFresh(db: Db, maxPairs = 2000): Promise<number> {
  // The common case, nothing queued, is one read (no write transaction per page view).
  if (!(await q.anyDirty(db))) return 0;
  let done = 0;
  while (done < maxPairs) {
    const n = await refreshMeasures(db, { limit: Math.min(500, maxPairs - done) });
    if (n === 0) return 0;
    done += n;
  }
  return q.countDirty(db);
}

/** Worker step: drains the dirty queue in batches. */
export async function refreshDirtyMeasures(db: Db): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await refreshMeasures(db, { limit: 500 });
    total += n;
    if (n === 0 || total >= 20_000) break;
  }
  if (total > 0) log.debug('evaluation measures refreshed', { pairs: total });
  return total;
}

// ---- dashboards

export interface UnitMeasures {
  unit: q.UnitInfo;
  measures: Measures;
  overdueNow: number;
}

export interface SectorMeasures {
  sector: string;
  units: number;
  measures: Measures;
  overdueNow: number;
}

export interface PeriodSeries {
  kind: PeriodKind;
  periods: Array<{ start: string; label: string; measures: Measures }>;
}

/** Measures of one period for every unit and sector (only units with items), plus the city. */
export async function periodOverview(db: Db, kind: PeriodKind, start: string, now = new Date()) {
  const end = periodEnd(kind, start);
  const [rows, units, overdue] = await Promise.all([q.selectSums(db, { from: start, to: end, byUnit: true }), q.selectUnits(db), q.selectOverdueByUnit(db, now)]);
  const byUnit = new Map(rows.map((r) => [r.unit_id!, r as Sums]));
  const unitRows: UnitMeasures[] = units
    .filter((u) => byUnit.has(u.id) || (overdue.get(u.id) ?? 0) > 0)
    .map((u) => ({ unit: u, measures: measuresOf(byUnit.get(u.id) ?? emptySums()), overdueNow: overdue.get(u.id) ?? 0 }));
  const sectors = new Map<string, { sums: Sums[]; units: number; overdue: number }>();
  for (const u of units) {
    const s = sectors.get(u.sector) ?? { sums: [], units: 0, overdue: 0 };
    const sums = byUnit.get(u.id);
    if (sums) s.sums.push(sums);
    s.units++;
    s.overdue += overdue.get(u.id) ?? 0;
    sectors.set(u.sector, s);
  }
  const sectorRows: SectorMeasures[] = [...sectors.entries()]
    .filter(([, s]) => s.sums.length > 0 || s.overdue > 0)
    .map(([sector, s]) => ({ sector, units: s.units, measures: measuresOf(sumAll(s.sums)), overdueNow: s.overdue }));
  const city = measuresOf(sumAll(byUnit.values()));
  const overdueTotal = [...overdue.values()].reduce((a, b) => a + b, 0);
  return { kind, start, end, units: unitRows, sectors: sectorRows, city, overdueTotal };
}

/**
 * The last `count` periods for some units (all when unitIds is omitted), oldest first.
 * `medians: false` skips the histogram (the median is then null).
 */
export async function periodSeries(db: Db, kind: PeriodKind, count: number, opts: { unitIds?: number[]; today?: string; medians?: boolean } = {}): Promise<PeriodSeries> {
  const starts = recentPeriods(kind, opts.today ?? witDate(new Date()), count);
  const rows = await q.selectSums(db, { from: starts[0]!, to: periodEnd(kind, starts[starts.length - 1]!), unitIds: opts.unitIds, period: kind, histogram: opts.medians !== false });
  const byPeriod = new Map(rows.map((r) => [r.period!, r as Sums]));
  return { kind, periods: starts.map((s) => ({ start: s, label: periodLabel(kind, s), measures: measuresOf(byPeriod.get(s) ?? emptySums()) })) };
}

/** Sums per unit over [from, to). */
async function sumsByUnit(db: Db, from: string, to: string): Promise<Map<number, Sums>> {
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

export type AttentionReason = 'complaintWorse' | 'complaintAboveTarget' | 'onTimeWorse' | 'onTimeBelowTarget' | 'satisfactionWorse' | 'satisfactionBelowTarget';

export interface AttentionItem {
  unit: q.UnitInfo;
  action: q.ActionRow;
  reasons: AttentionReason[];
  before: Measures;
  after: Measures;
  /** the action's DiD rows of the measures behind the reasons (with their intervals) */
  effects: ComparisonRow[];
  /**
   * How surely the action made things worse, read from the intervals: for each of the reasons'
   * measures, how far the interval's most favourable end lies on the worse side, in half-widths
   * of the interval (> 0: even the best case is a worsening). The largest; null without any
   * interval.
   */
  worseBy: number | null;
}

const REASON_MEASURE: Record<AttentionReason, ComparedKey> = {
  complaintWorse: 'complaintShare',
  complaintAboveTarget: 'complaintShare',
  onTimeWorse: 'onTimeShare',
  onTimeBelowTarget: 'onTimeShare',
  satisfactionWorse: 'satisfaction',
  satisfactionBelowTarget: 'satisfaction',
};

/** Of a DiD row: the interval's most favourable end, signed so that < 0 is a worsening, in half-widths. */
export function worseningScore(r: Pick<ComparisonRow, 'better' | 'interval'>): number | null {
  if (!r.interval) return null;
  const half = (r.interval.hi - r.interval.lo) / 2;
  if (!(half > 0)) return null;
  const bestCase = r.better === 'up' ? r.interval.hi : -r.interval.lo;
  return -bestCase / half;
}

/**
 * Units whose complaint share, on-time share or satisfaction got worse after their latest
 * completed coaching action, or stayed off target (complaint share above
 * TARGET_COMPLAINT_SHARE_MAX, on-time share below TARGET_ON_TIME_SHARE, satisfaction below
 * TARGET_SATISFACTION). A figure only counts when it rests on at least MIN_ITEMS items (both
 * windows for "worse", the after window for "off target"). Ranked by the intervals of the
 * action's effects (`worseBy`, most surely worse first), not by the point estimates; units
 * without an interval come last.
 */
export async function needsAttention(db: Db, windowDays = DEFAULT_WINDOW_DAYS, effects?: readonly ActionEffect[]): Promise<AttentionItem[]> {
  await ensureFresh(db);
  const [actions, units] = await Promise.all([q.selectCompletedActions(db), q.selectUnits(db)]);
  const effectOf = new Map((effects ?? (await beforeAfter(db, windowDays))).map((e) => [e.action.id, e]));
  const unitById = new Map(units.map((u) => [u.id, u]));
  const links = await q.selectActionUnits(db, actions.map((a) => a.id));
  // Latest completed action per unit (actions come newest first).
  const latest = new Map<number, q.ActionRow>();
  for (const a of actions) for (const l of links) if (l.action_id === a.id && !latest.has(l.unit_id)) latest.set(l.unit_id, a);
  const out: AttentionItem[] = [];
  for (const [unitId, a] of latest) {
    const unit = unitById.get(unitId);
    if (!unit) continue;
    const { before, after } = windowsOf(a, windowDays);
    const [b] = await q.selectSums(db, { from: before.from, to: before.to, unitIds: [unitId] });
    const [af] = await q.selectSums(db, { from: after.from, to: after.to, unitIds: [unitId] });
    const mb = measuresOf(b ?? emptySums());
    const ma = measuresOf(af ?? emptySums());
    const reasons: AttentionReason[] = [];
    const both = (k: ComparedKey) => mb[k].n >= MIN_ITEMS && ma[k].n >= MIN_ITEMS && mb[k].value !== null && ma[k].value !== null;
    const afterOk = (k: ComparedKey) => ma[k].n >= MIN_ITEMS && ma[k].value !== null;
    if (both('complaintShare') && ma.complaintShare.value! > mb.complaintShare.value!) reasons.push('complaintWorse');
    else if (afterOk('complaintShare') && ma.complaintShare.value! > TARGET_COMPLAINT_SHARE_MAX) reasons.push('complaintAboveTarget');
    if (both('onTimeShare') && ma.onTimeShare.value! < mb.onTimeShare.value!) reasons.push('onTimeWorse');
    else if (afterOk('onTimeShare') && ma.onTimeShare.value! < TARGET_ON_TIME_SHARE) reasons.push('onTimeBelowTarget');
    if (both('satisfaction') && ma.satisfaction.value! < mb.satisfaction.value!) reasons.push('satisfactionWorse');
    else if (afterOk('satisfaction') && ma.satisfaction.value! < TARGET_SATISFACTION) reasons.push('satisfactionBelowTarget');
    if (!reasons.length) continue;
    const keys = new Set(reasons.map((r) => REASON_MEASURE[r]));
    const rows = (effectOf.get(a.id)?.rows ?? []).filter((r) => keys.has(r.key));
    const scores = rows.map(worseningScore).filter((x): x is number => x !== null);
    out.push({ unit, action: a, reasons, before: mb, after: ma, effects: rows, worseBy: scores.length ? Math.max(...scores) : null });
  }
  return out.sort(
    (x, y) =>
      (x.worseBy === null ? 1 : 0) - (y.worseBy === null ? 1 : 0) ||
      (y.worseBy ?? 0) - (x.worseBy ?? 0) ||
      y.reasons.length - x.reasons.length ||
      x.unit.short_name.localeCompare(y.unit.short_name),
  );
}

// ---- findings

export interface Evidence {
  period: { kind: PeriodKind; start: string; end: string; label: string };
  unit: { id: number; short_name: string; sector: string };
  measures: Measures;
  sector: Measures;
  feedback: number[];
  computed_at: string;
}

const findingSchema = z.object({
  unit: z.string().regex(/^\d{1,9}$/, { message: 'err.unitChoose' }),
  periodKind: z.enum(['month', 'quarter'], { message: 'err.invalidChoice' }),
  period: z.string().trim().min(1, { message: 'eval.err.period' }),
  title: z.string().trim().min(3, { message: 'eval.err.title' }).max(200),
  body: z.string().trim().min(1, { message: 'err.textRequired' }).max(10000),
  feedback: z.string().trim().max(2000).optional().default(''),
});

/**
 * Records a coordinator's finding about a unit and period: the text, the cited feedback (ids of
 * that unit's verified items) and, as evidence, a snapshot of the unit's and its sector's
 * measures for the period, so later data does not change what the finding rests on. Audited.
 */
export async function recordFinding(db: Db, user: SessionUser, actor: Actor, input: unknown): Promise<Result<number>> {
  // The route checks too; the service refuses on its own as a second line of defence.
  if (!canRecordFinding(user)) return fail('_form', 'error.403.text');
  const v = validate(findingSchema, input);
  if (!v.ok) return v;
  const kind = v.value.periodKind;
  const start = parsePeriod(kind, v.value.period);
  if (!start) return fail('period', 'eval.err.period');
  const units = await q.selectUnits(db);
  const unit = units.find((u) => u.id === Number(v.value.unit));
  if (!unit) return fail('unit', 'err.invalidChoice');
  const ids = parseIdList(v.value.feedback);
  if (!ids || ids.length > 50) return fail('feedback', 'eval.err.feedbackIds');
  const found = await q.selectCountedFeedbackIds(db, unit.id, ids);
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length) return fail('feedback', 'eval.err.feedbackNotOfUnit', { ids: missing.join(', ') });
  await ensureFresh(db);
  const end = periodEnd(kind, start);
  const sectorUnitIds = units.filter((u) => u.sector === unit.sector).map((u) => u.id);
  const [own] = await q.selectSums(db, { from: start, to: end, unitIds: [unit.id] });
  const [sector] = await q.selectSums(db, { from: start, to: end, unitIds: sectorUnitIds });
  const evidence: Evidence = {
    period: { kind, start, end, label: periodLabel(kind, start) },
    unit: { id: unit.id, short_name: unit.short_name, sector: unit.sector },
    measures: measuresOf(own ?? emptySums()),
    sector: measuresOf(sector ?? emptySums()),
    feedback: ids,
    computed_at: new Date().toISOString(),
  };
  const id = await db.transaction().execute(async (trx) => {
    const id = await q.insertFinding(
      trx,
      { unit_id: unit.id, period_kind: kind, period_start: start, title: v.value.title, body_md: v.value.body, body_html: renderMarkdown(v.value.body), evidence, created_by: user.id },
      ids,
    );
    await recordAudit(trx, actor, 'finding.create', { type: 'evaluation_finding', id }, { after: { unit_id: unit.id, period_kind: kind, period_start: start, title: v.value.title, feedback: ids } });
    return id;
  });
  return { ok: true, value: id };
}

/**
 * A finding with its evidence, cited feedback and follow-up actions; null when this person may
 * not see it. The unit's staff see only the cited items they may open now (an item moved to
 * another unit since, or rejected, is no longer theirs to read).
 */
export async function getFinding(db: Db, user: SessionUser | null, id: number) {
  const f = await q.selectFinding(db, id);
  if (!f || !canViewFinding(user, f)) return null;
  const [cited, followups] = await Promise.all([q.selectFindingFeedback(db, id), q.selectActionsOfFinding(db, id)]);
  const feedback = cited.filter((c) => canViewAsStaff(user, c));
  const evidence = (typeof f.evidence === 'string' ? JSON.parse(f.evidence) : f.evidence) as Partial<Evidence>;
  return { finding: f, evidence, feedback, followups };
}

export const listFindings = q.selectFindings;

// ---- public

const PUBLIC_REFRESH_PAIRS = 200;

/** The public scorecard of a unit: aggregates only. Null for an unknown slug. */
export async function unitScorecard(db: Db, slug: string, now = new Date()) {
  const unit = await q.selectUnitBySlug(db, slug);
  if (!unit) return null;
  // A public page does little refresh work itself (the worker drains the queue every minute).
  const pending = await ensureFresh(db, PUBLIC_REFRESH_PAIRS);
  const today = witDate(now);
  const [months, quarters, actions, commitments, overdue] = await Promise.all([
    periodSeries(db, 'month', 12, { unitIds: [unit.id], today }),
    periodSeries(db, 'quarter', 4, { unitIds: [unit.id], today }),
    q.selectActionsForUnit(db, unit.id),
    q.selectCommitmentsForUnit(db, unit.id),
    q.selectOverdueByUnit(db, now, unit.id),
  ]);
  return { unit, months, quarters, actions, commitments, overdueNow: overdue.get(unit.id) ?? 0, pending };
}

/** Units by sector with headline figures over the last 90 days (public index). */
export async function unitDirectory(db: Db, now = new Date()) {
  await ensureFresh(db, PUBLIC_REFRESH_PAIRS);
  const today = witDate(now);
  const [units, sums] = await Promise.all([q.selectUnits(db), sumsByUnit(db, addDays(today, -89), addDays(today, 1))]);
  const bySector = new Map<string, Array<{ unit: q.UnitInfo; measures: Measures }>>();
  for (const u of units.filter((x) => x.active)) {
    const list = bySector.get(u.sector) ?? [];
    list.push({ unit: u, measures: measuresOf(sums.get(u.id) ?? emptySums()) });
    bySector.set(u.sector, list);
  }
  return [...bySector.entries()].map(([sector, list]) => ({ sector, units: list }));
}

/**
 * The range of the feedback export from `?dari=` and `?sampai=` (WIT dates, both inclusive);
 * by default the last 365 days up to now.
 */
export function exportRange(dari: string | null, sampai: string | null, now = new Date()): { from: Date; to: Date } {
  const day = (s: string | null) => (s && /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s)) ? new Date(`${s}T00:00:00+09:00`) : null);
  const end = day(sampai);
  const to = end ? new Date(end.getTime() + 86400_000) : now;
  return { from: day(dari) ?? new Date(to.getTime() - 365 * 86400_000), to };
}

/**
 * The feedback export for coordinators (columns in csv.ts, no personal data); the download is
 * recorded in the audit log with its range.
 */
export async function exportFeedbackCsv(db: Db, user: SessionUser, actor: Actor, from: Date, to: Date): Promise<ReadableStream<Uint8Array> | null> {
  if (!canExportEvaluation(user)) return null;
  await recordAudit(db, actor, 'evaluation.export_feedback', { type: 'feedback', id: null }, { after: { from: from.toISOString(), to: to.toISOString() } });
  return feedbackCsvStream(db, from, to);
}

/** The coordinator dashboard's data; the trend is the city's, or one sector's. */
export async function evaluationDashboard(db: Db, opts: { kind: PeriodKind; start: string | null; windowDays: number; sector?: string | null; now?: Date }) {
  const now = opts.now ?? new Date();
  const pending = await ensureFresh(db);
  const today = witDate(now);
  const periods = recentPeriods(opts.kind, today, opts.kind === 'month' ? 12 : 6);
  const start = opts.start && periods.includes(opts.start) ? opts.start : periods[periods.length - 1]!;
  const [overview, series, effects, findings] = await Promise.all([
    periodOverview(db, opts.kind, start, now),
    periodSeries(db, opts.kind, periods.length, { today, medians: false, unitIds: opts.sector ? (await q.selectUnits(db)).filter((u) => u.sector === opts.sector).map((u) => u.id) : undefined }),
    beforeAfter(db, opts.windowDays, today),
    q.selectFindings(db),
  ]);
  const attention = await needsAttention(db, opts.windowDays, effects);
  return { periods, start, overview, series, effects, attention, findings, pending };
}

/** The active units a finding may be about (the finding form's choices). */
export async function unitsForFindings(db: Db) {
  return (await q.selectUnits(db)).filter((u) => u.active);
}
