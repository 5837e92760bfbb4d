import { z } from 'zod';
import { isValidDate,isValidMonth } from '../http/input.ts';
import { formatDateTime,translator,type Locale } from '../../i18n/index.ts';
import type { RequestContext } from '../accounts/service.ts';
import type { SessionUser } from '../accounts/sessions.ts';
import { recordAudit,type Actor } from '../audit/service.ts';
import { holidaysAround } from '../calendar/service.ts';
import { witToday,workingDayDeadline } from '../calendar/working-days.ts';
import type { Db } from '../db/index.ts';
import { FEEDBACK_KINDS,HANDLING_STATUSES,NOTIFY_CHANNELS,SECTORS,type FeedbackChannel,type FeedbackKind,type HandlingStatus,type NotifyChannels,type RejectReason,type Sector } from '../db/schema.ts';
import { fail,optionalText,type FieldErrors,type Result } from '../forms.ts';
import { markdownToText,renderMarkdown } from '../markdown.ts';
import { composeEmail } from '../notifications/service.ts';
import { accountRecipient,enqueueNotice,type Recipient } from '../notifications/channels.ts';
import { toE164 } from '../whatsapp/phone.ts';
import { templateParam,WHATSAPP_TEMPLATES } from '../whatsapp/templates.ts';
import { hit,RATE_RULES,type RateRule } from '../rate-limit/service.ts';
import { canSupport,canViewAsStaff,canViewContact,canViewHiddenPhotos,canViewOfficerNamed,canViewReporterIdentity,isPublic } from './permissions.ts';
import { MAX_PHOTOS,processPhoto,type PhotoStore,type ProcessedPhoto } from './photos.ts';
import * as q from './queries.ts';
import { idempotencyHash,normalizeTrackingCode,SUBMISSION_KEY_RE,trackingCodeFor,trackingHash } from './tracking-code.ts';
import { validate } from '../forms.ts';
import { checkPin,publicLocation,type LatLng } from '../geo/bounds.ts';

/**
 * Default working days after closing during which the reporter may reopen; pages pass the
 * configured AUTOCLOSE_WORKING_DAYS (`ctx.rules.autocloseWorkingDays`).
 */
export const REOPEN_WORKING_DAYS = 10;

const checkbox = z
  .string()
  .optional()
  .transform((v) => v === 'on' || v === '1' || v === 'true');

const submissionSchema = z.object({
  kind: z.enum(FEEDBACK_KINDS as [FeedbackKind, ...FeedbackKind[]], { message: 'err.kindRequired' }),
  unit: z
    .string({ message: 'err.unitChoose' })
    .trim()
    .refine((v) => v === 'unsure' || /^\d{1,9}$/.test(v), { message: 'err.unitChoose' }),
  kecamatan: optionalText(20),
  area: z
    .string()
    .trim()
    .optional()
    .refine((v) => !v || /^\d{1,9}$/.test(v), { message: 'err.invalidChoice' }),
  location: optionalText(200),
  occurredOn: z
    .string()
    .trim()
    .optional()
    .refine((v) => !v || isValidDate(v), { message: 'err.date' }),
  title: z.string().trim().min(1).min(5).max(150),
  body: z.string().trim().min(1).min(10).max(5000),
  officer: optionalText(120),
  anonymous: checkbox,
  confidential: checkbox,
  contactName: optionalText(100),
  contactEmail: z
    .string()
    .trim()
    .toLowerCase()
    .max(254)
    .optional()
    .refine((v) => !v || z.email().safeParse(v).success, { message: 'err.email' })
    .transform((v) => v || null),
  contactPhone: z
    .string()
    .trim()
    .max(30)
    .optional()
    .refine((v) => !v || /^\+?[0-9][0-9 ()-]{5,28}$/.test(v), { message: 'err.phone' })
    // Stored in E.164 (+62…) when it is a valid number, as typed otherwise.
    .transform((v) => (v ? (toE164(v) ?? v) : null)),
  // Where the reporter wants news: WhatsApp needs a valid number (and is their consent to be contacted there).
  contactNotify: z.enum(NOTIFY_CHANNELS as [NotifyChannels, ...NotifyChannels[]], { message: 'err.invalidChoice' }).optional().default('email'),
  submissionKey: z.string().regex(SUBMISSION_KEY_RE, { message: 'err.badRequest' }),
  // Honeypot: a field people never see. Bots fill it in.
  website: z.string().max(0, { message: 'err.badRequest' }).optional(),
}).superRefine((d, ctx) => {
  if (d.contactNotify !== 'email' && (!d.contactPhone || !/^\+\d+$/.test(d.contactPhone))) ctx.addIssue({ code: 'custom', path: ['contactPhone'], message: 'err.phoneForWhatsApp' });
});

