import type { Page } from '@playwright/test';
import { ACCOUNTS, uniqueEmail, type FixtureAccount } from './fixtures.ts';
import {
  attemptSignIn,
  errorSummary,
  expect,
  expectFieldError,
  expectSignedIn,
  expectSignedOut,
  flash,
  id,
  signIn,
  submit,
  test,
} from './test.ts';

/** Asks for a reset link at /lupa-sandi (as `page`) and reads it from the outbox (as `admin`). */
async function requestResetLink(page: Page, admin: Page, user: FixtureAccount): Promise<string> {
  await page.goto('/masuk');
  await page.getByRole('link', { name: id['auth.signIn.forgot'] }).click();
  await expect(page).toHaveURL(/\/lupa-sandi$/);
  await page.getByLabel(id['auth.field.email'], { exact: true }).fill(user.email);
  const asked = await submit(page, page.getByRole('button', { name: id['auth.forgot.submit'] }));
  expect(asked.status()).toBe(303);
  await expect(page).toHaveURL(/\/masuk$/);
  await expect(flash(page)).toHaveText(id['auth.forgot.sent']);

  await admin.goto('/admin/surel');
  await expect(admin.getByRole('heading', { level: 1 })).toHaveText(id['admin.outbox.title']);
  // Newest first: the first message to this address with the reset subject.
  const email = admin.locator('details', { hasText: user.email }).filter({ hasText: id['email.reset.subject'] }).first();
  await email.locator('summary').click();
  const body = email.locator('pre');
  await expect(body).toBeVisible();
  const text = await body.innerText();
  expect(text).toContain(`Halo ${user.displayName}`);
  const link = text.match(/https?:\/\/\S+\/atur-sandi\/[a-z2-7]{32}/)?.[0];
  expect(link, `reset link in the email:\n${text}`).toBeTruthy();
  expect(link!.startsWith(`${test.info().project.use.baseURL}/atur-sandi/`)).toBe(true);
  return link!;
}

