import type { Db } from '../db/index.ts';

export async function selectHolidayDates(db: Db, from: string, to: string): Promise<Set<string>> {
  const rows = await db.selectFrom('holidays').select('date').where('date', '>=', from).where('date', '<=', to).execute();
  return new Set(rows.map((r) => r.date));
}

export function selectHolidaysOfYear(db: Db, year: number) {
  return db.selectFrom('holidays').selectAll().where('date', '>=', `${year}-01-01`).where('date', '<=', `${year}-12-31`).orderBy('date').execute();
}

export function findHoliday(db: Db, date: string) {
  return db.selectFrom('holidays').selectAll().where('date', '=', date).executeTakeFirst();
}

export async function upsertHoliday(
  db: Db,
  h: { date: string; kind: 'libur_nasional' | 'cuti_bersama' | 'lokal'; name_id: string; name_en: string; provisional: boolean },
): Promise<void> {
  await db
    .insertInto('holidays')
    .values(h)
    .onConflict((oc) => oc.column('date').doUpdateSet({ kind: h.kind, name_id: h.name_id, name_en: h.name_en, provisional: h.provisional }))
    .execute();
}

export async function deleteHoliday(db: Db, date: string): Promise<void> {
  await db.deleteFrom('holidays').where('date', '=', date).execute();
}
