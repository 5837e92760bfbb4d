import { z } from 'zod';
import type { HandlingRules } from '../config.ts';
import { recordAudit, type Actor } from '../audit/service.ts';
import { holidaysAround } from '../calendar/service.ts';
import { workingDayDeadline } from '../calendar/working-days.ts';
import type { Db } from '../db/index.ts';
import { changeLocked } from '../db/locked.ts';
import { FEEDBACK_KINDS, PRIORITIES, REJECT_REASONS, type FeedbackKind, type Priority, type RejectReason, type Sector } from '../db/schema.ts';
import { findArea, findUnit, insertEvent } from '../feedback/queries.ts';
import { fail, validate, type Result } from '../forms.ts';
import { renderMarkdown } from '../markdown.ts';
import { composeEmail, enqueueEmail } from '../notifications/service.ts';
// Tells the reporter (contact details, or account unless anonymous) on their chosen channels, in their language.
import { notifyReporterChannels as notifyReporter } from '../messaging/reporter.ts';
import { canForward, canMakeConfidential, canPublish } from './permissions.ts';
import * as q from './queries.ts';

/**
 * Triage by moderators. Every step: locks the row, refuses a stale edit (the item changed
 * since the moderator's page was rendered: nothing is overwritten), writes a timeline event
 * and an audit entry in the same transaction, and queues the emails it causes.
 */

export interface ModerationContext {
  actor: Actor;
  rules: HandlingRules;
  publicUrl: string;
  now?: Date;
}

export function listQueue(db: Db, filter: q.QueueFilter, now = new Date(), limit = 100) {
  return q.selectPending(db, filter, now, limit);
}

export const listOverdue = (db: Db, now = new Date(), limit = 200) => q.selectOverdue(db, now, limit);
export const listOpenFlags = (db: Db, limit = 100) => q.selectOpenFlags(db, limit);
export const listRedactions = q.selectRedactions;

type Locked = NonNullable<Awaited<ReturnType<typeof q.lockForModeration>>>;

/** Runs one moderation step on a locked, fresh row. */
async function step<T>(
  db: Db,
  id: number,
  seenUpdatedAt: Date | null,
  fn: (trx: Db, f: Locked) => Promise<Result<T>>,
): Promise<Result<T>> {
  const r = await changeLocked(db, { lock: (trx) => q.lockForModeration(trx, id), seen: seenUpdatedAt, change: fn });
  return r ?? fail('_form', 'err.badRequest');
}

const rejectSchema = z.object({
  reason: z.enum(REJECT_REASONS as [RejectReason, ...RejectReason[]], { message: 'err.rejectReason' }),
  note: z.string().trim().max(1000).optional().transform((v) => v || null),
  duplicateOf: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v.replace(/\D/g, '') : ''))
    .refine((v) => v === '' || /^\d{1,15}$/.test(v), { message: 'err.invalidChoice' }),
});

/**
 * Publishes (verifies) a pending or hidden item. When the reporter named a unit and nobody
 * assigned one yet, verifying also forwards it there: the unit's answer clock starts and its
 * staff are told, as with an explicit assignment.
 */
export async function publishFeedback(db: Db, ctx: ModerationContext, id: number, seen: Date | null): Promise<Result<null>> {
  const now = ctx.now ?? new Date();
  const due = workingDayDeadline(now, ctx.rules.answerWorkingDays, await holidaysAround(db, now));
  return step(db, id, seen, async (trx, f) => {
    if (f.moderation_state === 'published') return { ok: true, value: null };
    if (!canPublish(f)) return fail('_form', 'err.rejectedItem');
    await q.updateFeedback(trx, id, { moderation_state: 'published', published_at: now, hidden_by_flags: false, reject_reason: null, reject_note: null }, now);
    // Verification comes first in the timeline, then the forwarding it causes.
    await insertEvent(trx, { feedback_id: id, kind: 'published', public: true, actor_id: ctx.actor.id, actor_role: 'moderator', at: now });
    if (f.unit_id !== null && !f.assigned_at && f.status === 'received') await forward(trx, ctx, f, f.unit_id, due, now);
    if (f.hidden_by_flags) await q.resolveFlags(trx, id, ctx.actor.id, 'kept', now);
    await recordAudit(trx, ctx.actor, 'feedback.publish', { type: 'feedback', id }, { before: { moderation_state: f.moderation_state }, after: { moderation_state: 'published' } });
    await notifyReporter(trx, id, 'feedback_published', 'email.published.subject', 'email.published.body', { title: f.title }, ctx.publicUrl);
    return { ok: true, value: null };
  });
}

/**
 * Rejects with a reason the reporter is told: spam, abusive, incomplete (asks for
 * information), not within the city's authority (with guidance), or duplicate (linked to
 * the original, whose supports it joins).
 */
