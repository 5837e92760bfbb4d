import { z } from 'zod';
import type { Locale } from '../../i18n/index.ts';
import type { HandlingRules } from '../config.ts';
import { recordAudit, type Actor } from '../audit/service.ts';
import type { Db } from '../db/index.ts';
import { ROLES, type Role, type UserRow } from '../db/schema.ts';
import { fail, validate, type Result } from '../forms.ts';
import { composeEmail, enqueueEmail } from '../notifications/service.ts';
import { hit, RATE_RULES } from '../rate-limit/service.ts';
import * as q from './queries.ts';
import { hashPassword, PASSWORD_MAX, passwordProblem, verifyPassword } from './passwords.ts';
import { createSession, invalidateSession, invalidateUserSessions, type Session, type SessionPolicy, type SessionUser } from './sessions.ts';
import { generateToken, hashToken } from './tokens.ts';

/** What a route knows about the request, passed to every use case. */
export interface RequestContext {
  ip: string | null;
  userAgent: string | null;
  locale: Locale;
  sessionPolicy: SessionPolicy;
  publicUrl: string;
  /** Deadlines and thresholds of feedback handling. */
  rules: HandlingRules;
}

const RESET_TTL_MS = 3600_000;
const SETUP_TTL_MS = 24 * 3600_000;
const SIGN_UP_TTL_MS = 24 * 3600_000;

const email = z.string().trim().toLowerCase().min(1).max(254).pipe(z.email());
const displayName = z.string().trim().min(1).min(2).max(80);
const newPassword = z.string().min(1).max(PASSWORD_MAX, { message: 'err.passwordLong' });

export function actorOf(user: Pick<SessionUser, 'id' | 'displayName' | 'email'>, ip: string | null): Actor {
  return { id: user.id, label: `${user.displayName} <${user.email}>`, ip };
}

function isUniqueViolation(e: unknown): boolean {
  return typeof e === 'object' && e !== null && 'code' in e && (e as { code: unknown }).code === '23505';
}

function rateLimited(retryAfterSeconds: number) {
  return fail('_form', 'err.rateLimited', { seconds: retryAfterSeconds });
}

export interface SignedIn {
  token: string;
  session: Session;
  user: UserRow;
}

/**
 * Asks for a resident account. The form's answer is the same whether or not the address
 * already has an account ("check your email"), and so is the work (one Argon2 hash and one
 * queued email), so the form does not tell a stranger who is registered:
 * - a new address gets a link that creates the account (confirmSignUp) within 24 hours;
 * - a registered address gets an email saying so, with links to sign in and to reset the password.
 * Nothing is written to `users` until the link is used.
 */
export async function signUp(db: Db, ctx: RequestContext, input: unknown): Promise<Result<null>> {
  const v = validate(z.object({ displayName, email, password: newPassword }), input);
  if (!v.ok) return v;
  const { displayName: name, email: mail, password } = v.value;
  const problem = passwordProblem(password, mail);
  if (problem) return fail('password', problem);
  const limit = await hit(db, [
    [RATE_RULES.signUpPerAddress, ctx.ip ?? 'unknown'],
    [RATE_RULES.signUpPerEmail, mail],
  ]);
  if (!limit.ok) return rateLimited(limit.retryAfterSeconds);
  const existing = await q.findUserByEmail(db, mail);
  // Hashed either way: the answer must not come sooner for a registered address.
  const password_hash = await hashPassword(password);
  const now = new Date();
  await db.transaction().execute(async (trx) => {
    await q.deleteStaleSignUpRequests(trx, now);
    if (existing) {
      const content = composeEmail(existing.locale, 'email.signUpExists.subject', 'email.signUpExists.body', {
        name: existing.display_name,
        signIn: `${ctx.publicUrl}/masuk`,
        reset: `${ctx.publicUrl}/lupa-sandi`,
      });
      await enqueueEmail(trx, existing.email, existing.locale, 'sign_up_exists', content);
      await recordAudit(trx, { id: null, label: 'anonymous', ip: ctx.ip }, 'user.sign_up_existing', { type: 'user', id: existing.id });
      return;
    }
    const token = generateToken();
    await q.insertSignUpRequest(trx, {
      token_hash: hashToken(token),
      email: mail,
      display_name: name,
      password_hash,
      locale: ctx.locale,
      expires_at: new Date(now.getTime() + SIGN_UP_TTL_MS),
    });
    const content = composeEmail(ctx.locale, 'email.signUp.subject', 'email.signUp.body', { name, link: `${ctx.publicUrl}/daftar/${token}` });
    await enqueueEmail(trx, mail, ctx.locale, 'sign_up', content);
  });
  return { ok: true, value: null };
}

