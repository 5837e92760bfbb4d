import { isCoordinator } from '../../domain/roles.ts';
import type { SessionUser } from '../accounts/sessions.ts';

/** Triage (publish, reject, assign ...) belongs to moderators and admins. */
export function canModerate(user: SessionUser | null): boolean {
  return isCoordinator(user);
}

/** A rejected item is final: it is neither published nor made confidential nor forwarded (the page offers none of these). */
export function canPublish(f: { moderation_state: string }): boolean {
  return f.moderation_state === 'pending' || f.moderation_state === 'hidden';
}

export function canMakeConfidential(f: { moderation_state: string; confidential: boolean }): boolean {
  return !f.confidential && f.moderation_state !== 'rejected';
}

export function canForward(f: { moderation_state: string }): boolean {
  return f.moderation_state !== 'rejected';
}
