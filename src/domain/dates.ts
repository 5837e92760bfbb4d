/**
 * Calendar dates and WIT wall-clock time, one definition each for the whole site (server and
 * pages): whether a 'YYYY-MM', 'YYYY-MM-DD' or datetime-local value names a real month, day or
 * time (no 2025-02-31, no 0000-00-00, no 25:00), and the conversions between an instant and WIT
 * (Asia/Jayapura, UTC+9 all year, no daylight saving). Pure functions: no request, no database.
 * Zod fields for forms build on these (`calendarDate` in src/server/forms.ts).
 */

/** WIT is UTC+9 all year (no daylight saving). */
export const WIT_OFFSET_MS = 9 * 3600_000;

/** Years a date typed into this site can sensibly have (the calendar's range, not a policy). */
const MIN_YEAR = 1900;
const MAX_YEAR = 2200;

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** 'YYYY-MM' naming a real month (year 1900–2200). */
export function isValidMonth(s: string): boolean {
  const m = /^(\d{4})-(\d{2})$/.exec(s);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  return y >= MIN_YEAR && y <= MAX_YEAR && mo >= 1 && mo <= 12;
}

/** 'YYYY-MM-DD' naming a real calendar day (no 2025-02-31, no 0000-00-00). */
export function isValidDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m || !isValidMonth(`${m[1]}-${m[2]}`)) return false;
  const d = Number(m[3]);
  return d >= 1 && d <= daysInMonth(Number(m[1]), Number(m[2]));
}

/** 'YYYY-MM-DDTHH:MM' (datetime-local, optional seconds) naming a real day and time. */
export function isValidDateTime(s: string): boolean {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(s);
  if (!m || !isValidDate(m[1]!)) return false;
  return Number(m[2]) <= 23 && Number(m[3]) <= 59 && Number(m[4] ?? 0) <= 59;
}

/** The WIT calendar date of an instant, 'YYYY-MM-DD'. */
export function witDate(d: Date): string {
  return new Date(d.getTime() + WIT_OFFSET_MS).toISOString().slice(0, 10);
}

/** "2026-12-10T10:00" (a datetime-local value, read as WIT) → the instant; null if malformed. */
export function parseWitLocal(value: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value.trim());
  if (!m) return null;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi) - WIT_OFFSET_MS;
  const back = new Date(ms + WIT_OFFSET_MS);
  // Refuses 2026-02-30 and 25:00 instead of rolling them over.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || back.getUTCHours() !== h) return null;
  return new Date(ms);
}

/** The instant as a datetime-local value in WIT ("2026-12-10T10:00"), for form fields. */
export function toWitLocal(d: Date): string {
  return new Date(d.getTime() + WIT_OFFSET_MS).toISOString().slice(0, 16);
}

/** The same wall-clock time one calendar month later (31 January → 28/29 February). */
export function oneMonthLater(d: Date): Date {
  const w = new Date(d.getTime() + WIT_OFFSET_MS);
  const y = w.getUTCFullYear();
  const m = w.getUTCMonth() + 1;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const day = Math.min(w.getUTCDate(), lastDay);
  return new Date(Date.UTC(y, m, day, w.getUTCHours(), w.getUTCMinutes()) - WIT_OFFSET_MS);
}
