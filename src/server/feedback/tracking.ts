import { z } from 'zod';
import type { RequestContext } from '../accounts/service.ts';
import type { SessionUser } from '../accounts/sessions.ts';
import { holidaysAround } from '../calendar/service.ts';
import { workingDayDeadline } from '../calendar/working-days.ts';
import type { Db } from '../db/index.ts';
import type { HandlingStatus, RejectReason } from '../db/schema.ts';
import { fail, optionalText, type Result } from '../forms.ts';
import { renderMarkdown } from '../markdown.ts';
import { hit, RATE_RULES } from '../rate-limit/service.ts';
import { canSupport } from './permissions.ts';
import * as q from './queries.ts';
import { normalizeTrackingCode, trackingHash } from './tracking-code.ts';
import { validate } from '../forms.ts';
import { publicFields, type PublicFeedback } from './service.ts';

/**
 * What the reporter does with their item, by tracking code or signed in as its author: look it
 * up, add information, rate the answer, reopen; and anyone's "this happened to me too".
 */

/**
 * Default working days after closing during which the reporter may reopen; pages pass the
 * configured AUTOCLOSE_WORKING_DAYS (`ctx.rules.autocloseWorkingDays`).
 */
export const REOPEN_WORKING_DAYS = 10;

/**
 * Who the reporter is when they act on their item: the tracking code (anyone holding it), or
 * the signed-in author of the item (their own account: /masukan/saya/<no>). Both reach the
 * same use cases below; an author reference for someone else's item resolves to nothing.
 */
export type ReporterRef = string | { feedbackId: number; authorId: string };

export interface TrackingView {
  feedback: PublicFeedback;
  /** Why moderators rejected it (shown to the reporter only). */
  rejectReason: RejectReason | null;
  rejectNote: string | null;
  events: Awaited<ReturnType<typeof q.selectEvents>>;
  photos: Awaited<ReturnType<typeof q.selectPhotos>>;
  rating: Awaited<ReturnType<typeof q.selectRating>> | null;
  canRate: boolean;
  canReopen: boolean;
  reopenUntil: Date | null;
}

const RATEABLE: HandlingStatus[] = ['responded', 'resolved', 'closed'];

/**
 * The last instant the reporter may say "not solved": the end of the reopen window (that many
 * working days) after closing. A resolved item closes at its autoclose time, so its window
 * already runs from the moment it is marked resolved until that many working days after
 * it closes. Null when the item is neither resolved nor closed.
 */
async function reopenDeadline(
  db: Db,
  f: { status: HandlingStatus; closed_at: Date | null; autoclose_at: Date | null },
  windowDays: number,
): Promise<Date | null> {
  const closes = f.status === 'closed' ? f.closed_at : f.status === 'resolved' ? f.autoclose_at : null;
  if (!closes) return null;
  return workingDayDeadline(closes, windowDays, await holidaysAround(db, closes));
}

/**
 * Looks a tracking code up, counting the attempt against the client's limit first: every
 * wrong or malformed code gets the same "not found", so codes cannot be probed.
 */
export async function lookupTrackingCode(db: Db, ctx: RequestContext, input: string): Promise<Result<{ code: string; feedbackId: number }>> {
  const limit = await hit(db, [[RATE_RULES.trackPerAddress, ctx.ip ?? 'unknown']]);
  if (!limit.ok) return fail('code', 'err.rateLimited', { seconds: limit.retryAfterSeconds });
  const code = normalizeTrackingCode(input);
  const row = code ? await q.findFeedbackByTrackingHash(db, trackingHash(code)) : undefined;
  if (!code || !row) return fail('code', 'err.trackingNotFound');
  return { ok: true, value: { code, feedbackId: row.id } };
}

/** The feedback id behind a tracking code, or null. */
export function lookupFeedbackIdByCode(db: Db, code: string): Promise<number | null> {
  return byCode(db, code);
}

async function byCode(db: Db, code: string) {
  const normalized = normalizeTrackingCode(code);
  if (!normalized) return null;
  const row = await q.findFeedbackByTrackingHash(db, trackingHash(normalized));
  return row ? row.id : null;
}

/** The item a reporter reference stands for, or null (unknown code, or not this person's item). */
async function resolveRef(db: Db, ref: ReporterRef): Promise<number | null> {
  if (typeof ref === 'string') return byCode(db, ref);
  const row = await q.findFeedbackOfAuthor(db, ref.feedbackId, ref.authorId);
  return row ? row.id : null;
}

/**
 * What the reporter sees (with their code, or signed in as its author): the public timeline,
 * their own additions, answers, and what they may still do. Null for anyone else.
 */
export async function getTrackingView(db: Db, ref: ReporterRef, now = new Date(), windowDays = REOPEN_WORKING_DAYS): Promise<TrackingView | null> {
  const id = await resolveRef(db, ref);
  if (id === null) return null;
  const f = (await q.findFeedback(db, id))!;
  const [events, photos, rating, until] = await Promise.all([
    q.selectEvents(db, id, { publicOnly: true, alsoKinds: ['info_added', 'info_request', 'rating', 'reopened'] }),
    q.selectPhotos(db, id, false),
    q.selectRating(db, id),
    reopenDeadline(db, f, windowDays),
  ]);
  const rejected = f.moderation_state === 'rejected';
  return {
    feedback: publicFields(f),
    rejectReason: rejected ? f.reject_reason : null,
    rejectNote: rejected ? f.reject_note : null,
    events,
    photos,
    rating: rating ?? null,
    canRate: RATEABLE.includes(f.status),
    canReopen: until !== null && now <= until,
    reopenUntil: until,
  };
}

