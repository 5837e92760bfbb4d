import { sql, type SqlBool } from 'kysely';
import type { Db } from '../db/index.ts';
import { whereBoardFilter, type BoardFilter } from '../feedback/queries.ts';

/**
 * The newest pinned, published, non-confidential items matching the board's filter, newest
 * first, at most `limit`. Reads feedback_map_idx (a partial index of exactly those items, in
 * board order), so the work is bounded by the pinned items, never the whole table.
 */
export function selectMapPoints(db: Db, filter: BoardFilter, limit: number) {
  return mapPointsQuery(db, filter, limit).execute();
}

/** The query of selectMapPoints, unexecuted (its plan is checked by a test). */
export function mapPointsQuery(db: Db, filter: BoardFilter, limit: number) {
  let q = db
    .selectFrom('feedback')
    .select(['feedback.id', 'feedback.kind', 'feedback.title', 'feedback.status', 'feedback.created_at', 'feedback.latitude', 'feedback.longitude', 'feedback.moderation_state', 'feedback.confidential'])
    .where('feedback.latitude', 'is not', null)
    .where('feedback.moderation_state', '=', 'published')
    .where('feedback.confidential', '=', false);
  q = whereBoardFilter(q, filter);
  const text = filter.q?.trim();
  if (text) q = q.where(sql<SqlBool>`feedback.search @@ (websearch_to_tsquery('indonesian', ${text}) || websearch_to_tsquery('simple', ${text}))`);
  return q.orderBy('feedback.created_at', 'desc').orderBy('feedback.id', 'desc').limit(limit);
}
