import { en } from './en.ts';
import { id, type MessageKey } from './id.ts';

export type { MessageKey };
export type Locale = 'id' | 'en';
export const LOCALES: readonly Locale[] = ['id', 'en'];
export const DEFAULT_LOCALE: Locale = 'id';
export const TIME_ZONE = 'Asia/Jayapura';

const dictionaries: Record<Locale, Record<MessageKey, string>> = { id, en };

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

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

export function formatNumber(n: number, locale: Locale): string {
  return cached(numberFormats, locale, () => new Intl.NumberFormat(intlLocale[locale])).format(n);
}
