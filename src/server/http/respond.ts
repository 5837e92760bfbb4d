import type { AstroGlobal } from 'astro';
import type { MessageKey } from '../../i18n/index.ts';
import type { FieldErrors, Result } from '../forms.ts';
import { setFlash } from './cookies.ts';

/**
 * Where a successful form post goes, and the flash message shown there (none when the page it
 * goes to tells the outcome itself, as the receipt page or a signed-in home does).
 */
export interface Done {
  flash?: MessageKey;
  to: string;
}

/**
 * The HTTP status of a refused form post: 429 when rate limited, 409 when the page was stale
 * (someone else changed the object since it was rendered), 400 for a request no form of ours
 * sends (an unknown `action`, a malformed id), 422 for input the person can correct.
 */
export function errorStatus(errors: FieldErrors): number {
  const keys = Object.values(errors).map((m) => m.key as string);
  if (keys.includes('err.rateLimited')) return 429;
  if (keys.some((k) => k === 'err.staleEdit' || k.endsWith('.err.staleEdit'))) return 409;
  if (errors._form?.key === 'err.badRequest') return 400;
  return 422;
}

/** The refusal of a request no form of ours sends. */
export const badRequest = { ok: false as const, errors: { _form: { key: 'err.badRequest' as const } } satisfies FieldErrors };

/**
 * The one way a page answers the outcome of a use case it called for a form post:
 * - `null` (the object does not exist, or this person may not see it) → the 404 page;
 * - success → the flash message and a 303 redirect (POST → redirect → GET); a `done` function
 *   receives the value, and may set what the success carries besides (a session or receipt cookie);
 * - refusal → the response status from `errorStatus`, and the errors for the page to render next to
 *   the fields, with what was typed.
 * Returns either a Response to return as it is, or the errors.
 */
export async function respond<T>(
  Astro: AstroGlobal,
  outcome: Result<T> | null,
  done: Done | ((value: T) => Done),
): Promise<Response | FieldErrors> {
  if (outcome === null) return Astro.rewrite('/404');
  if (outcome.ok) {
    const d = typeof done === 'function' ? done(outcome.value) : done;
    if (d.flash) setFlash(Astro.cookies, d.flash);
    return Astro.redirect(d.to, 303);
  }
  return refuse(Astro, outcome.errors);
}

/**
 * A refusal answered on the page itself, for the rare post whose success also stays on the page
 * (a check-in at the door shows whom it seated): the status from `errorStatus`, and the errors.
 */
export function refuse(Astro: AstroGlobal, errors: FieldErrors): FieldErrors {
  Astro.response.status = errorStatus(errors);
  return errors;
}