export type SubmissionInput = Record<string, string>;

export interface Submitted {
  feedbackId: number;
  trackingCode: string;
  /** True when this was a repeat of a submission already stored. */
  duplicate: boolean;
  /** Whether a receipt email was queued. */
  receiptSent: boolean;
}

/**
 * How a submission arrived when not through the web form: its channel, the rate-limit counters it
 * counts against instead of the client address and account, and an optional map pin already
 * checked by the caller.
 */
export interface SubmissionVia {
  channel: FeedbackChannel;
  /** Counted instead of the client address and account; the channel may count its own beforehand. */
  limits?: ReadonlyArray<readonly [RateRule, string]>;
  pin?: { latitude: number; longitude: number } | null;
  /** Runs in the submission's transaction once the item is stored (the channel's own records, its audit entry). */
  onStored?: (trx: Db, feedbackId: number) => Promise<void>;
}

/**
 * Stores a resident's feedback (pending moderation) with its photos, contact details kept
 * apart, a first timeline event and, when an email was given, a receipt in the outbox.
 * Idempotent on the form's submission key: a repeat returns the first feedback and code.
 */
export async function submitFeedback(
  db: Db,
  ctx: RequestContext,
  user: SessionUser | null,
  input: SubmissionInput,
  files: File[],
  photos: PhotoStore,
  /** How it arrived when not through the web form (see SubmissionVia). */
  via?: SubmissionVia,
): Promise<Result<Submitted>> {
  const channel = via?.channel ?? 'web';
  const v = validate(submissionSchema, input);
  const errors: FieldErrors = v.ok ? {} : { ...v.errors };
  const pin = checkPin(input.latitude, input.longitude);
  if (!pin.ok) Object.assign(errors, pin.errors);
  // Photos are checked even when other fields are wrong, so every problem shows at once.
  const uploads = files.filter((f) => f.size > 0 || f.name !== '');
  const processed: ProcessedPhoto[] = [];
  if (uploads.length > MAX_PHOTOS) errors.photos ??= { key: 'err.photoCount', params: { max: MAX_PHOTOS } };
  else {
    for (const f of uploads) {
      const r = await processPhoto(f);
      if (r.ok) processed.push(r.photo);
      else {
        errors.photos ??= { key: r.error, params: { name: f.name.slice(0, 80) } };
      }
    }
  }
  if (!v.ok || !pin.ok || Object.keys(errors).length > 0) return { ok: false, errors };
  const d = v.value;
  if (d.occurredOn && (d.occurredOn > witToday() || d.occurredOn < '2000-01-01')) return fail('occurredOn', 'err.dateFuture');

  const unit = d.unit === 'unsure' ? null : await q.findUnit(db, Number(d.unit));
  if (d.unit !== 'unsure' && !unit) return fail('unit', 'err.invalidChoice');
  const area = d.area ? await q.findArea(db, Number(d.area)) : undefined;
  if (d.area && !area) return fail('area', 'err.invalidChoice');
  if (area && d.kecamatan && area.kecamatan_code !== d.kecamatan) return fail('area', 'err.areaMismatch');
  let kecamatanCode = area?.kecamatan_code ?? null;
  if (!area && d.kecamatan) {
    if (!/^81\.71\.0\d$/.test(d.kecamatan)) return fail('kecamatan', 'err.invalidChoice');
    kecamatanCode = d.kecamatan;
  }

  const idem = idempotencyHash(d.submissionKey);
  const existing = await q.findFeedbackIdByIdempotency(db, idem);
  if (existing) return { ok: true, value: { feedbackId: existing.id, trackingCode: trackingCodeFor(d.submissionKey, existing.code_attempt), duplicate: true, receiptSent: false } };

  const limit = await hit(
    db,
    via?.limits ?? [[RATE_RULES.submitPerAddress, ctx.ip ?? 'unknown'], ...(user ? ([[RATE_RULES.submitPerAccount, user.id]] as const) : [])],
  );
  if (!limit.ok) return fail('_form', 'err.rateLimited', { seconds: limit.retryAfterSeconds });

  const receiptTo: Recipient | null =
    channel === 'whatsapp'
      ? null
      : d.contactEmail || (d.contactPhone && d.contactNotify !== 'email')
        ? { email: d.contactEmail, phone: d.contactPhone, notify: d.contactNotify, locale: ctx.locale }
        : user && !d.anonymous
          ? await accountRecipient(db, { email: user.email, locale: ctx.locale })
          : null;
  const now = new Date();
  const verifyDue = workingDayDeadline(now, ctx.rules.verifyWorkingDays, await holidaysAround(db, now));
  const saved: string[] = [];
  try {
    for (const p of processed) saved.push(await photos.save(p));
    for (let attempt = 0; ; attempt++) {
      const code = trackingCodeFor(d.submissionKey, attempt);
      try {
        const id = await db.transaction().execute(async (trx) => {
          const row = await q.insertFeedback(trx, {
            tracking_hash: trackingHash(code),
            idempotency_hash: idem,
            code_attempt: attempt,
            kind: d.kind,
            unit_id: unit?.id ?? null,
            sector: (unit?.sector as Sector | undefined) ?? null,
            area_id: area?.id ?? null,
            kecamatan_code: kecamatanCode,
            location_text: d.location,
            latitude: via?.pin?.latitude ?? pin.value?.latitude ?? null,
            longitude: via?.pin?.longitude ?? pin.value?.longitude ?? null,
            occurred_on: d.occurredOn || null,
            title: d.title,
            body_md: d.body,
            body_html: renderMarkdown(d.body),
            officer_named: d.officer,
            anonymous: d.anonymous,
            confidential: d.confidential,
            author_id: user?.id ?? null,
            status: 'received',
            verify_due_at: verifyDue,
            channel,
          });
          if (d.contactName || d.contactEmail || d.contactPhone) {
            await q.insertContact(trx, { feedback_id: row.id, name: d.contactName, email: d.contactEmail, phone: d.contactPhone, locale: ctx.locale, notify: d.contactNotify });
          }
          await q.insertEvent(trx, { feedback_id: row.id, kind: 'submitted', public: true, to_status: 'received', at: row.created_at });
          for (const [i, p] of processed.entries()) {
            await q.insertPhoto(trx, { feedback_id: row.id, file_name: saved[i]!, mime: p.mime, width: p.width, height: p.height, bytes: p.data.length });
          }
          if (via?.onStored) await via.onStored(trx, row.id);
          if (receiptTo) {
            const deadline = formatDateTime(verifyDue, receiptTo.locale);
            const params = { code, title: d.title, link: `${ctx.publicUrl}/lacak` };
            await enqueueNotice(trx, receiptTo, {
              template: 'feedback_receipt',
              feedbackId: row.id,
              email: composeEmail(receiptTo.locale, 'email.receipt.subject', 'email.receipt.body', params),
              whatsapp: {
                text: translator(receiptTo.locale)('wa.submitted', { code, deadline }),
                template: { name: WHATSAPP_TEMPLATES.receipt.name, params: [templateParam(d.title, 150), code, deadline] },
              },
            });
          }
          return row.id;
        });
        return { ok: true, value: { feedbackId: id, trackingCode: code, duplicate: false, receiptSent: receiptTo !== null } };
      } catch (e) {
        const constraint = uniqueViolation(e);
        // Another code already has this value (rare): derive the next one.
        if (constraint === 'feedback_tracking_hash_key' && attempt < 5) continue;
        throw e;
      }
    }
  } catch (e) {
    for (const name of saved) await photos.remove(name);
    // Two copies of one submission racing: the loser returns the winner's feedback.
    if (uniqueViolation(e) === 'feedback_idempotency_hash_key') {
      const again = await q.findFeedbackIdByIdempotency(db, idem);
      if (again) return { ok: true, value: { feedbackId: again.id, trackingCode: trackingCodeFor(d.submissionKey, again.code_attempt), duplicate: true, receiptSent: false } };
    }
    throw e;
  }
}

