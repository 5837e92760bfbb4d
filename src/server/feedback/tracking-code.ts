import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';

/**
 * Tracking codes: "BD-XXXXX-XXXXX" from a 29-character alphabet without look-alikes (no 0/O,
 * 1/I/L, U/V): about 48 bits, so that even with a million codes in use a guess succeeds with
 * odds of about 1 in 400 million. The code is the reporter's private key to their feedback:
 * only its SHA-256 is stored, and look-ups are rate-limited, so codes cannot be enumerated.
 *
 * The code is derived from the form's random submission key, so that a repeated submission
 * (double click, resend) maps to the same feedback and shows the same code without the code
 * ever being stored.
 */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTWXYZ';
const CODE_RE = /^BD-[2-9A-HJKMNP-TW-Z]{5}-[2-9A-HJKMNP-TW-Z]{5}$/;
export const CODE_PATTERN = /^BD-[0-9A-Z]{5}-[0-9A-Z]{5}$/;

function hash(s: string): Uint8Array {
  return sha256(new TextEncoder().encode(s));
}

/**
 * The tracking code for a submission key (deterministic). `attempt` > 0 derives another code
 * for the rare key whose first code is already taken; the attempt is stored with the feedback.
 */
export function trackingCodeFor(submissionKey: string, attempt = 0): string {
  const bytes = hash(attempt === 0 ? `tracking:${submissionKey}` : `tracking:${attempt}:${submissionKey}`);
  let n = 0n;
  for (const b of bytes.slice(0, 12)) n = (n << 8n) | BigInt(b);
  let chars = '';
  for (let i = 0; i < 10; i++) {
    chars += ALPHABET[Number(n % BigInt(ALPHABET.length))];
    n /= BigInt(ALPHABET.length);
  }
  return `BD-${chars.slice(0, 5)}-${chars.slice(5)}`;
}

/** Upper-cases, trims and re-inserts dashes, so "bd 7k3qa x9fmb" is understood; null if malformed. */
export function normalizeTrackingCode(input: string): string | null {
  const raw = input.toUpperCase().replace(/[^0-9A-Z]/g, '');
  const body = raw.length === 12 && raw.startsWith('BD') ? raw.slice(2) : raw;
  if (body.length !== 10) return null;
  const code = `BD-${body.slice(0, 5)}-${body.slice(5)}`;
  return CODE_RE.test(code) ? code : null;
}

export function trackingHash(code: string): string {
  return encodeHexLowerCase(hash(`code:${code}`));
}

export function idempotencyHash(submissionKey: string): string {
  return encodeHexLowerCase(hash(`idempotency:${submissionKey}`));
}

/** A fresh submission key for a new form (128 random bits, URL-safe). */
export function newSubmissionKey(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('base64url');
}

export const SUBMISSION_KEY_RE = /^[A-Za-z0-9_-]{22,64}$/;
