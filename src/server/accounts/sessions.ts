import type { AppConfig } from '../config.ts';
import type { Db } from '../db/index.ts';
import type { Role } from '../db/schema.ts';
import { deleteSession, deleteUserSessions, findSessionWithUser, insertSession, updateSessionExpiry } from './queries.ts';
import { generateToken, hashToken } from './tokens.ts';

/**
 * Sessions as in Lucia's current guide (lucia-auth.com, "Sessions"), without the deprecated
 * `lucia` package: the browser holds a random token; the database holds only its SHA-256 as
 * the session id. A session expires after a period of inactivity (extended while in use)
 * and in any case at an absolute limit; both are shorter for staff than for residents.
 */

export interface SessionUser {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  unitId: number | null;
  unitShortName: string | null;
  unitSlug: string | null;
  locale: 'id' | 'en';
}

export interface Session {
  id: string;
  userId: string;
  expiresAt: Date;
  absoluteExpiresAt: Date;
}

export type SessionPolicy = AppConfig['session'];

export function isStaffRole(role: Role): boolean {
  return role !== 'resident';
}

function lifetimes(policy: SessionPolicy, role: Role): { idleMs: number; absoluteMs: number } {
  return isStaffRole(role)
    ? { idleMs: policy.staffIdleSeconds * 1000, absoluteMs: policy.staffAbsoluteSeconds * 1000 }
    : { idleMs: policy.residentIdleSeconds * 1000, absoluteMs: policy.residentAbsoluteSeconds * 1000 };
}

/** Starts a session and returns the token to put in the cookie (never stored). */
export async function createSession(
  db: Db,
  policy: SessionPolicy,
  user: { id: string; role: Role },
  meta: { ip: string | null; userAgent: string | null },
  now = new Date(),
): Promise<{ token: string; session: Session }> {
  const token = generateToken();
  const { idleMs, absoluteMs } = lifetimes(policy, user.role);
  const absolute = new Date(now.getTime() + absoluteMs);
  const expires = new Date(Math.min(now.getTime() + idleMs, absolute.getTime()));
  const id = hashToken(token);
  await insertSession(db, {
    id,
    user_id: user.id,
    created_at: now,
    expires_at: expires,
    absolute_expires_at: absolute,
    ip: meta.ip,
    user_agent: meta.userAgent?.slice(0, 300) ?? null,
  });
  return { token, session: { id, userId: user.id, expiresAt: expires, absoluteExpiresAt: absolute } };
}

/**
 * Resolves a token to its session and user. Expired sessions and sessions of disabled
 * accounts are deleted and resolve to null. When less than half of the idle period is left,
 * the expiry moves forward (never past the absolute limit) and `refreshed` is true, so the
 * caller renews the cookie.
 */
export async function validateSessionToken(
  db: Db,
  policy: SessionPolicy,
  token: string,
  now = new Date(),
): Promise<{ session: Session; user: SessionUser; refreshed: boolean } | null> {
  if (!/^[a-z2-7]{32}$/.test(token)) return null;
  const id = hashToken(token);
  const row = await findSessionWithUser(db, id);
  if (!row) return null;
  if (row.disabled_at || now >= row.expires_at || now >= row.absolute_expires_at) {
    await deleteSession(db, id);
    return null;
  }
  const session: Session = { id, userId: row.user_id, expiresAt: row.expires_at, absoluteExpiresAt: row.absolute_expires_at };
  let refreshed = false;
  const { idleMs } = lifetimes(policy, row.role);
  if (row.expires_at.getTime() - now.getTime() < idleMs / 2) {
    const next = new Date(Math.min(now.getTime() + idleMs, row.absolute_expires_at.getTime()));
    if (next > row.expires_at) {
      await updateSessionExpiry(db, id, next);
      session.expiresAt = next;
      refreshed = true;
    }
  }
  return {
    session,
    refreshed,
    user: {
      id: row.user_id,
      email: row.email,
      displayName: row.display_name,
      role: row.role,
      unitId: row.unit_id,
      unitShortName: row.unit_short_name,
      unitSlug: row.unit_slug,
      locale: row.locale,
    },
  };
}

export function invalidateSession(db: Db, sessionId: string): Promise<void> {
  return deleteSession(db, sessionId);
}

/** Ends every session of a user (password or role change, account disabled). */
export function invalidateUserSessions(db: Db, userId: string, exceptSessionId?: string): Promise<number> {
  return deleteUserSessions(db, userId, exceptSessionId);
}
