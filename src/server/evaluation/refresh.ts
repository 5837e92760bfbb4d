import { workingDayDeadline, workingDaysBetween } from '../calendar/working-days.ts';
import type { Db } from '../db/index.ts';
import { log } from '../log.ts';
import {
  DEFAULT_ANSWER_WORKING_DAYS,
  emptySums,
  HIST_BUCKETS,type Sums
} from './measures.ts';
import * as q from './queries.ts';

/**
 * Keeping the measures rollup fresh: dirty (unit, day) pairs are recomputed by the worker, or on
 * demand before a page reads them.
 */

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
