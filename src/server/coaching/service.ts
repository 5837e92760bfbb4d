import { z } from 'zod';
import type { SessionUser } from '../accounts/sessions.ts';
import { recordAudit, type Actor } from '../audit/service.ts';
import type { Db } from '../db/index.ts';
import { COACHING_KINDS, COACHING_STATUSES, type CoachingKind, type CoachingStatus } from '../db/schema.ts';
import { canViewFinding } from '../evaluation/permissions.ts';
import { canViewAsStaff, isPublic } from '../feedback/permissions.ts';
import { fail, validate, type FieldErrors, type Result } from '../forms.ts';
import { isValidDate } from '../http/input.ts';
import { renderMarkdown } from '../markdown.ts';
import { canManageCoaching, canReadProgressReport, canReportProgress, canViewCoachingAction } from './permissions.ts';
import { officerWorkload } from '../handling/service.ts';
import * as q from './queries.ts';

/**
 * Coaching actions (workshops, seminars, IT-based training, mentoring) run by coordinators
 * (moderators and admins) for ASN staff of target units; the feedback items that are their
 * evidence; participants' attendance and progress reports; and each ASN person's
 * participation record. Every change runs in one transaction with its audit entry.
 *
 * Use cases that concern one action return `null` when the person may not see that action
 * (the route answers 404), a refused Result for a bad request, or the value.
 */

export interface CoachingContext {
  user: SessionUser;
  actor: Actor;
  now?: Date;
}

const AUDIT_TYPE = 'coaching_action';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ok = <T>(value: T): Result<T> => ({ ok: true, value });

// ---- form input

/** The form fields that may repeat (checkbox groups, the feedback ids carried through). */
const LIST_FIELDS = ['units', 'participants', 'masukan'] as const;

/**
 * A coaching form → plain object: strings, except the repeatable fields, which are arrays
 * (`masukan` also accepts comma-separated ids, as in /pembinaan/baru?masukan=1,2,3).
 */
export function coachingFormInput(form: FormData | URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of form.entries()) {
    if (typeof v !== 'string') continue;
    if ((LIST_FIELDS as readonly string[]).includes(k)) {
      const list = (out[k] as string[] | undefined) ?? [];
      const parts = k === 'masukan' ? v.split(',') : [v];
      for (const p of parts.map((s) => s.trim()).filter(Boolean)) if (!list.includes(p)) list.push(p);
      out[k] = list;
    } else out[k] = v;
  }
  return out;
}

/** A real calendar date written YYYY-MM-DD (no 2026-02-30, no year 0000, which PostgreSQL refuses). */
const isCalendarDate = isValidDate;

const dateField = z
  .string({ message: 'coaching.err.date' })
  .trim()
  .refine(isCalendarDate, { message: 'coaching.err.date' });
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

// ---- listing and reading

export interface ActionListFilter {
  status?: CoachingStatus;
  kind?: CoachingKind;
  unitId?: number;
}

/** Coordinators' list: newest first, with target units and counts of linked feedback and participants. */
export async function listCoachingActions(db: Db, filter: ActionListFilter, limit = 200) {
  const rows = await q.selectActions(db, filter, limit);
  const units = await q.selectActionUnits(db, rows.map((r) => r.id));
  return rows.map((r) => ({ ...r, units: units.filter((u) => u.action_id === r.id).map((u) => ({ id: u.id, short_name: u.short_name })) }));
}

/** Parses the list filters of /pembinaan from the query string; unknown values are ignored. */
export function parseActionFilter(sp: URLSearchParams): ActionListFilter {
  const status = sp.get('status');
  const kind = sp.get('jenis');
  const unit = sp.get('unit') ?? '';
  return {
    status: COACHING_STATUSES.includes(status as CoachingStatus) ? (status as CoachingStatus) : undefined,
    kind: COACHING_KINDS.includes(kind as CoachingKind) ? (kind as CoachingKind) : undefined,
    unitId: /^\d{1,9}$/.test(unit) ? Number(unit) : undefined,
  };
}

