import { createHash } from 'node:crypto';
import { formatDateTime, labelOf, translator, type Locale, type MessageKey, type Translate } from '../../i18n/index.ts';
import type { RequestContext } from '../accounts/service.ts';
import type { AppConfig } from '../config.ts';
import type { Db } from '../db/index.ts';
import { FEEDBACK_KINDS, SECTORS, type FeedbackKind, type Sector } from '../db/schema.ts';
import { addInformationById, getTrackingView, lookupFeedbackIdByCode } from '../feedback/tracking.ts';
import { markdownToText } from '../feedback/service.ts';
import { submitFeedback } from '../feedback/submission.ts';
import { MAX_PHOTO_BYTES, processPhoto, type PhotoStore } from '../feedback/photos.ts';
import { normalizeTrackingCode } from '../feedback/tracking-code.ts';
import { insertWhatsAppOutbox } from '../notifications/queries.ts';
import { hit, RATE_RULES } from '../rate-limit/service.ts';
import { MediaTooLargeError, type WhatsAppClient } from '../whatsapp/client.ts';
import * as q from '../whatsapp/queries.ts';
import { templateParam, WHATSAPP_TEMPLATES } from '../whatsapp/templates.ts';

/** A conversation left this long without a message expires. */
export const CONVERSATION_TTL_MS = 24 * 3600_000;

type Step = 'idle' | 'kind' | 'sector' | 'unit' | 'kecamatan' | 'body' | 'photo' | 'anonymous' | 'confirm';

interface Draft {
  kind?: FeedbackKind;
  sector?: Sector | null;
  /** A unit id, or 'unsure'. */
  unit?: string;
  unitName?: string;
  kecamatan?: string | null;
  kecamatanName?: string;
  body?: string;
  photo?: string | null;
  anonymous?: boolean;
}

/** One inbound message as stored in whatsapp_inbox. */
export interface InboundMessage {
  id: string;
  phone: string;
  profileName: string | null;
  type: string;
  text: string | null;
  imageId: string | null;
  /** The row's id in whatsapp_inbox (the submission key derives from the provider id). */
  at: Date;
}

export interface ConversationDeps {
  db: Db;
  config: Pick<AppConfig, 'publicUrl' | 'handling' | 'session'>;
  client: WhatsAppClient | null;
  photos: PhotoStore;
}

interface Reply {
  text: string;
  /** Outbox template name: `wa_reply`, or `wa_stopped` (sent even though the number just opted out). */
  kind?: string;
}

interface Outcome {
  set: Parameters<typeof q.updateContact>[2];
  replies: Reply[];
}

const KEYWORDS: Record<string, string> = {
  lewati: 'skip', skip: 'skip',
  batal: 'cancel', cancel: 'cancel',
  bantuan: 'help', help: 'help', tolong: 'help',
  berhenti: 'stop', stop: 'stop',
  mulai: 'start', start: 'start',
  english: 'english', inggris: 'english',
  indonesia: 'indonesia', bahasa: 'indonesia',
  kirim: 'send', send: 'send',
};

function keyword(text: string | null): { word: string; rest: string } | null {
  if (!text) return null;
  const m = /^\s*([A-Za-z]+)\b\s*(.*)$/s.exec(text);
  if (!m) return null;
  const word = m[1]!.toLowerCase();
  if (word === 'status') return { word: 'status', rest: m[2]!.trim() };
  // Other keywords count only as the whole message ("batal", "LEWATI."), not inside a story.
  if (KEYWORDS[word] && /^[.!\s]*$/.test(m[2]!)) return { word: KEYWORDS[word]!, rest: '' };
  return null;
}

function numbered(items: string[]): string {
  return items.map((s, i) => `${i + 1}. ${s}`).join('\n');
}

