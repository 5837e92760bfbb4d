import type { FeedbackKind, UnitDayMeasuresTable } from '../db/schema.ts';

/**
 * The evaluation measures, defined once. Pure functions: no database.
 *
 * Which feedback counts: items assigned to a unit (`unit_id` set) whose moderation state is
 * `published` or `hidden` (verified by a moderator). Pending and rejected items never count.
 * Confidential items count (only aggregates are ever shown). An item belongs to the unit it is
 * assigned to now, and to the WIT calendar day (and so month, quarter, window) of its
 * `created_at` (when it was received).
 *
 * Per item (computed by the refresh in service.ts, stored summed per unit and day):
 * - received: 1; and 1 in the column of its kind (keluhan, apresiasi, saran, pertanyaan).
 * - answered: it has a first answer (`first_response_at` set).
 * - working days to first answer (answered items): working days after the WIT day it was
 *   received up to and including the WIT day of the first answer (Monday–Friday minus the
 *   holidays table; 0 when answered the same day) — `workingDaysBetween` of
 *   src/server/calendar/working-days.ts. Kept as a histogram 0..30, >30.
 * - on time (answered items): `first_response_at <= deadline`, where the deadline is the
 *   `answer_due_at` in force when it was answered (captured by a trigger, since the handling
 *   code clears the column on answering), or, for items that never had one recorded, the end of
 *   the ANSWER_WORKING_DAYS-th working day after assignment (or receipt).
 * - resolved: answered and now `resolved` or `closed`.
 * - reopened: it has a `reopened` event (the reporter reopened it at least once).
 * - rating: its rating score (1–5), if rated.
 *
 * Measures over any set of days and units (sums of the above):
 * - complaint share = keluhan / received                  (n = received)
 * - praise count = apresiasi
 * - median working days to first answer, from the histogram (n = answered); with an even n the
 *   mean of the two middle values; 31 stands for "more than 30"
 * - share answered within the deadline = on_time / answered   (n = answered)
 * - resolution rate = resolved / received                  (n = received)
 * - reopen rate = reopened / answered                      (n = answered)
 * - satisfaction = rating_sum / rating_count, with its count (n = rating_count)
 * - overdue now (live, not from the rollup): published/hidden items with no first answer, status
 *   assigned/in_progress/reopened and `answer_due_at` < now (the partial index
 *   feedback_answer_due_idx).
 */

export const HIST_BUCKETS = 32;
/** Figures resting on fewer items than this are not interpreted ("too few to say anything"). */
export const MIN_ITEMS = 10;
/** Targets of the programme: below them a unit "needs attention". */
export const TARGET_ON_TIME_SHARE = 0.8;
export const TARGET_SATISFACTION = 4.0;
export const TARGET_COMPLAINT_SHARE_MAX = 0.5;
/** SP4N-LAPOR!: the unit answers within 5 working days (fallback deadline, see above). */
export const DEFAULT_ANSWER_WORKING_DAYS = 5;

/** The additive counts of a set of (unit, day) rows: the rollup row without its key. */
export type Sums = Omit<UnitDayMeasuresTable, 'unit_id' | 'day' | 'refreshed_at'>;

export const SUM_COLUMNS = ['received', 'keluhan', 'apresiasi', 'saran', 'pertanyaan', 'answered', 'on_time', 'resolved', 'reopened', 'rating_sum', 'rating_count'] as const;

export function emptySums(): Sums {
  return { received: 0, keluhan: 0, apresiasi: 0, saran: 0, pertanyaan: 0, answered: 0, on_time: 0, resolved: 0, reopened: 0, rating_sum: 0, rating_count: 0, wd_hist: new Array(HIST_BUCKETS).fill(0) };
}

/** a + b (new object). */
export function addSums(a: Sums, b: Sums): Sums {
  const out = emptySums();
  for (const c of SUM_COLUMNS) out[c] = a[c] + b[c];
  for (let i = 0; i < HIST_BUCKETS; i++) out.wd_hist[i] = (a.wd_hist[i] ?? 0) + (b.wd_hist[i] ?? 0);
  return out;
}

export function sumAll(xs: Iterable<Sums>): Sums {
  let s = emptySums();
  for (const x of xs) s = addSums(s, x);
  return s;
}

/** A figure and the number of items it rests on; value null when n is 0. */
export interface Figure {
  value: number | null;
  n: number;
}