/**
 * One action as `user` may see it, or null. Coordinators see everything, with the ASN of the
 * target units who could still be added. A participant sees the action, their own attendance
 * and report, and only the evidence they could open anyway (public items, or their unit's).
 */
export async function getCoachingAction(db: Db, user: SessionUser | null, id: number) {
  const action = await q.findAction(db, id);
  if (!action) return null;
  const participants = await q.selectParticipants(db, id);
  if (!canViewCoachingAction(user, { participantIds: participants.map((p) => p.user_id) })) return null;
  const coordinator = canManageCoaching(user);
  const [units, linked, reports, commitment, finding] = await Promise.all([
    q.selectActionUnits(db, [id]),
    q.selectLinkedFeedback(db, id),
    q.selectReports(db, id, coordinator ? null : user!.id),
    action.commitment_id ? q.findCommitment(db, action.commitment_id) : null,
    action.finding_id ? q.findFinding(db, action.finding_id) : null,
  ]);
  const unitIds = units.map((u) => u.id);
  const candidates = coordinator ? (await q.selectAsn(db, unitIds)).filter((c) => !participants.some((p) => p.user_id === c.id)) : [];
  const evidence = linked
    .filter((f) => coordinator || isPublic(f) || canViewAsStaff(user, f))
    .map((f) => ({ ...f, public: isPublic(f), href: isPublic(f) ? `/masukan/${f.id}` : coordinator ? `/moderasi/${f.id}` : `/kotak-masuk/${f.id}` }));
  return {
    action,
    coordinator,
    units: units.map((u) => ({ id: u.id, short_name: u.short_name, slug: u.slug })),
    participants: coordinator ? participants : participants.filter((p) => p.user_id === user!.id),
    candidates,
    evidence,
    reports: reports.filter((r) => canReadProgressReport(user, r.user_id)),
    commitment: commitment ?? null,
    // A finding is read by coordinators and its unit's staff only (a joint action has participants of other units).
    finding: finding && canViewFinding(user, finding) ? finding : null,
    /** Whether this viewer writes a progress report here. */
    canReport: canReportProgress(user, participants.some((p) => p.user_id === user?.id) ? { userId: user!.id, actionStatus: action.status } : null),
  };
}

export type CoachingActionView = NonNullable<Awaited<ReturnType<typeof getCoachingAction>>>;

/** Units and ASN staff for the create and edit forms. */
export async function coachingFormOptions(db: Db) {
  const [units, asn] = await Promise.all([q.selectUnitsForForm(db), q.selectAsn(db)]);
  return { units, asn };
}

export interface PrefillQuery {
  feedbackIds: number[];
  commitmentId: number | null;
  findingId: number | null;
}

/** Reads the prefill parameters of /pembinaan/baru: masukan (repeated or comma-separated), dari_komitmen, dari_temuan. */
export function parsePrefillQuery(sp: URLSearchParams): PrefillQuery {
  const ids = (coachingFormInput(sp).masukan as string[] | undefined) ?? [];
  const one = (name: string) => (/^\d{1,15}$/.test(sp.get(name) ?? '') ? Number(sp.get(name)) : null);
  return { feedbackIds: ids.filter((s) => /^\d{1,15}$/.test(s)).map(Number).slice(0, 100), commitmentId: one('dari_komitmen'), findingId: one('dari_temuan') };
}

/**
 * What /pembinaan/baru starts with: the feedback to link (existing ones only), and, from a
 * forum commitment (its unit, its text as the goal, its cited feedback) or an evaluation
 * finding (its unit, title and text, its feedback), the values of the form.
 */
