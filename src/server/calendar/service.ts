import { z } from 'zod';
import { recordAudit, type Actor } from '../audit/service.ts';
import type { Db } from '../db/index.ts';
import { calendarDate, fail, validate, type Result } from '../forms.ts';
import { deleteHoliday, findHoliday, selectHolidayDates, selectHolidaysOfYear, upsertHoliday } from './queries.ts';
import { witDate } from './working-days.ts';
import { isValidDate } from '../../domain/dates.ts';

/** Holidays from a year before `from` to two years after: enough for any deadline from it. */
export function holidaysAround(db: Db, from: Date): Promise<Set<string>> {
  const d = witDate(from);
  const year = Number(d.slice(0, 4));
  return selectHolidayDates(db, `${year - 1}-01-01`, `${year + 2}-12-31`);
}

export const listHolidays = selectHolidaysOfYear;

const holidaySchema = z.object({
  date: calendarDate(),
  kind: z.enum(['libur_nasional', 'cuti_bersama', 'lokal'], { message: 'err.invalidChoice' }),
  nameId: z.string().trim().min(1).max(150),
  nameEn: z.string().trim().min(1).max(150),
  provisional: z.string().optional().transform((v) => v === 'on'),
});

/**
 * Adds or edits a holiday (deadlines computed from now on skip it). Audited. Deadlines
 * already set are not recomputed.
 */
export async function saveHoliday(db: Db, actor: Actor, input: unknown): Promise<Result<null>> {
  const v = validate(holidaySchema, input);
  if (!v.ok) return v;
  const h = { date: v.value.date, kind: v.value.kind, name_id: v.value.nameId, name_en: v.value.nameEn, provisional: v.value.provisional };
  await db.transaction().execute(async (trx) => {
    const before = await findHoliday(trx, h.date);
    await upsertHoliday(trx, h);
    await recordAudit(trx, actor, before ? 'holiday.update' : 'holiday.create', { type: 'holiday', id: h.date }, { before: before ?? null, after: h });
  });
  return { ok: true, value: null };
}

export async function removeHoliday(db: Db, actor: Actor, date: string): Promise<Result<null>> {
  const before = isValidDate(date) ? await findHoliday(db, date) : undefined;
  if (!before) return fail('_form', 'err.badRequest');
  await db.transaction().execute(async (trx) => {
    await deleteHoliday(trx, date);
    await recordAudit(trx, actor, 'holiday.delete', { type: 'holiday', id: date }, { before });
  });
  return { ok: true, value: null };
}