const reporterText = z.object({ text: z.string().trim().min(1).max(3000) });

/** The reporter adds information (visible to them and to staff, not published). */
export async function addInformation(db: Db, ref: ReporterRef, input: unknown): Promise<Result<null>> {
  const v = validate(reporterText, input);
  if (!v.ok) return v;
  const id = await resolveRef(db, ref);
  if (id === null) return fail('_form', 'err.trackingNotFound');
  await addInformationById(db, id, v.value.text);
  return { ok: true, value: null };
}

/**
 * Adds the reporter's information to an item they are known to own (their tracking code, or
 * the WhatsApp number a request for information went to).
 */
export async function addInformationById(db: Db, id: number, text: string): Promise<void> {
  const v = { value: { text } };
  await db.transaction().execute(async (trx) => {
    await q.insertEvent(trx, { feedback_id: id, kind: 'info_added', public: false, actor_role: 'reporter', body_md: v.value.text, body_html: renderMarkdown(v.value.text) });
    // A reply to an answer stops the autoclose clock: the unit has to look again.
    const f = await q.lockFeedback(trx, id);
    const reopened = f?.status === 'responded';
    await q.touchByReporter(trx, id, new Date(), reopened);
    if (reopened) await q.insertEvent(trx, { feedback_id: id, kind: 'status', public: true, actor_role: 'reporter', from_status: 'responded', to_status: 'in_progress' });
  });
}

const ratingSchema = z.object({
  score: z
    .string({ message: 'err.scoreRequired' })
    .regex(/^[1-5]$/, { message: 'err.scoreRequired' })
    .transform(Number),
  comment: optionalText(1000),
});

/** Rates the answer (1–5 and a comment), once it has been answered; rating again replaces it. */
export async function rateAnswer(db: Db, ref: ReporterRef, input: unknown): Promise<Result<null>> {
  const v = validate(ratingSchema, input);
  if (!v.ok) return v;
  const id = await resolveRef(db, ref);
  if (id === null) return fail('_form', 'err.trackingNotFound');
  return db.transaction().execute(async (trx) => {
    const f = await q.lockFeedback(trx, id);
    if (!f || !RATEABLE.includes(f.status)) return fail('_form', 'err.notAnswered');
    await q.upsertRating(trx, { feedback_id: id, score: v.value.score, comment: v.value.comment });
    await q.insertEvent(trx, { feedback_id: id, kind: 'rating', public: false, actor_role: 'reporter', body_md: `${v.value.score}/5` });
    return { ok: true as const, value: null };
  });
}

/**
 * "Not solved": reopens a resolved or closed item, with the reason, from the moment it is
 * marked resolved until the end of the reopen window after its closing.
 */
export async function reopenFeedback(db: Db, ref: ReporterRef, input: unknown, now = new Date(), windowDays = REOPEN_WORKING_DAYS): Promise<Result<null>> {
  const v = validate(reporterText, input);
  if (!v.ok) return v;
  const id = await resolveRef(db, ref);
  if (id === null) return fail('_form', 'err.trackingNotFound');
  return db.transaction().execute(async (trx) => {
    const f = await q.lockFeedback(trx, id);
    if (!f || (f.status !== 'closed' && f.status !== 'resolved')) return fail('_form', 'err.cannotReopen');
    const until = await reopenDeadline(trx, f, windowDays);
    if (!until) return fail('_form', 'err.cannotReopen');
    if (now > until) return fail('_form', 'err.reopenExpired');
    await q.updateFeedbackStatus(trx, id, { status: 'reopened', closed_at: null, autoclose_at: null, updated_at: now });
    await q.insertEvent(trx, {
      feedback_id: id,
      kind: 'reopened',
      public: true,
      actor_role: 'reporter',
      from_status: f.status,
      to_status: 'reopened',
      body_md: v.value.text,
      body_html: renderMarkdown(v.value.text),
      at: now,
    });
    return { ok: true as const, value: null };
  });
}

// ---- supports and flags

/** "This happened to me too": once per person, counted on the item. */
export async function supportFeedback(db: Db, user: SessionUser, id: number): Promise<Result<{ count: number; added: boolean }>> {
  const limit = await hit(db, [[RATE_RULES.supportPerAccount, user.id]]);
  if (!limit.ok) return fail('_form', 'err.rateLimited', { seconds: limit.retryAfterSeconds });
  return db.transaction().execute(async (trx) => {
    const f = await q.findFeedback(trx, id);
    if (!f || !canSupport(user, f)) return fail('_form', 'err.cannotSupport');
    const added = await q.insertSupport(trx, id, user.id);
    const count = added ? await q.incrementSupportCount(trx, id) : f.support_count;
    return { ok: true as const, value: { count, added } };
  });
}