/** The constraint a unique violation broke, or null for any other error. */
function uniqueViolation(e: unknown): string | null {
  if (typeof e !== 'object' || e === null || (e as { code?: string }).code !== '23505') return null;
  return (e as { constraint?: string }).constraint ?? '';
}

// ---- viewing

export type FeedbackRow = NonNullable<Awaited<ReturnType<typeof q.findFeedback>>>;

/** What the public (and the reporter through their code) may see of an item: an allowlist. */
const PUBLIC_FIELDS = [
  'id',
  'kind',
  'title',
  'body_html',
  'status',
  'moderation_state',
  'confidential',
  'anonymous',
  'support_count',
  'created_at',
  'updated_at',
  'published_at',
  'responded_at',
  'closed_at',
  'unit_id',
  'unit_short_name',
  'unit_name',
  'unit_slug',
  'area_id',
  'area_name',
  'kecamatan_code',
  'kecamatan_name',
  'location_text',
  'occurred_on',
] as const;

/** `pin`: the location rounded for the public (`publicLocation`), never the stored one. */
export type PublicFeedback = Pick<FeedbackRow, (typeof PUBLIC_FIELDS)[number]> & { officer_named: null; pin: LatLng | null };
/** Staff see the working fields too (deadlines, priority, source text for redaction). */
export type StaffFeedback = Omit<FeedbackRow, 'tracking_hash' | 'idempotency_hash' | 'code_attempt' | 'search' | 'author_id' | 'officer_named'> & {
  officer_named: string | null;
};

