import type { Db } from '../db/index.ts';

export function selectPending(db: Db, limit: number) {
  return db
    .selectFrom('feedback')
    .leftJoin('units', 'units.id', 'feedback.unit_id')
    .select(['feedback.id', 'feedback.kind', 'feedback.title', 'feedback.created_at', 'feedback.updated_at', 'feedback.confidential', 'feedback.anonymous', 'units.short_name as unit_short_name'])
    .where('feedback.moderation_state', '=', 'pending')
    .orderBy('feedback.created_at')
    .orderBy('feedback.id')
    .limit(limit)
    .execute();
}

export function lockForModeration(db: Db, id: number) {
  return db.selectFrom('feedback').select(['id', 'moderation_state', 'status', 'updated_at', 'confidential']).where('id', '=', id).forUpdate().executeTakeFirst();
}
