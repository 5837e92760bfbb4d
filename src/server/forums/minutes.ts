import { z } from 'zod';
import { recordAudit } from '../audit/service.ts';
import type { Db } from '../db/index.ts';
import { changeLocked, isStale } from '../db/locked.ts';
import { COMMITMENT_STATUSES, type CommitmentStatus } from '../db/schema.ts';
import { fail, parseIdList, validate, type Result } from '../forms.ts';
import { renderMarkdown } from '../markdown.ts';
import { canManageForums } from './permissions.ts';
import * as q from './queries.ts';
import type { ForumContext } from './service.ts';
import { isValidDate } from '../../domain/dates.ts';

/**
 * After the forum: the minutes and the commitments the units gave, with their follow-up status.
 */

/** Publishes (or re-publishes) the minutes; the attendee count is taken from the check-ins. */
export async function publishMinutes(db: Db, ctx: ForumContext, forumId: number, input: { minutes?: string; seen?: string }): Promise<Result<{ attendees: number }> | null> {
  if (!canManageForums(ctx.user)) return null;
  const text = (input.minutes ?? '').trim();
  if (text.length < 20) return fail('minutes', 'forum.err.minutes');
  if (text.length > 50000) return fail('minutes', 'err.tooLong', { max: 50000 });
  const now = ctx.now ?? new Date();
  return changeLocked(db, {
    lock: (trx) => q.lockForum(trx, forumId),
    change: async (trx, f) => {
      if (f.status === 'draft' || f.status === 'cancelled') return fail('_form', 'forum.err.notEditable');
      if (now < f.starts_at) return fail('_form', 'forum.err.notStartedYet');
      // Checked after the state: a forum that cannot take minutes says so, however old the form.
      if (input.seen !== undefined && isStale(f.updated_at, input.seen)) return fail('_form', 'forum.err.staleEdit');
      const attendees = await q.countCheckedIn(trx, f.id);
      await q.updateForumRow(trx, f.id, { minutes_md: text, minutes_html: renderMarkdown(text), minutes_published_at: f.minutes_published_at ?? now, attendee_count: attendees, status: 'closed' });
      await recordAudit(trx, ctx.actor, 'forum.minutes', { type: 'forum', id: f.id }, { after: { attendees } });
      return { ok: true, value: { attendees } };
    },
  });
}

const commitmentSchema = z.object({
  unit_id: z.string().regex(/^\d{1,9}$/, { message: 'forum.err.commitmentUnit' }).transform(Number),
  body: z.string().trim().min(10, { message: 'forum.err.commitmentBody' }).max(5000),
  due_on: z
    .string()
    .optional()
    .transform((v, c) => {
      if (!v) return null;
      // A real day (PostgreSQL refuses 2027-02-30 and year 0: a 500), from 2000 on.
      if (!isValidDate(v) || v < '2000-01-01') return (c.addIssue({ code: 'custom', message: 'forum.err.dueOn' }), z.NEVER);
      return v;
    }),
  feedback_ids: z.string().optional().default(''),
});

/** Records a commitment a unit made at the forum, citing feedback (published only). */
export async function addCommitment(db: Db, ctx: ForumContext, forumId: number, input: Record<string, string>): Promise<Result<{ id: number }> | null> {
  if (!canManageForums(ctx.user)) return null;
  const v = validate(commitmentSchema, input);
  if (!v.ok) return v;
  const ids = parseIdList(v.value.feedback_ids);
  if (!ids) return fail('feedback_ids', 'forum.err.feedbackIds');
  return db.transaction().execute(async (trx) => {
    const f = await q.lockForum(trx, forumId);
    if (!f) return null;
    if (f.status === 'draft' || f.status === 'cancelled') return fail('_form', 'forum.err.notEditable');
    const unitIds = (await q.selectForumUnits(trx, f.id)).map((u) => u.id);
    if (!unitIds.includes(v.value.unit_id)) return fail('unit_id', 'forum.err.unitNotInForum');
    if ((await q.selectCitableFeedback(trx, ids)).length !== ids.length) return fail('feedback_ids', 'forum.err.feedbackNotCitable');
    const row = await q.insertCommitment(trx, { forum_id: f.id, unit_id: v.value.unit_id, body_md: v.value.body, body_html: renderMarkdown(v.value.body), due_on: v.value.due_on });
    await q.insertCommitmentCitations(trx, row.id, ids);
    await recordAudit(trx, ctx.actor, 'forum.commitment_add', { type: 'forum_commitment', id: row.id }, { after: { forum: f.id, unit: v.value.unit_id, feedback: ids } });
    return { ok: true, value: row };
  });
}

export async function setCommitmentStatus(db: Db, ctx: ForumContext, forumId: number, commitmentId: number, status: string): Promise<Result<null> | null> {
  if (!canManageForums(ctx.user)) return null;
  if (!COMMITMENT_STATUSES.includes(status as CommitmentStatus)) return fail('status', 'err.invalidChoice');
  return db.transaction().execute(async (trx) => {
    const c = await q.selectCommitment(trx, commitmentId);
    if (!c || c.forum_id !== forumId) return null;
    await q.updateCommitmentStatus(trx, c.id, status as CommitmentStatus);
    await recordAudit(trx, ctx.actor, 'forum.commitment_status', { type: 'forum_commitment', id: c.id }, { before: { status: c.status }, after: { status } });
    return { ok: true, value: null };
  });
}
