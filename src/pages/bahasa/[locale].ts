import type { APIRoute } from 'astro';
import { isLocale } from '../../i18n/index.ts';
import { getConfig } from '../../server/config.ts';
import { LOCALE_COOKIE } from '../../server/http/cookies.ts';
import { safeNext } from '../../server/http/guards.ts';

/** Switches the interface language (remembered for a year) and goes back to the page. */
export const GET: APIRoute = ({ params, url, cookies, redirect }) => {
  const locale = params.locale;
  if (!isLocale(locale)) return new Response(null, { status: 404 });
  cookies.set(LOCALE_COOKIE, locale, { path: '/', maxAge: 365 * 86400, sameSite: 'lax', httpOnly: true, secure: getConfig().production });
  return redirect(safeNext(url.searchParams.get('next')), 303);
};
