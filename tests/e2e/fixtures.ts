/**
 * The accounts the e2e seed (tests/e2e/seed.ts) creates and the browser tests sign in with.
 * Plain data, no Playwright import: the seed runs under plain Node (type stripping), so
 * this file must stay erasable TypeScript (no enums, no parameter properties).
 *
 * Every test that changes an account (password, role, disabled) has an account of its
 * own, so tests can run in any order and in parallel. Mind the sign-in limit of 5 attempts
 * per account per minute (src/server/rate-limit/service.ts): a test that signs in often
 * gets its own account; the admin signs in once per worker (tests/e2e/test.ts, adminPage).
 */

/** Every e2e address is in this domain; the seed refuses a database holding others. */
export const E2E_EMAIL_DOMAIN = 'e2e.bakudengar.test';

export type FixtureRole = 'resident' | 'asn' | 'moderator' | 'admin';

export interface FixtureAccount {
  email: string;
  password: string;
  displayName: string;
  role: FixtureRole;
  /** Unit short name (db/seeds/units.csv) for ASN accounts. */
  unit: string | null;
}

function account(local: string, displayName: string, role: FixtureRole, password: string, unit: string | null = null): FixtureAccount {
  return { email: `${local}@${E2E_EMAIL_DOMAIN}`, password, displayName, role, unit };
}

export const ACCOUNTS = {
  admin: account('admin', 'Admin Uji', 'admin', 'Teluk Ambon biru sekali 2026'),
  moderator: account('moderator', 'Moderator Uji', 'moderator', 'Pintu Kota di pagi hari 7'),
  asnDinkes: account('asn.dinkes', 'Perawat Dinkes Uji', 'asn', 'Puskesmas Waihaong buka pagi 8', 'Dinkes'),
  /** Signs in, never changes: 403 checks, wrong-password checks, duplicate sign-up. */
  resident: account('warga', 'Warga Uji Satu', 'resident', 'Pisang goreng dan kopi 1'),
  /** Switches the interface to English. */
  residentEnglish: account('warga.inggris', 'Warga Uji Bahasa', 'resident', 'Kenari dari Pulau Ambon 10'),
  /** Locked out on purpose by the per-account sign-in limit. */
  residentLocked: account('warga.terkunci', 'Warga Uji Terkunci', 'resident', 'Rujak natsepa manis pedas 3'),
  /** Resets the password through the emailed link. */
  residentReset: account('warga.lupa', 'Warga Uji Lupa', 'resident', 'Ikan kuah kuning hangat 4'),
  /** Asks for a reset link and posts the form once with a too-short password (no change). */
  residentResetForm: account('warga.tautan', 'Warga Uji Tautan', 'resident', 'Jalan kaki ke Karang Panjang 11'),
  /** Changes the password at /akun. */
  residentChange: account('warga.ganti', 'Warga Uji Ganti', 'resident', 'Papeda dan colo-colo 5'),
  /** Becomes an ASN of Dinkes in the admin test. */
  residentPromote: account('warga.naik', 'Warga Uji Naik Peran', 'resident', 'Gong perdamaian dunia 6'),
  /** Is disabled and enabled again in the admin test. */
  residentDisable: account('warga.nonaktif', 'Warga Uji Nonaktif', 'resident', 'Benteng Amsterdam tua 9'),
} as const satisfies Record<string, FixtureAccount>;

export type AccountName = keyof typeof ACCOUNTS;

/** A fresh address for accounts the tests create through the sign-up form. */
export function uniqueEmail(prefix: string): string {
  const rand = Math.random().toString(36).slice(2, 10);
  return `${prefix}.${Date.now().toString(36)}${rand}@${E2E_EMAIL_DOMAIN}`;
}
