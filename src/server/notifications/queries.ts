import type { Db } from '../db/index.ts';
import { claimDue } from '../jobs/queries.ts';
import type { DeliveryStatus, NotifyChannels, OutboxChannel, OutboxRow, OutboxStatus } from '../db/schema.ts';

export interface OutboxInsert {
  to_email: string;
  locale: 'id' | 'en';
  template: string;
  subject: string;
  text_body: string;
  html_body: string;
  attachments?: string | null;
  /** Extra mail headers, a JSON object (List-Unsubscribe ...). */
  headers?: string | null;
  feedback_id?: number | null;
}

export async function insertOutbox(db: Db, m: OutboxInsert): Promise<number> {
  // Due "now" by the application's clock, the one the worker compares with (the database's
  // now() has microseconds and could look a hair later than the worker's next check).
  const r = await db.insertInto('outbox').values({ ...m, next_attempt_at: new Date() }).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

/**
 * Claims up to `limit` due messages for one worker (see `claimDue`), in queue order, so one person's
 * messages are sent in the order they were queued; a message claimed by a worker that died is
 * claimable again after `staleSeconds`.
 */
export function claimDueMessages(db: Db, limit: number, now: Date, staleSeconds = 300): Promise<OutboxRow[]> {
  return claimDue(db, 'outbox', { waiting: 'pending', claimed: 'sending', dueAt: 'next_attempt_at', order: ['next_attempt_at'], limit, now, staleSeconds });
}

export async function markDelivered(db: Db, id: number, status: 'sent' | 'logged', now: Date): Promise<void> {
  await db.updateTable('outbox').set({ status, sent_at: now, last_error: null }).where('id', '=', id).execute();
}

export async function markFailedAttempt(db: Db, id: number, error: string, nextAttemptAt: Date | null): Promise<void> {
  await db
    .updateTable('outbox')
    .set(
      nextAttemptAt
        ? { status: 'pending', next_attempt_at: nextAttemptAt, last_error: error.slice(0, 2000) }
        : { status: 'failed', last_error: error.slice(0, 2000) },
    )
    .where('id', '=', id)
    .execute();
}

export function selectOutboxPage(
  db: Db,
  opts: { beforeId?: number; limit: number; channel?: OutboxChannel; status?: OutboxStatus; feedbackId?: number },
): Promise<OutboxRow[]> {
  let q = db.selectFrom('outbox').selectAll();
  if (opts.beforeId) q = q.where('id', '<', opts.beforeId);
  if (opts.channel) q = q.where('channel', '=', opts.channel);
  if (opts.status) q = q.where('status', '=', opts.status);
  if (opts.feedbackId) q = q.where('feedback_id', '=', opts.feedbackId);
  return q.orderBy('id', 'desc').limit(opts.limit).execute();
}

export interface WhatsAppOutboxInsert extends Omit<OutboxInsert, 'to_email'> {
  to_phone: string;
  /** The address the worker falls back to when WhatsApp fails, or null. */
  to_email: string | null;
  wa_text: string;
  wa_template: string | null;
}

export async function insertWhatsAppOutbox(db: Db, m: WhatsAppOutboxInsert): Promise<number> {
  const r = await db
    .insertInto('outbox')
    .values({ ...m, channel: 'whatsapp', next_attempt_at: new Date() })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** Whether a number said BERHENTI (and not MULAI since). */
export async function selectOptedOut(db: Db, phone: string): Promise<boolean> {
  const r = await db.selectFrom('whatsapp_contacts').select('opted_out_at').where('phone', '=', phone).executeTakeFirst();
  return Boolean(r?.opted_out_at);
}

/** An account's verified WhatsApp number and chosen channels, by its (unique) email. */
export function selectAccountRecipient(db: Db, email: string): Promise<{ phone: string | null; notify: NotifyChannels } | undefined> {
  return db
    .selectFrom('users')
    .innerJoin('whatsapp_user_numbers as w', 'w.user_id', 'users.id')
    .select(['w.phone', 'w.notify'])
    .where('users.email', '=', email)
    .where('w.verified_at', 'is not', null)
    .executeTakeFirst();
}

/** The window and opt-out of a number, read by the sender before each message. */
export function selectContactState(db: Db, phone: string) {
  return db.selectFrom('whatsapp_contacts').select(['last_inbound_at', 'opted_out_at']).where('phone', '=', phone).executeTakeFirst();
}

export async function markWhatsAppAccepted(db: Db, id: number, providerId: string, now: Date): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ status: 'sent', sent_at: now, last_error: null, provider_message_id: providerId })
    .where('id', '=', id)
    .execute();
}

/**
 * Gives up on a WhatsApp message and, when it has a fallback address, queues the same content
 * as an email (once: the row is locked and fallback_outbox_id set in the same transaction).
 */
