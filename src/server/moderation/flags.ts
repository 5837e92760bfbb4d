import { z } from 'zod';
import type { RequestContext } from '../accounts/service.ts';
import type { SessionUser } from '../accounts/sessions.ts';
import type { Db } from '../db/index.ts';
import { FLAG_REASONS } from '../db/schema.ts';
import { fail, optionalText, validate, type Result } from '../forms.ts';
import { isPublic } from '../feedback/permissions.ts';
import * as feedbackQueries from '../feedback/queries.ts';
import { hit, RATE_RULES } from '../rate-limit/service.ts';
import { applyFlagThreshold } from './service.ts';

const flagSchema = z.object({
  reason: z.enum(FLAG_REASONS as [string, ...string[]], { message: 'err.flagReason' }),
  note: optionalText(500),
});

/**
 * Flags a public item for moderators (one open flag per person or client address). `hidden`
 * (present only then): this flag reached the threshold and the item is now hidden (its public
 * page is gone).
 */
export async function flagFeedback(db: Db, ctx: RequestContext, user: SessionUser | null, id: number, input: unknown): Promise<Result<{ added: boolean; hidden?: true }>> {
  const v = validate(flagSchema, input);
  if (!v.ok) return v;
  const limit = await hit(db, [[RATE_RULES.flagPerAddress, ctx.ip ?? 'unknown'], ...(user ? ([[RATE_RULES.flagPerAccount, user.id]] as const) : [])]);
  if (!limit.ok) return fail('_form', 'err.rateLimited', { seconds: limit.retryAfterSeconds });
  const f = await feedbackQueries.findFeedback(db, id);
  if (!f || !isPublic(f)) return fail('_form', 'err.badRequest');
  const added = await feedbackQueries.insertFlag(db, {
    feedback_id: id,
    user_id: user?.id ?? null,
    reporter_key: user ? `user:${user.id}` : `ip:${ctx.ip ?? 'unknown'}`,
    reason: v.value.reason as (typeof FLAG_REASONS)[number],
    note: v.value.note,
  });
  const hidden = added ? await applyFlagThreshold(db, id, ctx.rules, ctx.publicUrl) : false;
  return { ok: true, value: hidden ? { added, hidden } : { added } };
}
