import { z } from 'zod';
import { formatDateTime, translator } from '../../i18n/index.ts';
import type { SessionUser } from '../accounts/sessions.ts';
import { recordAudit, SYSTEM_ACTOR, type Actor } from '../audit/service.ts';
import { holidaysAround } from '../calendar/service.ts';
import { witDate, workingDayDeadline } from '../calendar/working-days.ts';
import type { HandlingRules } from '../config.ts';
import type { Db } from '../db/index.ts';
import { changeLocked } from '../db/locked.ts';
import type { HandlingStatus } from '../db/schema.ts';
import { insertEvent } from '../feedback/queries.ts';
import { fail, validate, type Result } from '../forms.ts';
import { markdownToText, renderMarkdown } from '../markdown.ts';
import { claimDailyJob, moderatorEmails, selectOverdue, updateFeedback } from '../moderation/queries.ts';
import { notifyReporter } from '../moderation/service.ts';
import { composeEmail, enqueueEmail } from '../notifications/service.ts';
import { canAssignOfficer, canHandle, canManageTemplates } from './permissions.ts';
import * as q from './queries.ts';

/**
 * The unit's side: ASN staff of the assigned unit (and moderators) acknowledge, answer
 * publicly, keep internal notes, ask the reporter for information and mark items resolved.
 * Staff of another unit get "not found" for everything here.
 */

export interface HandlingContext {
  user: SessionUser;
  actor: Actor;
  rules: HandlingRules;
  publicUrl: string;
  now?: Date;
}

export function listInbox(db: Db, user: SessionUser, filter: Omit<q.InboxFilter, 'unitId'> & { unitId?: number | null }, now = new Date()) {
  const unitId = user.role === 'asn' ? user.unitId! : (filter.unitId ?? null);
  return q.selectInbox(db, { ...filter, unitId }, now, 200);
}

type Locked = NonNullable<Awaited<ReturnType<typeof q.lockForHandling>>>;

function onItem<T>(db: Db, ctx: HandlingContext, id: number, fn: (trx: Db, f: Locked, now: Date) => Promise<Result<T>>): Promise<Result<T> | null> {
  const now = ctx.now ?? new Date();
  return changeLocked(db, {
    lock: (trx) => q.lockForHandling(trx, id),
    // Not visible to this person: the route answers 404.
    visible: (f) => canHandle(ctx.user, f) && f.moderation_state !== 'pending' && f.moderation_state !== 'rejected',
    change: (trx, f) => fn(trx, f, now),
  });
}

const text = z.object({ text: z.string().trim().min(1, { message: 'err.textRequired' }).max(5000) });

async function changeStatus(trx: Db, ctx: HandlingContext, f: Locked, to: HandlingStatus, now: Date, extra: Parameters<typeof updateFeedback>[2] = {}) {
  await updateFeedback(trx, f.id, { status: to, ...extra }, now);
  await insertEvent(trx, { feedback_id: f.id, kind: 'status', public: true, actor_id: ctx.actor.id, actor_role: ctx.user.role, from_status: f.status, to_status: to, at: now });
  await recordAudit(trx, ctx.actor, 'feedback.status', { type: 'feedback', id: f.id }, { before: { status: f.status }, after: { status: to } });
  await notifyReporter(trx, f.id, 'feedback_status', 'email.status.subject', 'email.status.body', (t) => ({ title: f.title, status: t(`status.${to}`) }), ctx.publicUrl);
}

/** "Start handling": the item is in progress. */
export function acknowledge(db: Db, ctx: HandlingContext, id: number) {
  return onItem(db, ctx, id, async (trx, f, now) => {
    if (f.status === 'in_progress') return { ok: true, value: null };
    if (!['received', 'assigned', 'reopened'].includes(f.status)) return fail('_form', 'err.badRequest');
    await changeStatus(trx, ctx, f, 'in_progress', now);
    return { ok: true, value: null };
  });
}

/**
 * Posts the official, public answer. The first answer stops the answer clock; the
 * autoclose clock starts (closed after N working days without a reply from the reporter).
 */
export async function answer(db: Db, ctx: HandlingContext, id: number, input: unknown) {
  const v = validate(text, input);
  if (!v.ok) return v;
  const now = ctx.now ?? new Date();
  const autoclose = workingDayDeadline(now, ctx.rules.autocloseWorkingDays, await holidaysAround(db, now));
  return onItem(db, ctx, id, async (trx, f) => {
    const html = renderMarkdown(v.value.text);
    await updateFeedback(trx, f.id, { status: 'responded' }, now);
    await updateFeedback(trx, f.id, { responded_at: now, first_response_at: f.first_response_at ?? now, autoclose_at: autoclose, answer_due_at: null }, now);
    await insertEvent(trx, { feedback_id: f.id, kind: 'response', public: true, actor_id: ctx.actor.id, actor_role: ctx.user.role, from_status: f.status, to_status: 'responded', body_md: v.value.text, body_html: html, at: now });
    await recordAudit(trx, ctx.actor, 'feedback.answer', { type: 'feedback', id: f.id }, { before: { status: f.status }, after: { status: 'responded', answer: v.value.text } });
    await notifyReporter(trx, f.id, 'feedback_answer', 'email.answer.subject', 'email.answer.body', { title: f.title, unit: f.unit_short_name ?? '', answer: markdownToText(v.value.text) }, ctx.publicUrl);
    return { ok: true, value: null };
  });
}

