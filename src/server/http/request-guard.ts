import type { MiddlewareHandler } from 'astro';
import { DEFAULT_LOCALE, isLocale, translator, type Locale } from '../../i18n/index.ts';
import type { MessageKey } from '../../i18n/index.ts';
import { log } from '../log.ts';
import { LOCALE_COOKIE } from './cookies.ts';
import { hasControlAny, hasControlInText, impossibleDate, isFormContentType } from './input.ts';

/**
 * The first middleware of every request (before the session is read). It is the one place where
 *
 * 1. state-changing requests from another origin are refused, whatever their content type
 *    (Astro's own check, now switched off in astro.config.mjs, only covered form types and could
 *    not exempt endpoints that are authenticated otherwise);
 * 2. input is normalised: control characters (NUL first of all) in the path, a query parameter,
 *    a form field or an uploaded file's name, dates and months that do not exist in a query
 *    string (the filters), and bodies that are not forms sent to a form route all get a clear 4xx
 *    before any page runs, so no route can forget the check. A date typed into a form is not
 *    judged here: its schema refuses an impossible one with a message next to the field, keeping
 *    what was typed (isValidDate in ./input.ts);
 * 3. a database that went away answers 503 (with Retry-After) instead of a 500, and the process
 *    stays up (src/server/db/index.ts keeps the pool's clients from crashing it).
 *
 * See docs/security.md for the tests that prove each rule.
 */

/** Methods that change state: they need a same-origin request unless the route is exempt. */
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface OriginExemption {
  /** Path prefix (ending in '/') or exact path. */
  path: string;
  prefix: boolean;
  methods: readonly string[];
  /** The request's body is the provider's own format (JSON...), not a form: no form checks. */
  rawBody: boolean;
  /** Why no browser session can be ridden: how the endpoint authenticates its caller. */
  reason: string;
}

/**
 * The only endpoints that take state-changing requests from other origins. Each is authenticated
 * by something a cross-site page cannot forge or make a browser attach (no cookie is trusted there).
 * Keep this list short; docs/security.md repeats it.
 */
export const ORIGIN_EXEMPTIONS: readonly OriginExemption[] = [
  {
    path: '/webhooks/',
    prefix: true,
    methods: ['POST'],
    rawBody: true,
    reason: "provider webhooks (WhatsApp Cloud API): the request's HMAC signature (X-Hub-Signature-256) is checked by the endpoint",
  },
  {
    path: '/open311/v2/requests',
    prefix: false,
    methods: ['POST'],
    rawBody: false,
    reason: 'Open311 GeoReport v2 service requests: the api_key parameter is checked by the endpoint',
  },
  {
    path: '/langganan/berhenti/',
    prefix: true,
    methods: ['POST'],
    rawBody: false,
    reason: 'RFC 8058 one-click unsubscribe: mail providers POST without an Origin; the unguessable token in the URL authenticates',
  },
];

export function originExemption(pathname: string, method: string): OriginExemption | null {
  for (const e of ORIGIN_EXEMPTIONS) {
    const matches = e.prefix
      ? pathname.startsWith(e.path)
      : pathname === e.path || pathname === `${e.path}.json` || pathname === `${e.path}.xml`;
    if (matches && e.methods.includes(method)) return e;
  }
  return null;
}

/**
 * True when a state-changing request comes from our own origin: its Origin header equals ours,
 * or (browsers that send no Origin) Sec-Fetch-Site says same-origin or a user-typed navigation.
 * A request with neither header is refused: every current browser sends Origin on these methods,
 * and other clients have the exempt, otherwise-authenticated endpoints.
 */
export function isSameOriginRequest(headers: Headers, ownOrigin: string): boolean {
  const origin = headers.get('origin');
  if (origin !== null) return origin === ownOrigin;
  const site = headers.get('sec-fetch-site');
  return site === 'same-origin' || site === 'none';
}

type Refusal = { status: number; title: MessageKey; message: MessageKey; params?: Record<string, string> };

const control = (): Refusal => ({ status: 400, title: 'guard.badRequest.title', message: 'guard.control' });
const badDate = (value: string): Refusal => ({ status: 400, title: 'guard.badRequest.title', message: 'guard.date', params: { value } });

function safeDecode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/** Checks the URL: path and query parameters. */
export function checkUrl(url: URL): Refusal | null {
  const path = safeDecode(url.pathname);
  if (path === null || hasControlAny(path)) return control();
  for (const [k, v] of url.searchParams) {
    if (hasControlAny(k) || hasControlInText(v)) return control();
    const d = impossibleDate(v);
    if (d !== null) return badDate(d);
  }
  return null;
}

/**
 * Checks the fields of a parsed form: text values and file names. Dates are left to the form's
 * schema, which answers with a field error (422) instead of this page.
 */
