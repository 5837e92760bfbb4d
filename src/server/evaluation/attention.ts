import type { Db } from '../db/index.ts';
import {
  emptySums,measuresOf,
  MIN_ITEMS,TARGET_COMPLAINT_SHARE_MAX,
  TARGET_ON_TIME_SHARE,
  TARGET_SATISFACTION,
  type ComparedKey,type Measures
} from './measures.ts';
import * as q from './queries.ts';
import { beforeAfter, DEFAULT_WINDOW_DAYS, windowsOf, type ActionEffect, type ComparisonRow } from './effects.ts';
import { ensureFresh } from './refresh.ts';

/**
 * The "needs attention" list: units whose measures worsened or miss their targets, most worsened first.
 */

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