/**
 * Adds a non-public text event by staff (an internal note, or a question to the reporter)
 * with its audit entry; `then` runs in the same transaction (e.g. the email to the reporter).
 */
async function addStaffText(
  db: Db,
  ctx: HandlingContext,
  id: number,
  input: unknown,
  kind: 'note' | 'info_request',
  auditAction: string,
  then?: (trx: Db, f: Locked, text: string) => Promise<void>,
) {
  const v = validate(text, input);
  if (!v.ok) return v;
  return onItem(db, ctx, id, async (trx, f, now) => {
    await insertEvent(trx, { feedback_id: f.id, kind, public: false, actor_id: ctx.actor.id, actor_role: ctx.user.role, body_md: v.value.text, body_html: renderMarkdown(v.value.text), at: now });
    await updateFeedback(trx, f.id, {}, now);
    await recordAudit(trx, ctx.actor, auditAction, { type: 'feedback', id: f.id });
    if (then) await then(trx, f, v.value.text);
    return { ok: true, value: null };
  });
}

/** An internal note: staff and moderators only, never the reporter or the public. */
export function addNote(db: Db, ctx: HandlingContext, id: number, input: unknown) {
  return addStaffText(db, ctx, id, input, 'note', 'feedback.note');
}

/** Asks the reporter for information (shown on their tracking page and emailed). */
export function askForInformation(db: Db, ctx: HandlingContext, id: number, input: unknown) {
  return addStaffText(db, ctx, id, input, 'info_request', 'feedback.ask_info', (trx, f, question) =>
    notifyReporter(trx, f.id, 'feedback_info_request', 'email.info.subject', 'email.info.body', { title: f.title, unit: f.unit_short_name ?? '', question: markdownToText(question) }, ctx.publicUrl),
  );
}

/** Marks the item resolved; it closes automatically after the autoclose window. */
export async function resolve(db: Db, ctx: HandlingContext, id: number) {
  const now = ctx.now ?? new Date();
  const autoclose = workingDayDeadline(now, ctx.rules.autocloseWorkingDays, await holidaysAround(db, now));
  return onItem(db, ctx, id, async (trx, f) => {
    if (f.status === 'resolved' || f.status === 'closed') return { ok: true, value: null };
    await changeStatus(trx, ctx, f, 'resolved', now, {});
    await updateFeedback(trx, f.id, { autoclose_at: autoclose, answer_due_at: null }, now);
    return { ok: true, value: null };
  });
}

/** The item as staff see it in the inbox, or null when this person may not handle it. */
export async function getForHandling(db: Db, user: SessionUser, id: number) {
  const f = await q.findForHandling(db, id);
  if (!f || !canHandle(user, f) || f.moderation_state === 'pending' || f.moderation_state === 'rejected') return null;
  return f;
}

// ---- officers within a unit

/** Whom an item of this unit may be given to (active ASN of the unit), for the form. */
export function listUnitOfficers(db: Db, unitId: number) {
  return q.selectUnitOfficers(db, unitId);
}

const officerSchema = z.object({
  officerId: z
    .string()
    .trim()
    .optional()
    .refine((v) => !v || /^[0-9a-f-]{36}$/i.test(v), { message: 'err.invalidChoice' })
    .transform((v) => v || null),
});

/**
 * Gives the item to a named officer of its unit (or, with no officer, takes it back). The
 * unit's ASN or a moderator may; the officer must be active ASN of the item's unit. Recorded
 * as a staff-only timeline event and in the audit log; the officer is emailed.
 */
export async function assignOfficer(db: Db, ctx: HandlingContext, id: number, input: unknown) {
  const v = validate(officerSchema, input);
  if (!v.ok) return v;
  return onItem(db, ctx, id, async (trx, f, now) => {
    if (!canAssignOfficer(ctx.user, f)) return fail('_form', 'err.badRequest');
    const officers = await q.selectUnitOfficers(trx, f.unit_id!);
    const officer = v.value.officerId ? officers.find((o) => o.id === v.value.officerId) : null;
    if (v.value.officerId && !officer) return fail('officerId', 'err.officerNotInUnit');
    const to = officer?.id ?? null;
    if (to === f.officer_id) return { ok: true, value: null };
    await q.setOfficer(trx, f.id, to, now);
    await insertEvent(trx, { feedback_id: f.id, kind: 'officer', public: false, actor_id: ctx.actor.id, actor_role: ctx.user.role, body_md: officer?.display_name ?? null, at: now });
    await recordAudit(trx, ctx.actor, 'feedback.assign_officer', { type: 'feedback', id: f.id }, {
      before: { officer_id: f.officer_id },
      after: { officer_id: to, officer: officer?.display_name ?? null },
    });
    if (officer && officer.id !== ctx.user.id) {
      await enqueueEmail(
        trx,
        officer.email,
        officer.locale,
        'feedback_officer',
        composeEmail(officer.locale, 'email.officer.subject', 'email.officer.body', {
          title: f.title,
          unit: f.unit_short_name ?? '',
          by: ctx.user.displayName,
          link: `${ctx.publicUrl}/kotak-masuk/${f.id}`,
        }),
      );
    }
    return { ok: true, value: null };
  });
}

