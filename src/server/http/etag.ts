/**
 * Conditional GET for pages that are the same for everyone: an anonymous GET (no session
 * cookie) answered 200 with HTML gets a weak ETag of its body, and a request whose
 * If-None-Match names it gets 304 without the body. The page is still rendered (the ETag is
 * of what it renders now), so nothing stale is ever confirmed; what is saved is the transfer.
 * Personal pages (a session cookie was sent) and responses marked no-store are left alone.
 */
import { createHash } from 'node:crypto';
import { etagMatches } from './static-files.ts';

export async function conditionalGet(request: Request, response: Response, anonymous: boolean): Promise<Response> {
  if (!anonymous || request.method !== 'GET' || response.status !== 200) return response;
  if (!response.headers.get('content-type')?.startsWith('text/html')) return response;
  if (response.headers.get('cache-control')?.includes('no-store') || response.headers.has('etag')) return response;
  const body = new Uint8Array(await response.arrayBuffer());
  const etag = `W/"${createHash('sha1').update(body).digest('base64url')}"`;
  const headers = new Headers(response.headers);
  headers.set('ETag', etag);
  if (etagMatches(request.headers.get('if-none-match') ?? undefined, etag)) {
    for (const h of ['content-type', 'content-length']) headers.delete(h);
    return new Response(null, { status: 304, headers });
  }
  return new Response(body, { status: 200, statusText: response.statusText, headers });
}
