import type { MessageKey } from '../../i18n/index.ts';
import type { HandlingRules } from '../config.ts';
import type { Db } from '../db/index.ts';
import type { Result } from '../forms.ts';
import { addInformation, rateAnswer, reopenFeedback, type ReporterRef } from './tracking.ts';

/**
 * One reporter form post (on /lacak with the code, or /masukan/saya/<no> signed in) → one use
 * case. Null for an unknown intent (the route answers 400). Field errors come back prefixed
 * with the intent (`info-text`, `rate-score`...), as the shared tracking panel names its fields.
 */
export async function runReporterAction(
  db: Db,
  ref: ReporterRef,
  rules: Pick<HandlingRules, 'autocloseWorkingDays'>,
  form: Record<string, string>,
): Promise<{ result: Result<null>; done: MessageKey } | null> {
  const intent = form.intent ?? '';
  let r: Result<null>;
  let done: MessageKey;
  if (intent === 'info') [r, done] = [await addInformation(db, ref, form), 'track.addInfo.done'];
  else if (intent === 'rate') [r, done] = [await rateAnswer(db, ref, form), 'track.rate.done'];
  else if (intent === 'reopen') [r, done] = [await reopenFeedback(db, ref, form, new Date(), rules.autocloseWorkingDays), 'track.reopen.done'];
  else return null;
  if (r.ok) return { result: r, done };
  return { result: { ok: false, errors: Object.fromEntries(Object.entries(r.errors).map(([k, v]) => [k === '_form' ? '_form' : `${intent}-${k}`, v])) }, done };
}