test('password reset by emailed link, end to end', async ({ page, adminPage }) => {
  const user = ACCOUNTS.residentReset;
  const newPassword = 'Kapal cepat ke Banda Neira 12';
  const link = await requestResetLink(page, adminPage, user);

  // The link's page is not cached and does not leak the link to other sites as a Referer.
  const head = await page.request.get(link);
  expect(head.status()).toBe(200);
  expect(head.headers()['cache-control']).toBe('no-store');
  expect(['no-referrer', 'same-origin']).toContain(head.headers()['referrer-policy']);

  const opened = await page.goto(link);
  expect(opened?.status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(id['auth.reset.title']);
  const field = page.getByLabel(id['auth.field.newPassword'], { exact: true });
  const save = page.getByRole('button', { name: id['auth.reset.submit'] });

  // A bad password is refused next to the field; the link still works afterwards.
  await field.fill('pendek');
  let r = await submit(page, save);
  expect(r.status()).toBe(422);
  await expectFieldError(page, id['auth.field.newPassword'], id['err.passwordShort']);
  await expect(field).toHaveValue('');
  await field.fill(`${user.email.split('@')[0]} 2026 baru`);
  r = await submit(page, save);
  expect(r.status()).toBe(422);
  await expectFieldError(page, id['auth.field.newPassword'], id['err.passwordEmail']);

  // A good one: saved, on to the sign-in page.
  await field.fill(newPassword);
  r = await submit(page, save);
  expect(r.status()).toBe(303);
  await expect(page).toHaveURL(/\/masuk$/);
  await expect(flash(page)).toHaveText(id['auth.reset.done']);

  // The old password no longer works, the new one does.
  expect(await attemptSignIn(page, user.email, user.password)).toBe(422);
  await expect(errorSummary(page)).toContainText(id['err.invalidCredentials']);
  expect(await attemptSignIn(page, user.email, newPassword)).toBe(303);
  await expectSignedIn(page);

  // The link works once.
  const again = await page.goto(link);
  expect(again?.status()).toBe(410);
  await expect(page.getByRole('alert')).toHaveText(id['err.tokenInvalid']);
  await expect(page.getByLabel(id['auth.field.newPassword'], { exact: true })).toHaveCount(0);
  // Posting to it directly is refused as well.
  const posted = await page.request.post(link, {
    headers: { Origin: test.info().project.use.baseURL! },
    form: { password: 'Lagi-lagi kata sandi baru 13' },
    maxRedirects: 0,
  });
  expect(posted.status()).toBe(422);
  expect(await posted.text()).toContain(id['err.tokenInvalid']);
});

test('the reset form can be submitted by a browser (its POST is not refused by the origin check)', async ({ page, adminPage }) => {
  // With `Referrer-Policy: no-referrer` browsers post `Origin: null`, which Astro's origin
  // check refuses: the page must use `same-origin`.
  const link = await requestResetLink(page, adminPage, ACCOUNTS.residentResetForm);
  await page.goto(link);
  await page.getByLabel(id['auth.field.newPassword'], { exact: true }).fill('pendek');
  // A too-short password: the account is left as it is, whatever the outcome.
  const r = await submit(page, page.getByRole('button', { name: id['auth.reset.submit'] }));
  expect((await r.request().allHeaders())['origin']).toBe(test.info().project.use.baseURL);
  expect(r.status()).toBe(422);
  await expectFieldError(page, id['auth.field.newPassword'], id['err.passwordShort']);
});

test('asking for a link for an unknown address looks the same and sends nothing', async ({ page, adminPage: admin }) => {
  const nobody = uniqueEmail('tidak.terdaftar');
  await page.goto('/lupa-sandi');
  await page.getByLabel(id['auth.field.email'], { exact: true }).fill(nobody);
  const r = await submit(page, page.getByRole('button', { name: id['auth.forgot.submit'] }));
  expect(r.status()).toBe(303);
  await expect(flash(page)).toHaveText(id['auth.forgot.sent']);

  await admin.goto('/admin/surel');
  await expect(admin.getByRole('heading', { level: 1 })).toHaveText(id['admin.outbox.title']);
  await expect(admin.locator('details', { hasText: nobody })).toHaveCount(0);
});

test('a made-up reset link shows the invalid-link message', async ({ page }) => {
  const r = await page.goto(`/atur-sandi/${'a'.repeat(32)}`);
  expect(r?.status()).toBe(410);
  await expect(page.getByRole('alert')).toHaveText(id['err.tokenInvalid']);
  await expect(page.getByRole('link', { name: id['auth.signIn.forgot'] })).toHaveAttribute('href', '/lupa-sandi');
});

test('changing the password at /akun ends the other sessions', async ({ page, newContext }) => {
  const user = ACCOUNTS.residentChange;
  const newPassword = 'Sore-sore makan kasbi rebus 14';

  // The same person, signed in on another device.
  const other = await (await newContext()).newPage();
  await signIn(other, user);
  await signIn(page, user);

  await page.goto('/akun');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(id['account.title']);
  const current = page.getByLabel(id['auth.field.currentPassword'], { exact: true });
  const next = page.getByLabel(id['auth.field.newPassword'], { exact: true });
  const change = page.getByRole('button', { name: id['account.changePassword.submit'] });

  // Wrong current password: the message is on that field; nothing changes.
  await current.fill('bukan kata sandi saya 1');
  await next.fill(newPassword);
  let r = await submit(page, change);
  expect(r.status()).toBe(422);
  await expectFieldError(page, id['auth.field.currentPassword'], id['err.currentPassword']);
  await expect(current).toHaveValue('');
  await expect(next).toHaveValue('');
  await other.goto('/akun');
  await expect(other).toHaveURL(/\/akun$/);

  // A weak new password: the message is on the new password.
  await current.fill(user.password);
  await next.fill('qwertyuiop');
  r = await submit(page, change);
  expect(r.status()).toBe(422);
  await expectFieldError(page, id['auth.field.newPassword'], id['err.passwordCommon']);

  await current.fill(user.password);
  await next.fill(newPassword);
  r = await submit(page, change);
  expect(r.status()).toBe(303);
  await expect(page).toHaveURL(/\/akun$/);
  await expect(flash(page)).toHaveText(id['account.changePassword.done']);
  // This session goes on.
  await page.reload();
  await expectSignedIn(page);

  // The other one is over: its next page is anonymous and /akun asks to sign in.
  await other.goto('/');
  await expectSignedOut(other);
  await other.goto('/akun');
  await expect(other).toHaveURL(/\/masuk\?next=%2Fakun$/);

  // Old password refused, new one accepted.
  expect(await attemptSignIn(other, user.email, user.password)).toBe(422);
  expect(await attemptSignIn(other, user.email, newPassword)).toBe(303);
  await expect(other).toHaveURL(/\/akun$/);
  await expectSignedIn(other);
});
