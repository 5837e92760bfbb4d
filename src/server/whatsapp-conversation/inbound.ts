import { translator } from '../../i18n/index.ts';
import type { Db } from '../db/index.ts';
import type { DeliveryStatus } from '../db/schema.ts';
import { log } from '../log.ts';
import { applyDeliveryStatus, failWithFallback } from '../notifications/queries.ts';
import { hit, RATE_RULES } from '../rate-limit/service.ts';
import { converse, CONVERSATION_TTL_MS, enqueueReply, type ConversationDeps, type InboundMessage } from './conversation.ts';
import { waIdToE164 } from '../whatsapp/phone.ts';
import * as q from '../whatsapp/queries.ts';
import * as cq from './queries.ts';

const MAX_INBOX_ATTEMPTS = 5;

class ConcurrentChange extends Error {}

interface StoredMessage {
  type?: string;
  text?: { body?: string };
  image?: { id?: string; caption?: string };
  interactive?: { button_reply?: { title?: string }; list_reply?: { title?: string } };
  button?: { text?: string };
}

interface StoredStatus {
  id: string;
  status: DeliveryStatus;
  errors?: Array<{ code?: number; title?: string; message?: string; error_data?: { details?: string } }>;
}

type InboxRow = Awaited<ReturnType<typeof q.claimInbox>>[number];

function toInbound(row: InboxRow, phone: string): InboundMessage {
  const p = row.payload as StoredMessage;
  const reply = p.interactive?.button_reply?.title ?? p.interactive?.list_reply?.title ?? p.button?.text;
  const type = p.type === 'interactive' || p.type === 'button' ? 'text' : (p.type ?? 'unknown');
  return {
    id: row.message_id,
    phone,
    profileName: row.contact_name,
    type,
    text: type === 'text' ? (p.text?.body ?? reply ?? null) : type === 'image' ? (p.image?.caption ?? null) : null,
    imageId: type === 'image' ? (p.image?.id ?? null) : null,
    at: row.sent_at,
  };
}

async function handleStatus(db: Db, row: InboxRow): Promise<void> {
  const s = row.payload as StoredStatus;
  const e = s.errors?.[0];
  const reason = e ? [e.code ? `(#${e.code})` : '', e.title, e.message, e.error_data?.details].filter(Boolean).join(' ') : null;
  const applied = await applyDeliveryStatus(db, s.id, s.status, row.sent_at, reason);
  // Accepted by the API but not delivered (e.g. 131026, not a WhatsApp number): the email takes over.
  if (applied && s.status === 'failed') await failWithFallback(db, applied.id, reason ?? 'failed', true);
}

async function handleMessage(deps: ConversationDeps, row: InboxRow, now: Date): Promise<void> {
  const { db } = deps;
  const phone = waIdToE164(row.wa_from);
  if (!phone) return;
  await q.touchContact(db, { phone, wa_id: row.wa_from, profile_name: row.contact_name, at: row.sent_at });
  const contact = (await cq.selectContact(db, phone))!;

  const limit = await hit(db, [[RATE_RULES.whatsappPerNumber, phone]], now);
  if (!limit.ok) {
    // One "too many messages" answer per window; the rest are stored and ignored.
    const notice = await hit(db, [[RATE_RULES.whatsappLimitNotice, phone]], now);
    if (notice.ok && !contact.opted_out_at) {
      await enqueueReply(db, phone, contact.locale, { text: translator(contact.locale)('wa.rateLimited', { minutes: Math.ceil(limit.retryAfterSeconds / 60) }) });
    }
    return;
  }

  const outcome = await converse(deps, contact, toInbound(row, phone), now);
  await db.transaction().execute(async (trx) => {
    const locked = await q.lockContact(trx, phone);
    // Another worker moved this conversation meanwhile: this message is processed again.
    if (!locked || locked.updated_at.getTime() !== contact.updated_at.getTime()) throw new ConcurrentChange('conversation changed concurrently');
    if (Object.keys(outcome.set).length > 0) await q.updateContact(trx, phone, outcome.set);
    for (const reply of outcome.replies) await enqueueReply(trx, phone, outcome.set.locale ?? contact.locale, reply);
    await q.finishInbox(trx, row.id, now, null, false);
  });
}

/**
 * Processes stored webhook entries: delivery statuses update their outbox message; messages
 * move their number's conversation. Each entry is finished in the transaction that stores its
 * effects, so an entry whose worker died is processed again by another (after a short claim
 * timeout) and nothing is done twice. Returns how many entries were claimed.
 */
export async function processWhatsAppInbox(deps: ConversationDeps, now = new Date(), batch = 20): Promise<number> {
  const rows = await q.claimInbox(deps.db, batch, now);
  for (const row of rows) {
    try {
      if (row.kind === 'status') {
        await handleStatus(deps.db, row);
        await q.finishInbox(deps.db, row.id, now, null, false);
      } else {
        await handleMessage(deps, row, now);
        // handleMessage finishes the row in its own transaction, except for ignored rows.
        await cq.finishInboxIfProcessing(deps.db, row.id, now);
      }
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const giveUp = row.attempts >= MAX_INBOX_ATTEMPTS;
      log.warn('whatsapp inbox entry failed', { inboxId: row.id, attempts: row.attempts, error: message, giveUp });
      await q.finishInbox(deps.db, row.id, now, message, giveUp);
    }
  }
  return rows.length;
}

/** Ends conversations left for 24 hours, telling the person (as a template: their window has closed). */
export async function expireConversations(db: Db, now = new Date()): Promise<number> {
  const stale = await q.selectStaleConversations(db, new Date(now.getTime() - CONVERSATION_TTL_MS), 100);
  let n = 0;
  for (const { phone } of stale) {
    await db.transaction().execute(async (trx) => {
      const c = await q.lockContact(trx, phone);
      if (!c || c.step === 'idle' || !c.step_at || now.getTime() - c.step_at.getTime() < CONVERSATION_TTL_MS) return;
      await q.updateContact(trx, phone, { step: 'idle', draft: '{}', step_at: null });
      if (!c.opted_out_at) {
          await enqueueReply(trx, phone, c.locale, { text: translator(c.locale)('wa.expired') });
      }
      n++;
    });
  }
  return n;
}