export async function failWithFallback(db: Db, id: number, reason: string, deliveryFailed = false): Promise<number | null> {
  return db.transaction().execute(async (trx) => {
    const m = await trx.selectFrom('outbox').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!m) return null;
    let fallbackId = m.fallback_outbox_id;
    if (fallbackId === null && m.to_email) {
      fallbackId = await insertOutbox(trx, {
        to_email: m.to_email,
        locale: m.locale,
        template: m.template,
        subject: m.subject,
        text_body: m.text_body,
        html_body: m.html_body,
        attachments: m.attachments?.length ? JSON.stringify(m.attachments) : null,
        feedback_id: m.feedback_id,
      });
    }
    await trx
      .updateTable('outbox')
      .set({
        status: 'failed',
        last_error: reason.slice(0, 2000),
        fallback_outbox_id: fallbackId,
        ...(deliveryFailed ? {} : { delivery_status: 'failed' as const, delivery_error: reason.slice(0, 2000), delivery_at: new Date() }),
      })
      .where('id', '=', id)
      .execute();
    return fallbackId;
  });
}

const DELIVERY_RANK: Record<DeliveryStatus, number> = { sent: 1, delivered: 2, read: 3, failed: 4 };

/**
 * Records a status the provider reported for one of our messages. Statuses may arrive late or
 * out of order: a status never replaces a later one (read stays read when "delivered" comes
 * after it). Returns the row when the status was applied.
 */
export async function applyDeliveryStatus(db: Db, providerId: string, status: DeliveryStatus, at: Date, error: string | null) {
  return db.transaction().execute(async (trx) => {
    const m = await trx.selectFrom('outbox').select(['id', 'delivery_status']).where('provider_message_id', '=', providerId).forUpdate().executeTakeFirst();
    if (!m) return null;
    if (m.delivery_status && DELIVERY_RANK[m.delivery_status] >= DELIVERY_RANK[status]) return null;
    await trx.updateTable('outbox').set({ delivery_status: status, delivery_at: at, delivery_error: error?.slice(0, 2000) ?? null }).where('id', '=', m.id).execute();
    return m;
  });
}

/** An item's reporter as the notifier needs them: contact details, account, verified number. */
export function selectReporter(db: Db, feedbackId: number) {
  return db
    .selectFrom('feedback')
    .leftJoin('feedback_contacts as c', 'c.feedback_id', 'feedback.id')
    .leftJoin('users as u', 'u.id', 'feedback.author_id')
    .leftJoin('whatsapp_user_numbers as w', (j) => j.onRef('w.user_id', '=', 'u.id').on('w.verified_at', 'is not', null))
    .select([
      'feedback.anonymous',
      'c.email as contact_email',
      'c.phone as contact_phone',
      'c.notify as contact_notify',
      'c.locale as contact_locale',
      'u.email as user_email',
      'u.locale as user_locale',
      'w.phone as user_phone',
      'w.notify as user_notify',
    ])
    .where('feedback.id', '=', feedbackId)
    .executeTakeFirst();
}

/** True when mail to this address must not be sent: a restricted account or contact record has it. */
export async function isEmailRestricted(db: Db, email: string): Promise<boolean> {
  const addr = email.trim().toLowerCase();
  const row = await db
    .selectNoFrom((eb) => [
      eb
        .exists(
          eb
            .selectFrom('users')
            .select('id')
            .where('email', '=', addr)
            .where('processing_restricted_at', 'is not', null),
        )
        .as('account'),
      eb
        .exists(
          eb
            .selectFrom('feedback_contacts')
            .select('feedback_id')
            .where('email', '=', addr)
            .where('restricted_at', 'is not', null),
        )
        .as('contact'),
    ])
    .executeTakeFirstOrThrow();
  return !!row.account || !!row.contact;
}

/**
 * True when the processing of the data of whoever holds this WhatsApp number (E.164) is restricted:
 * a restricted contact record with the number, or a restricted account that verified it.
 */
export async function isPhoneRestricted(db: Db, phone: string): Promise<boolean> {
  const row = await db
    .selectNoFrom((eb) => [
      eb
        .exists(
          eb
            .selectFrom('whatsapp_user_numbers')
            .innerJoin('users', 'users.id', 'whatsapp_user_numbers.user_id')
            .select('users.id')
            .where('whatsapp_user_numbers.phone', '=', phone)
            .where('users.processing_restricted_at', 'is not', null),
        )
        .as('account'),
      eb
        .exists(eb.selectFrom('feedback_contacts').select('feedback_id').where('phone', '=', phone).where('restricted_at', 'is not', null))
        .as('contact'),
    ])
    .executeTakeFirstOrThrow();
  return !!row.account || !!row.contact;
}
