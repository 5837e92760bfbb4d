import { z } from 'zod';
import { recordAudit } from '../audit/service.ts';
import type { Db } from '../db/index.ts';
import { changeLocked } from '../db/locked.ts';
import { COACHING_KINDS, COACHING_STATUSES, type CoachingKind, type CoachingStatus } from '../db/schema.ts';
import { calendarDate, fail, validate, type FieldErrors, type Result } from '../forms.ts';
import { renderMarkdown } from '../markdown.ts';
import { canManageCoaching } from './permissions.ts';
import * as q from './queries.ts';
import { AUDIT_TYPE, ok, UUID, type CoachingContext } from './service.ts';

/**
 * Coaching actions, creating and editing: the form's fields and checks, create, edit with a
 * freshness check, and the status workflow.
 */

// ---- form input

const dateField = calendarDate('coaching.err.date');
const idList = (message: 'coaching.err.units' | 'err.invalidChoice') =>
  z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.string().regex(/^\d{1,15}$/, { message: 'err.invalidChoice' }), { message }));

const actionFields = z.object({
  kind: z.enum(COACHING_KINDS as [CoachingKind, ...CoachingKind[]], { message: 'coaching.err.kind' }),
  title: z.string({ message: 'coaching.err.title' }).trim().min(3, { message: 'coaching.err.title' }).max(200, { message: 'coaching.err.title' }),
  goal: z.string({ message: 'coaching.err.goal' }).trim().min(1, { message: 'coaching.err.goal' }).max(10000),
  starts_on: dateField,
  ends_on: dateField,
  units: idList('coaching.err.units').pipe(z.array(z.string()).min(1, { message: 'coaching.err.units' })),
});

const createFields = actionFields.extend({
  participants: z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.string().regex(UUID, { message: 'coaching.err.participant' }))),
  masukan: idList('err.invalidChoice'),
  dari_komitmen: z.string().trim().regex(/^\d{1,15}$/).optional().or(z.literal('')),
  dari_temuan: z.string().trim().regex(/^\d{1,15}$/).optional().or(z.literal('')),
});

type ActionFields = z.output<typeof actionFields>;

/**
 * The checks that need the database or several fields: the end not before the start, the
 * units exist and are active, participants are enabled ASN of those units. All field errors
 * are reported at once.
 */
async function checkActionFields(db: Db, v: ActionFields, participants: string[]): Promise<FieldErrors> {
  const errors: FieldErrors = {};
  if (v.ends_on < v.starts_on) errors.ends_on = { key: 'coaching.err.endsBeforeStarts' };
  const unitIds = [...new Set(v.units.map(Number))];
  const units = await q.selectActiveUnits(db, unitIds);
  if (units.length !== unitIds.length) errors.units = { key: 'coaching.err.unitUnknown' };
  if (participants.length > 0) {
    const allowed = new Set((await q.selectAsn(db, units.map((u) => u.id))).map((p) => p.id));
    if (participants.some((p) => !allowed.has(p))) errors.participants = { key: 'coaching.err.participantNotInUnits' };
  }
  return errors;
}

function merge<T>(zod: Result<T>, extra: FieldErrors): FieldErrors {
  return { ...(zod.ok ? {} : zod.errors), ...extra };
}

function isUniqueViolation(e: unknown): boolean {
  return typeof e === 'object' && e !== null && 'code' in e && (e as { code: unknown }).code === '23505';
}

// ---- create and edit

/**
 * Creates an action with its target units, participants and linked feedback. From a forum
 * commitment: the commitment's cited feedback is linked too and the commitment may become
 * one action only (a unique column; a second attempt is refused). From a finding: its
 * feedback is linked and the finding is recorded as the origin.
 */
export async function createCoachingAction(db: Db, ctx: CoachingContext, input: unknown): Promise<Result<number>> {
  if (!canManageCoaching(ctx.user)) return fail('_form', 'err.badRequest');
  const v = validate(createFields, input);
  const extra = v.ok ? await checkActionFields(db, v.value, v.value.participants) : {};
  if (!v.ok || Object.keys(extra).length) return { ok: false, errors: merge(v, extra) };
  const value = v.value;
  const commitmentId = value.dari_komitmen ? Number(value.dari_komitmen) : null;
  const findingId = value.dari_temuan ? Number(value.dari_temuan) : null;
  const feedbackIds = new Set(value.masukan.map(Number));
  if (commitmentId !== null) {
    if (!(await q.findCommitment(db, commitmentId))) return fail('_form', 'coaching.err.commitmentUnknown');
    if (await q.findActionByCommitment(db, commitmentId)) return fail('_form', 'coaching.err.commitmentTaken');
    for (const id of await q.selectCommitmentFeedbackIds(db, commitmentId)) feedbackIds.add(id);
  }
  if (findingId !== null) {
    if (!(await q.findFinding(db, findingId))) return fail('_form', 'coaching.err.findingUnknown');
    for (const id of await q.selectFindingFeedbackIds(db, findingId)) feedbackIds.add(id);
  }
  const found = await q.selectFeedbackByIds(db, [...feedbackIds]);
  if (found.length !== feedbackIds.size) return fail('_form', 'coaching.err.feedbackUnknown');
  const now = ctx.now ?? new Date();
  const unitIds = [...new Set(value.units.map(Number))].sort((a, b) => a - b);
  const participants = [...new Set(value.participants)];
  try {
    return await db.transaction().execute(async (trx) => {
      const id = await q.insertAction(
        trx,
        {
          kind: value.kind,
          title: value.title,
          goal_md: value.goal,
          goal_html: renderMarkdown(value.goal),
          starts_on: value.starts_on,
          ends_on: value.ends_on,
          commitment_id: commitmentId,
          finding_id: findingId,
          created_by: ctx.user.id,
        },
        now,
      );
      await q.replaceActionUnits(trx, id, unitIds);
      for (const p of participants) await q.insertParticipant(trx, id, p, now);
      const linked = await q.insertLinks(trx, id, [...feedbackIds].sort((a, b) => a - b), ctx.user.id, now);
      await recordAudit(trx, ctx.actor, 'coaching.create', { type: AUDIT_TYPE, id }, {
        after: {
          kind: value.kind,
          title: value.title,
          goal: value.goal,
          starts_on: value.starts_on,
          ends_on: value.ends_on,
          unit_ids: unitIds,
          participant_ids: participants,
          feedback_ids: linked,
          commitment_id: commitmentId,
          finding_id: findingId,
        },
      });
      return ok(id);
    });
  } catch (e) {
    // Two coordinators turning the same commitment into an action at once: one wins.
    if (isUniqueViolation(e)) return fail('_form', 'coaching.err.commitmentTaken');
    throw e;
  }
}