export async function rejectFeedback(db: Db, ctx: ModerationContext, id: number, seen: Date | null, input: unknown): Promise<Result<null>> {
  const v = validate(rejectSchema, input);
  if (!v.ok) return v;
  const { reason, note } = v.value;
  const originalId = v.value.duplicateOf ? Number(v.value.duplicateOf) : null;
  if (reason === 'duplicate' && !originalId) return fail('duplicateOf', 'err.duplicateOfRequired');
  if (reason === 'not_authority' && !note) return fail('note', 'err.guidanceRequired');
  if (originalId === id) return fail('duplicateOf', 'err.invalidChoice');
  const now = ctx.now ?? new Date();
  return step(db, id, seen, async (trx, f) => {
    let original: { id: number; title: string } | undefined;
    if (reason === 'duplicate') {
      original = await q.findPublishedTitle(trx, originalId!);
      if (!original) return fail('duplicateOf', 'err.duplicateOfUnknown');
    }
    // A rejected item leaves every clock: it is not overdue for anyone.
    await q.updateFeedback(trx, id, { moderation_state: 'rejected', reject_reason: reason, reject_note: note, duplicate_of: original?.id ?? null, answer_due_at: null }, now);
    const noteMd = note ?? '';
    await insertEvent(trx, {
      feedback_id: id,
      kind: reason === 'duplicate' ? 'duplicate' : 'rejected',
      public: true,
      actor_id: ctx.actor.id,
      actor_role: 'moderator',
      body_md: noteMd || null,
      body_html: noteMd ? renderMarkdown(noteMd) : null,
      at: now,
    });
    let supports: number | null = null;
    if (original) supports = await q.mergeSupports(trx, id, original.id);
    await recordAudit(trx, ctx.actor, 'feedback.reject', { type: 'feedback', id }, {
      before: { moderation_state: f.moderation_state },
      after: { moderation_state: 'rejected', reason, note, duplicate_of: original?.id ?? null, original_supports: supports },
    });
    await notifyReporter(trx, id, 'feedback_rejected', 'email.rejected.subject', `email.rejected.${reason}`, { title: f.title, note: note ?? '', original: original ? `${ctx.publicUrl}/masukan/${original.id}` : '' }, ctx.publicUrl);
    return { ok: true, value: null };
  });
}

/** Assigns (or reassigns) the unit; the first-answer clock starts; the unit's staff are told. */
export async function assignFeedback(db: Db, ctx: ModerationContext, id: number, seen: Date | null, input: unknown): Promise<Result<null>> {
  const v = validate(z.object({ unitId: z.string().regex(/^\d{1,9}$/, { message: 'err.unitChoose' }) }), input);
  if (!v.ok) return v;
  const unit = await findUnit(db, Number(v.value.unitId));
  if (!unit) return fail('unitId', 'err.invalidChoice');
  const now = ctx.now ?? new Date();
  const due = workingDayDeadline(now, ctx.rules.answerWorkingDays, await holidaysAround(db, now));
  return step(db, id, seen, async (trx, f) => {
    if (!canForward(f)) return fail('_form', 'err.rejectedItem');
    if (f.unit_id === unit.id && f.assigned_at) return { ok: true, value: null };
    await forward(trx, ctx, f, unit.id, due, now);
    return { ok: true, value: null };
  });
}

/** Gives the item to a unit: status, answer deadline (none once answered), event, audit, staff emails. */
async function forward(trx: Db, ctx: ModerationContext, f: Locked, unitId: number, due: Date, now: Date): Promise<void> {
  const unit = (await findUnit(trx, unitId))!;
  const status = f.first_response_at ? f.status : f.status === 'received' || f.status === 'assigned' ? 'assigned' : f.status;
  const answerDue = f.first_response_at ? null : due;
  // An officer belongs to one unit: moving the item to another unit takes it back from them.
  const officer = f.unit_id === unit.id ? f.officer_id : null;
  await q.updateFeedback(trx, f.id, { unit_id: unit.id, sector: unit.sector as Sector, status, assigned_at: now, answer_due_at: answerDue, officer_id: officer }, now);
  if (f.officer_id && !officer) {
    await insertEvent(trx, { feedback_id: f.id, kind: 'officer', public: false, actor_id: ctx.actor.id, actor_role: 'moderator', body_md: null, at: now });
  }
  await insertEvent(trx, { feedback_id: f.id, kind: 'assigned', public: true, actor_id: ctx.actor.id, actor_role: 'moderator', from_status: f.status, to_status: status, body_md: unit.short_name, at: now });
  await recordAudit(trx, ctx.actor, 'feedback.assign', { type: 'feedback', id: f.id }, {
    before: { unit_id: f.unit_id, status: f.status, officer_id: f.officer_id },
    after: { unit_id: unit.id, status, answer_due_at: answerDue?.toISOString() ?? null, officer_id: officer },
  });
  for (const s of await q.staffEmailsOfUnit(trx, unit.id)) {
    await enqueueEmail(trx, s.email, s.locale, 'feedback_assigned', composeEmail(s.locale, 'email.assigned.subject', 'email.assigned.body', { title: f.title, unit: unit.short_name, link: `${ctx.publicUrl}/kotak-masuk/${f.id}` }));
  }
}