export interface Measures {
  received: number;
  byKind: Record<FeedbackKind, number>;
  complaintShare: Figure;
  praiseCount: number;
  medianWorkingDays: Figure;
  onTimeShare: Figure;
  resolutionRate: Figure;
  reopenRate: Figure;
  satisfaction: Figure;
}

const ratio = (num: number, n: number): Figure => ({ value: n > 0 ? num / n : null, n });

/** The median of a histogram of 0..31 values (see above); null when empty. */
export function histogramMedian(hist: readonly number[]): number | null {
  const n = hist.reduce((a, b) => a + b, 0);
  if (n === 0) return null;
  const at = (k: number) => {
    // the k-th smallest value (1-based)
    let seen = 0;
    for (let v = 0; v < hist.length; v++) {
      seen += hist[v] ?? 0;
      if (seen >= k) return v;
    }
    return hist.length - 1;
  };
  return n % 2 === 1 ? at((n + 1) / 2) : (at(n / 2) + at(n / 2 + 1)) / 2;
}

export function measuresOf(s: Sums): Measures {
  return {
    received: s.received,
    byKind: { keluhan: s.keluhan, apresiasi: s.apresiasi, saran: s.saran, pertanyaan: s.pertanyaan },
    complaintShare: ratio(s.keluhan, s.received),
    praiseCount: s.apresiasi,
    medianWorkingDays: { value: histogramMedian(s.wd_hist), n: s.answered },
    onTimeShare: ratio(s.on_time, s.answered),
    resolutionRate: ratio(s.resolved, s.received),
    reopenRate: ratio(s.reopened, s.answered),
    satisfaction: ratio(s.rating_sum, s.rating_count),
  };
}

/** Measures compared before/after; `better` says which direction is an improvement. */
export const COMPARED = [
  { key: 'complaintShare', better: 'down', percent: true },
  { key: 'onTimeShare', better: 'up', percent: true },
  { key: 'medianWorkingDays', better: 'down', percent: false },
  { key: 'resolutionRate', better: 'up', percent: true },
  { key: 'reopenRate', better: 'down', percent: true },
  { key: 'satisfaction', better: 'up', percent: false },
] as const;
export type ComparedKey = (typeof COMPARED)[number]['key'];

// ---- periods

export type PeriodKind = 'month' | 'quarter';

/** 'YYYY-MM-DD' + n days. */
export function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86400_000).toISOString().slice(0, 10);
}

export function addMonths(date: string, n: number): string {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7)) - 1 + n;
  const d = new Date(Date.UTC(y, m, 1));
  return d.toISOString().slice(0, 10);
}

/** First day of the month or quarter containing `date`. */
export function periodStartOf(kind: PeriodKind, date: string): string {
  const y = date.slice(0, 4);
  const m = Number(date.slice(5, 7));
  const first = kind === 'month' ? m : Math.floor((m - 1) / 3) * 3 + 1;
  return `${y}-${String(first).padStart(2, '0')}-01`;
}

/** The day after the period starting at `start`. */
export function periodEnd(kind: PeriodKind, start: string): string {
  return addMonths(start, kind === 'month' ? 1 : 3);
}

/** '2026-10' or '2026-Q4' (as typed in forms and URLs) → first day; null when malformed. */
export function parsePeriod(kind: PeriodKind, s: string): string | null {
  if (kind === 'month') {
    const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(s);
    return m ? `${m[1]}-${m[2]}-01` : null;
  }
  const q = /^(\d{4})-Q([1-4])$/.exec(s);
  return q ? `${q[1]}-${String((Number(q[2]) - 1) * 3 + 1).padStart(2, '0')}-01` : null;
}

/** '2026-10-01' → '2026-10' or '2026-Q4'. */
export function periodLabel(kind: PeriodKind, start: string): string {
  if (kind === 'month') return start.slice(0, 7);
  return `${start.slice(0, 4)}-Q${Math.floor((Number(start.slice(5, 7)) - 1) / 3) + 1}`;
}

/** The last `count` period starts up to and including the one containing `today`, oldest first. */
export function recentPeriods(kind: PeriodKind, today: string, count: number): string[] {
  const last = periodStartOf(kind, today);
  const step = kind === 'month' ? 1 : 3;
  return Array.from({ length: count }, (_, i) => addMonths(last, -(count - 1 - i) * step));
}