function choice(text: string | null, count: number): number | null {
  const m = /^\s*(\d{1,3})\s*[.)]?\s*$/.exec(text ?? '');
  if (!m) return null;
  const n = Number(m[1]);
  return n >= 0 && n <= count ? n : null;
}

function unsure(text: string | null): boolean {
  return /^\s*(0|tidak tahu|tdk tahu|gak tahu|nggak tahu|not sure|don'?t know|unsure)\s*[.!]?\s*$/i.test(text ?? '');
}

/** A title from the story: its first sentence or line, cut to 80 characters at a word. */
export function titleFromBody(body: string): string {
  const first = body.split(/\n|(?<=[.!?])\s/)[0]!.trim();
  const base = first.length >= 5 ? first : body.replace(/\s+/g, ' ').trim();
  if (base.length <= 80) return base;
  const cut = base.slice(0, 79);
  const space = cut.lastIndexOf(' ');
  return `${space > 40 ? cut.slice(0, space) : cut}…`;
}

function submissionKey(messageId: string): string {
  return createHash('sha256').update(`whatsapp:${messageId}`).digest('base64url').slice(0, 32);
}

async function prompt(db: Db, t: Translate, step: Step, draft: Draft): Promise<string> {
  switch (step) {
    case 'kind':
      return t('wa.askKind');
    case 'sector':
      return t('wa.askSector', { list: numbered(SECTORS.map((s) => labelOf(t, 'sector', s))) });
    case 'unit': {
      const units = await q.selectUnitsOfSector(db, draft.sector!);
      return t('wa.askUnit', { list: numbered(units.map((u) => u.short_name)) });
    }
    case 'kecamatan':
      return t('wa.askKecamatan', { list: numbered((await q.selectKecamatan(db)).map((k) => k.name)) });
    case 'body':
      return t('wa.askBody');
    case 'photo':
      return t('wa.askPhoto');
    case 'anonymous':
      return t('wa.askAnonymous');
    case 'confirm':
      return t('wa.summary', {
        kind: labelOf(t, 'kind', draft.kind!),
        unit: draft.unit === 'unsure' || !draft.unitName ? t('wa.unsure') : draft.unitName,
        kecamatan: draft.kecamatanName ?? t('wa.none'),
        photo: draft.photo ? t('wa.photoAttached') : t('wa.none'),
        anonymous: draft.anonymous ? t('wa.yes') : t('wa.no'),
        body: draft.body ?? '',
      });
    default:
      return t('wa.help');
  }
}

const OPTIONAL: Step[] = ['unit', 'kecamatan', 'photo'];
const NEXT: Record<Step, Step> = { idle: 'kind', kind: 'sector', sector: 'unit', unit: 'kecamatan', kecamatan: 'body', body: 'photo', photo: 'anonymous', anonymous: 'confirm', confirm: 'idle' };

/** Answers STATUS <code>: the item's state and its latest public answer. */
async function statusReply(deps: ConversationDeps, t: Translate, phone: string, rest: string): Promise<string> {
  if (!rest) return t('wa.statusUsage');
  const limit = await hit(deps.db, [[RATE_RULES.trackPerAddress, `wa:${phone}`]]);
  if (!limit.ok) return t('wa.rateLimited', { minutes: Math.ceil(limit.retryAfterSeconds / 60) });
  const code = normalizeTrackingCode(rest);
  const id = code ? await lookupFeedbackIdByCode(deps.db, code) : null;
  const view = id !== null && code ? await getTrackingView(deps.db, code) : null;
  if (!view || !code) return t('wa.statusNotFound');
  const f = view.feedback;
  const moderation = f.moderation_state === 'pending' ? t('wa.statusPending') : f.moderation_state === 'rejected' ? t('wa.statusRejected') : '';
  let text = t('wa.statusLine', { code, title: f.title, status: labelOf(t, 'status', f.status), moderation });
  const answer = await q.selectLatestPublicAnswer(deps.db, id!);
  if (answer?.body_md) text += t('wa.statusAnswer', { unit: f.unit_short_name ?? '-', answer: markdownToText(answer.body_md).slice(0, 1500) });
  return text;
}

/**
 * The conversation's next move for one message: what to store on the number's row and what
 * to answer. Network work (the photo, the submission) happens here, before the caller's
 * transaction; the submission is idempotent on the message id, so doing it twice after a
 * crash creates one item.
 */
export async function converse(deps: ConversationDeps, contact: q.ContactRow, msg: InboundMessage, now: Date): Promise<Outcome> {
  const { db } = deps;
  let locale: Locale = contact.locale;
  let t = translator(locale);
  const replies: Reply[] = [];
  const set: Outcome['set'] = {};
  let step = contact.step as Step;
  let draft = (contact.draft ?? {}) as Draft;
  const kw = msg.type === 'text' ? keyword(msg.text) : null;

  if (contact.opted_out_at) {
    if (kw?.word === 'start') return { set: { opted_out_at: null }, replies: [{ text: t('wa.started') }] };
    return { set: {}, replies: [] };
  }
  // A conversation left for 24 hours: say so, then take this message as a fresh start.
  if (step !== 'idle' && contact.step_at && now.getTime() - contact.step_at.getTime() >= CONVERSATION_TTL_MS) {
    replies.push({ text: t('wa.expired') });
    step = 'idle';
    draft = {};
    Object.assign(set, { step: 'idle', draft: '{}', step_at: null });
  }
  const go = async (next: Step, d: Draft) => {
    Object.assign(set, { step: next, draft: JSON.stringify(next === 'idle' ? {} : d), step_at: next === 'idle' ? null : now });
    if (next !== 'idle') replies.push({ text: await prompt(db, t, next, d) });
  };

  switch (kw?.word) {
    case 'stop':
      return { set: { opted_out_at: now, step: 'idle', draft: '{}', step_at: null }, replies: [{ text: t('wa.stopped'), kind: 'wa_stopped' }] };
    case 'start':
      replies.push({ text: t('wa.started') });
      return { set, replies };
    case 'english':
    case 'indonesia':
      locale = kw.word === 'english' ? 'en' : 'id';
      t = translator(locale);
      set.locale = locale;
      replies.push({ text: t('wa.language') });
      if (step !== 'idle') replies.push({ text: await prompt(db, t, step, draft) });
      return { set, replies };
    case 'help':
      replies.push({ text: t('wa.help') });
      if (step !== 'idle') replies.push({ text: await prompt(db, t, step, draft) });
      return { set, replies };
    case 'cancel':
      replies.push({ text: step === 'idle' ? t('wa.nothingToCancel') : t('wa.cancelled') });
      Object.assign(set, { step: 'idle', draft: '{}', step_at: null });
      return { set, replies };
    case 'status':
      replies.push({ text: await statusReply(deps, t, msg.phone, kw.rest) });
      return { set, replies };
  }

  if (kw?.word === 'skip') {
    if (!OPTIONAL.includes(step)) {
      replies.push({ text: step === 'idle' ? t('wa.help') : t('wa.cannotSkip') });
      return { set, replies };
    }
    if (step === 'unit') draft = { ...draft, unit: 'unsure', unitName: undefined };
    if (step === 'kecamatan') draft = { ...draft, kecamatan: null, kecamatanName: undefined };
    if (step === 'photo') draft = { ...draft, photo: null };
    await go(NEXT[step], draft);
    return { set, replies };
  }

  switch (step) {
    case 'idle': {
      // The answer to a request for information sent on WhatsApp goes into the item.
      if (contact.awaiting_info_feedback_id && contact.awaiting_info_until && contact.awaiting_info_until > now && msg.text && msg.text.trim().length > 0) {
        await addInformationById(db, contact.awaiting_info_feedback_id, msg.text.trim().slice(0, 3000));
        const f = await q.selectVerifyDue(db, contact.awaiting_info_feedback_id);
        Object.assign(set, { awaiting_info_feedback_id: null, awaiting_info_until: null });
        replies.push({ text: t('wa.infoAdded', { title: f?.title ?? '' }) });
        return { set, replies };
      }
      replies.push({ text: t('wa.welcome') });
      await go('kind', {});
      return { set, replies };
    }
    case 'kind': {
      const n = choice(msg.text, FEEDBACK_KINDS.length);
      const byName = FEEDBACK_KINDS.find((k) => k === msg.text?.trim().toLowerCase());
      const kind = byName ?? (n ? FEEDBACK_KINDS[n - 1] : undefined);
      if (!kind) return { set, replies: [{ text: `${t('wa.invalidChoice')}\n\n${t('wa.askKind')}` }] };
      await go('sector', { ...draft, kind });
      return { set, replies };
    }
    case 'sector': {
      if (unsure(msg.text)) {
        await go('kecamatan', { ...draft, sector: null, unit: 'unsure', unitName: undefined });
        return { set, replies };
      }
      const n = choice(msg.text, SECTORS.length);
      if (!n) return { set, replies: [{ text: `${t('wa.invalidChoice')}\n\n${await prompt(db, t, 'sector', draft)}` }] };
      const sector = SECTORS[n - 1]!;
      const units = await q.selectUnitsOfSector(db, sector);
      if (units.length === 0) await go('kecamatan', { ...draft, sector, unit: 'unsure' });
      else await go('unit', { ...draft, sector });
      return { set, replies };
    }
    case 'unit': {
      const units = await q.selectUnitsOfSector(db, draft.sector!);
      if (unsure(msg.text)) {
        await go('kecamatan', { ...draft, unit: 'unsure', unitName: undefined });
        return { set, replies };
      }
      const n = choice(msg.text, units.length);
      if (!n) return { set, replies: [{ text: `${t('wa.invalidChoice')}\n\n${await prompt(db, t, 'unit', draft)}` }] };
      const u = units[n - 1]!;
      await go('kecamatan', { ...draft, unit: String(u.id), unitName: u.short_name });
      return { set, replies };
    }
    case 'kecamatan': {
      const list = await q.selectKecamatan(db);
      const n = choice(msg.text, list.length);
      if (!n) return { set, replies: [{ text: `${t('wa.invalidChoice')}\n\n${await prompt(db, t, 'kecamatan', draft)}` }] };
      const k = list[n - 1]!;
      await go('body', { ...draft, kecamatan: k.code, kecamatanName: k.name });
      return { set, replies };
    }
    case 'body': {
      const text = (msg.text ?? '').trim();
      if (msg.type !== 'text' || !text) return { set, replies: [{ text: t('wa.expectText') }] };
      if (text.length < 10) return { set, replies: [{ text: t('wa.bodyShort') }] };
      if (text.length > 5000) return { set, replies: [{ text: t('wa.bodyLong') }] };
      await go('photo', { ...draft, body: text });
      return { set, replies };
    }
    case 'photo': {
      if (msg.type !== 'image' || !msg.imageId) return { set, replies: [{ text: t('wa.expectPhoto') }] };
      const checked = await checkPhoto(deps, msg.imageId);
      if (checked !== true) return { set, replies: [{ text: t('wa.photoBad', { reason: t(checked) }) }] };
      await go('anonymous', { ...draft, photo: msg.imageId });
      return { set, replies };
    }
    case 'anonymous': {
      const n = choice(msg.text, 2);
      const yes = /^\s*(ya|yes|y)\s*$/i.test(msg.text ?? '');
      const no = /^\s*(tidak|no|n|tdk)\s*$/i.test(msg.text ?? '');
      if (!n && !yes && !no) return { set, replies: [{ text: `${t('wa.invalidChoice')}\n\n${t('wa.askAnonymous')}` }] };
      await go('confirm', { ...draft, anonymous: yes || n === 1 });
      return { set, replies };
    }
    case 'confirm': {
      if (kw?.word !== 'send') return { set, replies: [{ text: t('wa.expectSend') }] };
      const result = await submit(deps, contact, msg, draft, locale);
      replies.push({ text: result });
      Object.assign(set, { step: 'idle', draft: '{}', step_at: null });
      return { set, replies };
    }
  }
  return { set, replies };
}

/** Downloads a photo and runs the web form's checks; true, or the reason in the dictionary. */
async function checkPhoto(deps: ConversationDeps, mediaId: string): Promise<true | MessageKey> {
  const file = await downloadPhoto(deps, mediaId);
  if (!(file instanceof File)) return file;
  const r = await processPhoto(file);
  return r.ok ? true : r.error === 'err.photoTooLarge' ? 'wa.photoTooLarge' : 'wa.photoType';
}

async function downloadPhoto(deps: ConversationDeps, mediaId: string): Promise<File | MessageKey> {
  if (!deps.client) return 'wa.photoUnavailable';
  try {
    const { data, mime } = await deps.client.downloadMedia(mediaId, MAX_PHOTO_BYTES);
    return new File([new Uint8Array(data)], `whatsapp-${mediaId.slice(0, 40)}`, { type: mime });
  } catch (e) {
    if (e instanceof MediaTooLargeError) return 'wa.photoTooLarge';
    throw e;
  }
}

/** Creates the feedback through the web form's service and moderation path; the reply text. */
async function submit(deps: ConversationDeps, contact: q.ContactRow, msg: InboundMessage, draft: Draft, locale: Locale): Promise<string> {
  const t = translator(locale);
  const files: File[] = [];
  if (draft.photo) {
    const f = await downloadPhoto(deps, draft.photo);
    if (!(f instanceof File)) return t('wa.submitFailed', { reason: t(f) });
    files.push(f);
  }
  const ctx: RequestContext = {
    ip: `wa:${msg.phone}`,
    userAgent: 'whatsapp',
    locale,
    sessionPolicy: deps.config.session,
    publicUrl: deps.config.publicUrl,
    rules: deps.config.handling,
  };
  const body = draft.body ?? '';
  const input: Record<string, string> = {
    kind: draft.kind ?? '',
    unit: draft.unit ?? 'unsure',
    kecamatan: draft.kecamatan ?? '',
    title: titleFromBody(body),
    body,
    anonymous: draft.anonymous ? 'on' : '',
    contactName: draft.anonymous ? '' : (contact.profile_name ?? '').slice(0, 100),
    contactPhone: msg.phone,
    contactNotify: 'whatsapp',
    submissionKey: submissionKey(msg.id),
  };
  const r = await submitFeedback(deps.db, ctx, null, input, files, deps.photos, { channel: 'whatsapp' });
  if (!r.ok) {
    const first = Object.values(r.errors)[0]!;
    return t('wa.submitFailed', { reason: t(first.key, first.params) });
  }
  const f = await q.selectVerifyDue(deps.db, r.value.feedbackId);
  return t('wa.submitted', { code: r.value.trackingCode, deadline: f?.verify_due_at ? formatDateTime(f.verify_due_at, locale) : '-' });
}

/** Queues a reply on WhatsApp (inside the window it is plain text; the template covers a late send). */
export async function enqueueReply(db: Db, phone: string, locale: Locale, reply: Reply): Promise<void> {
  await insertWhatsAppOutbox(db, {
    to_phone: phone,
    to_email: null,
    locale,
    template: reply.kind ?? 'wa_reply',
    subject: 'WhatsApp',
    text_body: reply.text,
    html_body: '',
    wa_text: reply.text,
    wa_template: JSON.stringify({ name: WHATSAPP_TEMPLATES.general.name, params: [templateParam(reply.text, 900)] }),
  });
}
