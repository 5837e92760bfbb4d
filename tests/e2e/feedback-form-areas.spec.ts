import { expect, id, test } from './test.ts';

test('without JavaScript, choosing a kecamatan and pressing preview narrows the kelurahan list to it', async ({ pageAs }) => {
  const page = await pageAs(null, { javaScriptEnabled: false });
  await page.goto('/masukan/baru');
  const area = page.locator('#f-area');
  // At first every area is listed, grouped by kecamatan.
  await expect(area.locator('option', { hasText: 'Batu Merah' })).toHaveCount(1);
  await expect(area.locator('option', { hasText: 'Hutumury' })).toHaveCount(1);

  await page.locator('#f-kecamatan').selectOption({ label: 'Leitimur Selatan' });
  await page.locator('#f-body').fill('Jalan ke negeri kami rusak.');
  await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: id['fb.preview'], exact: true }).click()]);

  await expect(page.locator('#f-kecamatan option:checked')).toHaveText('Leitimur Selatan');
  await expect(area.locator('option', { hasText: 'Hutumury' })).toHaveCount(1);
  await expect(area.locator('option', { hasText: 'Batu Merah' })).toHaveCount(0);
  await expect(area.locator('optgroup')).toHaveCount(0);
  // What was typed is kept.
  await expect(page.locator('#f-body')).toHaveValue('Jalan ke negeri kami rusak.');
});