export function checkForm(form: FormData): Refusal | null {
  for (const [k, v] of form.entries()) {
    if (hasControlAny(k)) return control();
    if (typeof v === 'string') {
      if (hasControlInText(v)) return control();
    } else if (hasControlAny(v.name)) {
      return control();
    }
  }
  return null;
}

function hasBody(headers: Headers): boolean {
  const length = headers.get('content-length');
  return headers.has('transfer-encoding') || (length !== null && length !== '0');
}

/** Checks a state-changing request's body: a readable form with acceptable values. */
export async function checkBody(request: Request): Promise<Refusal | null> {
  const type = request.headers.get('content-type');
  // No body at all (a bare POST such as sign-out from a script): nothing to read or check.
  if (!type && !hasBody(request.headers)) return null;
  if (!isFormContentType(type)) return { status: 415, title: 'guard.badRequest.title', message: 'guard.unsupportedType' };
  let form: FormData;
  try {
    // A clone: the page reads the original body itself.
    form = await request.clone().formData();
  } catch {
    return { status: 400, title: 'guard.badRequest.title', message: 'guard.notForm' };
  }
  return checkForm(form);
}

const SQLSTATE_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', '53300']);
const ERRNO_UNAVAILABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);

/** True for errors that mean "the database cannot be reached now" (as opposed to a bug). */
export function isDatabaseUnavailable(e: unknown): boolean {
  for (let cur = e, depth = 0; cur && depth < 5; cur = (cur as { cause?: unknown }).cause, depth++) {
    if (typeof cur !== 'object') return false;
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && (SQLSTATE_UNAVAILABLE.has(code) || ERRNO_UNAVAILABLE.has(code))) return true;
    const message = (cur as { message?: unknown }).message;
    if (
      typeof message === 'string' &&
      /Connection terminated|connection error|Client was closed|terminating connection|timeout exceeded when trying to connect/i.test(message)
    )
      return true;
    if (cur instanceof AggregateError && cur.errors.some(isDatabaseUnavailable)) return true;
  }
  return false;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A small, self-contained page (our stylesheet, no script) for refusals made before any page runs. */
export function refusalResponse(locale: Locale, r: Refusal, extraHeaders: Record<string, string> = {}): Response {
  const t = translator(locale);
  const params = r.params ? Object.fromEntries(Object.entries(r.params).map(([k, v]) => [k, escapeHtml(v)])) : undefined;
  const html = `<!doctype html>
<html lang="${locale}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(t(r.title))} · ${escapeHtml(t('site.name'))}</title><link rel="stylesheet" href="/styles/site.css"></head>
<body><header class="site-header"><div class="wrap header-row"><a class="brand" href="/">${escapeHtml(t('site.name'))}</a></div></header>
<main id="main" class="wrap narrow"><h1>${escapeHtml(t(r.title))}</h1><p role="alert">${t(r.message, params)}</p>
<p><a href="/">${escapeHtml(t('guard.backHome'))}</a></p></main></body></html>`;
  return new Response(html, {
    status: r.status,
    headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', ...extraHeaders },
  });
}

/** Seconds a client should wait before retrying while the database is away. */
const RETRY_AFTER_SECONDS = '5';

export const requestGuard: MiddlewareHandler = async (context, next) => {
  const { request, url } = context;
  const cookieLocale = context.cookies.get(LOCALE_COOKIE)?.value;
  const locale: Locale = isLocale(cookieLocale) ? cookieLocale : DEFAULT_LOCALE;
  const method = request.method.toUpperCase();

  const urlRefusal = checkUrl(url);
  if (urlRefusal) return refusalResponse(locale, urlRefusal);

  if (STATE_CHANGING.has(method)) {
    const exemption = originExemption(url.pathname, method);
    if (!exemption && !isSameOriginRequest(request.headers, url.origin)) {
      log.warn('cross-origin request refused', { method, path: url.pathname, origin: request.headers.get('origin') });
      return refusalResponse(locale, { status: 403, title: 'guard.crossOrigin.title', message: 'guard.crossOrigin' });
    }
    if (!exemption?.rawBody) {
      const bodyRefusal = await checkBody(request);
      if (bodyRefusal) return refusalResponse(locale, bodyRefusal);
    }
  }

  try {
    return await next();
  } catch (e) {
    if (isDatabaseUnavailable(e)) {
      log.warn('database unavailable', { path: url.pathname, error: e instanceof Error ? e.message : String(e) });
      return refusalResponse(
        locale,
        { status: 503, title: 'guard.unavailable.title', message: 'guard.unavailable' },
        { 'Retry-After': RETRY_AFTER_SECONDS },
      );
    }
    throw e;
  }
};
