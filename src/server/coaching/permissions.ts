import { isCoordinator } from '../../domain/roles.ts';
import type { SessionUser } from '../accounts/sessions.ts';

/**
 * Who may see and do what with coaching actions. Coordinators (moderators and admins) run
 * them. An ASN person sees only the actions they take part in, and within those only their
 * own attendance and progress report. Everyone else (residents, ASN staff of a target unit
 * who are not participants, anonymous visitors) gets "not found": the list of who attends
 * which coaching, and what they report, is a personnel matter (UU 27/2022 on personal data),
 * never public. The public sees only that a published feedback item was used as material for
 * an action (its title, kind and status), without any name.
 */

/** Create, edit, staff and link coaching actions; confirm attendance. */
export function canManageCoaching(user: SessionUser | null): boolean {
  return isCoordinator(user);
}

export interface CoachingActionFacts {
  /** Ids of the action's participants. */
  participantIds: readonly string[];
}

/**
 * The action's page: coordinators, and the ASN who take part in it. Staff of a target unit
 * who are not participants do not see it (they are added by a coordinator when concerned).
 */
export function canViewCoachingAction(user: SessionUser | null, facts: CoachingActionFacts): boolean {
  if (canManageCoaching(user)) return true;
  return user?.role === 'asn' && facts.participantIds.includes(user.id);
}

/** "My coaching": ASN staff. */
export function canOpenMyCoaching(user: SessionUser | null): boolean {
  return user?.role === 'asn';
}

export interface ParticipantFacts {
  /** The participant the report is about. */
  userId: string;
  actionStatus: string;
}

/**
 * A progress report is written by the participant themself (not by a coordinator on their
 * behalf: it is how staff report their own performance), on an action that was not cancelled.
 */
export function canReportProgress(user: SessionUser | null, p: ParticipantFacts | null): boolean {
  return !!user && user.role === 'asn' && !!p && p.userId === user.id && p.actionStatus !== 'cancelled';
}

/** A progress report is read by its author and by coordinators. */
export function canReadProgressReport(user: SessionUser | null, authorId: string): boolean {
  return canManageCoaching(user) || user?.id === authorId;
}

/**
 * An ASN person's participation record (coaching attended, forums attended, answers given):
 * coordinators only. The person sees their own coaching at /pembinaan/saya.
 */
export function canViewParticipationRecord(user: SessionUser | null): boolean {
  return canManageCoaching(user);
}
