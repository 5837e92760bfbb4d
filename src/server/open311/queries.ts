import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { HandlingStatus } from '../db/schema.ts';

// ---- API keys

export function insertApiKey(db: Db, k: { name: string; key_hash: string; key_prefix: string; created_by: string | null }) {
  return db.insertInto('api_keys').values(k).returning(['id', 'name', 'key_prefix', 'created_at']).executeTakeFirstOrThrow();
}

export function selectApiKeys(db: Db) {
  return db
    .selectFrom('api_keys')
    .leftJoin('users as creator', 'creator.id', 'api_keys.created_by')
    .leftJoin('users as revoker', 'revoker.id', 'api_keys.revoked_by')
    .select([
      'api_keys.id',
      'api_keys.name',
      'api_keys.key_prefix',
      'api_keys.created_at',
      'api_keys.last_used_at',
      'api_keys.revoked_at',
      'creator.display_name as created_by_name',
      'revoker.display_name as revoked_by_name',
    ])
    .orderBy('api_keys.revoked_at', (o) => o.desc().nullsFirst())
    .orderBy('api_keys.created_at', 'desc')
    .execute();
}

export function lockApiKey(db: Db, id: number) {
  return db.selectFrom('api_keys').select(['id', 'name', 'key_prefix', 'revoked_at']).where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function revokeApiKey(db: Db, id: number, by: string | null, now: Date): Promise<void> {
  await db.updateTable('api_keys').set({ revoked_at: now, revoked_by: by }).where('id', '=', id).execute();
}

export function findApiKeyByHash(db: Db, hash: string) {
  return db.selectFrom('api_keys').select(['id', 'name', 'key_prefix', 'revoked_at']).where('key_hash', '=', hash).executeTakeFirst();
}

/** Marks a key used, at most once a minute, so a busy client does not rewrite its row per request. */
export async function touchApiKey(db: Db, id: number, now: Date): Promise<void> {
  await db
    .updateTable('api_keys')
    .set({ last_used_at: now })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', new Date(now.getTime() - 60_000))]))
    .execute();
}

// ---- tokens

export async function insertToken(db: Db, t: { token_hash: string; feedback_id: number; api_key_id: number }): Promise<void> {
  await db.insertInto('open311_tokens').values(t).execute();
}

export function findToken(db: Db, hash: string) {
  return db.selectFrom('open311_tokens').select(['feedback_id']).where('token_hash', '=', hash).executeTakeFirst();
}

/** When moderators must have verified a new item (the submission service set it). */
export async function verifyDeadline(db: Db, feedbackId: number): Promise<Date | null> {
  const r = await db.selectFrom('feedback').select('verify_due_at').where('id', '=', feedbackId).executeTakeFirst();
  return r?.verify_due_at ?? null;
}

// ---- services

/** Units that take feedback (the active ones, as on the web form). */
export function selectServiceUnits(db: Db) {
  return db.selectFrom('units').select(['id', 'slug', 'short_name', 'name', 'sector', 'kind']).where('active', '=', true).orderBy('sector').orderBy('short_name').execute();
}

export function findServiceUnit(db: Db, slug: string) {
  return db.selectFrom('units').select(['id', 'slug', 'short_name', 'name', 'sector', 'kind']).where('slug', '=', slug).where('active', '=', true).executeTakeFirst();
}

export function selectAreas(db: Db) {
  return db.selectFrom('areas').select(['id', 'code', 'name', 'kind', 'kecamatan_code']).orderBy('code').execute();
}

export function findAreaByCode(db: Db, code: string) {
  return db.selectFrom('areas').select(['id', 'code', 'kind', 'kecamatan_code']).where('code', '=', code).executeTakeFirst();
}

// ---- requests (public feedback only)

export const CLOSED_STATUSES: HandlingStatus[] = ['resolved', 'closed'];

export interface RequestFilter {
  ids?: number[];
  unitIds?: number[];
  from?: Date;
  to?: Date;
  status?: 'open' | 'closed';
}

/**
 * Published, non-confidential feedback with the public columns only (no contact, author,
 * officer, tracking or moderation data), newest first. Date ranges read the board's
 * (created_at desc) partial indexes.
 */
export function selectPublicRequests(db: Db, f: RequestFilter, limit: number) {
  let q = db
    .selectFrom('feedback')
    .leftJoin('units', 'units.id', 'feedback.unit_id')
    .leftJoin('areas', 'areas.id', 'feedback.area_id')
    .leftJoin('areas as kec', (j) => j.onRef('kec.code', '=', 'feedback.kecamatan_code'))
    .select([
      'feedback.id',
      'feedback.title',
      'feedback.body_md',
      'feedback.status',
      'feedback.created_at',
      'feedback.updated_at',
      'feedback.answer_due_at',
      'feedback.first_response_at',
      'feedback.location_text',
      'feedback.kecamatan_code',
      'feedback.latitude',
      'feedback.longitude',
      'units.slug as unit_slug',
      'units.name as unit_name',
      'areas.code as area_code',
      'areas.name as area_name',
      'kec.name as kecamatan_name',
    ])
    .where('feedback.moderation_state', '=', 'published')
    .where('feedback.confidential', '=', false);
  if (f.ids) q = q.where('feedback.id', 'in', f.ids.length > 0 ? f.ids : [-1]);
  if (f.unitIds) q = q.where('feedback.unit_id', 'in', f.unitIds.length > 0 ? f.unitIds : [-1]);
  if (f.from) q = q.where('feedback.created_at', '>=', f.from);
  if (f.to) q = q.where('feedback.created_at', '<=', f.to);
  if (f.status === 'closed') q = q.where('feedback.status', 'in', CLOSED_STATUSES);
  if (f.status === 'open') q = q.where('feedback.status', 'not in', CLOSED_STATUSES);
  return q.orderBy('feedback.created_at', 'desc').orderBy('feedback.id', 'desc').limit(limit).execute();
}

/** The latest public answer of each item. */
export async function selectLatestAnswers(db: Db, ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('feedback_events')
    .select(['feedback_id', 'body_md'])
    .distinctOn('feedback_id')
    .where('feedback_id', 'in', ids)
    .where('kind', '=', 'response')
    .where('public', '=', true)
    .orderBy('feedback_id')
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return new Map(rows.map((r) => [r.feedback_id, r.body_md ?? '']));
}

/** The first photo of each item that moderators did not hide. */
export async function selectFirstVisiblePhotos(db: Db, ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('feedback_photos')
    .select(['feedback_id', 'file_name'])
    .distinctOn('feedback_id')
    .where('feedback_id', 'in', ids)
    .where('hidden', '=', false)
    .orderBy('feedback_id')
    .orderBy('id')
    .execute();
  return new Map(rows.map((r) => [r.feedback_id, r.file_name]));
}

export { sql };
