import { randomInt } from 'node:crypto';
import { witDate } from '../../domain/dates.ts';

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