export async function prefillCoachingAction(db: Db, query: PrefillQuery) {
  const commitment = query.commitmentId ? ((await q.findCommitment(db, query.commitmentId)) ?? null) : null;
  const finding = query.findingId ? ((await q.findFinding(db, query.findingId)) ?? null) : null;
  const existingAction = commitment ? ((await q.findActionByCommitment(db, commitment.id)) ?? null) : null;
  const ids = new Set(query.feedbackIds);
  if (commitment) for (const id of await q.selectCommitmentFeedbackIds(db, commitment.id)) ids.add(id);
  if (finding) for (const id of await q.selectFindingFeedbackIds(db, finding.id)) ids.add(id);
  const feedback = await q.selectFeedbackByIds(db, [...ids]);
  const values: Record<string, string | string[]> = {};
  const units = new Set<number>();
  if (commitment) {
    units.add(commitment.unit_id);
    values.goal = commitment.body_md;
    values.title = `${commitment.forum_title}: ${commitment.unit_short_name}`.slice(0, 200);
  }
  if (finding) {
    units.add(finding.unit_id);
    values.title = finding.title.slice(0, 200);
    values.goal = finding.body_md;
  }
  // Feedback given without an origin suggests its units.
  if (!commitment && !finding) for (const f of feedback) if (f.unit_id !== null) units.add(f.unit_id);
  values.units = [...units].map(String);
  return { values, feedback, commitment, finding, existingAction };
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
  return db.transaction().execute(async (trx) => {
    const a = await q.lockAction(trx, id);
    if (!a) return null;
    if (a.updated_at.getTime() !== new Date(value.seen).getTime()) return fail('_form', 'coaching.err.staleEdit');
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
  return db.transaction().execute(async (trx) => {
    const a = await q.lockAction(trx, id);
    if (!a) return null;
    if (seen && !Number.isNaN(Date.parse(seen)) && a.updated_at.getTime() !== new Date(seen).getTime()) return fail('_form', 'coaching.err.staleEdit');
    if (a.status === to) return ok(null);
    if (!NEXT_STATUS[a.status].includes(to)) return fail('status', 'coaching.err.statusChange');
    const completedAt = to === 'completed' ? now : null;
    await q.updateAction(trx, id, { status: to, completed_at: completedAt }, now);
    await recordAudit(trx, ctx.actor, 'coaching.status', { type: AUDIT_TYPE, id }, {
      before: { status: a.status, completed_at: a.completed_at?.toISOString() ?? null },
      after: { status: to, completed_at: completedAt?.toISOString() ?? null },
    });
    return ok(null);
  });
}

// ---- participants

type LockedAction = NonNullable<Awaited<ReturnType<typeof q.lockAction>>>;

/** Runs a coordinator's change on a locked action; null when the action does not exist or the person is no coordinator. */
function onAction<T>(db: Db, ctx: CoachingContext, id: number, fn: (trx: Db, a: LockedAction, now: Date) => Promise<Result<T>>): Promise<Result<T> | null> {
  if (!canManageCoaching(ctx.user)) return Promise.resolve(null);
  const now = ctx.now ?? new Date();
  return db.transaction().execute(async (trx) => {
    const a = await q.lockAction(trx, id);
    if (!a) return null;
    return fn(trx, a, now);
  });
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

// ---- for the evaluation and forum domains

/** Completed actions with their target units (the evaluation compares units before and after). */
export async function listCompletedActionsWithUnits(
  db: Db,
): Promise<Array<{ id: number; title: string; kind: string; starts_on: string; ends_on: string; completed_at: Date | null; unit_ids: number[] }>> {
  const rows = await q.selectCompletedActions(db);
  const units = await q.selectActionUnits(db, rows.map((r) => r.id));
  return rows.map((r) => ({ ...r, unit_ids: units.filter((u) => u.action_id === r.id).map((u) => u.id).sort((a, b) => a - b) }));
}

/** The action each forum commitment became (at most one per commitment). */
export async function coachingActionForCommitments(db: Db, commitmentIds: number[]): Promise<Map<number, { id: number; title: string; status: string }>> {
  const rows = await q.selectActionsByCommitments(db, commitmentIds);
  return new Map(rows.map((r) => [r.commitment_id!, { id: r.id, title: r.title, status: r.status }]));
}
