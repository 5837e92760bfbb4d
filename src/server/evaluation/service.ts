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
  COMPARED,
  DEFAULT_ANSWER_WORKING_DAYS,
  emptySums,
  HIST_BUCKETS,
  measuresOf,
  MIN_ITEMS,
  parsePeriod,
  periodEnd,
  periodLabel,
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
}

export interface ActionEffect {
  action: q.ActionRow;
  units: q.UnitInfo[];
  before: DayRange;
  after: DayRange;
  /** the after window reaches beyond today: figures may still change */
  afterOpen: boolean;
  control: { basis: 'sector' | 'all'; units: number };
  rows: ComparisonRow[];
}

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

/** Compares treated and control figures, measure by measure. */
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
    };
  });
}

/**
 * Before/after for every completed coaching action, with a difference-in-differences against
 * units not coached in the period: controls are the units targeted by no coaching action (other
 * than cancelled ones) whose dates overlap [before.from, after.to); from the treated units'
 * sectors when those controls have at least MIN_ITEMS items in both windows, else all of them.
 */
export async function beforeAfter(db: Db, windowDays = DEFAULT_WINDOW_DAYS, today = witDate(new Date())): Promise<ActionEffect[]> {
  await ensureFresh(db);
  const [actions, units] = await Promise.all([q.selectCompletedActions(db), q.selectUnits(db)]);
  const unitById = new Map(units.map((u) => [u.id, u]));
  const links = await q.selectActionUnits(db, actions.map((a) => a.id));
  const cache = new Map<string, Map<number, Sums>>();
  const sums = async (r: DayRange) => {
    const k = `${r.from}|${r.to}`;
    let m = cache.get(k);
    if (!m) cache.set(k, (m = await sumsByUnit(db, r.from, r.to)));
    return m;
  };
  const out: ActionEffect[] = [];
  for (const a of actions) {
    const treatedIds = links.filter((l) => l.action_id === a.id).map((l) => l.unit_id);
    if (treatedIds.length === 0) continue;
    const { before, after } = windowsOf(a, windowDays);
    const [sb, sa, coached] = await Promise.all([sums(before), sums(after), q.selectCoachedUnitIds(db, before.from, addDays(after.to, -1))]);
    const pick = (m: Map<number, Sums>, ids: number[]) => sumAll(ids.map((id) => m.get(id)).filter((s): s is Sums => !!s));
    const sectors = new Set(treatedIds.map((id) => unitById.get(id)?.sector));
    const allControls = units.filter((u) => !coached.has(u.id) && !treatedIds.includes(u.id)).map((u) => u.id);
    const sectorControls = allControls.filter((id) => sectors.has(unitById.get(id)?.sector));
    const sectorEnough = pick(sb, sectorControls).received >= MIN_ITEMS && pick(sa, sectorControls).received >= MIN_ITEMS;
    const controls = sectorEnough ? sectorControls : allControls;
    out.push({
      action: a,
      units: treatedIds.map((id) => unitById.get(id)!).filter(Boolean),
      before,
      after,
      afterOpen: after.to > addDays(today, 1),
      control: { basis: sectorEnough ? 'sector' : 'all', units: controls.length },
      rows: compare(pick(sb, treatedIds), pick(sa, treatedIds), pick(sb, controls), pick(sa, controls)),
    });
  }
  return out;
}

export type AttentionReason = 'complaintWorse' | 'complaintAboveTarget' | 'onTimeWorse' | 'onTimeBelowTarget' | 'satisfactionWorse' | 'satisfactionBelowTarget';

export interface AttentionItem {
  unit: q.UnitInfo;
  action: q.ActionRow;
  reasons: AttentionReason[];
  before: Measures;
  after: Measures;
}

/**
 * Units whose complaint share, on-time share or satisfaction got worse after their latest
 * completed coaching action, or stayed off target (complaint share above
 * TARGET_COMPLAINT_SHARE_MAX, on-time share below TARGET_ON_TIME_SHARE, satisfaction below
 * TARGET_SATISFACTION). A figure only counts when it rests on at least MIN_ITEMS items (both
 * windows for "worse", the after window for "off target").
 */
export async function needsAttention(db: Db, windowDays = DEFAULT_WINDOW_DAYS): Promise<AttentionItem[]> {
  await ensureFresh(db);
  const [actions, units] = await Promise.all([q.selectCompletedActions(db), q.selectUnits(db)]);
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
    if (reasons.length) out.push({ unit, action: a, reasons, before: mb, after: ma });
  }
  return out.sort((x, y) => y.reasons.length - x.reasons.length || x.unit.short_name.localeCompare(y.unit.short_name));
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
  const [overview, series, effects, attention, findings] = await Promise.all([
    periodOverview(db, opts.kind, start, now),
    periodSeries(db, opts.kind, periods.length, { today, medians: false, unitIds: opts.sector ? (await q.selectUnits(db)).filter((u) => u.sector === opts.sector).map((u) => u.id) : undefined }),
    beforeAfter(db, opts.windowDays, today),
    needsAttention(db, opts.windowDays),
    q.selectFindings(db),
  ]);
  return { periods, start, overview, series, effects, attention, findings, pending };
}
