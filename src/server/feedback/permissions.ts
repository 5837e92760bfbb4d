import { isCoordinator } from '../../domain/roles.ts';
import type { SessionUser } from '../accounts/sessions.ts';

/**
 * Who may see and do what with one feedback item. Routes call these with the item; an ASN
 * user of another unit gets "not found", never "forbidden", so that existence leaks nothing.
 */

export interface FeedbackAccessFacts {
  moderation_state: string;
  confidential: boolean;
  unit_id: number | null;
  anonymous: boolean;
  author_id: string | null;
}

export function isModerator(user: SessionUser | null): boolean {
  return isCoordinator(user);
}

/** On the public board, the public detail page, search and the API. */
export function isPublic(f: Pick<FeedbackAccessFacts, 'moderation_state' | 'confidential'>): boolean {
  return f.moderation_state === 'published' && !f.confidential;
}

/**
 * Staff view of the whole item (private fields included): moderators always; ASN of its unit
 * once moderators verified it (not while pending, nor once rejected).
 */
export function canViewAsStaff(user: SessionUser | null, f: Pick<FeedbackAccessFacts, 'unit_id' | 'moderation_state'>): boolean {
  if (isModerator(user)) return true;
  return user?.role === 'asn' && f.unit_id !== null && user.unitId === f.unit_id && (f.moderation_state === 'published' || f.moderation_state === 'hidden');
}

/** The reporter's contact details: moderators only (and every view is audit-logged). */
export function canViewContact(user: SessionUser | null): boolean {
  return isModerator(user);
}

/** The officer named by the reporter: moderators and coordinators only, never the unit or public. */
export function canViewOfficerNamed(user: SessionUser | null): boolean {
  return isModerator(user);
}

/** The reporter's identity (account name): hidden from everyone but moderators when anonymous. */
export function canViewReporterIdentity(user: SessionUser | null, f: Pick<FeedbackAccessFacts, 'anonymous' | 'unit_id' | 'moderation_state'>): boolean {
  if (isModerator(user)) return true;
  return !f.anonymous && canViewAsStaff(user, f);
}

/** "This happened to me too": signed-in people, on public items, not on their own. */
export function canSupport(user: SessionUser | null, f: FeedbackAccessFacts): boolean {
  return !!user && isPublic(f) && f.author_id !== user.id;
}

/** Photos hidden by a moderator stay visible to staff who may see the item. */
export function canViewHiddenPhotos(user: SessionUser | null, f: Pick<FeedbackAccessFacts, 'unit_id' | 'moderation_state'>): boolean {
  return canViewAsStaff(user, f);
}