/** Items given to one officer and how many got an official answer (participation record). */
export function officerWorkload(db: Db, userId: string) {
  return q.countOfficerItems(db, userId);
}

// ---- templates

const templateSchema = z.object({
  title: z.string().trim().min(1, { message: 'err.templateTitle' }).max(100),
  body: z.string().trim().min(1, { message: 'err.textRequired' }).max(5000),
});

export function listTemplates(db: Db, unitId: number | null) {
  return q.selectTemplates(db, unitId);
}

export async function createTemplate(db: Db, user: SessionUser, actor: Actor, unitId: number, input: unknown): Promise<Result<number>> {
  if (!canManageTemplates(user, unitId)) return fail('_form', 'err.notYourUnit');
  const v = validate(templateSchema, input);
  if (!v.ok) return v;
  return db.transaction().execute(async (trx) => {
    const id = await q.insertTemplate(trx, { unit_id: unitId, title: v.value.title, body_md: v.value.body, created_by: user.id });
    await recordAudit(trx, actor, 'template.create', { type: 'answer_template', id }, { after: { unit_id: unitId, title: v.value.title } });
    return { ok: true as const, value: id };
  });
}

export async function removeTemplate(db: Db, user: SessionUser, actor: Actor, id: number): Promise<Result<null>> {
  const t = await q.findTemplate(db, id);
  if (!t || t.unit_id === null || !canManageTemplates(user, t.unit_id)) return fail('_form', 'err.notYourUnit');
  await db.transaction().execute(async (trx) => {
    await q.deleteTemplate(trx, id);
    await recordAudit(trx, actor, 'template.delete', { type: 'answer_template', id }, { before: { unit_id: t.unit_id, title: t.title } });
  });
  return { ok: true, value: null };
}

export async function templateBody(db: Db, user: SessionUser, id: number): Promise<string | null> {
  const t = await q.findTemplate(db, id);
  if (!t) return null;
  if (t.unit_id !== null && !canManageTemplates(user, t.unit_id)) return null;
  return t.body_md;
}

// ---- background jobs

/** Closes answered items nobody replied to within the window. Safe in several processes. */
export async function autocloseDue(db: Db, publicUrl: string, now = new Date()): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const due = await q.selectDueForAutoclose(trx, now, 100);
    for (const f of due) {
      await updateFeedback(trx, f.id, { status: 'closed', closed_at: now, autoclose_at: null }, now);
      await insertEvent(trx, { feedback_id: f.id, kind: 'closed', public: true, actor_role: 'system', from_status: f.status, to_status: 'closed', at: now });
      await recordAudit(trx, SYSTEM_ACTOR, 'feedback.autoclose', { type: 'feedback', id: f.id }, { before: { status: f.status }, after: { status: 'closed' } });
      await notifyReporter(trx, f.id, 'feedback_status', 'email.status.subject', 'email.status.body', (t) => ({ title: f.title, status: t('status.closed') }), publicUrl);
    }
    return due.length;
  });
}

/**
 * Once a day (after the configured hour, WIT), every moderator gets the list of overdue
 * items. The day is claimed in job_runs first, so only one process sends it.
 */
export async function sendOverdueDigest(db: Db, rules: HandlingRules, publicUrl: string, now = new Date()): Promise<number> {
  const witHour = (now.getUTCHours() + 9) % 24;
  if (witHour < rules.digestHourWit) return 0;
  return db.transaction().execute(async (trx) => {
    if (!(await claimDailyJob(trx, 'overdue_digest', witDate(now)))) return 0;
    const overdue = await selectOverdue(trx, now, 200);
    if (overdue.length === 0) return 0;
    const mods = await moderatorEmails(trx);
    for (const m of mods) {
      const t = translator(m.locale);
      const list = overdue
        .map((f) => `- No. ${f.id}: ${f.title} (${f.unit_short_name ?? '—'}; ${t(`status.${f.status}`)}; ${formatDateTime((f.moderation_state === 'pending' ? f.verify_due_at : f.answer_due_at) ?? now, m.locale)})`)
        .join('\n');
      await enqueueEmail(trx, m.email, m.locale, 'overdue_digest', composeEmail(m.locale, 'email.digest.subject', 'email.digest.body', { count: overdue.length, list, link: `${publicUrl}/moderasi/tenggat` }));
    }
    return mods.length;
  });
}