/**
 * Who sent it, as moderators may know it: with an account (`name` shown, even when they
 * ticked "anonymous", which only hides it from everyone else), or without one — having
 * given a name in the contact details (`noAccountNamed`; the name itself is read through the
 * audited contact view) or not.
 */
export type ReporterKind = 'account' | 'accountAnonymous' | 'noAccountNamed' | 'noAccount';

export interface FeedbackView<F = PublicFeedback | StaffFeedback> {
  feedback: F;
  reporterName: string | null;
  /** Moderators only (null for everyone else). */
  reporterKind?: ReporterKind | null;
  events: Awaited<ReturnType<typeof q.selectEvents>>;
  photos: Awaited<ReturnType<typeof q.selectPhotos>>;
  rating: Awaited<ReturnType<typeof q.selectRating>> | null;
  supported: boolean;
  canSupport: boolean;
}

function publicFields(f: FeedbackRow): PublicFeedback {
  const out = Object.fromEntries(PUBLIC_FIELDS.map((k) => [k, f[k]])) as Pick<FeedbackRow, (typeof PUBLIC_FIELDS)[number]>;
  return { ...out, officer_named: null, pin: publicLocation(f) };
}

function staffFields(f: FeedbackRow, officer: boolean): StaffFeedback {
  const { officer_named, tracking_hash: _t, idempotency_hash: _i, code_attempt: _c, search: _s, author_id: _a, ...rest } = f;
  return { ...rest, officer_named: officer ? officer_named : null };
}

async function reporterName(db: Db, f: FeedbackRow): Promise<string | null> {
  if (!f.author_id) return null;
  const u = await db.selectFrom('users').select('display_name').where('id', '=', f.author_id).executeTakeFirst();
  return u?.display_name ?? null;
}

/**
 * The public detail page: published, non-confidential items only (anything else is
 * "not found"). The reporter is never named when anonymous; officer names never appear.
 */
