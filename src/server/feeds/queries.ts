import type { Db } from '../db/index.ts';

/** Which feedback a feed follows: the whole city, one unit, one kecamatan or one item. */
export type FeedScope = { kind: 'city' } | { kind: 'unit'; unitId: number } | { kind: 'kecamatan'; code: string } | { kind: 'item'; feedbackId: number };

/**
 * The latest published, non-confidential feedback by publication time. Reads the feed indexes
 * (published_at desc, partial on public items; per unit and per kecamatan), so it stops after
 * `limit` rows whatever the size of the table.
 */
export function selectPublished(db: Db, scope: FeedScope, limit: number) {
  let q = db
    .selectFrom('feedback')
    .leftJoin('units', 'units.id', 'feedback.unit_id')
    .select(['feedback.id', 'feedback.kind', 'feedback.title', 'feedback.body_html', 'feedback.published_at', 'feedback.updated_at', 'units.name as unit_name'])
    .where('feedback.moderation_state', '=', 'published')
    .where('feedback.confidential', '=', false)
    .where('feedback.published_at', 'is not', null);
  if (scope.kind === 'unit') q = q.where('feedback.unit_id', '=', scope.unitId);
  if (scope.kind === 'kecamatan') q = q.where('feedback.kecamatan_code', '=', scope.code);
  if (scope.kind === 'item') q = q.where('feedback.id', '=', scope.feedbackId);
  return q.orderBy('feedback.published_at', 'desc').orderBy('feedback.id', 'desc').limit(limit).execute();
}

/**
 * The latest public answers (official responses) on published, non-confidential feedback, newest
 * first, walking the answers index (time desc, partial on public responses).
 */
export function selectAnswers(db: Db, scope: FeedScope, limit: number) {
  let q = db
    .selectFrom('feedback_events as e')
    .innerJoin('feedback as f', 'f.id', 'e.feedback_id')
    .leftJoin('units as u', 'u.id', 'f.unit_id')
    .select(['e.id', 'e.at', 'e.body_html', 'e.feedback_id', 'f.title', 'u.name as unit_name'])
    .where('e.kind', '=', 'response')
    .where('e.public', '=', true)
    .where('f.moderation_state', '=', 'published')
    .where('f.confidential', '=', false);
  if (scope.kind === 'unit') q = q.where('f.unit_id', '=', scope.unitId);
  if (scope.kind === 'kecamatan') q = q.where('f.kecamatan_code', '=', scope.code);
  if (scope.kind === 'item') q = q.where('e.feedback_id', '=', scope.feedbackId);
  return q.orderBy('e.at', 'desc').orderBy('e.id', 'desc').limit(limit).execute();
}

export function findUnitBySlug(db: Db, slug: string) {
  return db.selectFrom('units').select(['id', 'slug', 'name', 'short_name']).where('slug', '=', slug).executeTakeFirst();
}
