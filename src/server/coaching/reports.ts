import { z } from 'zod';
import type { SessionUser } from '../accounts/sessions.ts';
import { recordAudit } from '../audit/service.ts';
import type { Db } from '../db/index.ts';
import { fail, validate, type Result } from '../forms.ts';
import { renderMarkdown } from '../markdown.ts';
import { canReportProgress } from './permissions.ts';
import { officerWorkload } from '../handling/service.ts';
import * as q from './queries.ts';
import { ok, UUID, type CoachingContext } from './service.ts';

/**
 * Coaching from the participant's side: progress reports, "my coaching", and an ASN person's
 * participation record.
 */

// ---- progress reports and "my coaching"

const reportFields = z.object({
  learned: z.string({ message: 'coaching.err.learned' }).trim().min(1, { message: 'coaching.err.learned' }).max(5000),
  changed: z.string({ message: 'coaching.err.changed' }).trim().min(1, { message: 'coaching.err.changed' }).max(5000),
});

/**
 * The participant writes (or rewrites) their one report of the action: what they learned,
 * what changed in their service (Markdown). Null when the action is not theirs to see.
 */
export async function submitProgressReport(db: Db, ctx: CoachingContext, actionId: number, input: unknown): Promise<Result<null> | null> {
  const now = ctx.now ?? new Date();
  return db.transaction().execute(async (trx) => {
    const a = await q.lockAction(trx, actionId);
    if (!a) return null;
    const p = await q.findParticipant(trx, actionId, ctx.user.id);
    if (!p) return null;
    if (!canReportProgress(ctx.user, { userId: p.user_id, actionStatus: a.status })) return fail('_form', 'coaching.err.cannotReport');
    const v = validate(reportFields, input);
    if (!v.ok) return v;
    const before = await q.findReport(trx, actionId, ctx.user.id);
    const id = await q.upsertReport(
      trx,
      { action_id: actionId, user_id: ctx.user.id, learned_md: v.value.learned, learned_html: renderMarkdown(v.value.learned), changed_md: v.value.changed, changed_html: renderMarkdown(v.value.changed) },
      now,
    );
    await recordAudit(trx, ctx.actor, before ? 'coaching.report_update' : 'coaching.report', { type: 'coaching_progress_report', id }, {
      before: before ? { learned: before.learned_md, changed: before.changed_md } : undefined,
      after: { action_id: actionId, learned: v.value.learned, changed: v.value.changed },
    });
    return ok(null);
  });
}

/** The actions an ASN person takes part in, newest first, with attendance and their report. */
export function listMyCoaching(db: Db, user: SessionUser) {
  if (user.role !== 'asn') return Promise.resolve([]);
  return q.selectActionsOfParticipant(db, user.id);
}

// ---- participation record

/**
 * An ASN person's participation record, for coordinators: the coaching they take part in
 * (with attendance), the forums they attended for their unit (checked in, ASN seats), and
 * the official answers they gave (count and the latest ones). Null for anyone not ASN.
 */
export async function participationRecord(db: Db, userId: string) {
  if (!UUID.test(userId)) return null;
  const person = await q.findAsnUser(db, userId);
  if (!person) return null;
  const [coaching, forums, answerCount, recentAnswers, officerItems] = await Promise.all([
    q.selectActionsOfParticipant(db, userId),
    q.selectForumsAttended(db, userId, 50),
    q.countAnswers(db, userId),
    q.selectRecentAnswers(db, userId, 10),
    officerWorkload(db, userId),
  ]);
  return {
    person: { id: person.id, display_name: person.display_name, unit_id: person.unit_id, unit_short_name: person.unit_short_name, disabled: person.disabled_at !== null },
    coaching: coaching.map((c) => ({
      id: c.id,
      kind: c.kind,
      title: c.title,
      status: c.status,
      starts_on: c.starts_on,
      ends_on: c.ends_on,
      attendance_confirmed_at: c.attendance_confirmed_at,
      reported: c.report_updated_at !== null,
    })),
    forums,
    answers: { count: answerCount, recent: recentAnswers },
    /** Items given to them as the unit's responsible officer, and how many were answered. */
    officerItems,
  };
}

export type ParticipationRecord = NonNullable<Awaited<ReturnType<typeof participationRecord>>>;
