import { uniqueEmail } from './fixtures.ts';
import { followSignUpLink, submitSignUp } from './sign-up-helpers.ts';
import { errorSummary, expect, expectSignedIn, expectSignedOut, flash, id, mainNav, submit, test } from './test.ts';

test.use({ javaScriptEnabled: false });

test('without JavaScript one can sign up (by the emailed link), sign out and sign in', async ({ page, adminPage }) => {
  const email = uniqueEmail('tanpa.js');
  const password = 'Lampu pelita di Batu Merah 15';

  await page.goto('/daftar');
  await page.getByLabel(id['auth.field.displayName'], { exact: true }).fill('Tanpa Skrip');
  await page.getByLabel(id['auth.field.email'], { exact: true }).fill(email);
  // First a mistake: the server answers with the form and its errors.
  await page.getByLabel(id['auth.field.password'], { exact: true }).fill('pendek');
  let r = await submit(page, page.getByRole('button', { name: id['auth.signUp.submit'] }));
  expect(r.status()).toBe(422);
  await expect(errorSummary(page)).toContainText(id['err.passwordShort']);
  await page.getByLabel(id['auth.field.password'], { exact: true }).fill(password);
  await submitSignUp(page, page.getByRole('button', { name: id['auth.signUp.submit'] }));
  await followSignUpLink(page, adminPage, email);
  await expect(flash(page)).toHaveText(id['auth.signUp.done']);
  await expectSignedIn(page);

  r = await submit(page, mainNav(page).getByRole('button', { name: id['nav.signOut'], exact: true }));
  expect(r.status()).toBe(303);
  await expect(flash(page)).toHaveText(id['auth.signOut.done']);
  await expectSignedOut(page);

  await mainNav(page).getByRole('link', { name: id['nav.signIn'], exact: true }).click();
  await page.getByLabel(id['auth.field.email'], { exact: true }).fill(email);
  await page.getByLabel(id['auth.field.password'], { exact: true }).fill(password);
  r = await submit(page, page.getByRole('button', { name: id['auth.signIn.submit'], exact: true }));
  expect(r.status()).toBe(303);
  await expectSignedIn(page);
  await page.goto('/akun');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(id['account.title']);
});