/** Whether an emailed sign-up link can still be used (to show its button or an explanation). */
export async function signUpLinkIsValid(db: Db, token: string): Promise<{ email: string; displayName: string } | null> {
  if (!/^[a-z2-7]{32}$/.test(token)) return null;
  const row = await q.findValidSignUpRequest(db, hashToken(token), new Date());
  return row ? { email: row.email, displayName: row.display_name } : null;
}

/**
 * Creates the account of an emailed sign-up link and signs it in; the link works once. If the
 * address got an account meanwhile (two requests, or staff invited it), no second one is made.
 */
export async function confirmSignUp(db: Db, ctx: RequestContext, token: string): Promise<Result<SignedIn>> {
  if (!/^[a-z2-7]{32}$/.test(token)) return fail('_form', 'err.tokenInvalid');
  try {
    return await db.transaction().execute(async (trx) => {
      const now = new Date();
      const request = await q.consumeSignUpRequest(trx, hashToken(token), now);
      if (!request) return fail('_form', 'err.tokenInvalid');
      if (await q.findUserByEmail(trx, request.email)) return fail('_form', 'err.emailTaken');
      const locale = request.locale === 'en' ? 'en' : 'id';
      const user = await q.insertUser(trx, {
        email: request.email,
        display_name: request.display_name,
        password_hash: request.password_hash,
        role: 'resident',
        unit_id: null,
        locale,
        password_changed_at: now,
        last_sign_in_at: now,
      });
      await recordAudit(trx, actorOf({ id: user.id, displayName: user.display_name, email: user.email }, ctx.ip), 'user.sign_up', { type: 'user', id: user.id }, {
        after: { email: user.email, display_name: user.display_name, role: 'resident' },
      });
      const { token: sessionToken, session } = await createSession(trx, ctx.sessionPolicy, user, { ip: ctx.ip, userAgent: ctx.userAgent });
      return { ok: true as const, value: { token: sessionToken, session, user } };
    });
  } catch (e) {
    // The same address confirmed at the same moment through another request's link.
    if (isUniqueViolation(e)) return fail('_form', 'err.emailTaken');
    throw e;
  }
}

/**
 * Signs in by email and password. Unknown email and wrong password get the same answer
 * after the same amount of work; attempts are limited per account and per address.
 */
export async function signIn(db: Db, ctx: RequestContext, input: unknown): Promise<Result<SignedIn>> {
  const v = validate(z.object({ email, password: z.string().min(1).max(1024) }), input);
  if (!v.ok) return v;
  const { email: mail, password } = v.value;
  const limit = await hit(db, [
    [RATE_RULES.signInPerAccount, mail],
    [RATE_RULES.signInPerAddress, ctx.ip ?? 'unknown'],
  ]);
  if (!limit.ok) return rateLimited(limit.retryAfterSeconds);
  const user = await q.findUserByEmail(db, mail);
  const valid = await verifyPassword(user?.password_hash, password);
  if (!user || !valid) return fail('_form', 'err.invalidCredentials');
  if (user.disabled_at) return fail('_form', 'err.accountDisabled');
  const { token, session } = await createSession(db, ctx.sessionPolicy, user, { ip: ctx.ip, userAgent: ctx.userAgent });
  await q.updateUser(db, user.id, { last_sign_in_at: new Date() });
  return { ok: true, value: { token, session, user } };
}

export function signOut(db: Db, sessionId: string): Promise<void> {
  return invalidateSession(db, sessionId);
}

/** Changes the signed-in user's password; every other session of theirs ends. */
export async function changePassword(
  db: Db,
  ctx: RequestContext,
  user: SessionUser,
  currentSessionId: string,
  input: unknown,
): Promise<Result<null>> {
  const v = validate(z.object({ currentPassword: z.string().min(1).max(1024), newPassword }), input);
  if (!v.ok) return v;
  const limit = await hit(db, [[RATE_RULES.passwordChangePerUser, user.id]]);
  if (!limit.ok) return rateLimited(limit.retryAfterSeconds);
  const row = await q.findUserById(db, user.id);
  if (!row || !(await verifyPassword(row.password_hash, v.value.currentPassword))) return fail('currentPassword', 'err.currentPassword');
  const problem = passwordProblem(v.value.newPassword, row.email);
  if (problem) return fail('newPassword', problem);
  const password_hash = await hashPassword(v.value.newPassword);
  await db.transaction().execute(async (trx) => {
    await q.updateUser(trx, user.id, { password_hash, password_changed_at: new Date() });
    await invalidateUserSessions(trx, user.id, currentSessionId);
    await recordAudit(trx, actorOf(user, ctx.ip), 'user.password_change', { type: 'user', id: user.id });
  });
  return { ok: true, value: null };
}

