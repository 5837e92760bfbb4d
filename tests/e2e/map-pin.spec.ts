import sharp from 'sharp';
import type { Page } from '@playwright/test';
import { ACCOUNTS } from './fixtures.ts';
import { expect, feedbackIdOn, fillFeedbackForm, flash, id, scriptErrors, submit, test, uniqueWord } from './test.ts';

const TILE_HOST = 'https://tile.openstreetmap.org';

/** Tiles never come from the internet: an empty answer for each (the map must still pin). */
async function emptyTiles(page: Page): Promise<string[]> {
  const asked: string[] = [];
  await page.route(`${TILE_HOST}/**`, (route) => {
    asked.push(route.request().url());
    return route.fulfill({ status: 200, contentType: 'image/png', body: Buffer.alloc(0) });
  });
  return asked;
}

/** Requests for the map's code: Leaflet, its loader and the pin's own script (not pin-boot). */
function leafletRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (r) => {
    if (/\/vendor\/leaflet\/|\/map\/leaflet-loader\.|\/map\/pin\./.test(r.url())) seen.push(r.url());
  });
  return seen;
}

async function publish(mod: Page, itemId: number): Promise<void> {
  await mod.goto(`/moderasi/${itemId}`);
  const r = await submit(mod, mod.getByRole('button', { name: id['mod.publish'], exact: true }));
  expect(r.status()).toBe(303);
  await expect(flash(mod)).toHaveText(id['mod.published']);
}

const round3 = (v: string) => (Math.round(Number(v) * 1000) / 1000).toFixed(3);

test('a pin chosen on the map is stored, shown exact to staff and rounded to the public, and on the board map', async ({ pageAs }) => {
  const page = await pageAs(null);
  const errors = scriptErrors(page);
  const tiles = await emptyTiles(page);
  const leaflet = leafletRequests(page);
  const word = uniqueWord('peta');
  const res = await page.goto('/masukan/baru');
  expect(res!.headers()['content-security-policy']).toContain(`img-src 'self' data: ${TILE_HOST}`);
  expect(res!.headers()['permissions-policy']).toContain('geolocation=(self)');

  // Neither the pin's code nor Leaflet is loaded until the pin is used.
  await expect(page.getByRole('group', { name: id['map.pin.legend'] })).toBeVisible();
  await expect(page.getByText(id['map.pin.none'])).toBeVisible();
  expect(leaflet).toEqual([]);
  expect(await page.evaluate(() => 'L' in window)).toBe(false);

  await page.getByRole('button', { name: id['map.pin.open'] }).click();
  const map = page.locator('.map-canvas.leaflet-container');
  await expect(map).toBeVisible();
  expect(leaflet.some((u) => u.endsWith('/vendor/leaflet/leaflet.js'))).toBe(true);
  await expect.poll(() => tiles.length).toBeGreaterThan(0);
  await map.click();
  await expect(page.locator('.pin-status')).toHaveText(/^Titik dipilih: -3\.\d{6}, 128\.\d{6}$/);
  await expect(map.locator('.leaflet-marker-icon')).toHaveCount(1);
  const lat = await page.locator('input[name="latitude"]').inputValue();
  const lng = await page.locator('input[name="longitude"]').inputValue();

  await fillFeedbackForm(page, { kind: 'keluhan', unit: 'unsure', title: `Jalan ${word} berlubang dalam`, body: 'Lubang besar di tengah jalan membahayakan pengendara motor.' });
  const r = await submit(page, page.getByRole('button', { name: id['fb.submit'], exact: true }));
  expect(r.status()).toBe(303);
  expect(errors).toEqual([]);

  // Staff see the exact place; the public sees it rounded to 3 decimals once published.
  const mod = await pageAs(ACCOUNTS.moderator);
  const itemId = await feedbackIdOn(mod, '/moderasi', word);
  await mod.goto(`/masukan/${itemId}`);
  await expect(mod.locator('dd.pin')).toContainText(`${Number(lat).toFixed(6)}, ${Number(lng).toFixed(6)}`);
  await publish(mod, itemId);

  const visitor = await pageAs(null);
  await visitor.goto(`/masukan/${itemId}`);
  await expect(visitor.locator('dd.pin .pin-coords')).toHaveText(id['map.detail.pinRounded'].replace('{lat}', round3(lat)).replace('{lng}', round3(lng)));
  expect(await visitor.content()).not.toContain(Number(lat).toFixed(6));

  // The board's map of the same filter: the list (its accessible equivalent) and a marker.
  await emptyTiles(visitor);
  await visitor.goto(`/masukan?q=${word}`);
  await visitor.getByRole('link', { name: id['map.board.mapLink'] }).click();
  await expect(visitor).toHaveURL(new RegExp(`/masukan/peta\\?.*q=${word}`));
  const items = visitor.locator('ol.map-points li');
  await expect(items).toHaveCount(1);
  await expect(items).toContainText(`${round3(lat)}, ${round3(lng)}`);
  await expect(visitor.locator('.board-map .leaflet-marker-icon')).toHaveCount(1);
  await expect(visitor.getByRole('link', { name: id['map.board.listLink'] })).toHaveAttribute('href', new RegExp(`q=${word}`));
});

