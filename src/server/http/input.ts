/**
 * The rules of the input-normalisation layer (applied to every request by
 * src/server/http/request-guard.ts, and usable by services for their own fields).
 * Pure functions: no request, no database. Calendar validity comes from src/domain/dates.ts.
 */
import { isValidDate, isValidDateTime, isValidMonth } from '../../domain/dates.ts';

/** C0 controls and DEL, except tab, line feed and carriage return (typed into text areas). */
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
/** Every C0 control and DEL: none belongs in a URL parameter or a file name. */
const CONTROL_ANY = /[\u0000-\u001f\u007f]/;

/** True when a form value holds a control character PostgreSQL or a page cannot take (NUL first of all). */
export const hasControlInText = (s: string): boolean => CONTROL_IN_TEXT.test(s);
/** True when a query parameter, path or file name holds any control character. */
export const hasControlAny = (s: string): boolean => CONTROL_ANY.test(s);

/**
 * A value shaped like a date, month or datetime-local (what `<input type=date|month|datetime-local>`
 * sends) that names no real day: the value, to quote back; null when the value is fine or is not
 * date-shaped at all.
 */
export function impossibleDate(value: string): string | null {
  const v = value.trim();
  if (/^\d{4}-\d{2}$/.test(v)) return isValidMonth(v) ? null : v;
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return isValidDate(v) ? null : v;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(v)) return isValidDateTime(v) ? null : v;
  return null;
}

/** Content types a page's form handler can read. */
export function isFormContentType(contentType: string | null): boolean {
  const t = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return t === 'application/x-www-form-urlencoded' || t === 'multipart/form-data';
}

/**
 * A same-site path usable as a `Location` header: characters outside printable ASCII
 * (`/ταυτότητα`, `/。x`, spaces) are percent-encoded as UTF-8, because a header value must be
 * Latin-1 and a browser decodes them back. Null when the text cannot be encoded (a lone surrogate).
 */
export function encodePathForLocation(path: string): string | null {
  try {
    return path.replace(/[^\u0021-\u007e]/gu, (ch) => encodeURIComponent(ch));
  } catch {
    return null;
  }
}