/**
 * Emails a reset link when the address belongs to an active account. The answer is the
 * same either way, so the form does not reveal who has an account.
 */
export async function requestPasswordReset(db: Db, ctx: RequestContext, input: unknown): Promise<Result<null>> {
  const v = validate(z.object({ email }), input);
  if (!v.ok) return v;
  const mail = v.value.email;
  const limit = await hit(db, [
    [RATE_RULES.resetPerAccount, mail],
    [RATE_RULES.resetPerAddress, ctx.ip ?? 'unknown'],
  ]);
  if (!limit.ok) return rateLimited(limit.retryAfterSeconds);
  const user = await q.findUserByEmail(db, mail);
  if (!user || user.disabled_at) return { ok: true, value: null };
  const token = generateToken();
  await db.transaction().execute(async (trx) => {
    await q.insertPasswordToken(trx, {
      token_hash: hashToken(token),
      user_id: user.id,
      purpose: 'reset',
      expires_at: new Date(Date.now() + RESET_TTL_MS),
    });
    const link = `${ctx.publicUrl}/atur-sandi/${token}`;
    await enqueueEmail(trx, user.email, user.locale, 'password_reset', composeEmail(user.locale, 'email.reset.subject', 'email.reset.body', { name: user.display_name, link }));
    await recordAudit(trx, { id: null, label: 'anonymous', ip: ctx.ip }, 'user.password_reset_requested', { type: 'user', id: user.id });
  });
  return { ok: true, value: null };
}

/** Whether a reset or set-up link can still be used (to show the form or an explanation). */
export async function passwordTokenIsValid(db: Db, token: string): Promise<'reset' | 'setup' | null> {
  if (!/^[a-z2-7]{32}$/.test(token)) return null;
  const row = await q.findValidPasswordToken(db, hashToken(token), new Date());
  return (row?.purpose as 'reset' | 'setup' | undefined) ?? null;
}

/** Sets a new password from an emailed (or printed) link; the link works once. */
export async function resetPassword(db: Db, ctx: RequestContext, token: string, input: unknown): Promise<Result<null>> {
  const v = validate(z.object({ password: newPassword }), input);
  if (!v.ok) return v;
  if (!/^[a-z2-7]{32}$/.test(token)) return fail('_form', 'err.tokenInvalid');
  const pending = await q.findValidPasswordToken(db, hashToken(token), new Date());
  if (!pending) return fail('_form', 'err.tokenInvalid');
  const user = await q.findUserById(db, pending.user_id);
  if (!user || user.disabled_at) return fail('_form', 'err.tokenInvalid');
  const problem = passwordProblem(v.value.password, user.email);
  if (problem) return fail('password', problem);
  const password_hash = await hashPassword(v.value.password);
  return db.transaction().execute(async (trx) => {
    const now = new Date();
    const used = await q.consumePasswordToken(trx, hashToken(token), now);
    if (!used) return fail('_form', 'err.tokenInvalid');
    await q.updateUser(trx, user.id, { password_hash, password_changed_at: now });
    await q.invalidateUserPasswordTokens(trx, user.id, now);
    await invalidateUserSessions(trx, user.id);
    await recordAudit(trx, { id: user.id, label: `${user.display_name} <${user.email}>`, ip: ctx.ip }, `user.password_${used.purpose}`, {
      type: 'user',
      id: user.id,
    });
    return { ok: true as const, value: null };
  });
}

// ---- administration

export interface CreateAdminResult {
  user: UserRow;
  /** A one-time link to set the password, when none was given. */
  setupLink: string | null;
}

