import { z } from 'zod';
import type { SessionUser } from '../accounts/sessions.ts';
import { recordAudit } from '../audit/service.ts';
import type { Db } from '../db/index.ts';
import { fail, validate, type Result } from '../forms.ts';
import { canViewAsStaff, isPublic } from '../feedback/permissions.ts';
import { canManageForums, canSeeUnitQuestions } from './permissions.ts';
import * as q from './queries.ts';
import type { ForumContext } from './service.ts';

/**
 * Questions sent ahead of a forum by registered people, and the moderators' decision on them.
 */

const questionSchema = z.object({
  body: z.string().trim().min(10, { message: 'forum.err.questionBody' }).max(2000),
  unit_id: z.string().optional().transform((v) => (v && /^\d{1,9}$/.test(v) ? Number(v) : null)),
  feedback_id: z.string().optional().transform((v) => (v && /^\d{1,12}$/.test(v) ? Number(v) : null)),
});

export const MAX_QUESTIONS_PER_PERSON = 5;

/**
 * A registered (or waitlisted) person sends a question before the forum starts, for one of
 * the participating units, optionally citing their own feedback.
 */
export async function submitQuestion(db: Db, ctx: ForumContext, forumId: number, input: Record<string, string>): Promise<Result<{ id: number }> | null> {
  const v = validate(questionSchema, input);
  if (!v.ok) return v;
  const now = ctx.now ?? new Date();
  return db.transaction().execute(async (trx) => {
    const f = await q.lockForum(trx, forumId);
    if (!f || f.status === 'draft') return null;
    if (f.status !== 'published' || now >= f.starts_at) return fail('_form', 'forum.err.questionsClosed');
    const reg = await q.selectRegistration(trx, f.id, ctx.user.id);
    if (!reg || reg.status === 'cancelled') return fail('_form', 'forum.err.registerFirst');
    const unitIds = (await q.selectForumUnits(trx, f.id)).map((u) => u.id);
    if (v.value.unit_id !== null && !unitIds.includes(v.value.unit_id)) return fail('unit_id', 'forum.err.unitNotInForum');
    if (v.value.feedback_id !== null) {
      const own = await q.selectOwnFeedback(trx, ctx.user.id, 500);
      if (!own.some((o) => o.id === v.value.feedback_id)) return fail('feedback_id', 'forum.err.notYourFeedback');
    }
    if ((await q.countQuestionsBy(trx, f.id, ctx.user.id)) >= MAX_QUESTIONS_PER_PERSON) return fail('body', 'forum.err.tooManyQuestions', { max: MAX_QUESTIONS_PER_PERSON });
    const row = await q.insertQuestion(trx, { forum_id: f.id, user_id: ctx.user.id, unit_id: v.value.unit_id, feedback_id: v.value.feedback_id, body: v.value.body });
    await recordAudit(trx, ctx.actor, 'forum.question', { type: 'forum_question', id: row.id }, { after: { forum: f.id, unit: v.value.unit_id } });
    return { ok: true, value: row };
  });
}

/**
 * Questions a person may see: moderators all, a participating unit's staff theirs, a resident
 * their own. The feedback a question cites (the asker's own, maybe still pending, confidential
 * or about another unit) is named only to those who may open it: moderators, the asker, and
 * otherwise only when it is public or the viewer's unit's verified item.
 */
export async function questionsFor(db: Db, user: SessionUser, forum: q.ForumRow) {
  const unitIds = (await q.selectForumUnits(db, forum.id)).map((u) => u.id);
  if (canManageForums(user)) return q.selectQuestions(db, forum.id, {});
  const rows = canSeeUnitQuestions(user, unitIds) ? await q.selectQuestions(db, forum.id, { unitId: user.unitId! }) : await q.selectQuestions(db, forum.id, { userId: user.id });
  return rows.map((r) => {
    if (r.feedback_id === null || r.user_id === user.id) return r;
    const cited = { moderation_state: r.feedback_moderation_state ?? 'rejected', confidential: r.feedback_confidential ?? true, unit_id: r.feedback_unit_id };
    return isPublic(cited) || canViewAsStaff(user, cited) ? r : { ...r, feedback_id: null, feedback_title: null };
  });
}

export const ownFeedbackForQuestions = (db: Db, userId: string) => q.selectOwnFeedback(db, userId);

/** Selects a question onto the agenda (at the end; order with move) or declines it. */
export async function decideQuestion(db: Db, ctx: ForumContext, forumId: number, questionId: number, decision: 'select' | 'decline'): Promise<Result<null> | null> {
  if (!canManageForums(ctx.user)) return null;
  return db.transaction().execute(async (trx) => {
    const f = await q.lockForum(trx, forumId);
    const question = await q.selectQuestion(trx, forumId, questionId);
    if (!f || !question) return null;
    if (decision === 'decline') {
      await q.updateQuestion(trx, question.id, { status: 'declined', position: null });
    } else if (question.status !== 'selected') {
      const position = await q.nextAgendaPosition(trx, f.id);
      const title = question.body.length > 180 ? `${question.body.slice(0, 177)}…` : question.body;
      const item = await q.insertAgendaItem(trx, { forum_id: f.id, position, title, note: null, unit_id: question.unit_id, question_id: question.id });
      if (question.feedback_id) {
        const citable = await q.selectCitableFeedback(trx, [question.feedback_id]);
        if (citable.length) await q.insertAgendaCitations(trx, item.id, [question.feedback_id]);
      }
      await q.updateQuestion(trx, question.id, { status: 'selected', position });
    }
    await recordAudit(trx, ctx.actor, `forum.question_${decision}`, { type: 'forum_question', id: question.id });
    return { ok: true, value: null };
  });
}
