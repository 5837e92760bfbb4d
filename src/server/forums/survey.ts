import { z } from 'zod';
import { recordAudit } from '../audit/service.ts';
import type { Db } from '../db/index.ts';
import { fail, optionalText, validate, type Result } from '../forms.ts';
import * as q from './queries.ts';
import type { ForumContext } from './service.ts';

/**
 * The attendees' satisfaction survey: its state for one person, answering once, and the results.
 */

const surveySchema = z.object({
  score: z.string().regex(/^[1-5]$/, { message: 'forum.err.score' }).transform(Number),
  comment: optionalText(2000),
});

/** Whether the person attended (checked in) and has or has not answered the survey yet. */
export async function surveyState(db: Db, forum: q.ForumRow, userId: string) {
  const reg = await q.selectRegistration(db, forum.id, userId);
  if (!reg?.checked_in_at) return { attended: false as const };
  const answer = await q.selectSurveyResponse(db, reg.id);
  return { attended: true as const, registrationId: reg.id, answer: answer ?? null };
}

/** An attendee rates the forum once (1–5 and a comment), after it started. */
export async function submitSurvey(db: Db, ctx: ForumContext, forumId: number, input: Record<string, string>): Promise<Result<null> | null> {
  const v = validate(surveySchema, input);
  if (!v.ok) return v;
  const now = ctx.now ?? new Date();
  return db.transaction().execute(async (trx) => {
    const f = await q.selectForumById(trx, forumId);
    if (!f || f.status === 'draft') return null;
    if (now < f.starts_at) return fail('_form', 'forum.err.notStartedYet');
    const reg = await q.selectRegistration(trx, f.id, ctx.user.id);
    if (!reg?.checked_in_at) return fail('_form', 'forum.err.attendeesOnly');
    const r = await q.insertSurveyResponse(trx, { registration_id: reg.id, forum_id: f.id, score: v.value.score, comment: v.value.comment });
    if (!r) return fail('_form', 'forum.err.surveyDone');
    await recordAudit(trx, ctx.actor, 'forum.survey', { type: 'forum', id: f.id });
    return { ok: true, value: null };
  });
}

/** Survey results for moderators: count, mean, distribution and comments (no names). */
export async function surveyResults(db: Db, forumId: number) {
  const rows = await q.selectSurveyResults(db, forumId);
  const distribution = [1, 2, 3, 4, 5].map((s) => rows.filter((r) => r.score === s).length);
  const mean = rows.length ? rows.reduce((a, r) => a + r.score, 0) / rows.length : null;
  return { count: rows.length, mean, distribution, comments: rows.filter((r) => r.comment).map((r) => r.comment!) };
}