export async function getPublicFeedback(db: Db, id: number, viewer: SessionUser | null): Promise<FeedbackView<PublicFeedback> | null> {
  const f = await q.findFeedback(db, id);
  if (!f || !isPublic(f)) return null;
  const [events, photos, rating, supported] = await Promise.all([
    q.selectEvents(db, id, { publicOnly: true }),
    q.selectPhotos(db, id, false),
    q.selectRating(db, id),
    viewer ? q.hasSupported(db, id, viewer.id) : Promise.resolve(false),
  ]);
  return {
    feedback: publicFields(f),
    reporterName: f.anonymous ? null : await reporterName(db, f),
    events,
    photos,
    rating: rating ?? null,
    supported,
    canSupport: canSupport(viewer, f),
  };
}

/** Staff view (moderators; ASN of the item's unit). Others get null, as if it did not exist. */
export async function getFeedbackForStaff(db: Db, id: number, viewer: SessionUser): Promise<FeedbackView<StaffFeedback> | null> {
  const f = await q.findFeedback(db, id);
  if (!f || !canViewAsStaff(viewer, f)) return null;
  const [events, photos, rating] = await Promise.all([
    q.selectEvents(db, id, { publicOnly: false }),
    q.selectPhotos(db, id, canViewHiddenPhotos(viewer, f)),
    q.selectRating(db, id),
  ]);
  let kind: ReporterKind | null = null;
  if (canViewContact(viewer)) {
    if (f.author_id) kind = f.anonymous ? 'accountAnonymous' : 'account';
    else kind = (await q.selectContact(db, id))?.name ? 'noAccountNamed' : 'noAccount';
  }
  return {
    feedback: staffFields(f, canViewOfficerNamed(viewer)),
    reporterName: canViewReporterIdentity(viewer, f) ? await reporterName(db, f) : null,
    reporterKind: kind,
    events,
    photos,
    rating: rating ?? null,
    supported: false,
    canSupport: false,
  };
}

/** The reporter's contact details, for moderators only; every view is audit-logged. */
export async function viewContact(db: Db, viewer: SessionUser, actor: Actor, id: number) {
  if (!canViewContact(viewer)) return null;
  const contact = await q.selectContact(db, id);
  await recordAudit(db, actor, 'feedback.contact_view', { type: 'feedback', id });
  // A restricted contact (privacy/service.ts) is not shown to staff.
  if (contact?.restricted_at) return { feedback_id: id, name: null, email: null, phone: null, locale: contact.locale, restricted: true };
  return { ...(contact ?? { feedback_id: id, name: null, email: null, phone: null, locale: 'id' as const }), restricted: false };
}

// ---- tracking by code, or by the signed-in author

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
    await trx
      .updateTable('feedback')
      .set(reopened ? { updated_at: new Date(), autoclose_at: null, status: 'in_progress' } : { updated_at: new Date() })
      .where('id', '=', id)
      .execute();
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

// ---- lists

export const BOARD_PAGE_SIZE = 20;

export interface BoardQuery {
  filter: q.BoardFilter;
  sort: q.BoardSort;
  after: q.BoardCursor | null;
}

function encodeCursor(c: q.BoardCursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(s: string | null): q.BoardCursor | null {
  if (!s || s.length > 200) return null;
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as q.BoardCursor;
    if (!Number.isSafeInteger(c.id) || !Number.isSafeInteger(c.v)) return null;
    return { v: c.v, id: c.id };
  } catch {
    return null;
  }
}

/** Reads the board's state from URL parameters, ignoring anything malformed. */
export function parseBoardQuery(sp: URLSearchParams): BoardQuery & { raw: Record<string, string> } {
  const get = (k: string) => (sp.get(k) ?? '').trim();
  const kind = FEEDBACK_KINDS.includes(get('jenis') as FeedbackKind) ? (get('jenis') as FeedbackKind) : undefined;
  const status = HANDLING_STATUSES.includes(get('status') as HandlingStatus) ? (get('status') as HandlingStatus) : undefined;
  const sector = SECTORS.includes(get('sektor') as Sector) ? (get('sektor') as Sector) : undefined;
  const unitId = /^\d{1,9}$/.test(get('unit')) ? Number(get('unit')) : undefined;
  const kecamatan = /^81\.71\.0\d$/.test(get('kecamatan')) ? get('kecamatan') : undefined;
  const month = (s: string) => (isValidMonth(s) ? s : undefined);
  const fromMonth = month(get('dari'));
  const toMonth = month(get('sampai'));
  // Months are WIT months: 00:00 WIT on the 1st is 15:00 UTC the day before.
  const from = fromMonth ? new Date(Date.parse(`${fromMonth}-01T00:00:00+09:00`)) : undefined;
  let to: Date | undefined;
  if (toMonth) {
    const [y, m] = toMonth.split('-').map(Number) as [number, number];
    to = new Date(Date.parse(`${m === 12 ? y + 1 : y}-${String(m === 12 ? 1 : m + 1).padStart(2, '0')}-01T00:00:00+09:00`));
  }
  const qText = get('q').slice(0, 200) || undefined;
  const sort: q.BoardSort = get('urut') === 'dukungan' ? 'support' : get('urut') === 'terlama' ? 'waiting' : 'new';
  const raw: Record<string, string> = {};
  for (const [k, v] of sp.entries()) if (k !== 'setelah') raw[k] = v;
  return { filter: { kind, status, sector, unitId, kecamatan, from, to, q: qText }, sort, after: decodeCursor(sp.get('setelah')), raw };
}