const editFields = actionFields.extend({ seen: z.string({ message: 'err.badRequest' }).refine((s) => !Number.isNaN(Date.parse(s)), { message: 'err.badRequest' }) });

/**
 * Changes kind, title, goal, dates and target units. The form carries `seen` (the action's
 * updated_at when it was rendered); if the action changed since, nothing is overwritten
 * (`coaching.err.staleEdit`, a 409 for the route). A unit cannot be removed while some of its
 * staff take part.
 */
export async function updateCoachingAction(db: Db, ctx: CoachingContext, id: number, input: unknown): Promise<Result<null> | null> {
  if (!canManageCoaching(ctx.user)) return null;
  const v = validate(editFields, input);
  const extra = v.ok ? await checkActionFields(db, v.value, []) : {};
  if (!v.ok && v.errors.seen) return fail('_form', 'err.badRequest');
  if (!v.ok || Object.keys(extra).length) {
    if (!(await q.findAction(db, id))) return null;
    return { ok: false, errors: merge(v, extra) };
  }
  const value = v.value;
  const now = ctx.now ?? new Date();
  const unitIds = [...new Set(value.units.map(Number))].sort((a, b) => a - b);
  return changeLocked(db, {
    lock: (trx) => q.lockAction(trx, id),
    seen: value.seen,
    staleKey: 'coaching.err.staleEdit',
    change: async (trx, a) => {
      const beforeUnits = await q.selectActionUnitIds(trx, id);
      const participants = await q.selectParticipants(trx, id);
      if (participants.some((p) => p.unit_id === null || !unitIds.includes(p.unit_id))) return fail('units', 'coaching.err.unitHasParticipants');
      const before = { kind: a.kind, title: a.title, goal: a.goal_md, starts_on: a.starts_on, ends_on: a.ends_on, unit_ids: beforeUnits };
      const after = { kind: value.kind, title: value.title, goal: value.goal, starts_on: value.starts_on, ends_on: value.ends_on, unit_ids: unitIds };
      if (JSON.stringify(before) === JSON.stringify(after)) return ok(null);
      await q.updateAction(trx, id, { kind: value.kind, title: value.title, goal_md: value.goal, goal_html: renderMarkdown(value.goal), starts_on: value.starts_on, ends_on: value.ends_on }, now);
      if (JSON.stringify(beforeUnits) !== JSON.stringify(unitIds)) await q.replaceActionUnits(trx, id, unitIds);
      await recordAudit(trx, ctx.actor, 'coaching.update', { type: AUDIT_TYPE, id }, { before, after });
      return ok(null);
    },
  });
}

/** Which status may follow which: reopening a completed action, or planning a cancelled one again, is allowed. */
const NEXT_STATUS: Record<CoachingStatus, readonly CoachingStatus[]> = {
  planned: ['in_progress', 'completed', 'cancelled'],
  in_progress: ['planned', 'completed', 'cancelled'],
  completed: ['in_progress'],
  cancelled: ['planned'],
};

export function nextStatuses(status: CoachingStatus): readonly CoachingStatus[] {
  return NEXT_STATUS[status];
}

/**
 * Changes the status. Completing sets completed_at (the evaluation compares units before and
 * after it); leaving "completed" clears it. `seen` (optional) refuses a stale change.
 */
export async function setCoachingStatus(db: Db, ctx: CoachingContext, id: number, status: string, seen: string | null = null): Promise<Result<null> | null> {
  if (!canManageCoaching(ctx.user)) return null;
  if (!COACHING_STATUSES.includes(status as CoachingStatus)) return fail('status', 'err.invalidChoice');
  const to = status as CoachingStatus;
  const now = ctx.now ?? new Date();
  return changeLocked(db, {
    lock: (trx) => q.lockAction(trx, id),
    seen: seen && !Number.isNaN(Date.parse(seen)) ? seen : null,
    staleKey: 'coaching.err.staleEdit',
    change: async (trx, a) => {
      if (a.status === to) return ok(null);
      if (!NEXT_STATUS[a.status].includes(to)) return fail('status', 'coaching.err.statusChange');
      const completedAt = to === 'completed' ? now : null;
      await q.updateAction(trx, id, { status: to, completed_at: completedAt }, now);
      await recordAudit(trx, ctx.actor, 'coaching.status', { type: AUDIT_TYPE, id }, {
        before: { status: a.status, completed_at: a.completed_at?.toISOString() ?? null },
        after: { status: to, completed_at: completedAt?.toISOString() ?? null },
      });
      return ok(null);
    },
  });
}
