import type { SessionUser } from '../accounts/sessions.ts';
import { recordAudit, type Actor } from '../audit/service.ts';
import { witDate } from '../calendar/working-days.ts';
import type { Db } from '../db/index.ts';
import {
  addDays,emptySums,measuresOf,periodEnd,
  periodLabel,periodStartOf,recentPeriods,
  sumAll,type Measures,
  type PeriodKind,
  type Sums
} from './measures.ts';
import { canExportEvaluation } from './permissions.ts';
import * as q from './queries.ts';
import { cachedReference } from '../reference/cache.ts';
import { cachedRead, isPresent } from '../db/read-cache.ts';
import { feedbackCsvStream } from './csv.ts';
import { ensureFresh } from './refresh.ts';
import { beforeAfter, sumsByUnit } from './effects.ts';
import { needsAttention } from './attention.ts';
import { isValidDate } from '../../domain/dates.ts';

export * from './measures.ts';

/**
 * Evaluation, dashboards and public figures: period overviews and series, public scorecards and
 * the unit directory, the feedback export and the evaluation dashboard. By topic: refresh.ts (the
 * measures rollup), effects.ts (before/after comparisons with a difference-in-differences),
 * attention.ts (the "needs attention" list), findings.ts.
 */

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
  return seriesOf(kind, starts, rows);
}

/** Periods starting at `starts` with the measures of the rows summed by period. */
function seriesOf(kind: PeriodKind, starts: string[], rows: q.SumsRow[]): PeriodSeries {
  const byPeriod = new Map(rows.map((r) => [r.period!, r as Sums]));
  return { kind, periods: starts.map((s) => ({ start: s, label: periodLabel(kind, s), measures: measuresOf(byPeriod.get(s) ?? emptySums()) })) };
}

// ---- public

const PUBLIC_REFRESH_PAIRS = 200;

/** Every unit, active or not: reference data, kept per process (the contract in ../reference/cache.ts). */
function allUnits(db: Db): Promise<q.UnitInfo[]> {
  return cachedReference(db, 'evaluation.units', q.selectUnits);
}

/**
 * The public scorecard of a unit: aggregates only. Null for an unknown slug. The same for
 * everyone, so kept in memory (../db/read-cache.ts) until the content changes, and for at most
 * READ_CACHE_TTL_MS of the clock (which moves the overdue count and, at a month's turn, the
 * periods). One statement in the common case (queries.selectUnitScorecard, which also says
 * whether the rollup queue had pairs waiting); only then does it refresh (bounded, as
 * ensureFresh) and read again.
 */
export function unitScorecard(db: Db, slug: string, now = new Date()) {
  if (!isPresent(now)) return readUnitScorecard(db, slug, now);
  return cachedRead(db, `scorecard:${slug}`, () => readUnitScorecard(db, slug, now));
}

async function readUnitScorecard(db: Db, slug: string, now: Date) {
  const unit = (await allUnits(db)).find((u) => u.slug === slug);
  if (!unit) return null;
  const today = witDate(now);
  const monthStarts = recentPeriods('month', today, 12);
  const quarterStarts = recentPeriods('quarter', today, 4);
  // One read by month covers both series: the quarters are sums of their months (the sums and
  // the histogram add up), which halves the rollup rows read. ISO dates compare as strings.
  const from = [monthStarts[0]!, quarterStarts[0]!].sort()[0]!;
  const to = [periodEnd('month', monthStarts[monthStarts.length - 1]!), periodEnd('quarter', quarterStarts[quarterStarts.length - 1]!)].sort()[1]!;
  const read = () => q.selectUnitScorecard(db, unit.id, { from, to, now });
  let rows = await read();
  let pending = 0;
  if (rows.dirty) {
    // A public page does little refresh work itself (the worker drains the queue every minute).
    pending = await ensureFresh(db, PUBLIC_REFRESH_PAIRS);
    rows = await read();
  }
  return {
    unit,
    months: seriesOf('month', monthStarts, rows.months),
    quarters: seriesOf('quarter', quarterStarts, quartersOf(rows.months)),
    actions: rows.actions,
    commitments: rows.commitments,
    overdueNow: rows.overdue,
    pending,
  };
}

/** Month sums added up into their quarters. */
function quartersOf(months: q.SumsRow[]): q.SumsRow[] {
  const byQuarter = new Map<string, Sums[]>();
  for (const m of months) {
    const start = periodStartOf('quarter', m.period!);
    byQuarter.set(start, [...(byQuarter.get(start) ?? []), m]);
  }
  return [...byQuarter.entries()].map(([period, xs]) => ({ ...sumAll(xs), unit_id: null, period }));
}

/** Units by sector with headline figures over the last 90 days (public index). */
export async function unitDirectory(db: Db, now = new Date()) {
  await ensureFresh(db, PUBLIC_REFRESH_PAIRS);
  const today = witDate(now);
  const [units, sums] = await Promise.all([allUnits(db), sumsByUnit(db, addDays(today, -89), addDays(today, 1))]);
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
  const day = (s: string | null) => (s && isValidDate(s) ? new Date(`${s}T00:00:00+09:00`) : null);
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
