import type { SessionUser } from '../accounts/sessions.ts';
import { recordAudit } from '../audit/service.ts';
import type { Db } from '../db/index.ts';
import { changeLocked } from '../db/locked.ts';
import { isPublic } from '../feedback/permissions.ts';
import { fail, type Result } from '../forms.ts';
import { canManageCoaching } from './permissions.ts';
import * as q from './queries.ts';
import { AUDIT_TYPE, ok, UUID, type CoachingContext } from './service.ts';

/**
 * Coaching actions, people and evidence: participants (coordinators add and remove them,
 * confirm attendance) and the feedback items linked as the action's evidence.
 */

// ---- participants

type LockedAction = NonNullable<Awaited<ReturnType<typeof q.lockAction>>>;

/** Runs a coordinator's change on a locked action; null when the action does not exist or the person is no coordinator. */
function onAction<T>(db: Db, ctx: CoachingContext, id: number, fn: (trx: Db, a: LockedAction, now: Date) => Promise<Result<T>>): Promise<Result<T> | null> {
  if (!canManageCoaching(ctx.user)) return Promise.resolve(null);
  const now = ctx.now ?? new Date();
  return changeLocked(db, { lock: (trx) => q.lockAction(trx, id), change: (trx, a) => fn(trx, a, now) });
}

/** Adds an enabled ASN of one of the target units. Adding someone twice changes nothing. */
export function addParticipant(db: Db, ctx: CoachingContext, id: number, userId: string): Promise<Result<null> | null> {
  return onAction(db, ctx, id, async (trx, a, now) => {
    if (a.status === 'cancelled') return fail('_form', 'coaching.err.cancelled');
    if (!UUID.test(userId)) return fail('participant', 'coaching.err.participant');
    const person = await q.findAsnUser(trx, userId);
    const units = await q.selectActionUnitIds(trx, id);
    if (!person || person.disabled_at || person.unit_id === null || !units.includes(person.unit_id)) return fail('participant', 'coaching.err.participantNotInUnits');
    if (!(await q.insertParticipant(trx, id, userId, now))) return ok(null);
    await recordAudit(trx, ctx.actor, 'coaching.participant_add', { type: AUDIT_TYPE, id }, { after: { user_id: userId, unit_id: person.unit_id } });
    return ok(null);
  });
}

/**
 * Removes a participant. Refused once their attendance is confirmed or they wrote a report:
 * that is part of their record now.
 */
export function removeParticipant(db: Db, ctx: CoachingContext, id: number, userId: string): Promise<Result<null> | null> {
  return onAction(db, ctx, id, async (trx) => {
    if (!UUID.test(userId)) return fail('participant', 'coaching.err.participant');
    const p = await q.findParticipant(trx, id, userId);
    if (!p) return ok(null);
    if (p.attendance_confirmed_at || (await q.findReport(trx, id, userId))) return fail('_form', 'coaching.err.participantHasRecord');
    await q.deleteParticipant(trx, id, userId);
    await recordAudit(trx, ctx.actor, 'coaching.participant_remove', { type: AUDIT_TYPE, id }, { before: { user_id: userId } });
    return ok(null);
  });
}

/** A coordinator confirms (or withdraws) a participant's attendance; not on a planned or cancelled action. */
export function confirmAttendance(db: Db, ctx: CoachingContext, id: number, userId: string, attended = true): Promise<Result<null> | null> {
  return onAction(db, ctx, id, async (trx, a, now) => {
    if (!UUID.test(userId)) return fail('participant', 'coaching.err.participant');
    const p = await q.findParticipant(trx, id, userId);
    if (!p) return fail('participant', 'coaching.err.participant');
    if (attended && (a.status === 'planned' || a.status === 'cancelled')) return fail('_form', 'coaching.err.attendanceNotStarted');
    if (!!p.attendance_confirmed_at === attended) return ok(null);
    await q.setAttendance(trx, id, userId, attended ? now : null, attended ? ctx.user.id : null);
    await recordAudit(trx, ctx.actor, attended ? 'coaching.attendance_confirm' : 'coaching.attendance_withdraw', { type: AUDIT_TYPE, id }, {
      before: { user_id: userId, attendance_confirmed_at: p.attendance_confirmed_at?.toISOString() ?? null },
      after: { user_id: userId, attendance_confirmed_at: attended ? now.toISOString() : null },
    });
    return ok(null);
  });
}

// ---- feedback links

/** Links a feedback item as evidence. Linking twice changes nothing (`linked: false`). */
export function linkFeedback(db: Db, ctx: CoachingContext, actionId: number, feedbackId: number): Promise<Result<{ linked: boolean }> | null> {
  return onAction(db, ctx, actionId, async (trx, a, now) => {
    if (a.status === 'cancelled') return fail('_form', 'coaching.err.cancelled');
    if ((await q.selectFeedbackByIds(trx, [feedbackId])).length === 0) return fail('feedback', 'coaching.err.feedbackUnknown');
    const linked = (await q.insertLinks(trx, actionId, [feedbackId], ctx.user.id, now)).length > 0;
    if (linked) await recordAudit(trx, ctx.actor, 'coaching.link', { type: AUDIT_TYPE, id: actionId }, { after: { feedback_id: feedbackId } });
    return ok({ linked });
  });
}

/** Unlinks; unlinking what is not linked changes nothing. */
export function unlinkFeedback(db: Db, ctx: CoachingContext, actionId: number, feedbackId: number): Promise<Result<{ unlinked: boolean }> | null> {
  return onAction(db, ctx, actionId, async (trx) => {
    const unlinked = await q.deleteLink(trx, actionId, feedbackId);
    if (unlinked) await recordAudit(trx, ctx.actor, 'coaching.unlink', { type: AUDIT_TYPE, id: actionId }, { before: { feedback_id: feedbackId } });
    return ok({ unlinked });
  });
}

/**
 * The coaching section of a feedback item's pages. Coordinators: every linked action and the
 * actions it may still be linked to. Anyone else: for a public item only, the linked actions'
 * title, kind and status (never participants); for any other item, nothing.
 */
export async function coachingForFeedback(db: Db, user: SessionUser | null, f: { id: number; moderation_state: string; confidential: boolean }) {
  if (canManageCoaching(user)) {
    const [actions, linkable] = await Promise.all([q.selectActionsOfFeedback(db, f.id), q.selectLinkableActions(db, 200)]);
    return { coordinator: true, actions, linkable: linkable.filter((l) => !actions.some((a) => a.id === l.id)) };
  }
  if (!isPublic(f)) return { coordinator: false, actions: [], linkable: [] };
  const actions = (await q.selectActionsOfFeedback(db, f.id)).filter((a) => a.status !== 'cancelled');
  return { coordinator: false, actions, linkable: [] };
}
