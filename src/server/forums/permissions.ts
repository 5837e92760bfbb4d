import { isCoordinator } from '../../domain/roles.ts';
import type { SessionUser } from '../accounts/sessions.ts';
import type { MessageKey } from '../../i18n/index.ts';
import type { ForumMode, ForumStatus, RegistrationStatus, SeatPool } from '../db/schema.ts';

/** Named predicates of the forums domain. Routes call them; services call them again per object. */

/** Moderators and admins run forums: schedule, agenda, check-in, minutes, commitments. */
export function canManageForums(user: SessionUser | null): boolean {
  return isCoordinator(user);
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

/** A decision a page shows and a use case enforces: allowed (with what it grants), or refused with the reason to show. */
export type Decision<T> = { allowed: true; value: T } | { allowed: false; reason: MessageKey };

/** What the registration rule reads of a forum. */
export interface RegistrationView {
  status: ForumStatus;
  ends_at: Date;
  registration_opens_at: Date;
  registration_closes_at: Date;
  reserved_asn: number;
}

/**
 * The one rule of who may register for a forum now, and into which pool. The forum page shows the
 * register button or the reason from it; `registerForForum` consults it again under the forum row
 * lock, so the button and the decision cannot disagree. `existing` is the person's registration, if any.
 */
export function canRegister(
  f: RegistrationView,
  participatingUnitIds: readonly number[],
  user: SessionUser | null,
  now: Date,
  existing: { status: RegistrationStatus } | null,
): Decision<SeatPool> {
  if (f.status === 'cancelled') return { allowed: false, reason: 'forum.err.cancelled' };
  if (f.status !== 'published' || now >= f.ends_at) return { allowed: false, reason: 'forum.err.over' };
  if (now < f.registration_opens_at) return { allowed: false, reason: 'forum.err.notOpenYet' };
  if (now >= f.registration_closes_at) return { allowed: false, reason: 'forum.err.registrationClosed' };
  if (!user) return { allowed: false, reason: 'forum.signInToRegister' };
  const pool = seatPoolFor(user, participatingUnitIds);
  if (!pool) return { allowed: false, reason: user.role === 'asn' ? 'forum.err.unitNotParticipating' : 'forum.err.staffRunForums' };
  if (pool === 'asn' && f.reserved_asn === 0) return { allowed: false, reason: 'forum.err.noAsnSeats' };
  if (existing && existing.status !== 'cancelled') return { allowed: false, reason: 'forum.err.alreadyRegistered' };
  return { allowed: true, value: pool };
}

/**
 * The online link of an online or hybrid forum is for people with a seat and those who run forums:
 * the forum page, the .ics download and the emails all ask this.
 */
export function canSeeOnlineLink(f: { mode: ForumMode; online_url: string | null }, user: SessionUser | null, registration: { status: RegistrationStatus } | null): boolean {
  if (f.mode === 'in_person' || !f.online_url || !user) return false;
  return canManageForums(user) || registration?.status === 'registered';
}
