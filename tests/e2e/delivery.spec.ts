import http from 'node:http';
import zlib from 'node:zlib';
import { expect, test } from './test.ts';

/**
 * Compression and caching as the production entry (server/main.ts) serves them: pages
 * compressed on the fly, static files precompressed at build time, content-hashed URLs cached
 * for a year, ETag/304 for anonymous pages. Requests go through node:http so that
 * Accept-Encoding is exactly what the test says and bodies arrive as sent.
 */

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function raw(baseURL: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, baseURL), { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

function decoded(r: Raw): string {
  const enc = r.headers['content-encoding'];
  return (enc === 'br' ? zlib.brotliDecompressSync(r.body) : enc === 'gzip' ? zlib.gunzipSync(r.body) : r.body).toString('utf8');
}

/** The hashed URLs the home page links for its stylesheet and htmx. */
async function linkedAssets(baseURL: string): Promise<{ css: string; js: string }> {
  const html = decoded(await raw(baseURL, '/', {}));
  const css = html.match(/<link rel="stylesheet" href="(\/styles\/site\.[0-9a-f]{12}\.css)"/)?.[1];
  const js = html.match(/<script src="(\/vendor\/htmx\.min\.[0-9a-f]{12}\.js)"/)?.[1];
  expect(css, 'hashed stylesheet URL on /').toBeTruthy();
  expect(js, 'hashed htmx URL on /').toBeTruthy();
  return { css: css!, js: js! };
}

test('pages are sent with Brotli, else gzip, else as they are, and say they vary by Accept-Encoding', async ({ baseURL }) => {
  const plain = await raw(baseURL!, '/masukan');
  expect(plain.status).toBe(200);
  expect(plain.headers['content-encoding']).toBeUndefined();
  const text = plain.body.toString('utf8');

  const br = await raw(baseURL!, '/masukan', { 'Accept-Encoding': 'gzip, deflate, br' });
  expect(br.headers['content-encoding']).toBe('br');
  expect(br.headers.vary).toMatch(/Accept-Encoding/i);
  expect(br.body.length).toBeLessThan(text.length / 2);
  expect(decoded(br)).toContain('<h1>');

  const gz = await raw(baseURL!, '/masukan', { 'Accept-Encoding': 'gzip' });
  expect(gz.headers['content-encoding']).toBe('gzip');
  expect(decoded(gz)).toContain('<h1>');

  const refused = await raw(baseURL!, '/masukan', { 'Accept-Encoding': 'br;q=0, gzip' });
  expect(refused.headers['content-encoding']).toBe('gzip');

  // Tiny bodies are not worth it: the health check answers as it is.
  const tiny = await raw(baseURL!, '/healthz', { 'Accept-Encoding': 'br, gzip' });
  expect(tiny.headers['content-encoding']).toBeUndefined();
});

test('stylesheet and htmx come from content-hashed URLs, precompressed and cached for a year', async ({ baseURL }) => {
  const { css, js } = await linkedAssets(baseURL!);
  for (const url of [css, js]) {
    const br = await raw(baseURL!, url, { 'Accept-Encoding': 'br, gzip' });
    expect(br.status, url).toBe(200);
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/Accept-Encoding/i);
    expect(Number(br.headers['content-length'])).toBe(br.body.length);
    const gz = await raw(baseURL!, url, { 'Accept-Encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    const none = await raw(baseURL!, url);
    expect(none.headers['content-encoding']).toBeUndefined();
    // The three representations are the same file.
    expect(decoded(br)).toBe(none.body.toString('utf8'));
    expect(decoded(gz)).toBe(none.body.toString('utf8'));
    expect(br.headers.etag).not.toBe(none.headers.etag);
  }
  // htmx (37 kB raw) travels as about 13 kB: the "15 kB of JavaScript gzipped" budget holds on the wire.
  const htmx = await raw(baseURL!, js, { 'Accept-Encoding': 'gzip' });
  expect(htmx.body.length).toBeLessThan(15 * 1024);
  expect(htmx.headers['content-type']).toMatch(/^text\/javascript/);
});

test('the old unhashed URLs still work and are revalidated; a static file answers 304 to its ETag', async ({ baseURL }) => {
  for (const url of ['/styles/site.css', '/vendor/htmx.min.js', '/favicon.svg']) {
    const r = await raw(baseURL!, url, { 'Accept-Encoding': 'br' });
    expect(r.status, url).toBe(200);
    expect(r.headers['cache-control'], url).toBe('public, max-age=0');
    const again = await raw(baseURL!, url, { 'Accept-Encoding': 'br', 'If-None-Match': String(r.headers.etag) });
    expect(again.status, url).toBe(304);
    expect(again.body.length).toBe(0);
  }
  const { css } = await linkedAssets(baseURL!);
  const hashed = await raw(baseURL!, css);
  const old = await raw(baseURL!, '/styles/site.css');
  expect(hashed.body.equals(old.body)).toBe(true);
});

test('anonymous pages carry a weak ETag of the body and answer 304 to it; signed-in pages do not', async ({ baseURL, sessionOf }) => {
  for (const path of ['/', '/forum', '/unit/dinkes']) {
    const first = await raw(baseURL!, path, { 'Accept-Encoding': 'br' });
    expect(first.status, path).toBe(200);
    const etag = String(first.headers.etag);
    expect(etag, path).toMatch(/^W\/"[\w-]+"$/);
    const second = await raw(baseURL!, path, { 'Accept-Encoding': 'br', 'If-None-Match': etag });
    expect(second.status, path).toBe(304);
    expect(second.body.length).toBe(0);
    expect(second.headers.etag).toBe(etag);
    const other = await raw(baseURL!, path, { 'If-None-Match': 'W/"something-else"' });
    expect(other.status, path).toBe(200);
  }
  const { ACCOUNTS } = await import('./fixtures.ts');
  const state = await sessionOf(ACCOUNTS.resident);
  const cookie = state.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const mine = await raw(baseURL!, '/', { Cookie: cookie });
  expect(mine.status).toBe(200);
  expect(mine.headers.etag).toBeUndefined();
  expect(mine.headers['cache-control']).toBe('private, no-store');
});
