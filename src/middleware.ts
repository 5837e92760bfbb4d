import { defineMiddleware, sequence } from 'astro:middleware';
import { DEFAULT_LOCALE, isLocale, translator } from './i18n/index.ts';
import { validateSessionToken } from './server/accounts/sessions.ts';
import { initApp } from './server/app.ts';
import { getConfig } from './server/config.ts';
import { clientIp } from './server/http/client-ip.ts';
import { requestGuard } from './server/http/request-guard.ts';
import { conditionalGet } from './server/http/etag.ts';
import { clearSessionCookie, LOCALE_COOKIE, sessionCookieName, setSessionCookie, takeFlash } from './server/http/cookies.ts';

/**
 * Resolves who is asking (session from the hashed token) and in which language. Nothing
 * else: permissions are checked per object in the routes; security headers are set by the
 * HTTP server (server/main.ts) for every response, static files included.
 */
/** The peer's address; unavailable (Astro throws) when the client already hung up. */
function socketAddress(context: { clientAddress: string }): string | undefined {
  try {
    return context.clientAddress;
  } catch {
    return undefined;
  }
}

const resolveVisitor = defineMiddleware(async (context, next) => {
  // The health check must answer even when the database is down.
  if (context.url.pathname === '/healthz') return next();

  const config = getConfig();
  const { db } = await initApp();
  const { locals, cookies } = context;

  const cookieLocale = cookies.get(LOCALE_COOKIE)?.value;
  locals.db = db;
  locals.ip = clientIp(context.request.headers, socketAddress(context), config.trustProxy);
  locals.user = null;
  locals.session = null;

  const token = cookies.get(sessionCookieName())?.value;
  if (token) {
    const result = await validateSessionToken(db, config.session, token);
    if (result) {
      locals.user = result.user;
      locals.session = result.session;
      if (result.refreshed) setSessionCookie(cookies, token, result.session.expiresAt);
    } else {
      clearSessionCookie(cookies);
    }
  }

  locals.locale = isLocale(cookieLocale) ? cookieLocale : (locals.user?.locale ?? DEFAULT_LOCALE);
  locals.t = translator(locals.locale);
  locals.flash = takeFlash(cookies);
  locals.requestContext = {
    ip: locals.ip,
    userAgent: context.request.headers.get('user-agent'),
    locale: locals.locale,
    sessionPolicy: config.session,
    publicUrl: config.publicUrl,
    rules: config.handling,
  };

  const response = await next();
  // Pages for a signed-in person are personal: never cache them in shared caches.
  if (locals.user && response.headers.get('content-type')?.startsWith('text/html')) {
    response.headers.set('Cache-Control', 'private, no-store');
  }
  return conditionalGet(context.request, response, !token);
});

/** The request guard (origin, input, database outage) runs first: src/server/http/request-guard.ts. */
export const onRequest = sequence(requestGuard, resolveVisitor);
