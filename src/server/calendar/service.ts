import type { Db } from '../db/index.ts';
import { selectHolidayDates } from './queries.ts';
import { witDate } from './working-days.ts';

/** Holidays from a year before `from` to two years after: enough for any deadline from it. */
export function holidaysAround(db: Db, from: Date): Promise<Set<string>> {
  const d = witDate(from);
  const year = Number(d.slice(0, 4));
  return selectHolidayDates(db, `${year - 1}-01-01`, `${year + 2}-12-31`);
}
