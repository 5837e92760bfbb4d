import type { MessageKey } from '../../i18n/index.ts';
import type { Db } from '../db/index.ts';
import type { Result } from '../forms.ts';
import { addParticipant, confirmAttendance, linkFeedback, removeParticipant, unlinkFeedback } from './participants.ts';
import { setCoachingStatus } from './editing.ts';
import { submitProgressReport } from './reports.ts';
import type { CoachingContext } from './service.ts';

/**
 * One form post on an action's page (/pembinaan/<id>) → one use case. Every form carries
 * `action`; the others carry `user` (a participant), `feedback` (a feedback id), `status`
 * and `seen`, or the report's `learned` and `changed`. A null result means "not found".
 */
export async function runCoachingAction(
  db: Db,
  ctx: CoachingContext,
  actionId: number,
  form: Record<string, string>,
): Promise<{ result: Result<unknown> | null; done: MessageKey }> {
  const feedbackId = /^\d{1,15}$/.test(form.feedback ?? '') ? Number(form.feedback) : null;
  const user = form.user ?? '';
  const bad = { ok: false as const, errors: { _form: { key: 'err.badRequest' as const } } };
  switch (form.action) {
    case 'status':
      return { result: await setCoachingStatus(db, ctx, actionId, form.status ?? '', form.seen ?? null), done: 'coaching.done.status' };
    case 'participant-add':
      return { result: await addParticipant(db, ctx, actionId, user), done: 'coaching.done.participantAdded' };
    case 'participant-remove':
      return { result: await removeParticipant(db, ctx, actionId, user), done: 'coaching.done.participantRemoved' };
    case 'attend':
      return { result: await confirmAttendance(db, ctx, actionId, user, true), done: 'coaching.done.attended' };
    case 'unattend':
      return { result: await confirmAttendance(db, ctx, actionId, user, false), done: 'coaching.done.unattended' };
    case 'link':
      if (feedbackId === null) return { result: { ok: false, errors: { feedback: { key: 'coaching.err.feedbackUnknown' } } }, done: 'err.badRequest' };
      return { result: await linkFeedback(db, ctx, actionId, feedbackId), done: 'coaching.done.linked' };
    case 'unlink':
      if (feedbackId === null) return { result: bad, done: 'err.badRequest' };
      return { result: await unlinkFeedback(db, ctx, actionId, feedbackId), done: 'coaching.done.unlinked' };
    case 'report':
      return { result: await submitProgressReport(db, ctx, actionId, form), done: 'coaching.done.report' };
    default:
      return { result: bad, done: 'err.badRequest' };
  }
}
