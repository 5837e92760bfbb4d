import type { MessageKey } from '../../i18n/index.ts';
import type { Db } from '../db/index.ts';
import type { Result } from '../forms.ts';
import { acknowledge, addNote, answer, askForInformation, assignOfficer, resolve, type HandlingContext } from './service.ts';

/**
 * One inbox form post → one use case. A null result means the person may not handle this
 * item (the route answers 404).
 */
export async function runHandlingAction(
  db: Db,
  ctx: HandlingContext,
  id: number,
  form: Record<string, string>,
): Promise<{ result: Result<null> | null; done: MessageKey }> {
  switch (form.action) {
    case 'acknowledge':
      return { result: await acknowledge(db, ctx, id), done: 'inbox.acknowledged' };
    case 'answer':
      return { result: await answer(db, ctx, id, form), done: 'inbox.answered' };
    case 'note':
      return { result: await addNote(db, ctx, id, form), done: 'inbox.noted' };
    case 'ask':
      return { result: await askForInformation(db, ctx, id, form), done: 'inbox.asked' };
    case 'officer':
      return { result: await assignOfficer(db, ctx, id, form), done: 'officer.done' };
    case 'resolve':
      return { result: await resolve(db, ctx, id), done: 'inbox.resolved' };
    default:
      return { result: { ok: false, errors: { _form: { key: 'err.badRequest' } } }, done: 'err.badRequest' };
  }
}
