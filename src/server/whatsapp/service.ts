import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { translator } from '../../i18n/index.ts';
import type { SessionUser } from '../accounts/sessions.ts';
import { recordAudit, type Actor } from '../audit/service.ts';
import type { Db } from '../db/index.ts';
import { NOTIFY_CHANNELS, type NotifyChannels } from '../db/schema.ts';
import { fail, validate, type Result } from '../forms.ts';
import { insertWhatsAppOutbox } from '../notifications/queries.ts';
import { hit, RATE_RULES } from '../rate-limit/service.ts';
import { maskPhone, toE164 } from './phone.ts';
import * as q from './queries.ts';
import { WHATSAPP_TEMPLATES } from './templates.ts';

/** A verification code is valid this long, and allows this many wrong tries. */
const CODE_TTL_MS = 15 * 60_000;
const MAX_CODE_ATTEMPTS = 5;

/** Whether this person may link a WhatsApp number to their account (any signed-in person, channel on). */
export function canUseWhatsApp(user: SessionUser | null, channelOn: boolean): boolean {
  return user !== null && channelOn;
}

export interface WhatsAppSettings {
  verifiedPhone: string | null;
  pendingPhone: string | null;
  notify: NotifyChannels;
}

export async function getWhatsAppSettings(db: Db, user: SessionUser): Promise<WhatsAppSettings> {
  const r = await q.selectUserNumber(db, user.id);
  const pending = r?.pending_phone && r.code_expires_at && r.code_expires_at > new Date() ? r.pending_phone : null;
  return { verifiedPhone: r?.phone ?? null, pendingPhone: pending, notify: r?.phone ? r.notify : 'email' };
}

function hashCode(userId: string, code: string): string {
  return createHash('sha256').update(`${userId}:${code}`).digest('hex');
}

const phoneSchema = z.object({ phone: z.string().trim().min(1).max(40) });

/**
 * Sends a 6-digit code by WhatsApp (the authentication template: the person has usually not
 * written to us, so the 24-hour window is closed) to the number typed; only its hash is kept.
 */
export async function requestPhoneCode(db: Db, user: SessionUser, actor: Actor, channelOn: boolean, input: unknown): Promise<Result<{ phone: string }>> {
  if (!canUseWhatsApp(user, channelOn)) return fail('_form', 'err.whatsappOff');
  const v = validate(phoneSchema, input);
  if (!v.ok) return v;
  const phone = toE164(v.value.phone);
  if (!phone) return fail('phone', 'err.phoneInvalid');
  const owner = await q.findVerifiedOwner(db, phone);
  if (owner && owner.user_id !== user.id) return fail('phone', 'err.phoneTaken');
  const limit = await hit(db, [[RATE_RULES.whatsappCodePerAccount, user.id]]);
  if (!limit.ok) return fail('_form', 'err.rateLimited', { seconds: limit.retryAfterSeconds });
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const text = translator(user.locale)('wa.verifyCodeText', { code });
  await db.transaction().execute(async (trx) => {
    await q.upsertPendingNumber(trx, user.id, phone, hashCode(user.id, code), new Date(Date.now() + CODE_TTL_MS));
    await insertWhatsAppOutbox(trx, {
      to_phone: phone,
      to_email: null,
      locale: user.locale,
      template: 'phone_verification',
      subject: 'WhatsApp',
      text_body: text,
      html_body: '',
      wa_text: text,
      wa_template: JSON.stringify({ name: WHATSAPP_TEMPLATES.verifyCode.name, params: [code] }),
    });
    await recordAudit(trx, actor, 'whatsapp.code_request', { type: 'user', id: user.id }, { after: { phone: maskPhone(phone) } });
  });
  return { ok: true, value: { phone } };
}

const codeSchema = z.object({ code: z.string().trim().regex(/^\d{6}$/, { message: 'err.codeWrong' }) });

/** Confirms the number with the code; from then on notices may go to WhatsApp (both channels at first). */
export async function verifyPhoneCode(db: Db, user: SessionUser, actor: Actor, input: unknown, now = new Date()): Promise<Result<{ phone: string }>> {
  const v = validate(codeSchema, input);
  if (!v.ok) return v;
  return db.transaction().execute(async (trx) => {
    const r = await q.lockUserNumber(trx, user.id);
    if (!r?.pending_phone || !r.code_hash || !r.code_expires_at || r.code_expires_at <= now) return fail('code', 'err.codeWrong');
    if (r.code_attempts >= MAX_CODE_ATTEMPTS) return fail('code', 'err.codeAttempts');
    const given = Buffer.from(hashCode(user.id, v.value.code), 'hex');
    if (!timingSafeEqual(given, Buffer.from(r.code_hash, 'hex'))) {
      await q.countCodeAttempt(trx, user.id);
      return fail('code', 'err.codeWrong');
    }
    const owner = await q.findVerifiedOwner(trx, r.pending_phone);
    if (owner && owner.user_id !== user.id) return fail('code', 'err.phoneTaken');
    await q.confirmNumber(trx, user.id, r.pending_phone, now);
    await recordAudit(trx, actor, 'whatsapp.number_verified', { type: 'user', id: user.id }, { after: { phone: maskPhone(r.pending_phone) } });
    return { ok: true as const, value: { phone: r.pending_phone } };
  });
}

const notifySchema = z.object({ notify: z.enum(NOTIFY_CHANNELS as [NotifyChannels, ...NotifyChannels[]], { message: 'err.invalidChoice' }) });

export async function setNotifyChannels(db: Db, user: SessionUser, actor: Actor, input: unknown): Promise<Result<null>> {
  const v = validate(notifySchema, input);
  if (!v.ok) return v;
  const r = await q.selectUserNumber(db, user.id);
  if (!r?.phone) return fail('notify', 'err.invalidChoice');
  await db.transaction().execute(async (trx) => {
    await q.setUserNotify(trx, user.id, v.value.notify);
    await recordAudit(trx, actor, 'whatsapp.notify_set', { type: 'user', id: user.id }, { before: { notify: r.notify }, after: { notify: v.value.notify } });
  });
  return { ok: true, value: null };
}

export async function removeWhatsAppNumber(db: Db, user: SessionUser, actor: Actor): Promise<Result<null>> {
  await db.transaction().execute(async (trx) => {
    await q.deleteUserNumber(trx, user.id);
    await recordAudit(trx, actor, 'whatsapp.number_removed', { type: 'user', id: user.id });
  });
  return { ok: true, value: null };
}
