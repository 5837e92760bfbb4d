import type { AstroGlobal } from 'astro';
import type { SessionUser } from '../accounts/sessions.ts';
import { encodePathForLocation } from './input.ts';

/**
 * Only same-site paths may be redirect targets (no open redirects). Browsers read a backslash
 * as a slash and drop tabs and newlines, so "/\\evil" and "/<TAB>/evil" mean "//evil": refused.
 * The result is ready for a `Location` header: non-ASCII characters are percent-encoded.
 */
export function safeNext(next: string | null | undefined, fallback = '/'): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(next)) return fallback;
  return encodePathForLocation(next) ?? fallback;
}

export function signInRedirect(astro: Pick<AstroGlobal, 'url' | 'redirect'>): Response {
  const next = astro.url.pathname + astro.url.search;
  return astro.redirect(`/masuk?next=${encodeURIComponent(next)}`, 303);
}

/**
 * Result of checking a page's access rule: the user, or the response to send instead
 * (anonymous → sign-in page; signed in without the right → 403 page).
 */
export type Access = { user: SessionUser } | { response: Response | Promise<Response> };

export function requireUser(astro: AstroGlobal, allowed: (u: SessionUser | null) => boolean): Access {
  const user = astro.locals.user;
  if (!user) return { response: signInRedirect(astro) };
  if (!allowed(user)) return { response: astro.rewrite('/403') };
  return { user };
}
