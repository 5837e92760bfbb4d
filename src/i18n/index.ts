import { en } from './en.ts';
import { id, type MessageKey } from './id.ts';

export type { MessageKey };
export type Locale = 'id' | 'en';
export const LOCALES: readonly Locale[] = ['id', 'en'];
export const DEFAULT_LOCALE: Locale = 'id';
export const TIME_ZONE = 'Asia/Jayapura';

const dictionaries: Record<Locale, Record<MessageKey, string>> = { id, en };

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** The part after `prefix.` of every dictionary key that starts with it (`sector.` → 'umum' | 'pendidikan' | …). */
export type KeysUnder<P extends string> = MessageKey extends infer K ? (K extends `${P}.${infer R}` ? R : never) : never;

/**
 * The label of a vocabulary value, e.g. `labelOf(t, 'sector', unit.sector)`: type-checked, so a value
 * without its `prefix.value` key in the dictionaries does not compile (no `as never` on keys).
 */
export function labelOf<P extends string>(t: Translate, prefix: P, value: KeysUnder<P>): string {
  // The one cast of a dynamic key: TypeScript does not see that `${P}.${KeysUnder<P>}` is a MessageKey,
  // though KeysUnder is built from exactly those keys; every caller is checked by the signature above.
  // eslint-disable-next-line no-restricted-syntax
  return t(`${prefix}.${value}` as MessageKey);
}

export function isLocale(v: unknown): v is Locale {
  return v === 'id' || v === 'en';
}

export function isMessageKey(v: unknown): v is MessageKey {
  return typeof v === 'string' && v in id;
}

/** A translator for one locale; `{name}` placeholders are filled from params. */
export function translator(locale: Locale): Translate {
  const dict = dictionaries[locale];
  return (key, params) => {
    const s = dict[key] ?? id[key] ?? key;
    return params ? s.replace(/\{(\w+)\}/g, (m, p: string) => (p in params ? String(params[p]) : m)) : s;
  };
}

const intlLocale: Record<Locale, string> = { id: 'id-ID', en: 'en-GB' };

// Constructing an Intl formatter costs far more than formatting with one (it loads locale and
// time-zone data): build each once per locale and reuse it.
const dateTimeFormats = new Map<Locale, Intl.DateTimeFormat>();
const dateFormats = new Map<Locale, Intl.DateTimeFormat>();
const numberFormats = new Map<Locale, Intl.NumberFormat>();

function cached<F>(cache: Map<Locale, F>, locale: Locale, make: () => F): F {
  let f = cache.get(locale);
  if (!f) cache.set(locale, (f = make()));
  return f;
}

/** Date and time in WIT, e.g. "27 Nov 2026, 19.00 WIT". */
export function formatDateTime(d: Date, locale: Locale): string {
  const f = cached(dateTimeFormats, locale, () => new Intl.DateTimeFormat(intlLocale[locale], { timeZone: TIME_ZONE, dateStyle: 'medium', timeStyle: 'short' }));
  return `${f.format(d)} WIT`;
}

/** Calendar date in WIT, e.g. "27 November 2026". */
export function formatDate(d: Date, locale: Locale): string {
  return cached(dateFormats, locale, () => new Intl.DateTimeFormat(intlLocale[locale], { timeZone: TIME_ZONE, dateStyle: 'long' })).format(d);
}

/** A calendar date stored as 'YYYY-MM-DD' (already a WIT date), e.g. "12 Desember 2026". */
export function formatDay(isoDate: string, locale: Locale): string {
  // Noon WIT: the same calendar day whatever the formatter's time zone arithmetic.
  return formatDate(new Date(`${isoDate}T12:00:00+09:00`), locale);
}

const monthFormats = new Map<Locale, Intl.DateTimeFormat>();
const weekdayFormats = new Map<Locale, Intl.DateTimeFormat>();

/** A month given as 'YYYY-MM', e.g. "Desember 2026". */
export function formatMonth(isoMonth: string, locale: Locale): string {
  const f = cached(monthFormats, locale, () => new Intl.DateTimeFormat(intlLocale[locale], { month: 'long', year: 'numeric', timeZone: 'UTC' }));
  return f.format(new Date(`${isoMonth}-01T00:00:00Z`));
}

/** Short weekday names, Monday first (as Indonesian calendars start the week). */
export function weekdayNames(locale: Locale): string[] {
  const f = cached(weekdayFormats, locale, () => new Intl.DateTimeFormat(intlLocale[locale], { weekday: 'short', timeZone: 'UTC' }));
  // 2026-11-23 is a Monday.
  return Array.from({ length: 7 }, (_, i) => f.format(new Date(Date.UTC(2026, 10, 23 + i))));
}

export function formatNumber(n: number, locale: Locale): string {
  return cached(numberFormats, locale, () => new Intl.NumberFormat(intlLocale[locale])).format(n);
}

/**
 * A map coordinate in degrees, written with a decimal point in every language, as maps and GPS apps
 * show them (and as `data-*` attributes need them); 3 decimals is about 100 m.
 */
export function formatCoordinate(degrees: number, digits = 3): string {
  return degrees.toFixed(digits);
}
