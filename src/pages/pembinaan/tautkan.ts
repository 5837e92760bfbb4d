import type { APIRoute } from 'astro';
import { actorOf } from '../../server/accounts/service.ts';
import { canManageCoaching } from '../../server/coaching/permissions.ts';
import { linkFeedback } from '../../server/coaching/participants.ts';
import { parseId, readForm } from '../../server/forms.ts';
import { setFlash } from '../../server/http/cookies.ts';
import { safeNext } from '../../server/http/guards.ts';

/**
 * "Link to a coaching action" from a feedback item's page (/moderasi/<no>, /masukan/<no>):
 * POST pembinaan (action id, from a select), masukan (feedback id), kembali (the page to go
 * back to). Coordinators only; for anyone else, and for an unknown action, 404. The outcome
 * is told by a flash message on the page the coordinator came from.
 */
export const POST: APIRoute = async ({ locals, request, cookies, redirect, rewrite }) => {
  const { user, db, ip } = locals;
  if (!canManageCoaching(user)) return rewrite('/404');
  const { values: form } = await readForm(request);
  const back = safeNext(form.kembali, '/pembinaan');
  const actionId = parseId(form.pembinaan);
  const feedbackId = parseId(form.masukan);
  if (actionId === null || feedbackId === null) {
    setFlash(cookies, 'coaching.err.feedbackUnknown');
    return redirect(back, 303);
  }
  const r = await linkFeedback(db, { user: user!, actor: actorOf(user!, ip) }, actionId, feedbackId);
  if (r === null) return rewrite('/404');
  setFlash(cookies, r.ok ? 'coaching.done.linked' : (Object.values(r.errors)[0]?.key ?? 'err.badRequest'));
  return redirect(back, 303);
};