/** Creates the first (or another) admin account from the command line. */
export async function createAdminAccount(
  db: Db,
  input: { email: string; displayName?: string; password?: string },
  publicUrl: string,
): Promise<Result<CreateAdminResult>> {
  const v = validate(z.object({ email, displayName: displayName.optional() }), input);
  if (!v.ok) return v;
  const mail = v.value.email;
  if (input.password !== undefined) {
    const problem = passwordProblem(input.password, mail);
    if (problem) return fail('password', problem);
  }
  if (await q.findUserByEmail(db, mail)) return fail('email', 'err.emailTaken');
  const password_hash = input.password !== undefined ? await hashPassword(input.password) : null;
  return db.transaction().execute(async (trx) => {
    const user = await q.insertUser(trx, {
      email: mail,
      display_name: v.value.displayName ?? mail.split('@')[0]!,
      password_hash,
      role: 'admin',
      unit_id: null,
      password_changed_at: password_hash ? new Date() : null,
    });
    let setupLink: string | null = null;
    if (!password_hash) {
      const token = generateToken();
      await q.insertPasswordToken(trx, { token_hash: hashToken(token), user_id: user.id, purpose: 'setup', expires_at: new Date(Date.now() + SETUP_TTL_MS) });
      setupLink = `${publicUrl}/atur-sandi/${token}`;
    }
    await recordAudit(trx, { id: null, label: 'command line (admin:create)', ip: null }, 'user.create_admin', { type: 'user', id: user.id }, {
      after: { email: mail, role: 'admin' },
    });
    return { ok: true as const, value: { user, setupLink } };
  });
}

export const USER_PAGE_SIZE = 50;

export async function listUsers(db: Db, filter: { q?: string; role?: Role; unitId?: number; status?: 'active' | 'disabled'; page?: number }) {
  const page = Math.max(1, filter.page ?? 1);
  const { rows, total } = await q.selectUsers(db, { ...filter, offset: (page - 1) * USER_PAGE_SIZE, limit: USER_PAGE_SIZE });
  return { users: rows, total, page, pages: Math.max(1, Math.ceil(total / USER_PAGE_SIZE)) };
}

export function getUser(db: Db, id: string): Promise<UserRow | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return Promise.resolve(undefined);
  return q.findUserById(db, id);
}

export const listUnitOptions = q.selectUnitOptions;

const roleUnitSchema = z.object({
  role: z.enum(ROLES as [Role, ...Role[]], { message: 'err.invalidChoice' }),
  unitId: z
    .string()
    .trim()
    .transform((s) => (s === '' ? null : Number(s)))
    .pipe(z.number({ message: 'err.invalidChoice' }).int({ message: 'err.invalidChoice' }).positive({ message: 'err.invalidChoice' }).nullable()),
});

/**
 * Changes a user's role and unit. An ASN account needs a unit; other roles have none.
 * The user's sessions end (their permissions changed) and the change is audited.
 */
export async function changeUserRole(db: Db, actor: Actor, targetId: string, input: unknown): Promise<Result<UserRow>> {
  const v = validate(roleUnitSchema, input);
  if (!v.ok) return v;
  const { role, unitId } = v.value;
  if (role === 'asn' && unitId === null) return fail('unitId', 'err.unitRequired');
  if (role !== 'asn' && unitId !== null) return fail('unitId', 'err.unitNotAllowed');
  if (targetId === actor.id) return fail('_form', 'err.selfChange');
  if (unitId !== null && !(await q.unitExists(db, unitId))) return fail('unitId', 'err.invalidChoice');
  return db.transaction().execute(async (trx) => {
    const before = await q.findUserByIdForUpdate(trx, targetId);
    if (!before) return fail('_form', 'err.badRequest');
    if (before.role === role && before.unit_id === unitId) return { ok: true as const, value: before };
    await q.updateUser(trx, targetId, { role, unit_id: unitId });
    await invalidateUserSessions(trx, targetId);
    await recordAudit(trx, actor, 'user.role_change', { type: 'user', id: targetId }, {
      before: { role: before.role, unit_id: before.unit_id },
      after: { role, unit_id: unitId },
    });
    return { ok: true as const, value: { ...before, role, unit_id: unitId } };
  });
}

/** Disables (ending every session) or re-enables an account, audited. */
export async function setUserDisabled(db: Db, actor: Actor, targetId: string, disabled: boolean): Promise<Result<null>> {
  if (targetId === actor.id) return fail('_form', 'err.selfChange');
  return db.transaction().execute(async (trx) => {
    const before = await q.findUserByIdForUpdate(trx, targetId);
    if (!before) return fail('_form', 'err.badRequest');
    if (!!before.disabled_at === disabled) return { ok: true as const, value: null };
    const disabled_at = disabled ? new Date() : null;
    await q.updateUser(trx, targetId, { disabled_at });
    if (disabled) await invalidateUserSessions(trx, targetId);
    await recordAudit(trx, actor, disabled ? 'user.disable' : 'user.enable', { type: 'user', id: targetId }, {
      before: { disabled_at: before.disabled_at },
      after: { disabled_at },
    });
    return { ok: true as const, value: null };
  });
}
