import type { Page } from '@playwright/test';
import {
  errorSummary,
  expect,
  expectFieldError,
  expectNoFieldError,
  FB,
  fillFeedbackForm,
  id,
  jpegPhoto,
  kindRadio,
  submit,
  test,
  tId,
} from './test.ts';

test.use({ javaScriptEnabled: false });

const send = (page: Page) => submit(page, page.getByRole('button', { name: id['fb.submit'], exact: true }));

/** Every value typed in the good fields is still there after an error. */
async function expectKept(page: Page, v: { title: string; body: string; email: string; phone: string }): Promise<void> {
  await expect(kindRadio(page, 'apresiasi')).toBeChecked();
  await expect(page.getByLabel(FB.unit, { exact: true }).locator('option:checked')).toHaveText(/^Dinkes — /);
  await expect(page.getByLabel(FB.kecamatan).locator('option:checked')).toHaveText('Teluk Ambon');
  await expect(page.getByLabel(FB.area).locator('option:checked')).toHaveText(/^Poka \(/);
  await expect(page.getByLabel(FB.title, { exact: true })).toHaveValue(v.title);
  await expect(page.getByLabel(FB.body, { exact: true })).toHaveValue(v.body);
  await expect(page.getByRole('checkbox', { name: id['fb.field.anonymous'] })).toBeChecked();
  await expect(page.getByRole('checkbox', { name: id['fb.field.confidential'] })).toBeChecked();
  await expect(page.getByLabel(FB.contactName)).toHaveValue('Nona Uji Salah');
  await expect(page.getByLabel(FB.contactEmail)).toHaveValue(v.email);
  await expect(page.getByLabel(FB.contactPhone)).toHaveValue(v.phone);
}

test('bad input on every field of /masukan/baru: messages next to the fields, values kept', async ({ page }) => {
  await page.goto('/masukan/baru');

  // 1. Nothing filled in: kind, unit, title and body, each next to its field and in the summary.
  let r = await send(page);
  expect(r.status()).toBe(422);
  await expect(errorSummary(page)).toContainText(id['form.errorSummary']);
  await expect(errorSummary(page).getByRole('link')).toHaveCount(4);
  const kind = page.locator('fieldset#f-kind');
  await expect(kind).toHaveAttribute('aria-invalid', 'true');
  await expect(kind).toHaveAttribute('aria-describedby', 'f-kind-error');
  await expect(kind.locator('#f-kind-error')).toHaveText(id['err.kindRequired']);
  await expect(errorSummary(page).locator('a[href="#f-kind"]')).toContainText(id['err.kindRequired']);
  await expectFieldError(page, FB.unit, id['err.unitChoose']);
  await expectFieldError(page, FB.title, id['err.required']);
  await expectFieldError(page, FB.body, id['err.required']);
  await expectNoFieldError(page, page.getByLabel(FB.contactEmail));
  await expectNoFieldError(page, page.getByLabel(FB.photos));
  // The hint stays described alongside the error.
  await expect(page.getByLabel(FB.title, { exact: true })).toHaveAttribute('aria-describedby', 'f-title-hint f-title-error');
  // The summary's links lead to the fields.
  await errorSummary(page).locator('a[href="#f-body"]').click();
  await expect(page).toHaveURL(/#f-body$/);

  // 2. A title of 151 characters (the browser's maxlength removed) and a bad address and phone.
  const good = { title: 'Pelayanan imunisasi di Poka sangat baik', body: 'Petugas imunisasi datang tepat waktu dan **ramah** kepada anak-anak.' };
  await fillFeedbackForm(page, {
    kind: 'apresiasi',
    unit: 'Dinkes',
    kecamatan: 'Teluk Ambon',
    area: 'Poka',
    body: good.body,
    anonymous: true,
    confidential: true,
    contactName: 'Nona Uji Salah',
    contactEmail: 'bukan-surel',
    contactPhone: 'telepon saya',
  });
  const long = 'J'.repeat(151);
  await page.getByLabel(FB.title, { exact: true }).evaluate((el) => el.removeAttribute('maxlength'));
  await page.getByLabel(FB.title, { exact: true }).fill(long);
  r = await send(page);
  expect(r.status()).toBe(422);
  await expectFieldError(page, FB.title, tId('err.tooLong', { max: 150 }));
  await expectFieldError(page, page.getByLabel(FB.contactEmail), id['err.email']);
  await expectFieldError(page, page.getByLabel(FB.contactPhone), id['err.phone']);
  await expectNoFieldError(page, FB.unit);
  await expectNoFieldError(page, FB.body);
  await expect(errorSummary(page).getByRole('link')).toHaveCount(3);
  await expectKept(page, { title: long, body: good.body, email: 'bukan-surel', phone: 'telepon saya' });

  // 3. Everything right but the photo: a text file named like a JPEG.
  await page.getByLabel(FB.title, { exact: true }).fill(good.title);
  await page.getByLabel(FB.contactEmail).fill('nona.uji@e2e.bakudengar.test');
  await page.getByLabel(FB.contactPhone).fill('0812 3456 7890');
  const fake = { name: 'photo.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('ini bukan foto, hanya teks biasa\n'.repeat(20)) };
  await page.getByLabel(FB.photos).setInputFiles([fake]);
  r = await send(page);
  expect(r.status()).toBe(422);
  await expectFieldError(page, page.getByLabel(FB.photos), tId('err.photoType', { name: 'photo.jpg' }));
  await expect(errorSummary(page).getByRole('link')).toHaveCount(1);
  await expect(page.getByText(id['fb.photosAgain'])).toBeVisible();
  const kept = { title: good.title, body: good.body, email: 'nona.uji@e2e.bakudengar.test', phone: '0812 3456 7890' };
  await expectKept(page, kept);
  // A file input cannot be refilled by the server: it is empty again.
  expect(await page.getByLabel(FB.photos).evaluate((el: HTMLInputElement) => el.files?.length ?? 0)).toBe(0);

  // 4. A real JPEG of 6 MB (over the 5 MB limit).
  const big = await jpegPhoto('besar.jpg', 64, 64);
  const padded = Buffer.concat([big.buffer, Buffer.alloc(6 * 1024 * 1024 - big.buffer.length)]);
  await page.getByLabel(FB.photos).setInputFiles([{ name: 'besar.jpg', mimeType: 'image/jpeg', buffer: padded }]);
  r = await send(page);
  expect(r.status()).toBe(422);
  await expectFieldError(page, page.getByLabel(FB.photos), tId('err.photoTooLarge', { name: 'besar.jpg' }));
  await expect(page.getByText(id['fb.photosAgain'])).toBeVisible();
  await expectKept(page, kept);

  // 5. Without a photo the same form goes through.
  r = await send(page);
  expect(r.status()).toBe(303);
  // (The browser keeps the #f-body fragment of the earlier summary link across the redirect.)
  await expect(page).toHaveURL(/\/masukan\/terkirim(#f-body)?$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(id['fb.done.title']);
});

test('an area outside the chosen kecamatan, a future date and an unknown unit are refused', async ({ page, baseURL }) => {
  await page.goto('/masukan/baru');
  await fillFeedbackForm(page, { kind: 'keluhan', unit: 'Dinkes', title: 'Wilayah yang tidak cocok', body: 'Kelurahan ini tidak berada di kecamatan yang dipilih.' });
  // Without JavaScript both lists are complete: Batu Merah (Sirimau) with the kecamatan Nusaniwe.
  await page.getByLabel(FB.kecamatan).selectOption({ label: 'Nusaniwe' });
  const area = page.getByLabel(FB.area);
  await area.selectOption((await area.locator('option').filter({ hasText: /^Batu Merah \(/ }).first().getAttribute('value'))!);
  let r = await send(page);
  expect(r.status()).toBe(422);
  await expectFieldError(page, page.getByLabel(FB.area), id['err.areaMismatch']);

  await page.getByLabel(FB.kecamatan).selectOption({ label: 'Sirimau' });
  await page.getByLabel(id['fb.field.occurredOn']).fill('2099-01-01');
  r = await send(page);
  expect(r.status()).toBe(422);
  await expectFieldError(page, page.getByLabel(id['fb.field.occurredOn']), id['err.dateFuture']);

  // A unit id that does not exist (posted by hand).
  const key = await page.locator('input[name="submissionKey"]').inputValue();
  const forged = await page.request.post('/masukan/baru', {
    headers: { Origin: baseURL! },
    multipart: { submissionKey: key, kind: 'keluhan', unit: '999999', title: 'Unit yang tidak ada', body: 'Unit ini tidak ada di daftar.', intent: 'submit' },
    maxRedirects: 0,
  });
  expect(forged.status()).toBe(422);
  expect(await forged.text()).toContain(id['err.invalidChoice']);
});