const factsSchema = z.object({
  kind: z.enum(FEEDBACK_KINDS as [FeedbackKind, ...FeedbackKind[]], { message: 'err.kindRequired' }),
  priority: z.enum(PRIORITIES as [Priority, ...Priority[]], { message: 'err.invalidChoice' }),
  area: z.string().trim().optional().refine((v) => !v || /^\d{1,9}$/.test(v), { message: 'err.invalidChoice' }),
});

/** Corrects kind, area and priority. */
export async function correctFeedback(db: Db, ctx: ModerationContext, id: number, seen: Date | null, input: unknown): Promise<Result<null>> {
  const v = validate(factsSchema, input);
  if (!v.ok) return v;
  const area = v.value.area ? await findArea(db, Number(v.value.area)) : null;
  if (v.value.area && !area) return fail('area', 'err.invalidChoice');
  const now = ctx.now ?? new Date();
  return step(db, id, seen, async (trx, f) => {
    const after = { kind: v.value.kind, priority: v.value.priority, area_id: area?.id ?? null };
    const before = { kind: f.kind, priority: f.priority, area_id: f.area_id };
    if (JSON.stringify(before) === JSON.stringify(after)) return { ok: true, value: null };
    // Without a kelurahan/desa/negeri the kecamatan given at submission stays.
    await q.updateFeedback(trx, id, { ...after, kecamatan_code: area?.kecamatan_code ?? f.kecamatan_code }, now);
    await insertEvent(trx, { feedback_id: id, kind: 'updated', public: false, actor_id: ctx.actor.id, actor_role: 'moderator', at: now });
    await recordAudit(trx, ctx.actor, 'feedback.correct', { type: 'feedback', id }, { before, after });
    return { ok: true, value: null };
  });
}

const redactSchema = z.object({
  title: z.string().trim().min(1).max(150),
  body: z.string().trim().min(1).max(5000),
  location: z.string().trim().max(200).optional().transform((v) => v || null),
});

/**
 * Redacts personal data or officer names from the text. The original is kept in
 * feedback_redactions (and the audit log) for the record; the public sees only the new text.
 */
export async function redactFeedback(db: Db, ctx: ModerationContext, id: number, seen: Date | null, input: unknown): Promise<Result<null>> {
  const v = validate(redactSchema, input);
  if (!v.ok) return v;
  const now = ctx.now ?? new Date();
  return step(db, id, seen, async (trx, f) => {
    const changes: Array<{ field: 'title' | 'body' | 'location'; original: string; redacted: string }> = [];
    if (v.value.title !== f.title) changes.push({ field: 'title', original: f.title, redacted: v.value.title });
    if (v.value.body !== f.body_md) changes.push({ field: 'body', original: f.body_md, redacted: v.value.body });
    if ((v.value.location ?? '') !== (f.location_text ?? '')) changes.push({ field: 'location', original: f.location_text ?? '', redacted: v.value.location ?? '' });
    if (changes.length === 0) return { ok: true, value: null };
    for (const c of changes) await q.insertRedaction(trx, { feedback_id: id, actor_id: ctx.actor.id, ...c });
    await q.updateFeedback(trx, id, { title: v.value.title, body_md: v.value.body, body_html: renderMarkdown(v.value.body), location_text: v.value.location }, now);
    await insertEvent(trx, { feedback_id: id, kind: 'redacted', public: false, actor_id: ctx.actor.id, actor_role: 'moderator', at: now });
    await recordAudit(trx, ctx.actor, 'feedback.redact', { type: 'feedback', id }, {
      before: Object.fromEntries(changes.map((c) => [c.field, c.original])),
      after: Object.fromEntries(changes.map((c) => [c.field, c.redacted])),
    });
    return { ok: true, value: null };
  });
}

