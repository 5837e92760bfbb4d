import { ACCOUNTS, uniqueEmail } from './fixtures.ts';
import { outboxBody } from './forum-helpers.ts';
import { signUpLink, submitSignUp } from './sign-up-helpers.ts';
import {
  attemptSignIn,
  errorSummary,
  expect,
  expectFieldError,
  expectNoFieldError,
  expectSignedIn,
  expectSignedOut,
  flash,
  id,
  mainNav,
  messagePattern,
  signIn,
  signOut,
  submit,
  test,
  tId,
  waitForFreshMinute,
} from './test.ts';

const L = {
  name: id['auth.field.displayName'],
  email: id['auth.field.email'],
  password: id['auth.field.password'],
};

test.describe('sign up, sign out, sign in', () => {
  test('a new resident signs up, follows the emailed link, is signed in, signs out and signs in again', async ({ page, context, adminPage }) => {
    const email = uniqueEmail('daftar');
    const password = 'Senja di pantai Liang 42';

    await page.goto('/');
    await expectSignedOut(page);
    await mainNav(page).getByRole('link', { name: id['nav.signUp'], exact: true }).click();
    await expect(page).toHaveURL(/\/daftar$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(id['auth.signUp.title']);

    await page.getByLabel(L.name, { exact: true }).fill('Nona Ambon');
    await page.getByLabel(L.email, { exact: true }).fill(email.toUpperCase());
    await page.getByLabel(L.password, { exact: true }).fill(password);
    await submitSignUp(page);
    // No account yet: still signed out until the emailed link is used.
    await expectSignedOut(page);
    expect((await context.cookies()).find((c) => c.name === 'bd_session')).toBeUndefined();

    const link = await signUpLink(adminPage, email);
    // The link's page is not cached and does not leak the link to other sites as a Referer.
    const head = await page.request.get(link);
    expect(head.status()).toBe(200);
    expect(head.headers()['cache-control']).toBe('no-store');
    expect(['no-referrer', 'same-origin']).toContain(head.headers()['referrer-policy']);
    await page.goto(link);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(id['auth.signUp.confirm.title']);
    await expect(page.getByText(tId('auth.signUp.confirm.lead', { name: 'Nona Ambon', email }))).toBeVisible();
    const created = await submit(page, page.getByRole('button', { name: id['auth.signUp.confirm.submit'] }));
    expect(created.status()).toBe(303);
    await expect(page).toHaveURL(/\/$/);
    await expect(flash(page)).toHaveText(id['auth.signUp.done']);
    await expectSignedIn(page);
    await expect(page.getByText(tId('home.welcome', { name: 'Nona Ambon' }))).toBeVisible();

    // The session cookie: HttpOnly (out of reach of scripts), SameSite=Lax, whole site.
    const cookie = (await context.cookies()).find((c) => c.name === 'bd_session');
    expect(cookie, 'bd_session cookie after sign-up').toBeDefined();
    expect(cookie!.httpOnly).toBe(true);
    expect(cookie!.sameSite).toBe('Lax');
    expect(cookie!.path).toBe('/');
    expect(cookie!.value).toMatch(/^[a-z2-7]{32}$/);
    expect(await page.evaluate(() => document.cookie)).not.toContain('bd_session');

    // The account page shows the account (stored with the address in lower case).
    await mainNav(page).getByRole('link', { name: id['nav.account'], exact: true }).click();
    await expect(page).toHaveURL(/\/akun$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(id['account.title']);
    await expect(page.locator('dd', { hasText: email })).toBeVisible();
    await expect(page.locator('dd', { hasText: id['role.resident'] })).toBeVisible();

    await signOut(page);
    await expect(page).toHaveURL(/\/$/);
    await expect(flash(page)).toHaveText(id['auth.signOut.done']);
    expect((await context.cookies()).find((c) => c.name === 'bd_session')).toBeUndefined();
    // The account page now asks to sign in.
    await page.goto('/akun');
    await expect(page).toHaveURL(/\/masuk\?next=%2Fakun$/);
    await expect(page.getByText(id['auth.signIn.required'])).toBeVisible();

    // Sign in again, from that page: back to where we were going.
    await page.getByLabel(L.email, { exact: true }).fill(email);
    await page.getByLabel(L.password, { exact: true }).fill(password);
    const signedIn = await submit(page, page.getByRole('button', { name: id['auth.signIn.submit'], exact: true }));
    expect(signedIn.status()).toBe(303);
    await expect(page).toHaveURL(/\/akun$/);
    await expectSignedIn(page);
    const again = (await context.cookies()).find((c) => c.name === 'bd_session');
    expect(again?.httpOnly).toBe(true);
    expect(again?.sameSite).toBe('Lax');
    expect(again?.value).not.toBe(cookie!.value);
  });

  test('the sign-in page does not redirect off site (next=//evil.example)', async ({ page }) => {
    await signIn(page, ACCOUNTS.resident, '//evil.example/x');
    expect(new URL(page.url()).origin).toBe(new URL(test.info().project.use.baseURL!).origin);
    await expect(page).toHaveURL(/\/$/);
  });
});

test.describe('sign-up form errors', () => {
  test('bad input gets a message next to the right field and keeps what was typed', async ({ page }) => {
    await page.goto('/daftar');
    const name = page.getByLabel(L.name, { exact: true });
    const email = page.getByLabel(L.email, { exact: true });
    const password = page.getByLabel(L.password, { exact: true });
    const create = page.getByRole('button', { name: id['auth.signUp.submit'] });

    // Nothing filled in: one message per field, the summary lists all three.
    let r = await submit(page, create);
    expect(r.status()).toBe(422);
    await expect(errorSummary(page)).toContainText(id['form.errorSummary']);
    await expect(errorSummary(page).getByRole('link')).toHaveCount(3);
    await expect(name).toHaveAttribute('aria-invalid', 'true');
    await expectFieldError(page, L.email, id['err.required']);
    await expectFieldError(page, L.password, id['err.required']);
    // The hint stays described alongside the error.
    await expect(name).toHaveAttribute('aria-describedby', 'f-displayName-hint f-displayName-error');

    // Invalid address: only the address is wrong; name and address are kept, the password is not.
    await name.fill('Bung Pattimura');
    await email.fill('bukan-alamat-surel');
    await password.fill('Laut Banda yang dalam 11');
    r = await submit(page, create);
    expect(r.status()).toBe(422);
    await expectFieldError(page, L.email, id['err.email']);
    await expectNoFieldError(page, L.name);
    await expectNoFieldError(page, L.password);
    await expect(name).toHaveValue('Bung Pattimura');
    await expect(email).toHaveValue('bukan-alamat-surel');
    await expect(password).toHaveValue('');

    const address = uniqueEmail('nona.manis');
    const cases: Array<{ password: string; message: string }> = [
      { password: 'pendek7', message: id['err.passwordShort'] },
      { password: 'qwertyuiop', message: id['err.passwordCommon'] },
      { password: 'bakudengar123', message: id['err.passwordCommon'] },
      // Contains the local part of the address.
      { password: `${address.split('@')[0]}-rahasia`, message: id['err.passwordEmail'] },
    ];
    for (const c of cases) {
      await name.fill('Bung Pattimura');
      await email.fill(address);
      await password.fill(c.password);
      r = await submit(page, create);
      expect(r.status(), `password ${c.password}`).toBe(422);
      await expectFieldError(page, L.password, c.message);
      await expectNoFieldError(page, L.email);
      await expect(name).toHaveValue('Bung Pattimura');
      await expect(email).toHaveValue(address);
      await expect(password).toHaveValue('');
    }

    await expectSignedOut(page);
  });

  test('an address already registered (in any letter case) gets the same answer as a new one; its owner is emailed links to sign in and reset', async ({ page, adminPage }) => {
    await page.goto('/daftar');
    await page.getByLabel(L.name, { exact: true }).fill('Orang Lain');
    await page.getByLabel(L.email, { exact: true }).fill(ACCOUNTS.resident.email.toUpperCase());
    await page.getByLabel(L.password, { exact: true }).fill('Laut Banda yang dalam 11');
    await submitSignUp(page);
    await expectSignedOut(page);

    const text = await outboxBody(adminPage, ACCOUNTS.resident.email, id['email.signUpExists.subject']);
    expect(text).toContain(`Halo ${ACCOUNTS.resident.displayName}`);
    const base = test.info().project.use.baseURL!;
    expect(text).toContain(`${base}/masuk`);
    expect(text).toContain(`${base}/lupa-sandi`);
    expect(text).not.toContain(`${base}/daftar/`);
  });

  test('a used or unknown sign-up link creates nothing and says so', async ({ page }) => {
    const r = await page.goto('/daftar/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
    expect(r?.status()).toBe(410);
    await expect(page.getByRole('alert')).toHaveText(id['err.tokenInvalid']);
    await expect(page.getByRole('button', { name: id['auth.signUp.confirm.submit'] })).toHaveCount(0);
  });

  test('an empty display name is reported as required', async ({ page }) => {
    await page.goto('/daftar');
    await submit(page, page.getByRole('button', { name: id['auth.signUp.submit'] }));
    await expect(page.locator('#f-displayName-error')).toHaveText(id['err.required'], { timeout: 1000 });
  });

  test('a one-letter display name is too short', async ({ page }) => {
    await page.goto('/daftar');
    await page.getByLabel(L.name, { exact: true }).fill('A');
    await page.getByLabel(L.email, { exact: true }).fill(uniqueEmail('pendek'));
    await page.getByLabel(L.password, { exact: true }).fill('Laut Banda yang dalam 11');
    const r = await submit(page, page.getByRole('button', { name: id['auth.signUp.submit'] }));
    expect(r.status()).toBe(422);
    await expectFieldError(page, L.name, tId('err.tooShort', { min: 2 }));
  });
});

test.describe('sign-in errors and limits', () => {
  test('wrong password and unknown address get the very same message', async ({ page }) => {
    await page.goto('/masuk');
    expect(await attemptSignIn(page, ACCOUNTS.resident.email, 'bukan kata sandinya 1')).toBe(422);
    const wrongPassword = (await errorSummary(page).innerText()).trim();
    expect(wrongPassword).toContain(id['err.invalidCredentials']);
    // The address is kept, the password is not; no field is singled out.
    await expect(page.getByLabel(L.email, { exact: true })).toHaveValue(ACCOUNTS.resident.email);
    await expect(page.getByLabel(L.password, { exact: true })).toHaveValue('');
    await expectNoFieldError(page, L.email);
    await expectNoFieldError(page, L.password);

    expect(await attemptSignIn(page, uniqueEmail('tidak.ada'), 'bukan kata sandinya 1')).toBe(422);
    const unknownEmail = (await errorSummary(page).innerText()).trim();
    expect(unknownEmail).toBe(wrongPassword);
    await expectSignedOut(page);
  });

  test('after 5 wrong passwords for one account the 6th attempt is refused (429)', async ({ page }) => {
    // Up to 15 s of waiting for a fresh rate-limit window, then the attempts.
    test.setTimeout(90_000);
    const { email, password } = ACCOUNTS.residentLocked;
    await page.goto('/masuk');
    await waitForFreshMinute(page);
    for (let i = 1; i <= 5; i++) {
      expect(await attemptSignIn(page, email, `salah sekali nomor ${i}`), `attempt ${i}`).toBe(422);
      await expect(errorSummary(page)).toContainText(id['err.invalidCredentials']);
    }
    // Even the right password is refused now, with the translated message.
    expect(await attemptSignIn(page, email, password)).toBe(429);
    const message = errorSummary(page).getByRole('listitem');
    await expect(message).toHaveText(messagePattern('err.rateLimited'));
    await expect(message).toContainText('Terlalu banyak percobaan');
    await expectSignedOut(page);
  });

  test('more than 20 attempts a minute from one address are refused (429), other addresses are not', async ({ page, request, clientIp, baseURL }) => {
    // Up to 25 s of waiting for a fresh rate-limit window, then 22 sign-in attempts.
    test.setTimeout(90_000);
    await page.goto('/');
    await waitForFreshMinute(page, 25);
    const post = (ip: string, i: number) =>
      request.post('/masuk', {
        headers: { Origin: baseURL!, 'X-Forwarded-For': ip },
        form: { email: uniqueEmail(`acak${i}`), password: 'tebak-tebak saja 1', next: '/' },
        maxRedirects: 0,
      });
    for (let i = 1; i <= 20; i++) expect((await post(clientIp, i)).status(), `attempt ${i}`).toBe(422);
    const refused = await post(clientIp, 21);
    expect(refused.status()).toBe(429);
    expect(await refused.text()).toContain('Terlalu banyak percobaan');
    // The limit is per address: another address (or a proxy hop after the client) is not limited.
    expect((await post(`${clientIp.replace(/\.\d+$/, '.255')}`, 22)).status()).toBe(422);
  });
});
