import { isCoordinator, isStaff } from '../../domain/roles.ts';
import type { SessionUser } from '../accounts/sessions.ts';

/** Answering belongs to the ASN staff of the item's unit, and to moderators and admins. */
export function canHandle(user: SessionUser | null, f: { unit_id: number | null }): boolean {
  if (isCoordinator(user)) return true;
  return user?.role === 'asn' && f.unit_id !== null && f.unit_id === user.unitId;
}

/** The unit inbox page: ASN staff (their unit) and moderators/admins (all units). */
export function canOpenInbox(user: SessionUser | null): boolean {
  return isStaff(user);
}

/** Templates of a unit: its staff and moderators. */
export function canManageTemplates(user: SessionUser | null, unitId: number): boolean {
  if (isCoordinator(user)) return true;
  return user?.role === 'asn' && user.unitId === unitId;
}

/**
 * Giving an item to a named officer of its unit: the unit's own ASN staff, and moderators.
 * (The officer must be active ASN of that same unit; the use case checks.)
 */
export function canAssignOfficer(user: SessionUser | null, f: { unit_id: number | null }): boolean {
  return f.unit_id !== null && canHandle(user, f);
}
