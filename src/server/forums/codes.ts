import { randomInt } from 'node:crypto';
import { WIT_OFFSET_MS, witDate } from '../calendar/working-days.ts';

/**
 * Registration codes ("F-7K3Q-X9FM"): what a person shows at the door, typed by the moderator
 * or read from the QR code. Not a secret (check-in needs a moderator), but random, so that
 * codes say nothing about order or person. Same look-alike-free alphabet as tracking codes.
 */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTWXYZ';
const CODE_RE = /^F-[2-9A-HJKMNP-TW-Z]{4}-[2-9A-HJKMNP-TW-Z]{4}$/;

export function newRegistrationCode(): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return `F-${s.slice(0, 4)}-${s.slice(4)}`;
}

/**
 * Reads a code as typed ("f 7k3q x9fm") or as read from the QR code (the check-in URL with
 * `?kode=`); null when it cannot be a code.
 */
export function normalizeRegistrationCode(input: string): string | null {
  let s = input.trim();
  const fromUrl = /[?&]kode=([^&#\s]+)/i.exec(s);
  if (fromUrl) {
    try {
      s = decodeURIComponent(fromUrl[1]!);
    } catch {
      return null; // a broken escape ("%E0%A4%A"): not a code
    }
  }
  const raw = s.toUpperCase().replace(/[^0-9A-Z]/g, '');
  const body = raw.startsWith('F') && raw.length === 9 ? raw.slice(1) : raw;
  if (body.length !== 8) return null;
  const code = `F-${body.slice(0, 4)}-${body.slice(4)}`;
  return CODE_RE.test(code) ? code : null;
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

/** A URL slug: date first, then up to six words of the title ("2026-12-10-forum-dialog-kesehatan"). */
export function forumSlug(title: string, startsAt: Date): string {
  const words = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean)
    .slice(0, 6);
  return [witDate(startsAt), ...words].join('-');
}
