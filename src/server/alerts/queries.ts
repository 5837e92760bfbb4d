import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { AlertFrequency, AlertScope } from '../db/schema.ts';

export interface SubscriptionInsert {
  email: string;
  locale: 'id' | 'en';
  scope: AlertScope;
  unit_id: number | null;
  kecamatan_code: string | null;
  latitude: number | null;
  longitude: number | null;
  radius_m: number | null;
  feedback_id: number | null;
  frequency: AlertFrequency;
  user_id: string | null;
}

export async function insertSubscription(db: Db, s: SubscriptionInsert): Promise<number> {
  const r = await db.insertInto('alert_subscriptions').values(s).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export async function insertToken(db: Db, tokenHash: string, subscriptionId: number, purpose: 'confirm' | 'unsubscribe'): Promise<void> {
  await db.insertInto('alert_tokens').values({ token_hash: tokenHash, subscription_id: subscriptionId, purpose }).execute();
}

/** The subscription a token belongs to (with what it follows, for the page), locked when `lock`. */
export function findByToken(db: Db, tokenHash: string, purpose: 'confirm' | 'unsubscribe') {
  return db
    .selectFrom('alert_tokens')
    .innerJoin('alert_subscriptions as s', 's.id', 'alert_tokens.subscription_id')
    .leftJoin('units', 'units.id', 's.unit_id')
    .leftJoin('areas as kec', (j) => j.onRef('kec.code', '=', 's.kecamatan_code').on('kec.kind', '=', 'kecamatan'))
    .leftJoin('feedback', 'feedback.id', 's.feedback_id')
    .selectAll('s')
    .select(['alert_tokens.created_at as token_created_at', 'units.short_name as unit_short_name', 'kec.name as kecamatan_name', 'feedback.title as feedback_title'])
    .where('alert_tokens.token_hash', '=', tokenHash)
    .where('alert_tokens.purpose', '=', purpose)
    .executeTakeFirst();
}

export function lockSubscription(db: Db, id: number) {
  return db.selectFrom('alert_subscriptions').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function setConfirmed(db: Db, id: number, at: Date): Promise<void> {
  await db.updateTable('alert_subscriptions').set({ confirmed_at: at }).where('id', '=', id).execute();
}

export async function setCancelled(db: Db, id: number, at: Date): Promise<void> {
  await db.updateTable('alert_subscriptions').set({ cancelled_at: at }).where('id', '=', id).execute();
  // Nothing more goes out, and the confirmation link is spent.
  await db.deleteFrom('alert_items').where('subscription_id', '=', id).execute();
  await db.deleteFrom('alert_tokens').where('subscription_id', '=', id).where('purpose', '=', 'confirm').execute();
}

export async function deleteConfirmTokens(db: Db, id: number): Promise<void> {
  await db.deleteFrom('alert_tokens').where('subscription_id', '=', id).where('purpose', '=', 'confirm').execute();
}

/** Subscriptions with the names of what they follow (unit, kecamatan, item title), for pages and emails. */
function withNames(db: Db) {
  return db
    .selectFrom('alert_subscriptions as s')
    .leftJoin('units', 'units.id', 's.unit_id')
    .leftJoin('areas as kec', (j) => j.onRef('kec.code', '=', 's.kecamatan_code').on('kec.kind', '=', 'kecamatan'))
    .leftJoin('feedback', 'feedback.id', 's.feedback_id')
    .selectAll('s')
    .select(['units.short_name as unit_short_name', 'kec.name as kecamatan_name', 'feedback.title as feedback_title']);
}

/** A signed-in person's live subscriptions (confirmed or waiting for confirmation). */
export function selectUserSubscriptions(db: Db, userId: string) {
  return withNames(db)
    .where('s.user_id', '=', userId)
    .where('s.cancelled_at', 'is', null)
    .orderBy('s.id', 'desc')
    .limit(200)
    .execute();
}

export function lockUserSubscription(db: Db, id: number, userId: string) {
  return db.selectFrom('alert_subscriptions').selectAll().where('id', '=', id).where('user_id', '=', userId).forUpdate().executeTakeFirst();
}

/** Queued public events with their item, claimed for this worker (SKIP LOCKED). */
export function claimQueuedEvents(db: Db, limit: number) {
  return db
    .selectFrom('alert_events')
    .innerJoin('feedback_events as e', 'e.id', 'alert_events.event_id')
    .innerJoin('feedback as f', 'f.id', 'e.feedback_id')
    .select([
      'alert_events.event_id',
      'e.kind',
      'f.id as feedback_id',
      'f.unit_id',
      'f.kecamatan_code',
      'f.latitude',
      'f.longitude',
      'f.moderation_state',
      'f.confidential',
    ])
    .orderBy('alert_events.event_id')
    .limit(limit)
    .forUpdate('alert_events')
    .skipLocked()
    .execute();
}

export async function deleteQueuedEvents(db: Db, ids: number[]): Promise<void> {
  if (ids.length) await db.deleteFrom('alert_events').where('event_id', 'in', ids).execute();
}

const live = sql<boolean>`s.confirmed_at is not null and s.cancelled_at is null`;

/** Live subscriptions following an item directly, its unit or its kecamatan. */
export function selectDirectMatches(db: Db, f: { feedback_id: number; unit_id: number | null; kecamatan_code: string | null }, areaEvent: boolean) {
  return db
    .selectFrom('alert_subscriptions as s')
    .select(['s.id'])
    .where(live)
    .where((eb) =>
      eb.or([
        eb.and([eb('s.scope', '=', 'item'), eb('s.feedback_id', '=', f.feedback_id)]),
        ...(areaEvent && f.unit_id !== null ? [eb.and([eb('s.scope', '=', 'unit'), eb('s.unit_id', '=', f.unit_id)])] : []),
        ...(areaEvent && f.kecamatan_code !== null ? [eb.and([eb('s.scope', '=', 'kecamatan'), eb('s.kecamatan_code', '=', f.kecamatan_code)])] : []),
      ]),
    )
    .execute();
}

/** Live point subscriptions whose centre lies in a box (the caller checks the exact distance). */
export function selectPointCandidates(db: Db, box: { south: number; north: number; west: number; east: number }) {
  return db
    .selectFrom('alert_subscriptions as s')
    .select(['s.id', 's.latitude', 's.longitude', 's.radius_m'])
    .where(live)
    .where('s.scope', '=', 'point')
    .where('s.latitude', '>=', box.south)
    .where('s.latitude', '<=', box.north)
    .where('s.longitude', '>=', box.west)
    .where('s.longitude', '<=', box.east)
    .limit(5000)
    .execute();
}

export async function insertItems(db: Db, rows: Array<{ subscription_id: number; event_id: number }>): Promise<void> {
  if (rows.length) await db.insertInto('alert_items').values(rows).onConflict((oc) => oc.doNothing()).execute();
}

/**
 * Live subscriptions with waiting items whose email is due, claimed for this worker (SKIP
 * LOCKED): immediate ones always, daily ones when `dailyDue` and not yet sent on `today`.
 */
export function claimDueSubscriptions(db: Db, today: string, dailyDue: boolean, limit: number) {
  return withNames(db)
    .where(live)
    .where((eb) => eb.exists(eb.selectFrom('alert_items as i').select('i.event_id').whereRef('i.subscription_id', '=', 's.id')))
    .where((eb) =>
      dailyDue
        ? eb.or([eb('s.frequency', '=', 'immediate'), eb.and([eb('s.frequency', '=', 'daily'), eb.or([eb('s.last_sent_on', 'is', null), eb('s.last_sent_on', '<', today)])])])
        : eb('s.frequency', '=', 'immediate'),
    )
    .orderBy('s.id')
    .limit(limit)
    .forUpdate('s')
    .skipLocked()
    .execute();
}

/** A subscription's waiting items, still public, oldest first. */
export function selectItems(db: Db, subscriptionId: number) {
  return db
    .selectFrom('alert_items as i')
    .innerJoin('feedback_events as e', 'e.id', 'i.event_id')
    .innerJoin('feedback as f', 'f.id', 'e.feedback_id')
    .select(['e.id as event_id', 'e.kind', 'e.at', 'e.to_status', 'f.id as feedback_id', 'f.title', 'f.kind as feedback_kind'])
    .where('i.subscription_id', '=', subscriptionId)
    .where('f.moderation_state', '=', 'published')
    .where('f.confidential', '=', false)
    .orderBy('e.id')
    .limit(200)
    .execute();
}

export async function deleteItems(db: Db, subscriptionId: number): Promise<void> {
  await db.deleteFrom('alert_items').where('subscription_id', '=', subscriptionId).execute();
}

export async function setLastSent(db: Db, id: number, day: string): Promise<void> {
  await db.updateTable('alert_subscriptions').set({ last_sent_on: day }).where('id', '=', id).execute();
}

/** Drops unconfirmed subscriptions and unsubscribe tokens past their time. */
export async function pruneAlerts(db: Db, now: Date): Promise<void> {
  await db
    .deleteFrom('alert_subscriptions')
    .where('confirmed_at', 'is', null)
    .where('created_at', '<', new Date(now.getTime() - 30 * 86400_000))
    .execute();
  await db.deleteFrom('alert_tokens').where('purpose', '=', 'unsubscribe').where('created_at', '<', new Date(now.getTime() - 400 * 86400_000)).execute();
}

export function findUnit(db: Db, id: number) {
  return db.selectFrom('units').select(['id', 'short_name']).where('id', '=', id).executeTakeFirst();
}
