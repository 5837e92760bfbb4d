import { expect, it, inject } from 'vitest';
import { originExemption } from '../../src/server/http/request-guard.ts';
import { signUpByEmail } from './support/mail.ts';
import { fill, listRoutes } from './support/routes.ts';

/**
 * Defect 5 of issue 15 (sign-out accepted a cross-origin POST whose content type was not a form
 * type), over the whole route list read from src/pages: every state-changing method, with every
 * content type, from another origin, is refused with 403 before the route runs, unless the route
 * is on the exemption list (src/server/http/request-guard.ts, ORIGIN_EXEMPTIONS).
 */
const server = { url: inject('serverUrl') };

const METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'];
const BODIES: { type: string | null; body: string | undefined }[] = [
  { type: 'application/x-www-form-urlencoded', body: 'action=publish&intent=support' },
  { type: 'multipart/form-data; boundary=x', body: '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--\r\n' },
  { type: 'text/plain', body: 'action=publish' },
  { type: 'application/json', body: '{"action":"publish"}' },
  { type: 'application/x-www-form-urlencoded; charset=UTF-8', body: 'a=b' },
  { type: null, body: undefined },
];
const CROSS_SITE: Record<string, string>[] = [
  { Origin: 'http://evil.example' },
  { Origin: 'null' },
  { 'Sec-Fetch-Site': 'cross-site' },
  { 'Sec-Fetch-Site': 'same-site' },
  {},
];

it('every route × state-changing method × content type from another origin (or none) → 403', async () => {
  const routes = listRoutes();
  expect(routes.length).toBeGreaterThan(40);
  const wrong: string[] = [];
  const cases: { url: string; method: string; type: string | null; body: string | undefined; headers: Record<string, string> }[] = [];
  for (const route of routes) {
    const url = fill(route, { id: '1', slug: 'forum-uji', token: 'x'.repeat(43), locale: 'en', name: 'a.webp', userId: '1' });
    for (const method of METHODS) {
      if (originExemption(url, method)) continue;
      // Every content type from a foreign origin; every kind of foreign or missing origin with a form.
      for (const { type, body } of BODIES) cases.push({ url, method, type, body, headers: CROSS_SITE[0]! });
      for (const headers of CROSS_SITE.slice(1)) cases.push({ url, method, type: BODIES[0]!.type, body: BODIES[0]!.body, headers });
    }
  }
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const { url, method, type, body, headers } = cases[next++]!;
      const h: Record<string, string> = { ...headers };
      if (type) h['Content-Type'] = type;
      const r = await fetch(server.url + url, { method, headers: h, body, redirect: 'manual' });
      await r.arrayBuffer();
      if (r.status !== 403) wrong.push(`${method} ${url} ${type} ${JSON.stringify(headers)} → ${r.status}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  const checked = cases.length;
  expect(wrong).toEqual([]);
  expect(checked).toBeGreaterThan(2000);
});

it('sign-out: a cross-origin POST of any content type leaves the session alone; our own form signs out', async () => {
  const email = `csrf.${Date.now()}@contoh.id`;
  const password = 'Kapal-laut-Banda-2026!x';
  const up = await signUpByEmail(server.url, { displayName: 'Warga CSRF', email, password });
  expect(up.status).toBe(303);
  const cookie = up.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  expect(cookie).toMatch(/bd_session=/);
  const signedIn = async () => (await (await fetch(`${server.url}/akun`, { headers: { Cookie: cookie }, redirect: 'manual' })).status) === 200;
  expect(await signedIn()).toBe(true);
  for (const type of ['text/plain', 'application/json', 'application/octet-stream', null]) {
    const h: Record<string, string> = { Origin: 'http://evil.example', Cookie: cookie };
    if (type) h['Content-Type'] = type;
    const r = await fetch(`${server.url}/keluar`, { method: 'POST', headers: h, body: type ? '{}' : undefined, redirect: 'manual' });
    expect(r.status).toBe(403);
    expect(await signedIn()).toBe(true);
  }
  const own = await fetch(`${server.url}/keluar`, { method: 'POST', headers: { Origin: server.url, Cookie: cookie }, redirect: 'manual' });
  expect(own.status).toBe(303);
  expect(await signedIn()).toBe(false);
});

it('the same requests from our own origin reach the routes (the guard is not refusing everything)', async () => {
  for (const path of ['/masuk', '/lacak', '/lupa-sandi']) {
    const r = await fetch(server.url + path, {
      method: 'POST',
      headers: { Origin: server.url, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'email=nobody%40contoh.id&password=x&code=x',
      redirect: 'manual',
    });
    expect(r.status, path).not.toBe(403);
    expect(r.status, path).toBeLessThan(500);
  }
  const viaFetchMetadata = await fetch(`${server.url}/masuk`, {
    method: 'POST',
    headers: { 'Sec-Fetch-Site': 'same-origin', 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'email=nobody%40contoh.id&password=x',
    redirect: 'manual',
  });
  expect(viaFetchMetadata.status).toBe(422);
});
