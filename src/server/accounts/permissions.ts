import type { SessionUser } from './sessions.ts';

/** Named predicates for account administration; routes call these, never compare roles inline. */

export function canAdministerUsers(user: SessionUser | null): boolean {
  return user?.role === 'admin';
}

export function canReadAuditLog(user: SessionUser | null): boolean {
  return user?.role === 'admin';
}

export function canReadOutbox(user: SessionUser | null): boolean {
  return user?.role === 'admin';
}
