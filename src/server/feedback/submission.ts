import { z } from 'zod';
import { isValidDate } from '../../domain/dates.ts';
import { formatDateTime, translator } from '../../i18n/index.ts';
import type { RequestContext } from '../accounts/service.ts';
import type { SessionUser } from '../accounts/sessions.ts';
import { holidaysAround } from '../calendar/service.ts';
import { witToday, workingDayDeadline } from '../calendar/working-days.ts';
import type { Db } from '../db/index.ts';
import { FEEDBACK_KINDS, NOTIFY_CHANNELS, type FeedbackChannel, type FeedbackKind, type NotifyChannels, type Sector } from '../db/schema.ts';
import { contactEmail, contactPhone, fail, optionalText, validate, type FieldErrors, type Result } from '../forms.ts';
import { renderMarkdown } from '../markdown.ts';
import { composeEmail } from '../notifications/service.ts';
import { accountRecipient, enqueueNotice, type Recipient } from '../notifications/channels.ts';
import { templateParam, WHATSAPP_TEMPLATES } from '../whatsapp/templates.ts';
import { hit, RATE_RULES, type RateRule } from '../rate-limit/service.ts';
import { MAX_PHOTOS, processPhoto, type PhotoStore, type ProcessedPhoto } from './photos.ts';
import * as q from './queries.ts';
import { idempotencyHash, SUBMISSION_KEY_RE, trackingCodeFor, trackingHash } from './tracking-code.ts';
import { checkPin } from '../geo/bounds.ts';

/**
 * Submitting feedback: the web form's fields and the channels' submissions (WhatsApp, Open311),
 * checked, rate-limited, stored with its tracking code and photos, with the receipt queued.
 */

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
  contactEmail,
  contactPhone,
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
