/**
 * CSRF defence for cookie-authenticated forms: a state-changing request with a form-like body (or
 * no content type) must come from our own origin. The same rule as Astro's `security.checkOrigin`
 * (which is turned off in astro.config.mjs in favour of this one), with one exemption: the
 * Open311 API under /open311/v2/, which partner servers call with an API key in the body and which
 * never reads the session cookie, so a cross-site post can do nothing there a key would not allow.
 */
const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];
const SAFE_METHODS = ['GET', 'HEAD', 'OPTIONS'];
const EXEMPT_PREFIXES = ['/open311/v2/'];

export function isForbiddenCrossSite(request: Request, url: URL): boolean {
  if (SAFE_METHODS.includes(request.method)) return false;
  if (EXEMPT_PREFIXES.some((p) => url.pathname.startsWith(p))) return false;
  const sameOrigin = request.headers.get('origin') === url.origin;
  const type = request.headers.get('content-type');
  if (type !== null) return !sameOrigin && FORM_TYPES.some((f) => type.toLowerCase().includes(f));
  return !sameOrigin;
}

export function crossSiteForbidden(request: Request): Response {
  return new Response(`Cross-site ${request.method} form submissions are forbidden`, { status: 403, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}
