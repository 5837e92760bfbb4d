import type { Role } from './vocabulary.ts';

/**
 * The role predicates, defined once. Each domain's permissions.ts names its own rule with them
 * (`canModerate`, `canManageForums`, …), and the navigation draws its links from the same ones.
 */

/** Moderators and admins: they moderate, run forums and coaching, and evaluate (the coordinators). */
export function isCoordinator(user: { role: Role } | null | undefined): boolean {
  return user?.role === 'moderator' || user?.role === 'admin';
}

/** Staff: ASN of a unit, moderators and admins (shorter sessions; a role note in the header). */
export function isStaff(user: { role: Role } | null | undefined): boolean {
  return user?.role === 'asn' || isCoordinator(user);
}
