import { z } from 'zod';
import { formatDateTime } from '../../i18n/index.ts';
import { recordAudit } from '../audit/service.ts';
import type { Db } from '../db/index.ts';
import { fail, optionalText, parseIdList, validate, type Result } from '../forms.ts';
import { notifyReporter } from '../moderation/service.ts';
import { canManageForums } from './permissions.ts';
import * as q from './queries.ts';
import type { ForumContext } from './service.ts';

/**
 * The agenda of a forum: what moderators may put on it (suggestions from the units' feedback),
 * adding, removing and ordering items; the authors of cited feedback are invited.
 */

/**
 * What moderators may put on the agenda: the participating units' most supported unresolved
 * published feedback since the previous forum, and the words that come up most often.
 */
export async function suggestAgenda(db: Db, forum: q.ForumRow, now = new Date()) {
  const unitIds = (await q.selectForumUnits(db, forum.id)).map((u) => u.id);
  // "Since the previous forum" means the last one that took place, never one still ahead.
  const prev = await q.selectPreviousForumStart(db, forum.starts_at, now);
  const since = prev?.starts_at ?? new Date(forum.starts_at.getTime() - 92 * 86400_000);
  const [recent, themes] = await Promise.all([q.selectAgendaCandidates(db, unitIds, since, 10), q.selectThemes(db, unitIds, since, 2000, 12)]);
  // Few new items since the last forum: older unresolved ones still deserve a hearing.
  const older = recent.length < 10 ? (await q.selectAgendaCandidates(db, unitIds, null, 10)).filter((o) => !recent.some((r) => r.id === o.id)) : [];
  const items = [...recent.map((r) => ({ ...r, older: false })), ...older.slice(0, 10 - recent.length).map((o) => ({ ...o, older: true }))];
  return { since, sinceForum: prev ? { title: prev.title, slug: prev.slug } : null, items, themes };
}

const agendaSchema = z.object({
  title: z.string().trim().min(3, { message: 'forum.err.agendaTitle' }).max(200),
  note: optionalText(1000),
  unit_id: z.string().optional().transform((v) => (v && /^\d{1,9}$/.test(v) ? Number(v) : null)),
  feedback_ids: z.string().optional().default(''),
});


/**
 * Adds an agenda item, citing feedback (published only). Reporters of cited feedback are
 * invited by email once per forum (an anonymous reporter only through a contact email they gave).
 */
export async function addAgendaItem(db: Db, ctx: ForumContext, forumId: number, input: Record<string, string>): Promise<Result<{ id: number; invited: number }> | null> {
  if (!canManageForums(ctx.user)) return null;
  const v = validate(agendaSchema, input);
  if (!v.ok) return v;
  const ids = parseIdList(v.value.feedback_ids);
  if (!ids) return fail('feedback_ids', 'forum.err.feedbackIds');
  return db.transaction().execute(async (trx) => {
    const f = await q.lockForum(trx, forumId);
    if (!f) return null;
    if (f.status === 'cancelled' || f.status === 'closed') return fail('_form', 'forum.err.notEditable');
    // The form offers the participating units; anything else (an unknown id would break the foreign key) is refused.
    if (v.value.unit_id !== null && !(await q.selectForumUnits(trx, f.id)).some((u) => u.id === v.value.unit_id)) return fail('unit_id', 'forum.err.unitNotInForum');
    const citable = await q.selectCitableFeedback(trx, ids);
    if (citable.length !== ids.length) return fail('feedback_ids', 'forum.err.feedbackNotCitable');
    const item = await q.insertAgendaItem(trx, { forum_id: f.id, position: await q.nextAgendaPosition(trx, f.id), title: v.value.title, note: v.value.note, unit_id: v.value.unit_id, question_id: null });
    await q.insertAgendaCitations(trx, item.id, ids);
    const invited = f.status === 'published' ? await inviteCited(trx, f, ids, ctx.publicUrl) : 0;
    await recordAudit(trx, ctx.actor, 'forum.agenda_add', { type: 'forum', id: f.id }, { after: { item: item.id, title: v.value.title, feedback: ids } });
    return { ok: true, value: { id: item.id, invited } };
  });
}

export async function inviteCited(trx: Db, f: q.ForumRow, feedbackIds: number[], publicUrl: string): Promise<number> {
  let n = 0;
  for (const id of feedbackIds) {
    if (!(await q.claimCitationInvite(trx, f.id, id))) continue;
    await notifyReporter(trx, id, 'forum_invite', 'email.forum.invite.subject', 'email.forum.invite.body', (t) => ({ forum: f.title, when: formatDateTime(f.starts_at, t('forum.localeTag') === 'en' ? 'en' : 'id'), forumLink: `${publicUrl}/forum/${f.slug}` }), publicUrl);
    n++;
  }
  return n;
}

export async function removeAgendaItem(db: Db, ctx: ForumContext, forumId: number, itemId: number): Promise<Result<null> | null> {
  if (!canManageForums(ctx.user)) return null;
  return db.transaction().execute(async (trx) => {
    const item = await q.selectAgendaItem(trx, forumId, itemId);
    if (!item) return null;
    await q.deleteAgendaItem(trx, item.id);
    if (item.question_id) await q.updateQuestion(trx, item.question_id, { status: 'submitted', position: null });
    await recordAudit(trx, ctx.actor, 'forum.agenda_remove', { type: 'forum', id: forumId }, { before: { item: item.id, title: item.title } });
    return { ok: true, value: null };
  });
}

/** Moves an item one place up or down (swaps positions with its neighbour). */
export async function moveAgendaItem(db: Db, ctx: ForumContext, forumId: number, itemId: number, dir: 'up' | 'down'): Promise<Result<null> | null> {
  if (!canManageForums(ctx.user)) return null;
  return db.transaction().execute(async (trx) => {
    const f = await q.lockForum(trx, forumId);
    if (!f) return null;
    const agenda = await q.selectAgenda(trx, forumId);
    const i = agenda.findIndex((a) => a.id === itemId);
    if (i < 0) return null;
    const j = dir === 'up' ? i - 1 : i + 1;
    if (j < 0 || j >= agenda.length) return { ok: true, value: null };
    const order = agenda.map((a) => a.id);
    [order[i], order[j]] = [order[j]!, order[i]!];
    for (const [k, id] of order.entries()) await q.setAgendaPosition(trx, id, k + 1);
    await recordAudit(trx, ctx.actor, 'forum.agenda_move', { type: 'forum', id: forumId }, { after: { item: itemId, dir, position: j + 1 } });
    return { ok: true, value: null };
  });
}
