import type { SessionUser } from '../accounts/sessions.ts';

/** Triage (publish, reject, assign ...) belongs to moderators and admins. */
export function canModerate(user: SessionUser | null): boolean {
  return user?.role === 'moderator' || user?.role === 'admin';
}
