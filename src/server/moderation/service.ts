import type { Actor } from '../audit/service.ts';
import { recordAudit } from '../audit/service.ts';
import type { Db } from '../db/index.ts';
import { fail, type Result } from '../forms.ts';
import { insertEvent, setModerationState } from '../feedback/queries.ts';
import { lockForModeration, selectPending } from './queries.ts';

/** The oldest pending feedback first (the triage queue). */
export function listPending(db: Db, limit = 50) {
  return selectPending(db, limit);
}

/**
 * Publishes or rejects a pending item. `seenUpdatedAt` is when the moderator's page was
 * rendered: if someone changed the item since, nothing is written and the moderator is told.
 */
export async function decideFeedback(
  db: Db,
  actor: Actor,
  id: number,
  decision: 'publish' | 'reject',
  seenUpdatedAt: Date | null,
  now = new Date(),
): Promise<Result<null>> {
  return db.transaction().execute(async (trx) => {
    const f = await lockForModeration(trx, id);
    if (!f) return fail('_form', 'err.badRequest');
    if (seenUpdatedAt && f.updated_at.getTime() !== seenUpdatedAt.getTime()) return fail('_form', 'err.staleEdit');
    const state = decision === 'publish' ? 'published' : 'rejected';
    if (f.moderation_state === state) return { ok: true as const, value: null };
    await setModerationState(trx, id, state, now);
    await insertEvent(trx, { feedback_id: id, kind: decision === 'publish' ? 'published' : 'rejected', public: true, actor_id: actor.id, actor_role: 'moderator', at: now });
    await recordAudit(trx, actor, `feedback.${decision}`, { type: 'feedback', id }, { before: { moderation_state: f.moderation_state }, after: { moderation_state: state } });
    return { ok: true as const, value: null };
  });
}
