import type { APIResponse } from '@playwright/test';
import { ACCOUNTS } from './fixtures.ts';
import { expect, id, test } from './test.ts';

function expectSecurityHeaders(r: APIResponse, what: string): void {
  const h = r.headers();
  const csp = h['content-security-policy'] ?? '';
  expect(csp, `${what}: CSP`).toContain("default-src 'self'");
  expect(csp, `${what}: CSP`).toContain("frame-ancestors 'none'");
  expect(csp, `${what}: CSP allows no inline script`).not.toContain('unsafe-inline');
  expect(h['x-content-type-options'], what).toBe('nosniff');
  expect(h['x-frame-options'], what).toBe('DENY');
  expect(h['referrer-policy'], what).toBeTruthy();
  // Plain http here: no HSTS.
  expect(h['strict-transport-security'], what).toBeUndefined();
}

test('pages, static files and errors carry the security headers', async ({ request }) => {
  for (const path of ['/', '/masuk', '/styles/site.css', '/vendor/htmx.min.js', '/tidak-ada']) {
    const r = await request.get(path);
    expectSecurityHeaders(r, path);
  }
});

test('the pages load without CSP violations or script errors', async ({ page }) => {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(`${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`${page.url()}: ${e.message}`));
  page.on('requestfailed', (r) => {
    // ERR_ABORTED: a request cut short by the next navigation (the favicon, typically).
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`${r.url()}: ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.url()}: ${r.status()}`);
  });
  for (const path of ['/', '/masuk', '/daftar', '/lupa-sandi']) {
    const r = await page.goto(path);
    expect(r?.status(), path).toBe(200);
    await page.waitForLoadState('load');
  }
  expect(problems).toEqual([]);
});

test('/healthz reports ok as JSON', async ({ request }) => {
  const r = await request.get('/healthz');
  expect(r.status()).toBe(200);
  expect(r.headers()['content-type']).toMatch(/^application\/json/);
  expect(r.headers()['cache-control']).toBe('no-store');
  expect(await r.json()).toMatchObject({ status: 'ok', database: 'ok' });
});

test('a cross-origin form POST is refused (403); the same form from our origin is not', async ({ request, baseURL }) => {
  const form = { email: ACCOUNTS.resident.email, password: 'salah sekali 1', next: '/' };
  const evil = await request.post('/masuk', {
    headers: { Origin: 'http://evil.example' },
    form,
    maxRedirects: 0,
  });
  expect(evil.status()).toBe(403);
  expect(evil.headers()['set-cookie'] ?? '').not.toContain('bd_session');
  // Also without any Origin header (a form post must say where it comes from).
  const none = await request.post('/masuk', { form, maxRedirects: 0 });
  expect(none.status()).toBe(403);
  // The control: the same request from our own origin reaches the page (wrong password → 422).
  const same = await request.post('/masuk', { headers: { Origin: baseURL! }, form, maxRedirects: 0 });
  expect(same.status()).toBe(422);
  // Sign-out cannot be triggered from another site either.
  const signOut = await request.post('/keluar', { headers: { Origin: 'http://evil.example' }, form: {}, maxRedirects: 0 });
  expect(signOut.status()).toBe(403);
  // Nor by a link (GET): the endpoint has no GET.
  const get = await request.get('/keluar', { maxRedirects: 0 });
  expect(get.status()).toBeGreaterThanOrEqual(400);
  expect(get.status()).toBeLessThan(500);
});

test('the 404 page is translated, says 404 and shows no internals', async ({ page }) => {
  const r = await page.goto('/tidak-ada/halaman-ini?x=1');
  expect(r?.status()).toBe(404);
  await expect(page.locator('html')).toHaveAttribute('lang', 'id');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(id['error.404.title']);
  await expect(page).toHaveTitle(`${id['error.404.title']} · ${id['site.name']}`);
  await expect(page.getByText(id['error.404.text'])).toBeVisible();
  await expect(page.getByRole('link', { name: id['error.backHome'] })).toHaveAttribute('href', '/');
  const body = await page.locator('body').innerText();
  for (const leak of [/\bat .+:\d+:\d+/, /node_modules/, /Error:/, /\.astro\b/, /\/work\//, /stack/i]) expect(body).not.toMatch(leak);
});
