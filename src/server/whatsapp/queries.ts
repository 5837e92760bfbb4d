import { sql } from 'kysely';
import type { Sector } from '../../domain/vocabulary.ts';
import type { Db } from '../db/index.ts';
import { claimDue } from '../jobs/queries.ts';
import type { NotifyChannels } from '../db/schema.ts';

// ---- inbox

export interface InboxInsert {
  message_id: string;
  kind: 'message' | 'status';
  wa_from: string;
  sent_at: Date;
  payload: string;
  contact_name: string | null;
}

/** Stores webhook entries; a provider id already stored is skipped (retries, duplicates). Returns how many were new. */
export async function insertInbox(db: Db, rows: InboxInsert[]): Promise<number> {
  if (rows.length === 0) return 0;
  const r = await db.insertInto('whatsapp_inbox').values(rows).onConflict((oc) => oc.column('message_id').doNothing()).returning('id').execute();
  return r.length;
}

/**
 * Claims due inbox entries in the provider's time order (then arrival), skipping rows another
 * worker holds; an entry claimed by a worker that died is claimable again after `staleSeconds`.
 */
export function claimInbox(db: Db, limit: number, now: Date, staleSeconds = 120) {
  return claimDue(db, 'whatsapp_inbox', { waiting: 'pending', claimed: 'processing', order: ['sent_at', 'id'], limit, now, staleSeconds });
}

export async function finishInbox(db: Db, id: number, now: Date, error: string | null, giveUp: boolean): Promise<void> {
  await db
    .updateTable('whatsapp_inbox')
    .set(error === null ? { status: 'done', processed_at: now, last_error: null } : { status: giveUp ? 'failed' : 'pending', last_error: error.slice(0, 2000) })
    .where('id', '=', id)
    .execute();
}

export function countInbox(db: Db) {
  return db.selectFrom('whatsapp_inbox').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
}

// ---- contacts (one row per number: window, opt-out, conversation)

export function lockContact(db: Db, phone: string) {
  return db.selectFrom('whatsapp_contacts').selectAll().where('phone', '=', phone).forUpdate().executeTakeFirst();
}

export type ContactRow = NonNullable<Awaited<ReturnType<typeof lockContact>>>;

/** Creates the number's row if needed and moves its window to the message's time (never back). */
export async function touchContact(db: Db, c: { phone: string; wa_id: string; profile_name: string | null; at: Date }): Promise<void> {
  await db
    .insertInto('whatsapp_contacts')
    .values({ phone: c.phone, wa_id: c.wa_id, profile_name: c.profile_name, last_inbound_at: c.at })
    .onConflict((oc) =>
      oc.column('phone').doUpdateSet({
        profile_name: (eb) => eb.fn.coalesce(eb.ref('excluded.profile_name'), eb.ref('whatsapp_contacts.profile_name')),
        last_inbound_at: sql`greatest(coalesce(whatsapp_contacts.last_inbound_at, excluded.last_inbound_at), excluded.last_inbound_at)`,
        updated_at: new Date(),
      }),
    )
    .execute();
}

export async function updateContact(
  db: Db,
  phone: string,
  set: Partial<{ locale: 'id' | 'en'; opted_out_at: Date | null; step: string; draft: string; step_at: Date | null; awaiting_info_feedback_id: number | null; awaiting_info_until: Date | null }>,
): Promise<void> {
  await db.updateTable('whatsapp_contacts').set({ ...set, updated_at: new Date() }).where('phone', '=', phone).execute();
}

/** Marks that a WhatsApp request for information about an item is open for this number. */
export async function setAwaitingInfo(db: Db, phone: string, feedbackId: number, until: Date): Promise<void> {
  await db
    .insertInto('whatsapp_contacts')
    .values({ phone, wa_id: phone.replace(/^\+/, ''), awaiting_info_feedback_id: feedbackId, awaiting_info_until: until })
    .onConflict((oc) => oc.column('phone').doUpdateSet({ awaiting_info_feedback_id: feedbackId, awaiting_info_until: until, updated_at: new Date() }))
    .execute();
}

/** Conversations in progress whose last step is older than `before`. */
export function selectStaleConversations(db: Db, before: Date, limit: number) {
  return db.selectFrom('whatsapp_contacts').select(['phone']).where('step', '<>', 'idle').where('step_at', '<', before).limit(limit).execute();
}

// ---- reference lists for the conversation

export function selectUnitsOfSector(db: Db, sector: Sector) {
  return db.selectFrom('units').select(['id', 'short_name', 'name']).where('sector', '=', sector).where('active', '=', true).orderBy('short_name').execute();
}

export function selectKecamatan(db: Db) {
  return db.selectFrom('areas').select(['code', 'name']).where('kind', '=', 'kecamatan').orderBy('code').execute();
}

export function selectVerifyDue(db: Db, feedbackId: number) {
  return db.selectFrom('feedback').select(['verify_due_at', 'title']).where('id', '=', feedbackId).executeTakeFirst();
}

export function selectLatestPublicAnswer(db: Db, feedbackId: number) {
  return db
    .selectFrom('feedback_events')
    .select(['body_md', 'at'])
    .where('feedback_id', '=', feedbackId)
    .where('public', '=', true)
    .where('kind', '=', 'response')
    .orderBy('at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

// ---- accounts' numbers

export function selectUserNumber(db: Db, userId: string) {
  return db.selectFrom('whatsapp_user_numbers').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

export function lockUserNumber(db: Db, userId: string) {
  return db.selectFrom('whatsapp_user_numbers').selectAll().where('user_id', '=', userId).forUpdate().executeTakeFirst();
}

export async function upsertPendingNumber(db: Db, userId: string, pendingPhone: string, codeHash: string, expiresAt: Date): Promise<void> {
  await db
    .insertInto('whatsapp_user_numbers')
    .values({ user_id: userId, pending_phone: pendingPhone, code_hash: codeHash, code_expires_at: expiresAt, code_attempts: 0 })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ pending_phone: pendingPhone, code_hash: codeHash, code_expires_at: expiresAt, code_attempts: 0, updated_at: new Date() }))
    .execute();
}

export async function countCodeAttempt(db: Db, userId: string): Promise<void> {
  await db.updateTable('whatsapp_user_numbers').set({ code_attempts: sql`code_attempts + 1` }).where('user_id', '=', userId).execute();
}

export function findVerifiedOwner(db: Db, phone: string) {
  return db.selectFrom('whatsapp_user_numbers').select('user_id').where('phone', '=', phone).executeTakeFirst();
}

export async function confirmNumber(db: Db, userId: string, phone: string, now: Date): Promise<void> {
  await db
    .updateTable('whatsapp_user_numbers')
    .set({ phone, verified_at: now, pending_phone: null, code_hash: null, code_expires_at: null, code_attempts: 0, notify: 'both', updated_at: now })
    .where('user_id', '=', userId)
    .execute();
}

export async function setUserNotify(db: Db, userId: string, notify: NotifyChannels): Promise<void> {
  await db.updateTable('whatsapp_user_numbers').set({ notify, updated_at: new Date() }).where('user_id', '=', userId).execute();
}

export async function deleteUserNumber(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('whatsapp_user_numbers').where('user_id', '=', userId).execute();
}
