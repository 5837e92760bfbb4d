import { isCoordinator } from '../../domain/roles.ts';
import type { SessionUser } from '../accounts/sessions.ts';

/** Named predicates of the data-rights domain. */

/** Every signed-in person may download and correct their own data. */
export function canManageOwnData(user: SessionUser | null): boolean {
  return user !== null;
}

/**
 * Only residents delete their own account: staff accounts (ASN, moderators, admins) carry
 * official duties and are disabled by an admin instead.
 */
export function canDeleteOwnAccount(user: SessionUser | null): boolean {
  return user?.role === 'resident';
}

/** Moderators (and admins) restrict the processing of a person's data on request. */
export function canRestrictProcessing(user: SessionUser | null): boolean {
  return isCoordinator(user);
}
