import type { APIResponse } from '@playwright/test';
import { ACCOUNTS } from '../e2e/fixtures.ts';
import { SEED_FORUMS } from '../e2e/forum-fixtures.ts';
import { expect, test } from '../e2e/test.ts';

/** The security headers on every response type, and HSTS when the request came over https. */
function expectHeaders(r: APIResponse, what: string, https: boolean): void {
  const h = r.headers();
  const csp = h['content-security-policy'] ?? '';
  expect(csp, `${what}: CSP`).toContain("default-src 'self'");
  expect(csp, `${what}: CSP`).toContain("script-src 'self'");
  expect(csp, `${what}: CSP`).toContain("frame-ancestors 'none'");
  expect(csp, `${what}: CSP`).not.toContain('unsafe-inline');
  expect(csp, `${what}: CSP`).not.toContain('unsafe-eval');
  expect(h['x-content-type-options'], what).toBe('nosniff');
  expect(h['x-frame-options'], what).toBe('DENY');
  expect(h['referrer-policy'], what).toBe('strict-origin-when-cross-origin');
  if (https) expect(h['strict-transport-security'], what).toMatch(/max-age=\d{7,}/);
  else expect(h['strict-transport-security'], what).toBeUndefined();
}

test('HTML, fragments, CSV, ICS, JSON, images, CSS/JS, 400, 403, 404, 415, 500: all carry the headers; HSTS over https', async ({ pageAs, baseURL }) => {
  const admin = await pageAs(ACCOUNTS.admin);
  const api = admin.request;
  const cases: [string, () => Promise<APIResponse>, RegExp, number][] = [
    ['HTML page', () => api.get('/'), /^text\/html/, 200],
    ['htmx fragment', () => api.get('/masukan/fragmen/pratinjau?body=halo', { headers: { 'HX-Request': 'true' } }), /^text\/html/, 200],
    ['CSV export', () => api.get('/evaluasi/ekspor/ukuran.csv'), /^text\/csv/, 200],
    ['ICS calendar', () => api.get('/forum.ics'), /^text\/calendar/, 200],
    ['ICS of one forum', () => api.get(`/forum/${SEED_FORUMS.buka.slug}.ics`), /^text\/calendar/, 200],
    ['JSON health', () => api.get('/healthz'), /^application\/json/, 200],
    ['SVG image', () => api.get('/favicon.svg'), /^image\/svg\+xml/, 200],
    ['stylesheet', () => api.get('/styles/site.css'), /^text\/css/, 200],
    ['script', () => api.get('/vendor/htmx.min.js'), /javascript/, 200],
    ['photo not found', () => api.get('/foto/tidak-ada.webp'), /^text\/plain/, 404],
    ['404 page', () => api.get('/tidak-ada-halaman-ini'), /^text\/html/, 404],
    ['400 from the guard', () => api.get('/masukan?q=%00'), /^text\/html/, 400],
    ['403 cross-origin', () => api.post('/keluar', { headers: { Origin: 'http://evil.example' } }), /^text\/html/, 403],
    ['415 JSON to a form', () => api.post('/masuk', { headers: { Origin: baseURL!, 'Content-Type': 'application/json' }, data: '{}' }), /^text\/html/, 415],
    ['500 page', () => api.get('/500'), /^text\/html/, 500],
  ];
  for (const https of [false, true]) {
    for (const [what, get, type, status] of cases) {
      const r = await (https ? withProto(get) : get());
      if (status) expect(r.status(), what).toBe(status);
      expect(r.headers()['content-type'] ?? '', what).toMatch(type);
      expectHeaders(r, `${what}${https ? ' (https)' : ''}`, https);
    }
  }

  async function withProto(get: () => Promise<APIResponse>): Promise<APIResponse> {
    await admin.context().setExtraHTTPHeaders({ 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': '10.250.0.1' });
    try {
      return await get();
    } finally {
      await admin.context().setExtraHTTPHeaders({ 'X-Forwarded-For': '10.250.0.1' });
    }
  }
});