/** Hides or shows one photo. */
export async function setPhotoVisibility(db: Db, ctx: ModerationContext, photoId: number, hidden: boolean): Promise<Result<null>> {
  const photo = await q.selectPhoto(db, photoId);
  if (!photo) return fail('_form', 'err.badRequest');
  if (photo.hidden === hidden) return { ok: true, value: null };
  const now = ctx.now ?? new Date();
  await db.transaction().execute(async (trx) => {
    await q.setPhotoHidden(trx, photoId, hidden);
    await insertEvent(trx, { feedback_id: photo.feedback_id, kind: hidden ? 'hidden' : 'shown', public: false, actor_id: ctx.actor.id, actor_role: 'moderator', at: now });
    await q.updateFeedback(trx, photo.feedback_id, {}, now);
    await recordAudit(trx, ctx.actor, hidden ? 'photo.hide' : 'photo.show', { type: 'feedback_photo', id: photoId }, { before: { hidden: photo.hidden }, after: { hidden } });
  });
  return { ok: true, value: null };
}

/** Makes an item confidential: off the public board, search and API from now on. */
export function makeConfidential(db: Db, ctx: ModerationContext, id: number, seen: Date | null): Promise<Result<null>> {
  const now = ctx.now ?? new Date();
  return step(db, id, seen, async (trx, f) => {
    if (f.confidential) return { ok: true, value: null };
    if (!canMakeConfidential(f)) return fail('_form', 'err.rejectedItem');
    await q.updateFeedback(trx, id, { confidential: true }, now);
    await insertEvent(trx, { feedback_id: id, kind: 'confidential', public: false, actor_id: ctx.actor.id, actor_role: 'moderator', at: now });
    await recordAudit(trx, ctx.actor, 'feedback.make_confidential', { type: 'feedback', id }, { before: { confidential: false }, after: { confidential: true } });
    return { ok: true, value: null };
  });
}

/** Decides on flagged content: keep it (flags resolved, shown again) or hide it. */
export function resolveFlagged(db: Db, ctx: ModerationContext, id: number, decision: 'keep' | 'hide'): Promise<Result<null>> {
  const now = ctx.now ?? new Date();
  return step(db, id, null, async (trx, f) => {
    // No open flags left: another moderator decided since this page was rendered.
    if ((await q.countOpenFlags(trx, id)) === 0) return fail('_form', 'err.staleEdit');
    const state = decision === 'hide' ? 'hidden' : f.moderation_state === 'hidden' ? 'published' : f.moderation_state;
    await q.updateFeedback(trx, id, { moderation_state: state, hidden_by_flags: false }, now);
    const n = await q.resolveFlags(trx, id, ctx.actor.id, decision === 'hide' ? 'hidden' : 'kept', now);
    await recordAudit(trx, ctx.actor, `flag.${decision}`, { type: 'feedback', id }, { before: { moderation_state: f.moderation_state, open_flags: n }, after: { moderation_state: state } });
    return { ok: true, value: null };
  });
}

/**
 * Counts distinct established flaggers after a new flag (q.countEstablishedFlaggers): at the
 * threshold, published content is hidden until a moderator decides, and its author is told.
 * Other flags never hide anything; they put the item in the moderators' flag queue.
 */
export async function applyFlagThreshold(db: Db, id: number, rules: HandlingRules, publicUrl: string, now = new Date()): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const f = await q.lockForModeration(trx, id);
    if (!f || f.moderation_state !== 'published') return false;
    if ((await q.countEstablishedFlaggers(trx, id, now, rules.flagEstablishedDays)) < rules.flagHideThreshold) return false;
    await q.updateFeedback(trx, id, { moderation_state: 'hidden', hidden_by_flags: true }, now);
    await insertEvent(trx, { feedback_id: id, kind: 'hidden', public: false, actor_role: 'system', at: now });
    await recordAudit(trx, { id: null, label: 'system (flag threshold)', ip: null }, 'feedback.hide_by_flags', { type: 'feedback', id }, {
      before: { moderation_state: 'published' },
      after: { moderation_state: 'hidden', threshold: rules.flagHideThreshold },
    });
    await notifyReporter(trx, id, 'feedback_hidden', 'email.hidden.subject', 'email.hidden.body', { title: f.title }, publicUrl);
    return true;
  });
}

/** The reporter's contact mailer, shared with the unit inbox. */
export { notifyReporter };

/** Publish, or reject as spam; for callers that only decide yes or no (the demo, tests). */
export async function decideFeedback(db: Db, actor: Actor, id: number, decision: 'publish' | 'reject', seen: Date | null, now = new Date()): Promise<Result<null>> {
  const { getConfig } = await import('../config.ts');
  const config = getConfig();
  const ctx: ModerationContext = { actor, rules: config.handling, publicUrl: config.publicUrl, now };
  return decision === 'publish' ? publishFeedback(db, ctx, id, seen) : rejectFeedback(db, ctx, id, seen, { reason: 'spam' });
}
