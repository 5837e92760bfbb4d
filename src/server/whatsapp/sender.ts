import type { Db } from '../db/index.ts';
import type { OutboxRow } from '../db/schema.ts';
import { log } from '../log.ts';
import { failWithFallback, markFailedAttempt, markWhatsAppAccepted, selectContactState } from '../notifications/queries.ts';
import { WhatsAppApiError, type OutgoingMessage, type WhatsAppClient } from './client.ts';
import { e164ToWa } from './phone.ts';
import { TEMPLATE_LANGUAGE } from './templates.ts';

/** Free-form messages are allowed this long after the person's last message. */
export const WINDOW_MS = 24 * 3600_000;
export const MAX_WHATSAPP_ATTEMPTS = 6;
/** Outbox templates that are answers to the person's own message and go out even after BERHENTI (its confirmation). */
const SENT_DESPITE_OPT_OUT = new Set(['wa_stopped']);

function backoffSeconds(attempts: number): number {
  return Math.min(30 * 2 ** Math.max(0, attempts - 1), 3600);
}

function imageOf(m: OutboxRow, cid: string | undefined) {
  if (!m.attachments) return undefined;
  return m.attachments.find((a) => (cid ? a.cid === cid : a.contentType.startsWith('image/')));
}

async function templateMessage(client: WhatsAppClient, m: OutboxRow): Promise<OutgoingMessage> {
  const t = m.wa_template;
  if (!t) throw new WhatsAppApiError(400, 131047, 'outside the 24-hour window and no template for this message');
  const components: Extract<OutgoingMessage, { type: 'template' }>['template']['components'] = [];
  const image = t.headerImageCid ? imageOf(m, t.headerImageCid) : undefined;
  if (image) {
    const id = await client.uploadMedia(Buffer.from(image.base64, 'base64'), image.contentType, image.filename);
    components.push({ type: 'header', parameters: [{ type: 'image', image: { id } }] });
  }
  components.push({ type: 'body', parameters: t.params.map((text) => ({ type: 'text' as const, text })) });
  // Authentication templates: the copy-code button carries the code (the first parameter).
  if (t.name === 'bd_kode_verifikasi') components.push({ type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: t.params[0] ?? '' }] });
  return { type: 'template', template: { name: t.name, language: { code: TEMPLATE_LANGUAGE[m.locale] }, components } };
}

async function freeFormMessage(client: WhatsAppClient, m: OutboxRow): Promise<OutgoingMessage> {
  const text = m.wa_text ?? m.text_body;
  const image = m.wa_template?.headerImageCid ? imageOf(m, m.wa_template.headerImageCid) : undefined;
  if (image && text.length <= 1024) {
    const id = await client.uploadMedia(Buffer.from(image.base64, 'base64'), image.contentType, image.filename);
    return { type: 'image', image: { id, caption: text } };
  }
  return { type: 'text', text: { body: text.slice(0, 4096), preview_url: false } };
}

/**
 * Sends one claimed WhatsApp outbox message: plain text (or an image with its caption) when the
 * person wrote within the last 24 hours, the registered template otherwise. Rate limits and
 * server errors are retried later; anything else (and the last attempt) fails the message and
 * queues its email fallback. A number that said BERHENTI is not sent to.
 */
export async function sendWhatsAppOutbox(db: Db, client: WhatsAppClient | null, m: OutboxRow, now: Date): Promise<void> {
  if (!client) {
    await failWithFallback(db, m.id, 'WhatsApp channel not configured');
    return;
  }
  const phone = m.to_phone!;
  const state = await selectContactState(db, phone);
  if (state?.opted_out_at && !SENT_DESPITE_OPT_OUT.has(m.template)) {
    await failWithFallback(db, m.id, 'number opted out (BERHENTI)');
    return;
  }
  let inWindow = state?.last_inbound_at ? now.getTime() - state.last_inbound_at.getTime() < WINDOW_MS : false;
  for (;;) {
    try {
      const message = inWindow ? await freeFormMessage(client, m) : await templateMessage(client, m);
      const id = await client.send(e164ToWa(phone), message);
      await markWhatsAppAccepted(db, m.id, id, now);
      return;
    } catch (e) {
      // The window closed between our check and the send: the template says it instead.
      if (e instanceof WhatsAppApiError && e.outsideWindow && inWindow && m.wa_template) {
        inWindow = false;
        continue;
      }
      const message = e instanceof Error ? e.message : String(e);
      const retry = !(e instanceof WhatsAppApiError) || e.retryable;
      log.warn('whatsapp delivery failed', { outboxId: m.id, attempts: m.attempts, error: message, retry });
      if (retry && m.attempts < MAX_WHATSAPP_ATTEMPTS) await markFailedAttempt(db, m.id, message, new Date(now.getTime() + backoffSeconds(m.attempts) * 1000));
      else await failWithFallback(db, m.id, message);
      return;
    }
  }
}
