import { hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';
import type { MessageKey } from '../../i18n/index.ts';

/** Argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane). */
const ARGON2_OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 128;

// ~49,000 most common passwords (zxcvbn-ts), plus local ones that list does not know.
const COMMON = new Set<string>([
  ...(dictionary['passwords-common'] as string[]),
  'bakudengar', 'bakudengar123', 'ambonmanise', 'ambonmanise123', 'ambon12345', 'kotaambon123',
  'indonesia123', 'indonesia1945', 'sayangku123', 'rahasia123', 'katasandi123', 'passwordku123',
  'bismillah123', 'merdeka1945', 'maluku12345', 'asn1234567',
]);

/** Returns the dictionary key of the first rule the password breaks, or null. */
export function passwordProblem(password: string, email: string): MessageKey | null {
  if (password.length < PASSWORD_MIN) return 'err.passwordShort';
  if (password.length > PASSWORD_MAX) return 'err.passwordLong';
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) return 'err.passwordCommon';
  const e = email.trim().toLowerCase();
  const local = e.split('@')[0] ?? '';
  if (e && (lower.includes(e) || (local.length >= 3 && lower.includes(local)))) return 'err.passwordEmail';
  return null;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

let dummyHash: Promise<string> | undefined;

/**
 * Verifies a password; with no stored hash (unknown email, account without password) it
 * still runs one Argon2 verification, so the answer takes as long either way.
 */
export async function verifyPassword(storedHash: string | null | undefined, password: string): Promise<boolean> {
  if (!storedHash) {
    dummyHash ??= hash('timing-equaliser-not-a-password', ARGON2_OPTIONS);
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}
