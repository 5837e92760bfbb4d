import { ACCOUNTS } from './fixtures.ts';
import type { Page } from '@playwright/test';
import { en, expect, id, mainNav, test } from './test.ts';

test('switching to English and back, remembered across pages', async ({ page, context }) => {
  await page.goto('/masuk');
  await expect(page.locator('html')).toHaveAttribute('lang', 'id');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(id['auth.signIn.title']);

  // The switch names the other language, in that language.
  const toEnglish = mainNav(page).getByRole('link', { name: id['nav.switchToLabel'] });
  await expect(toEnglish).toHaveText(id['nav.switchTo']);
  await expect(toEnglish).toHaveAttribute('lang', 'en');
  await toEnglish.click();

  // Back on the same page, now in English.
  await expect(page).toHaveURL(/\/masuk$/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(en['auth.signIn.title']);
  await expect(page.getByLabel(en['auth.field.email'], { exact: true })).toBeVisible();
  await expect(page.getByLabel(en['auth.field.password'], { exact: true })).toBeVisible();
  await expect(page.getByRole('navigation', { name: en['nav.main'] }).getByRole('link', { name: en['nav.signUp'], exact: true })).toBeVisible();
  const cookie = (await context.cookies()).find((c) => c.name === 'bd_lang');
  expect(cookie?.value).toBe('en');
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.sameSite).toBe('Lax');
  expect(cookie!.expires - Date.now() / 1000).toBeGreaterThan(300 * 86400);

  // Other pages follow, errors included.
  await page.goto('/daftar');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(en['auth.signUp.title']);
  await page.getByRole('button', { name: en['auth.signUp.submit'] }).click();
  await expect(page.locator('#f-email-error')).toHaveText(en['err.required']);
  await expect(page.getByRole('alert')).toContainText(en['form.errorSummary']);
  const missing = await page.goto('/tidak-ada-halaman-ini');
  expect(missing?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(en['error.404.title']);

  // Signed in, the interface stays English.
  await signInEnglish(page);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('navigation', { name: en['nav.main'] }).getByRole('link', { name: en['nav.account'], exact: true })).toBeVisible();

  // Switch back from a page with a query string: the whole address is kept.
  await page.goto('/masuk?next=%2Fakun');
  await expect(page).toHaveURL(/\/akun$/); // already signed in: /masuk forwards
  await page.getByRole('navigation', { name: en['nav.main'] }).getByRole('link', { name: en['nav.switchToLabel'] }).click();
  await expect(page).toHaveURL(/\/akun$/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'id');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(id['account.title']);
  expect((await context.cookies()).find((c) => c.name === 'bd_lang')?.value).toBe('id');
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'id');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(id['home.title']);
});

test('the switch keeps the query string and refuses off-site targets', async ({ page, request }) => {
  await page.goto('/masuk?next=%2Fakun');
  await mainNav(page).getByRole('link', { name: id['nav.switchToLabel'] }).click();
  await expect(page).toHaveURL(/\/masuk\?next=%2Fakun$/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');

  for (const next of ['//evil.example/', 'https://evil.example/', '/\\evil.example']) {
    const r = await request.get(`/bahasa/en?next=${encodeURIComponent(next)}`, { maxRedirects: 0 });
    expect(r.status(), next).toBe(303);
    expect(r.headers()['location'], next).toBe('/');
  }
  expect((await request.get('/bahasa/fr', { maxRedirects: 0 })).status()).toBe(404);
});

async function signInEnglish(page: Page): Promise<void> {
  await page.goto('/masuk');
  await page.getByLabel(en['auth.field.email'], { exact: true }).fill(ACCOUNTS.residentEnglish.email);
  await page.getByLabel(en['auth.field.password'], { exact: true }).fill(ACCOUNTS.residentEnglish.password);
  await page.getByRole('button', { name: en['auth.signIn.submit'], exact: true }).click();
  await expect(page).toHaveURL(/\/$/);
}

