import type { MessageKey } from '../../i18n/index.ts';
import type { Result } from '../forms.ts';
import type { Db } from '../db/index.ts';
import {
  assignFeedback,
  correctFeedback,
  makeConfidential,
  publishFeedback,
  redactFeedback,
  rejectFeedback,
  resolveFlagged,
  setPhotoVisibility,
  type ModerationContext,
} from './service.ts';

/**
 * One moderation form post → one use case. Every moderation form carries `action`, `id`
 * and `seen` (the item's updated_at when the page was rendered, for the stale-edit check).
 */
export async function runModerationAction(
  db: Db,
  ctx: ModerationContext,
  form: Record<string, string>,
): Promise<{ id: number | null; result: Result<null>; done: MessageKey }> {
  const id = /^\d{1,15}$/.test(form.id ?? '') ? Number(form.id) : null;
  const seen = form.seen && !Number.isNaN(Date.parse(form.seen)) ? new Date(form.seen) : null;
  const bad = { ok: false as const, errors: { _form: { key: 'err.badRequest' as const } } };
  if (id === null) return { id, result: bad, done: 'err.badRequest' };
  switch (form.action) {
    case 'publish':
      return { id, result: await publishFeedback(db, ctx, id, seen), done: 'mod.published' };
    case 'reject':
      return { id, result: await rejectFeedback(db, ctx, id, seen, form), done: 'mod.rejected' };
    case 'assign':
      return { id, result: await assignFeedback(db, ctx, id, seen, form), done: 'mod.assigned' };
    case 'correct':
      return { id, result: await correctFeedback(db, ctx, id, seen, form), done: 'mod.corrected' };
    case 'redact':
      return { id, result: await redactFeedback(db, ctx, id, seen, form), done: 'mod.redacted' };
    case 'confidential':
      return { id, result: await makeConfidential(db, ctx, id, seen), done: 'mod.confidentialDone' };
    case 'photo-hide':
    case 'photo-show': {
      const photoId = /^\d{1,15}$/.test(form.photo ?? '') ? Number(form.photo) : null;
      if (photoId === null) return { id, result: bad, done: 'err.badRequest' };
      const hide = form.action === 'photo-hide';
      return { id, result: await setPhotoVisibility(db, ctx, photoId, hide), done: hide ? 'mod.photoHidden' : 'mod.photoShown' };
    }
    case 'flag-keep':
    case 'flag-hide': {
      const keep = form.action === 'flag-keep';
      return { id, result: await resolveFlagged(db, ctx, id, keep ? 'keep' : 'hide'), done: keep ? 'mod.flags.kept' : 'mod.flags.hidden' };
    }
    default:
      return { id, result: bad, done: 'err.badRequest' };
  }
}
