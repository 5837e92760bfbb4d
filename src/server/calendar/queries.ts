import type { Db } from '../db/index.ts';

export async function selectHolidayDates(db: Db, from: string, to: string): Promise<Set<string>> {
  const rows = await db.selectFrom('holidays').select('date').where('date', '>=', from).where('date', '<=', to).execute();
  return new Set(rows.map((r) => r.date));
}
