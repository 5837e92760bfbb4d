import type { SessionUser } from '../accounts/sessions.ts';
import type { ForumStatus } from '../db/schema.ts';

/** Named predicates of the forums domain. Routes call them; services call them again per object. */

/** Moderators and admins run forums: schedule, agenda, check-in, minutes, commitments. */
export function canManageForums(user: SessionUser | null): boolean {
  return user?.role === 'moderator' || user?.role === 'admin';
}

/** Drafts are seen by those who run forums only; everything else is public. */
export function canViewForum(user: SessionUser | null, f: { status: ForumStatus }): boolean {
  return f.status !== 'draft' || canManageForums(user);
}

/**
 * Who may take a seat: residents take residents' seats; ASN staff take their unit's reserved
 * seats when their unit participates. Moderators and admins run the forum and do not register.
 */
export function seatPoolFor(user: SessionUser | null, participatingUnitIds: readonly number[]): 'resident' | 'asn' | null {
  if (!user) return null;
  if (user.role === 'resident') return 'resident';
  if (user.role === 'asn' && user.unitId !== null && participatingUnitIds.includes(user.unitId)) return 'asn';
  return null;
}

/** Staff of a participating unit see the questions sent for their unit; moderators see all. */
export function canSeeUnitQuestions(user: SessionUser | null, participatingUnitIds: readonly number[]): boolean {
  if (canManageForums(user)) return true;
  return user?.role === 'asn' && user.unitId !== null && participatingUnitIds.includes(user.unitId);
}

export function canCheckIn(user: SessionUser | null): boolean {
  return canManageForums(user);
}