export async function listBoard(db: Db, query: BoardQuery) {
  const rows = await q.selectBoardPage(db, query.filter, query.sort, query.after, BOARD_PAGE_SIZE + 1);
  const items = rows.slice(0, BOARD_PAGE_SIZE);
  const last = items.at(-1);
  const next =
    rows.length > BOARD_PAGE_SIZE && last
      ? encodeCursor({ v: query.sort === 'support' ? last.support_count : last.created_us, id: last.id })
      : null;
  return { items, next };
}

export async function similarFeedback(db: Db, input: { title: string; unit?: string; area?: string; kecamatan?: string }) {
  const title = input.title.trim().slice(0, 150);
  if (title.length < 4) return [];
  return q.selectSimilar(
    db,
    title,
    {
      unitId: /^\d{1,9}$/.test(input.unit ?? '') ? Number(input.unit) : undefined,
      areaId: /^\d{1,9}$/.test(input.area ?? '') ? Number(input.area) : undefined,
      kecamatan: /^81\.71\.0\d$/.test(input.kecamatan ?? '') ? input.kecamatan : undefined,
    },
    5,
  );
}

export function myFeedback(db: Db, user: SessionUser) {
  return q.selectByAuthor(db, user.id, 200);
}

type FormOptions = { units: Awaited<ReturnType<typeof q.selectUnitsForForm>>; areas: Awaited<ReturnType<typeof q.selectAreasForForm>> };
const OPTIONS_TTL_MS = 60_000;
const optionsCache = new WeakMap<Db, { at: number; value: Promise<FormOptions> }>();

/**
 * Units and areas for forms and filters. They change a few times a year (reference data), so
 * each process keeps them for a minute instead of reading them on every page view; losing the
 * cache costs one query.
 */
export function formOptions(db: Db): Promise<FormOptions> {
  const hit = optionsCache.get(db);
  if (hit && Date.now() - hit.at < OPTIONS_TTL_MS) return hit.value;
  const value = Promise.all([q.selectUnitsForForm(db), q.selectAreasForForm(db)]).then(([units, areas]) => ({ units, areas }));
  value.catch(() => optionsCache.delete(db));
  optionsCache.set(db, { at: Date.now(), value });
  return value;
}

/** Preview of a Markdown description, exactly as it will be stored. */
export function previewMarkdown(source: string): string {
  return renderMarkdown(source.slice(0, 5000));
}

export { markdownToText };

/** Whether a photo may be shown to this viewer: public items' visible photos, the reporter's own, or staff of the item. */
export async function photoForViewer(db: Db, viewer: SessionUser | null, fileName: string, trackedFeedbackId: number | null) {
  const p = await q.findPhotoWithFeedback(db, fileName);
  if (!p) return null;
  const staff = viewer ? canViewAsStaff(viewer, p) : false;
  if (staff) return p;
  if (p.hidden) return null;
  // The reporter: by the code they track, or signed in as the item's author (/masukan/saya/<no>).
  if (isPublic(p) || trackedFeedbackId === p.feedback_id || (viewer !== null && p.author_id === viewer.id)) return p;
  return null;
}

export type { Locale };
