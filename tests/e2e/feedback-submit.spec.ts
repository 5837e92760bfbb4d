import { ACCOUNTS, SEED_FEEDBACK } from './fixtures.ts';
import {
  expect,
  FB,
  feedbackIdOn,
  fillFeedbackForm,
  flash,
  id,
  jpegPhoto,
  scriptErrors,
  submit,
  submitFeedbackForm,
  test,
  TRACKING_CODE_RE,
  uniqueWord,
} from './test.ts';

/** The reporter's private page shows the item (by title) and its timeline. */
async function expectTrackingPage(page: import('@playwright/test').Page, title: string): Promise<void> {
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(id['track.title']);
  await expect(page.getByText(id['track.private'])).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: title })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: id['track.timeline'] })).toBeVisible();
  await expect(page.locator('ol.timeline li.event-submitted')).toContainText(id['event.submitted']);
}

test.describe('submitting feedback without an account', () => {
  test('without JavaScript: every field, a real photo → tracking code; /lacak by cookie and by typed code; the code never shows publicly', async ({ pageAs, newContext }) => {
    const page = await pageAs(null, { javaScriptEnabled: false });
    const word = uniqueWord('tanpajs');
    const title = `Lampu ${word} di loket puskesmas padam`;
    await page.goto('/masukan/baru');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(id['fb.new.title']);

    // Without JavaScript the area list is the whole grouped list (one group per kecamatan).
    const area = page.getByLabel(FB.area);
    await expect(area.locator('optgroup')).toHaveCount(5);
    await expect(area.locator('optgroup[label="Sirimau"] option').filter({ hasText: /^Batu Merah \(/ })).toHaveCount(1);

    const photo = await jpegPhoto('loket.jpg');
    const code = await submitFeedbackForm(page, {
      kind: 'keluhan',
      unit: 'Dinkes',
      kecamatan: 'Sirimau',
      area: 'Batu Merah',
      title,
      body: 'Lampu di ruang tunggu **padam** sejak pekan lalu, pasien menunggu dalam gelap.',
      photos: [photo],
      contactEmail: `pelapor.${word}@e2e.bakudengar.test`,
    });
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(id['fb.done.title']);
    await expect(page.getByText(id['fb.done.emailSent'])).toBeVisible();

    // The receipt remembers the code for /lacak (a cookie, not the URL).
    await page.getByRole('link', { name: id['fb.done.track'] }).click();
    await expect(page).toHaveURL(/\/lacak$/);
    await expectTrackingPage(page, title);
    await expect(page.getByText(id['status.received']).first()).toBeVisible();
    await expect(page.getByText(id['moderation.pending'])).toBeVisible();

    // A fresh browser types the code in lower case with spaces instead of dashes.
    const fresh = await (await newContext({ javaScriptEnabled: false })).newPage();
    await fresh.goto('/lacak');
    await fresh.getByLabel(id['track.field.code'], { exact: true }).fill(`  ${code.toLowerCase().replace(/-/g, ' ')} `);
    const r = await submit(fresh, fresh.getByRole('button', { name: id['track.submit'] }));
    expect(r.status()).toBe(303);
    await expectTrackingPage(fresh, title);
    // A wrong code: the form again with one message.
    await fresh.getByRole('button', { name: id['track.forget'] }).click();
    await expect(flash(fresh)).toHaveText(id['track.forgotten']);
    await fresh.getByLabel(id['track.field.code'], { exact: true }).fill('BD-22222-22222');
    const wrong = await submit(fresh, fresh.getByRole('button', { name: id['track.submit'] }));
    expect(wrong.status()).toBe(422);
    await expect(fresh.locator('#f-code-error')).toHaveText(id['err.trackingNotFound']);

    // A moderator publishes it.
    const mod = await pageAs(ACCOUNTS.moderatorFlow, { javaScriptEnabled: false });
    const itemId = await feedbackIdOn(mod, '/moderasi', word);
    await mod.goto(`/moderasi/${itemId}`);
    // Before publication its photo is for staff (and the reporter) only.
    const staffPhoto = (await mod.getByRole('img', { name: id['detail.photoAlt'].replace('{n}', '1') }).getAttribute('src'))!;
    expect(staffPhoto).toMatch(/^\/foto\/[a-f0-9]{32}\.jpg$/);
    expect((await mod.request.get(staffPhoto)).status()).toBe(200);
    const early = await (await newContext()).request.get(staffPhoto);
    expect(early.status()).toBe(404);
    const published = await submit(mod, mod.getByRole('button', { name: id['mod.publish'], exact: true }));
    expect(published.status()).toBe(303);
    await expect(flash(mod)).toHaveText(id['mod.published']);

    // Public now: the board and the detail page show it, its photo, never the code.
    const visitor = await (await newContext({ javaScriptEnabled: false })).newPage();
    await visitor.goto(`/masukan?q=${word}`);
    await expect(visitor.locator('li.board-item')).toHaveCount(1);
    expect(await visitor.content()).not.toContain(code);
    await visitor.goto('/masukan');
    await expect(visitor.getByRole('link', { name: title })).toBeVisible();
    expect(await visitor.content()).not.toContain(code);
    await visitor.getByRole('link', { name: title }).click();
    await expect(visitor).toHaveURL(new RegExp(`/masukan/${itemId}$`));
    await expect(visitor.getByRole('heading', { level: 1 })).toHaveText(title);
    await expect(visitor.locator('.prose strong')).toHaveText('padam');
    const html = await visitor.content();
    expect(html).not.toContain(code);
    expect(html).not.toContain(code.replace(/-/g, ''));
    expect(html).not.toContain(`pelapor.${word}`);
    const img = visitor.getByRole('img', { name: id['detail.photoAlt'].replace('{n}', '1') });
    await expect(img).toBeVisible();
    const src = (await img.getAttribute('src'))!;
    expect(src).toBe(staffPhoto);
    const served = await visitor.request.get(src);
    expect(served.status()).toBe(200);
    expect(served.headers()['content-type']).toBe('image/jpeg');
    expect((await served.body()).subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
  });

  test('with JavaScript: the kecamatan narrows the areas, similar feedback is suggested, the preview renders in place', async ({ page }) => {
    const errors = scriptErrors(page);
    await page.goto('/masukan/baru');
    const area = page.getByLabel(FB.area);
    const before = await area.locator('option').count();
    expect(before).toBeGreaterThan(50);

    // Choosing a kecamatan swaps the area list for that kecamatan's (htmx).
    const narrowed = page.waitForResponse((r) => r.url().includes('/masukan/fragmen/wilayah'));
    await page.getByLabel(FB.kecamatan).selectOption({ label: 'Nusaniwe' });
    expect((await narrowed).status()).toBe(200);
    await expect(area.locator('optgroup')).toHaveCount(0);
    await expect.poll(() => area.locator('option').count()).toBeLessThan(before);
    const after = await area.locator('option').count();
    // 13 areas of Nusaniwe (db/seeds/areas.csv) and the "don't know" choice.
    expect(after).toBe(14);
    await expect(area.locator('option').filter({ hasText: /^Benteng \(/ })).toHaveCount(1);
    await expect(area.locator('option').filter({ hasText: /^Batu Merah \(/ })).toHaveCount(0);
    await area.selectOption(await area.locator('option').filter({ hasText: /^Benteng \(/ }).getAttribute('value') as string);

    // Typing a title like a published one suggests it (htmx, after a pause in typing).
    await fillFeedbackForm(page, { kind: 'keluhan', unit: 'Disdukcapil' });
    const similar = page.locator('#similar');
    await expect(similar).toBeEmpty();
    let asked = 0;
    page.on('request', (req) => {
      if (req.url().includes('/masukan/fragmen/serupa')) asked++;
    });
    const suggested = page.waitForResponse((r) => r.url().includes('/masukan/fragmen/serupa'));
    await page.getByLabel(FB.title, { exact: true }).pressSequentially('Antrean KTP elektronik lama sekali', { delay: 20 });
    expect((await suggested).status()).toBe(200);
    await expect(similar.getByRole('heading', { name: id['fb.similar.title'] })).toBeVisible();
    await expect(similar.getByRole('link', { name: SEED_FEEDBACK.antreanKtp.title })).toBeVisible();
    // Debounced: 34 keystrokes, a request only once typing pauses (a slow machine may pause once more).
    expect(asked).toBeGreaterThanOrEqual(1);
    expect(asked).toBeLessThanOrEqual(3);

    // The preview shows the rendered Markdown without leaving the page.
    await page.evaluate(() => ((window as unknown as { __marker: number }).__marker = 1));
    const body = 'Antrean **tebal** sekali.\n\n- nomor habis\n- loket tutup';
    await page.getByLabel(FB.body, { exact: true }).fill(body);
    await page.getByRole('button', { name: id['fb.preview'] }).click();
    const preview = page.locator('#preview');
    await expect(preview.getByRole('heading', { name: id['fb.previewTitle'] })).toBeVisible();
    await expect(preview.locator('strong')).toHaveText('tebal');
    await expect(preview.locator('li')).toHaveCount(2);
    expect(await page.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(1);
    await expect(page).toHaveURL(/\/masukan\/baru$/);
    await expect(page.getByLabel(FB.title, { exact: true })).toHaveValue('Antrean KTP elektronik lama sekali');
    await expect(page.getByLabel(FB.body, { exact: true })).toHaveValue(body);
    await expect(page.getByLabel(FB.kecamatan)).toHaveValue(await page.getByLabel(FB.kecamatan).locator('option', { hasText: 'Nusaniwe' }).getAttribute('value') as string);
    await expect(kindChecked(page)).toBeChecked();

    // And the form still submits as a whole (the narrowed area list posts the same field).
    const r = await submit(page, page.getByRole('button', { name: id['fb.submit'], exact: true }));
    expect(r.status()).toBe(303);
    await expect(page.getByTestId('tracking-code')).toHaveText(TRACKING_CODE_RE);
    expect(errors).toEqual([]);
  });
});

function kindChecked(page: import('@playwright/test').Page) {
  return page.locator('#f-kind input[value="keluhan"]');
}

test('a signed-in resident submits; the item is listed in /masukan/saya', async ({ pageAs }) => {
  const page = await pageAs(ACCOUNTS.residentSubmit);
  const word = uniqueWord('saya');
  const title = `Tempat sampah ${word} penuh di pasar`;
  await page.goto('/masukan/baru');
  await expect(page.getByText(id['fb.signedInAs'].replace('{name}', ACCOUNTS.residentSubmit.displayName))).toBeVisible();
  const code = await submitFeedbackForm(page, { kind: 'saran', unit: 'unsure', title, body: 'Tempat sampah di pasar selalu penuh sebelum siang, perlu diangkut dua kali.' });
  expect(code).toMatch(TRACKING_CODE_RE);
  // Signed in and not anonymous: the receipt goes to the account's address.
  await expect(page.getByText(id['fb.done.emailSent'])).toBeVisible();

  await page.getByRole('navigation', { name: id['nav.main'] }).getByRole('link', { name: id['nav.myFeedback'] }).click();
  await expect(page).toHaveURL(/\/masukan\/saya$/);
  const row = page.getByRole('row').filter({ hasText: title });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(id['kind.saran']);
  await expect(row).toContainText(id['detail.unitNone']);
  await expect(row).toContainText(id['status.received']);
  await expect(row).toContainText(id['moderation.pending']);
  // Not published yet: no link to a public page, only to the reporter's private view.
  await expect(row.getByRole('link')).toHaveCount(1);
  await expect(row.getByRole('link')).toHaveAttribute('href', /^\/masukan\/saya\/\d+$/);
});

test('submitting the same form twice stores one feedback, and both answers show the same code', async ({ pageAs, baseURL }) => {
  const page = await pageAs(ACCOUNTS.residentDouble, { javaScriptEnabled: false });
  const word = uniqueWord('ganda');
  const title = `Kursi ruang tunggu ${word} patah`;
  await page.goto('/masukan/baru');
  await fillFeedbackForm(page, { kind: 'keluhan', unit: 'Dinkes', title, body: 'Banyak kursi di ruang tunggu patah sehingga pasien lansia berdiri.' });
  // Keep the exact request the browser sends (multipart, with the form's submission key).
  let posted: { body: Buffer; contentType: string } | null = null;
  page.on('request', (req) => {
    if (req.method() === 'POST' && new URL(req.url()).pathname === '/masukan/baru') {
      posted = { body: req.postDataBuffer()!, contentType: req.headers()['content-type']! };
    }
  });
  const first = await submitFeedbackForm(page, {});
  expect(posted, 'the form POST was seen').not.toBeNull();
  const { body, contentType } = posted!;
  expect(contentType).toMatch(/^multipart\/form-data; boundary=/);

  // The same bytes again (a resend, a second click that got through).
  const again = await page.request.post('/masukan/baru', { headers: { 'Content-Type': contentType, Origin: baseURL! }, data: body, maxRedirects: 0 });
  expect(again.status()).toBe(303);
  expect(again.headers().location).toBe('/masukan/terkirim');
  await page.goto('/masukan/terkirim');
  await expect(page.getByTestId('tracking-code')).toHaveText(first);

  // One item, in the reporter's list and in the moderators' queue.
  await page.goto('/masukan/saya');
  await expect(page.getByRole('row').filter({ hasText: word })).toHaveCount(1);
  const mod = await pageAs(ACCOUNTS.moderatorFlow);
  await mod.goto('/moderasi');
  await expect(mod.locator('li.card').filter({ hasText: word })).toHaveCount(1);

  // A double click on the button of a new form, without JavaScript: still one item.
  const word2 = uniqueWord('klikdua');
  await page.goto('/masukan/baru');
  await fillFeedbackForm(page, { kind: 'saran', unit: 'unsure', title: `Usul ${word2} loket tambahan`, body: 'Tambah satu loket lagi pada hari Senin yang selalu ramai.' });
  await page.getByRole('button', { name: id['fb.submit'], exact: true }).dblclick();
  await expect(page).toHaveURL(/\/masukan\/terkirim$/);
  await expect(page.getByTestId('tracking-code')).toHaveText(TRACKING_CODE_RE);
  await page.goto('/masukan/saya');
  await expect(page.getByRole('row').filter({ hasText: word2 })).toHaveCount(1);
  await mod.goto('/moderasi');
  await expect(mod.locator('li.card').filter({ hasText: word2 })).toHaveCount(1);
});
