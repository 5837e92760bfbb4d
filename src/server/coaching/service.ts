import type { SessionUser } from '../accounts/sessions.ts';
import type { Actor } from '../audit/service.ts';
import type { Db } from '../db/index.ts';
import { COACHING_KINDS, COACHING_STATUSES, type CoachingKind, type CoachingStatus } from '../db/schema.ts';
import { canViewFinding } from '../evaluation/permissions.ts';
import { canViewAsStaff, isPublic } from '../feedback/permissions.ts';
import type { Result } from '../forms.ts';
import { canManageCoaching, canReadProgressReport, canReportProgress, canViewCoachingAction } from './permissions.ts';
import * as q from './queries.ts';

/**
 * Coaching actions (workshops, seminars, IT-based training, mentoring) run by coordinators
 * (moderators and admins) for ASN staff of target units; the feedback items that are their
 * evidence; participants' attendance and progress reports; and each ASN person's
 * participation record. Every change runs in one transaction with its audit entry.
 * This file reads; the use cases live by topic: editing.ts (the form, create, edit, status),
 * participants.ts (participants, attendance, linked feedback), reports.ts (progress reports,
 * "my coaching" and the participation record).
 *
 * Use cases that concern one action return `null` when the person may not see that action
 * (the route answers 404), a refused Result for a bad request, or the value.
 */

export interface CoachingContext {
  user: SessionUser;
  actor: Actor;
  now?: Date;
}

export const AUDIT_TYPE = 'coaching_action';
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const ok = <T>(value: T): Result<T> => ({ ok: true, value });

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
