import AxeBuilder from '@axe-core/playwright';
import { XMLParser } from 'fast-xml-parser';
import { ACCOUNTS } from './fixtures.ts';
import { expect, flash, id, submit, test } from './test.ts';

/**
 * Open311 and Atom through the real server: the API answers partner servers' POSTs (no Origin
 * header, unlike a browser) while every other form still refuses cross-site posts; keys are
 * made and revoked at /admin/api; feeds are served and linked from the pages they follow.
 */

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_' });

test.describe('who may open /admin/api', () => {
  test('anonymous visitors sign in first; residents, ASN and moderators get 403', async ({ request, pageAs }) => {
    const r = await request.get('/admin/api', { maxRedirects: 0 });
    expect(r.status()).toBe(303);
    expect(r.headers()['location']).toBe(`/masuk?next=${encodeURIComponent('/admin/api')}`);
    for (const who of ['resident', 'asnDinkes', 'moderator'] as const) {
      const page = await pageAs(ACCOUNTS[who]);
      const res = await page.goto('/admin/api');
      expect(res?.status(), who).toBe(403);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(id['error.403.title']);
      // Nor may they post to it.
      const post = await page.request.post('/admin/api', { form: { action: 'create', name: 'Kunci gelap' }, headers: { Origin: new URL(page.url()).origin } });
      expect(post.status(), who).toBe(403);
    }
  });
});

test('an admin makes a key, a partner posts with it, the admin revokes it', async ({ adminPage: page, request }) => {
  await page.goto('/admin/api');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(id['apikey.title']);
  const name = `Mitra e2e ${Date.now()}`;
  await page.getByLabel(id['apikey.name'], { exact: true }).fill(name);
  await submit(page, page.getByRole('button', { name: id['apikey.create'], exact: true }));
  const key = await page.getByLabel(id['apikey.createdLabel'].replace('{name}', name)).inputValue();
  expect(key).toMatch(/^bd_[a-z2-7]{32}$/);
  await expect(page.getByRole('row', { name: new RegExp(name) })).toContainText(key.slice(0, 9));
  // The page with the new key shown and the list: no axe violation (WCAG 2.2 AA tags), phone and desktop.
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
    expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), `width ${width}`).toEqual([]);
  }

  const services = await request.get('/open311/v2/services.json');
  expect(services.status()).toBe(200);
  const code = (await services.json())[0].service_code as string;

  // A partner server: no Origin header, form-encoded, the spec's field names.
  const form = { api_key: key, service_code: code, address_string: 'Depan Pasar Mardika', 'attribute[kind]': 'saran', description: 'Mohon tambah tempat sampah di depan pasar.' };
  const posted = await request.post('/open311/v2/requests.xml', { form });
  expect(posted.status()).toBe(201);
  expect(posted.headers()['content-type']).toContain('text/xml');
  const created = xml.parse(await posted.text()).service_requests.request;
  expect(String(created.service_request_id)).toMatch(/^\d+$/);
  const token = await request.get(`/open311/v2/tokens/${created.token}.json`);
  expect(await token.json()).toEqual([{ service_request_id: String(created.service_request_id), token: created.token }]);
  // Pending moderation: not public yet.
  expect((await request.get(`/open311/v2/requests/${created.service_request_id}.json`)).status()).toBe(404);

  const noKey = await request.post('/open311/v2/requests.json', { form: { ...form, api_key: '' } });
  expect(noKey.status()).toBe(403);
  expect((await noKey.json())[0].code).toBe(403);

  await page.goto('/admin/api');
  await submit(page, page.getByRole('button', { name: id['apikey.revokeLabel'].replace('{name}', name), exact: true }));
  await expect(flash(page)).toHaveText(id['apikey.revokedDone']);
  const revoked = await request.post('/open311/v2/requests.json', { form });
  expect(revoked.status()).toBe(403);
});

test('cross-site form posts outside the API are still refused', async ({ request }) => {
  for (const path of ['/masukan/baru', '/masuk', '/admin/api']) {
    const r = await request.post(path, { form: { a: '1' }, headers: { Origin: 'https://evil.example' }, maxRedirects: 0 });
    expect(r.status(), path).toBe(403);
    const none = await request.post(path, { form: { a: '1' }, maxRedirects: 0 });
    expect(none.status(), `${path} without Origin`).toBe(403);
  }
});

test('GET endpoints answer in both formats; unknown formats and jurisdictions are 404s', async ({ request }) => {
  const d = await request.get('/open311/v2/discovery.xml');
  expect(d.status()).toBe(200);
  expect(xml.parse(await d.text()).discovery.endpoints.endpoint.url).toMatch(/\/open311\/v2$/);
  const list = await request.get('/open311/v2/requests.json');
  expect(list.status()).toBe(200);
  expect(Array.isArray(await list.json())).toBe(true);
  expect((await request.get('/open311/v2/services.html')).status()).toBe(404);
  const j = await request.get('/open311/v2/services.xml?jurisdiction_id=kota-lain.go.id');
  expect(j.status()).toBe(404);
  expect(xml.parse(await j.text()).errors.error.code).toBe(404);
  expect((await request.get('/open311/v2/services.json?jurisdiction_id=127.0.0.1')).status()).toBe(200);
});

test('feeds are served as Atom and linked from the board, unit pages and item pages', async ({ page, request }) => {
  const city = await request.get('/masukan.atom');
  expect(city.status()).toBe(200);
  expect(city.headers()['content-type']).toContain('application/atom+xml');
  const feed = xml.parse(await city.text()).feed;
  expect(feed['@_xmlns']).toBe('http://www.w3.org/2005/Atom');

  await page.goto('/masukan');
  await expect(page.locator('head link[rel="alternate"][type="application/atom+xml"]')).toHaveAttribute('href', '/masukan.atom');
  const itemHref = await page.locator('a[href^="/masukan/"]').filter({ hasText: /\S/ }).evaluateAll((as) => as.map((a) => a.getAttribute('href')!).find((h) => /^\/masukan\/\d+$/.test(h)));
  expect(itemHref).toBeTruthy();
  await page.goto(itemHref!);
  const itemFeed = await page.locator('head link[rel="alternate"][type="application/atom+xml"]').getAttribute('href');
  expect(itemFeed).toBe(`${itemHref}.atom`);
  const item = await request.get(itemFeed!);
  expect(item.status()).toBe(200);
  expect(xml.parse(await item.text()).feed.link[0]['@_href']).toMatch(new RegExp(`${itemHref}\\.atom$`));

  await page.goto('/unit');
  const unitHref = await page.locator('main a[href^="/unit/"]').first().getAttribute('href');
  await page.goto(unitHref!);
  await expect(page.locator('head link[rel="alternate"][type="application/atom+xml"]')).toHaveAttribute('href', `${unitHref}.atom`);
  expect((await request.get(`${unitHref}.atom`)).status()).toBe(200);

  const kec = await request.get('/masukan/kecamatan/81.71.01.atom');
  expect(kec.status()).toBe(200);
  await page.goto('/masukan?kecamatan=81.71.01');
  await expect(page.locator('head link[rel="alternate"][href="/masukan/kecamatan/81.71.01.atom"]')).toHaveCount(1);
  expect((await request.get('/masukan/kecamatan/99.atom')).status()).toBe(404);
});
