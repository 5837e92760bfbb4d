import type { Db } from '../db/index.ts';
import { parseId, type Result } from '../forms.ts';
import { badRequest, type Done } from '../http/respond.ts';
import { cancelRegistrationAsModerator, checkInByCode, recordWalkIn, undoCheckIn, type CheckInOutcome, type SeatContext } from './registration.ts';
import { addCommitment, publishMinutes, setCommitmentStatus } from './minutes.ts';
import { cancelForum, closeForum, deleteDraftForum, planNextMonth, publishForum, updateForum } from './schedule.ts';
import type { ForumContext } from './service.ts';

/**
 * One forum form post → one use case, for the moderators' forum pages. Each use case checks its
 * own permission (null → 404); an `action` no form of ours sends is refused with `badRequest` (400).
 * `form` names the form on the page whose errors the outcome carries, so the page shows them there.
 */
export interface ForumActionOutcome<F extends string> {
  outcome: Result<unknown> | null;
  done: Done | ((value: unknown) => Done);
  form: F;
}

type Forum = { id: number; slug: string };

/** `/forum/<slug>/ubah`: edit the forum, or change its status (publish, cancel, close, delete a draft, plan next month). */
export async function runForumEditAction(
  db: Db,
  ctx: ForumContext,
  forum: Forum,
  form: Record<string, string>,
  unitIds: string[],
): Promise<ForumActionOutcome<'edit' | 'status'>> {
  const page = `/forum/${forum.slug}`;
  switch (form.action) {
    case 'update':
      return {
        outcome: await updateForum(db, ctx, forum.id, { ...form, unit_ids: unitIds }),
        done: (v) => ({ flash: (v as { notified: number }).notified > 0 ? 'forum.updatedNotified' : 'forum.updated', to: page }),
        form: 'edit',
      };
    case 'publish':
      return { outcome: await publishForum(db, ctx, forum.id), done: { flash: 'forum.publishedFlash', to: page }, form: 'status' };
    case 'cancel':
      return { outcome: await cancelForum(db, ctx, forum.id, form), done: { flash: 'forum.cancelledForumFlash', to: page }, form: 'status' };
    case 'close':
      return { outcome: await closeForum(db, ctx, forum.id), done: { flash: 'forum.closedFlash', to: page }, form: 'status' };
    case 'delete_draft':
      return { outcome: await deleteDraftForum(db, ctx, forum.id), done: { flash: 'forum.draftDeleted', to: '/forum/kelola' }, form: 'status' };
    case 'plan_next':
      return {
        outcome: await planNextMonth(db, ctx, forum.id),
        done: (v) => ({ flash: 'forum.planned', to: `/forum/${(v as { slug: string }).slug}/ubah` }),
        form: 'status',
      };
    default:
      return { outcome: badRequest, done: { flash: 'err.badRequest', to: page }, form: 'status' };
  }
}

/**
 * `/forum/<slug>/checkin`: undo a check-in, cancel a registration, record a walk-in. Checking in by
 * code is `checkInAtDoor`: it stays on the page to show whom it seated.
 */
export async function runCheckInAction(
  db: Db,
  ctx: SeatContext,
  forum: Forum,
  form: Record<string, string>,
): Promise<ForumActionOutcome<'walk_in' | 'registration'>> {
  const here = `/forum/${forum.slug}/checkin`;
  const back = `${here}?cari=${encodeURIComponent(form.cari ?? '')}`;
  const registrationId = parseId(form.id);
  switch (form.action) {
    case 'walk_in':
      return { outcome: await recordWalkIn(db, ctx, forum.id, form), done: { flash: 'forum.walkInRecorded', to: here }, form: 'walk_in' };
    case 'undo':
      if (registrationId === null) break;
      return { outcome: await undoCheckIn(db, ctx, forum.id, registrationId), done: { flash: 'forum.checkInUndone', to: back }, form: 'registration' };
    case 'cancel':
      if (registrationId === null) break;
      return {
        outcome: await cancelRegistrationAsModerator(db, ctx, forum.id, registrationId),
        done: { flash: 'forum.registrationCancelledByMod', to: back },
        form: 'registration',
      };
  }
  return { outcome: badRequest, done: { flash: 'err.badRequest', to: here }, form: 'registration' };
}

/** Checking in by a typed or scanned code; the page shows whom it seated, or why not. */
export async function checkInAtDoor(db: Db, ctx: SeatContext, forum: Forum, form: Record<string, string>): Promise<Result<CheckInOutcome> | null> {
  return checkInByCode(db, ctx, forum.id, form.code ?? '');
}

/** `/forum/<slug>/notula`: publish the minutes, add a commitment, change a commitment's status. */
export async function runMinutesAction(
  db: Db,
  ctx: ForumContext,
  forum: Forum,
  form: Record<string, string>,
): Promise<ForumActionOutcome<'minutes' | 'commitment'>> {
  const here = `/forum/${forum.slug}/notula`;
  switch (form.action) {
    case 'minutes':
      return { outcome: await publishMinutes(db, ctx, forum.id, form), done: { flash: 'forum.minutesSaved', to: here }, form: 'minutes' };
    case 'commitment':
      return { outcome: await addCommitment(db, ctx, forum.id, form), done: { flash: 'forum.commitmentSaved', to: `${here}#commitments` }, form: 'commitment' };
    case 'commitment_status': {
      const id = parseId(form.id);
      if (id === null) break;
      return {
        outcome: await setCommitmentStatus(db, ctx, forum.id, id, form.status ?? ''),
        done: { flash: 'forum.commitmentSaved', to: `${here}#commitments` },
        form: 'commitment',
      };
    }
  }
  return { outcome: badRequest, done: { flash: 'err.badRequest', to: here }, form: 'commitment' };
}