test('"use my location" outside the city is refused next to the field, keeping the pin to correct', async ({ pageAs }) => {
  const page = await pageAs(null, { geolocation: { latitude: -6.2, longitude: 106.816 }, permissions: ['geolocation'] });
  await page.goto('/masukan/baru');
  await page.getByRole('button', { name: id['map.pin.locate'] }).click();
  await expect(page.locator('.pin-status')).toHaveText('Titik dipilih: -6.200000, 106.816000');
  await fillFeedbackForm(page, { kind: 'saran', unit: 'unsure', title: 'Halte bus perlu atap', body: 'Halte di depan kantor wali kota tidak beratap dan penumpang kehujanan.' });
  const r = await submit(page, page.getByRole('button', { name: id['fb.submit'], exact: true }));
  expect(r.status()).toBe(422);
  await expect(page.locator('#f-pin-error')).toHaveText(id['map.err.pinOutside']);
  await expect(page.locator('#f-pin')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('.error-summary, [role="alert"]').first()).toContainText(id['map.err.pinOutside']);
  await expect(page.locator('input[name="latitude"]')).toHaveValue('-6.200000');
  // Removing the pin lets the same form go through.
  await page.getByRole('button', { name: id['map.pin.clear'] }).click();
  await page.getByLabel(id['fb.field.body'], { exact: true }).fill('Halte di depan kantor wali kota tidak beratap dan penumpang kehujanan.');
  const again = await submit(page, page.getByRole('button', { name: id['fb.submit'], exact: true }));
  expect(again.status()).toBe(303);
});

test("a photo's GPS position is offered, never used silently", async ({ pageAs }) => {
  const page = await pageAs(null);
  await page.goto('/masukan/baru');
  const buffer = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#888' } })
    .jpeg()
    .withExif({ IFD3: { GPSLatitudeRef: 'S', GPSLatitude: '3/1 41/1 4380/100', GPSLongitudeRef: 'E', GPSLongitude: '128/1 10/1 5300/100' } })
    .toBuffer();
  await page.getByLabel(id['fb.field.photos']).setInputFiles({ name: 'lokasi.jpg', mimeType: 'image/jpeg', buffer });
  const offer = page.locator('.pin-photo');
  await expect(offer).toBeVisible();
  await expect(offer).toContainText('-3.69550, 128.18139');
  await expect(page.locator('input[name="latitude"]')).toHaveValue('');
  await offer.getByRole('button', { name: id['map.pin.photoUse'] }).click();
  await expect(page.locator('input[name="latitude"]')).toHaveValue('-3.695500');
  await expect(page.locator('input[name="longitude"]')).toHaveValue('128.181389');
  await expect(offer).toBeHidden();
});

test('a confidential item never shows its place; pages without a map keep the strict policy and load no map', async ({ pageAs }) => {
  const page = await pageAs(null, { geolocation: { latitude: -3.6955, longitude: 128.1814 }, permissions: ['geolocation'] });
  const word = uniqueWord('rahasia');
  await page.goto('/masukan/baru');
  await page.getByRole('button', { name: id['map.pin.locate'] }).click();
  await expect(page.locator('input[name="latitude"]')).toHaveValue('-3.695500');
  await fillFeedbackForm(page, { kind: 'keluhan', unit: 'unsure', title: `Pungutan ${word} di loket`, body: 'Petugas meminta uang tambahan untuk mempercepat layanan.', confidential: true });
  expect((await submit(page, page.getByRole('button', { name: id['fb.submit'], exact: true }))).status()).toBe(303);
  const mod = await pageAs(ACCOUNTS.moderator);
  const itemId = await feedbackIdOn(mod, '/moderasi', word);
  await publish(mod, itemId);
  const visitor = await pageAs(null);
  await emptyTiles(visitor);
  expect((await visitor.goto(`/masukan/${itemId}`))!.status()).toBe(404);
  await visitor.goto(`/masukan/peta?q=${word}`);
  await expect(visitor.locator('ol.map-points li')).toHaveCount(0);
  await expect(visitor.getByText(id['map.board.empty'])).toBeVisible();

  const leaflet = leafletRequests(visitor);
  const board = await visitor.goto('/masukan');
  expect(board!.headers()['content-security-policy']).toContain("img-src 'self' data:;");
  expect(board!.headers()['permissions-policy']).toContain('geolocation=()');
  expect(await visitor.locator('script[src*="leaflet"], script[src^="/map/"]').count()).toBe(0);
  expect(leaflet).toEqual([]);
  const map = await visitor.goto('/masukan/peta');
  expect(map!.headers()['permissions-policy']).toContain('geolocation=()');
  expect(map!.headers()['content-security-policy']).toContain(`img-src 'self' data: ${TILE_HOST}`);
  await expect(visitor.locator('.board-map .leaflet-container')).toBeVisible();
  expect(leaflet.some((u) => u.endsWith('/vendor/leaflet/leaflet.js'))).toBe(true);
});

test('without JavaScript the form is as before: no map controls', async ({ pageAs }) => {
  const page = await pageAs(null, { javaScriptEnabled: false });
  await page.goto('/masukan/baru');
  await expect(page.locator('#f-pin')).toBeHidden();
  await expect(page.getByRole('button', { name: id['map.pin.open'] })).toBeHidden();
});
