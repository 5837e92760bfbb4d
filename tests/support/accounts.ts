import { createHash, randomBytes } from 'node:crypto';
import { confirmSignUp, signUp, type RequestContext, type SignedIn } from '../../src/server/accounts/service.ts';
import type { SessionUser } from '../../src/server/accounts/sessions.ts';
import { parseConfig } from '../../src/server/config.ts';
import type { Db } from '../../src/server/db/index.ts';
import type { AuditRow, Role, UserRow } from '../../src/server/db/schema.ts';
import type { FieldErrors, Result } from '../../src/server/forms.ts';

/**
 * Helpers for account tests: request contexts, unique emails and addresses (so tests in one
 * suite do not share rate-limit counters), direct inserts that skip password hashing, and
 * independent re-implementations of what the code under test must produce (SHA-256 hex).
 */

export const PUBLIC_URL = 'http://localhost:4321';

/** The configuration of an empty environment: every default. */
export const DEFAULT_CONFIG = parseConfig({});

/** The default session policy (resident 14 d idle / 30 d absolute, staff 4 h / 12 h). */
export const POLICY = DEFAULT_CONFIG.session;

const run = randomBytes(3).toString('hex');
let seq = 0;

/** A fresh IPv4 address for each call, so per-address rate limits never carry over between tests. */
export function uniqueIp(): string {
  seq++;
  return `10.${(seq >> 16) & 255}.${(seq >> 8) & 255}.${seq & 255}`;
}

/** A fresh, lowercase email address, e.g. "reset.12.a1b2c3@contoh.id". */
export function uniqueEmail(tag: string): string {
  seq++;
  return `${tag}.${seq}.${run}@contoh.id`;
}

/** A password no rule refuses (long, not common, unrelated to any test email). */
export function strongPassword(): string {
  return `Cakalang-Fufu ${randomBytes(4).toString('hex')}`;
}

export function makeCtx(overrides: Partial<RequestContext> = {}): RequestContext {
  return {
    ip: uniqueIp(),
    userAgent: 'vitest integration',
    locale: 'id',
    sessionPolicy: POLICY,
    publicUrl: PUBLIC_URL,
    rules: DEFAULT_CONFIG.handling,
    ...overrides,
  };
}

/** SHA-256, hex, computed with node:crypto (independently of src/server/accounts/tokens.ts). */
export function sha256Hex(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}

/** Inserts a user row directly (no password hash: cheap; such a user cannot sign in). */
export async function insertUserRow(
  db: Db,
  opts: { email?: string; displayName?: string; role?: Role; unitId?: number | null; disabled?: boolean } = {},
): Promise<UserRow> {
  const email = opts.email ?? uniqueEmail(opts.role ?? 'user');
  return db
    .insertInto('users')
    .values({
      email,
      display_name: opts.displayName ?? `Pengguna ${email.split('@')[0]}`,
      password_hash: null,
      role: opts.role ?? 'resident',
      unit_id: opts.unitId ?? null,
      disabled_at: opts.disabled ? new Date() : null,
      password_changed_at: null,
      last_sign_in_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The SessionUser a route would have for this row (what validateSessionToken returns). */
export function sessionUserOf(u: UserRow): SessionUser {
  return {
    id: u.id,
    email: u.email,
    displayName: u.display_name,
    role: u.role,
    unitId: u.unit_id,
    unitShortName: null,
    unitSlug: null,
    locale: u.locale,
  };
}

export async function sessionIdsOf(db: Db, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('sessions').select('id').where('user_id', '=', userId).orderBy('id').execute();
  return rows.map((r) => r.id);
}

export function auditEntries(db: Db, action: string, objectId: string): Promise<AuditRow[]> {
  return db.selectFrom('audit_log').selectAll().where('action', '=', action).where('object_id', '=', objectId).orderBy('id').execute();
}

/** jsonb comes back parsed from both drivers; accept a string too, so the assertion is about content. */
export function json(v: unknown): unknown {
  return typeof v === 'string' ? JSON.parse(v) : v;
}

/** The value of a successful Result; fails the test with the field errors otherwise. */
export function valueOf<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected success, got errors ${JSON.stringify(r.errors)}`);
  return r.value;
}

/** The field errors of a refused Result; fails the test if it succeeded. */
export function errorsOf(r: Result<unknown>): FieldErrors {
  if (r.ok) throw new Error('expected a refusal, got success');
  return r.errors;
}

/** The one-time token in a link like http://localhost:4321/atur-sandi/<token> inside `text`. */
export function tokenFromLink(text: string): string {
  const m = new RegExp(`${PUBLIC_URL.replace(/[.]/g, '\\.')}/atur-sandi/([a-z2-7]{32})(?![a-z2-7])`).exec(text);
  if (!m?.[1]) throw new Error(`no ${PUBLIC_URL}/atur-sandi/<token> link in: ${text}`);
  return m[1];
}

/** The token of a `<public URL>/daftar/<token>` sign-up link in an email's text. */
export function signUpTokenFromLink(text: string): string {
  const m = /https?:\/\/[^\s/]+\/daftar\/([a-z2-7]{32})(?![a-z2-7])/.exec(text);
  if (!m?.[1]) throw new Error(`no <public URL>/daftar/<token> link in: ${text}`);
  return m[1];
}

/** The newest email queued in the outbox to `to` with `template`. */
export async function newestEmail(db: Db, to: string, template: string) {
  const row = await db.selectFrom('outbox').selectAll().where('to_email', '=', to).where('template', '=', template).orderBy('id', 'desc').executeTakeFirst();
  if (!row) throw new Error(`no "${template}" email to ${to} in the outbox`);
  return row;
}

/**
 * Signs up as a resident the way a person does: the form (signUp), then the link of the email
 * it queued (confirmSignUp). Errors of either step are returned as they are.
 */
export async function signUpConfirmed(db: Db, ctx: RequestContext, input: { displayName: string; email: string; password: string }): Promise<Result<SignedIn>> {
  const asked = await signUp(db, ctx, input);
  if (!asked.ok) return asked;
  const mail = await newestEmail(db, input.email.trim().toLowerCase(), 'sign_up');
  return confirmSignUp(db, ctx, signUpTokenFromLink(mail.text_body));
}

/** A unit id by short name from the seeded reference data. */
export async function unitId(db: Db, shortName: string): Promise<number> {
  const u = await db.selectFrom('units').select('id').where('short_name', '=', shortName).executeTakeFirstOrThrow();
  return u.id;
}

/**
 * Fixed-window rate limits count per clock-aligned window: when fewer than `needMs` remain in
 * the current window, wait for the next one so a burst of attempts lands in a single window.
 */
export async function startOfFreshWindow(windowSeconds: number, needMs: number): Promise<void> {
  const windowMs = windowSeconds * 1000;
  const left = windowMs - (Date.now() % windowMs);
  if (left < needMs) await new Promise((r) => setTimeout(r, left + 50));
}
