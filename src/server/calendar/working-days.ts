import { WIT_OFFSET_MS, witDate } from '../../domain/dates.ts';
import { TIME_ZONE } from '../../i18n/index.ts';

/**
 * Working days in WIT (Asia/Jayapura, UTC+9 all year): Monday to Friday, minus national
 * holidays and joint leave days. Pure functions over a set of 'YYYY-MM-DD' holiday dates.
 */

const DAY_MS = 86400_000;

/** Today's WIT date. */
export function witToday(now = new Date()): string {
  return witDate(now);
}

function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

export function isWorkingDay(date: string, holidays: ReadonlySet<string>): boolean {
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
  return dow !== 0 && dow !== 6 && !holidays.has(date);
}

/** The date of the n-th working day after the WIT date of `from` (n >= 1). */
export function nthWorkingDayAfter(from: Date, n: number, holidays: ReadonlySet<string>): string {
  let date = witDate(from);
  let left = n;
  while (left > 0) {
    date = addDays(date, 1);
    if (isWorkingDay(date, holidays)) left--;
  }
  return date;
}

/**
 * Deadline "within n working days of `from`": the end (23:59:59.999 WIT) of the n-th working
 * day after the day of `from`.
 */
export function workingDayDeadline(from: Date, n: number, holidays: ReadonlySet<string>): Date {
  const date = nthWorkingDayAfter(from, n, holidays);
  return new Date(Date.parse(`${date}T00:00:00Z`) - WIT_OFFSET_MS + DAY_MS - 1);
}

/**
 * Working days elapsed from `from` to `to`: the working days after from's WIT date up to and
 * including to's WIT date (0 on the same day; weekends and holidays do not count).
 */
export function workingDaysBetween(from: Date, to: Date, holidays: ReadonlySet<string>): number {
  const end = witDate(to);
  let date = witDate(from);
  let count = 0;
  while (date < end) {
    date = addDays(date, 1);
    if (isWorkingDay(date, holidays)) count++;
  }
  return count;
}

export { TIME_ZONE };
// The WIT conversions are defined once in src/domain/dates.ts; working-day code reaches them here too.
export { WIT_OFFSET_MS, witDate };
