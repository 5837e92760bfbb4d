import type { AstroGlobal } from 'astro';
import type { SessionUser } from '../accounts/sessions.ts';

/** Only same-site paths may be redirect targets (no open redirects). */
export function safeNext(next: string | null | undefined, fallback = '/'): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  return next;
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
