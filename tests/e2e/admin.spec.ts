import { ACCOUNTS } from './fixtures.ts';
import {
  attemptSignIn,
  errorSummary,
  expect,
  expectFieldError,
  expectSignedIn,
  expectSignedOut,
  flash,
  id,
  mainNav,
  signIn,
  submit,
  test,
} from './test.ts';

test.describe('who may open the admin pages', () => {
  test('anonymous visitors are sent to sign in, with the page to come back to', async ({ page, request }) => {
    for (const path of ['/admin/pengguna', '/admin/audit', '/admin/surel']) {
      const r = await request.get(path, { maxRedirects: 0 });
      expect(r.status(), path).toBe(303);
      expect(r.headers()['location'], path).toBe(`/masuk?next=${encodeURIComponent(path)}`);
    }
    await page.goto('/admin/pengguna?role=asn');
    await expect(page).toHaveURL(/\/masuk\?next=%2Fadmin%2Fpengguna%3Frole%3Dasn$/);
    await expect(page.getByText(id['auth.signIn.required'])).toBeVisible();
    // Signing in as admin lands on the page asked for.
    await page.getByLabel(id['auth.field.email'], { exact: true }).fill(ACCOUNTS.admin.email);
    await page.getByLabel(id['auth.field.password'], { exact: true }).fill(ACCOUNTS.admin.password);
    await submit(page, page.getByRole('button', { name: id['auth.signIn.submit'], exact: true }));
    await expect(page).toHaveURL(/\/admin\/pengguna\?role=asn$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(id['admin.users.title']);
  });

  for (const who of ['resident', 'asnDinkes', 'moderator'] as const) {
    test(`a signed-in ${who} gets the 403 page`, async ({ page }) => {
      await signIn(page, ACCOUNTS[who]);
      await expect(mainNav(page).getByRole('link', { name: id['nav.admin'], exact: true })).toHaveCount(0);
      for (const path of ['/admin/pengguna', '/admin/audit', '/admin/surel']) {
        const r = await page.goto(path);
        expect(r?.status(), path).toBe(403);
        await expect(page.getByRole('heading', { level: 1 }), path).toHaveText(id['error.403.title']);
        await expect(page).toHaveTitle(new RegExp(`^${id['error.403.title']}`));
        await expect(page.getByText(id['admin.users.title'], { exact: true })).toHaveCount(0);
      }
      await expectSignedIn(page);
    });
  }
});

test.describe('user administration', () => {
  test('search, filter, change a role (with unit check), audit, sessions revoked', async ({ adminPage: page, newContext }) => {
    const target = ACCOUNTS.residentPromote;
    // The user is signed in elsewhere; changing their role must end that session.
    const victim = await (await newContext()).newPage();
    await signIn(victim, target);

    await page.goto('/');
    await expectSignedIn(page);
    await mainNav(page).getByRole('link', { name: id['nav.admin'], exact: true }).click();
    await expect(page).toHaveURL(/\/admin\/pengguna$/);
    const rows = page.locator('table tbody tr');

    // Search by part of the name.
    await page.getByLabel(id['admin.users.search']).fill('Naik Peran');
    await page.getByRole('button', { name: id['form.filter'] }).click();
    await expect(page).toHaveURL(/[?&]q=Naik\+Peran/);
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText(target.email);
    await expect(page.getByRole('status').filter({ hasText: 'pengguna' })).toHaveText('1 pengguna');
    // ... and by part of the address.
    await page.getByLabel(id['admin.users.search']).fill('warga.naik@');
    await page.getByRole('button', { name: id['form.filter'] }).click();
    await expect(rows).toHaveCount(1);
    await page.getByLabel(id['admin.users.search']).fill('tidak-ada-orang-begini');
    await page.getByRole('button', { name: id['form.filter'] }).click();
    await expect(page.getByText(id['admin.users.none'])).toBeVisible();

    // Filter by role: only ASN accounts, the Dinkes one among them.
    await page.getByLabel(id['admin.users.search']).fill('');
    await page.getByLabel(id['admin.users.role'], { exact: true }).selectOption({ label: id['role.asn'] });
    await page.getByRole('button', { name: id['form.filter'] }).click();
    await expect(page).toHaveURL(/[?&]role=asn/);
    await expect(rows.filter({ hasText: ACCOUNTS.asnDinkes.email })).toHaveCount(1);
    await expect(rows.filter({ hasText: ACCOUNTS.resident.email })).toHaveCount(0);
    for (const cell of await rows.locator('td:nth-child(3)').allInnerTexts()) expect(cell).toBe(id['role.asn']);
    await expect(rows.filter({ hasText: ACCOUNTS.asnDinkes.email }).locator('td:nth-child(4)')).toHaveText('Dinkes');

    // Open the user.
    await page.getByLabel(id['admin.users.role'], { exact: true }).selectOption({ label: id['role.resident'] });
    await page.getByLabel(id['admin.users.search']).fill(target.displayName);
    await page.getByRole('button', { name: id['form.filter'] }).click();
    await page.getByRole('link', { name: target.displayName, exact: true }).click();
    await expect(page).toHaveURL(/\/admin\/pengguna\/[0-9a-f-]{36}$/);
    const userUrl = page.url();
    const userId = userUrl.split('/').pop()!;
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Pengguna: ${target.displayName}`);

    const role = page.getByLabel(id['admin.users.role'], { exact: true });
    const unit = page.getByLabel(id['admin.users.unit'], { exact: true });
    const save = page.getByRole('button', { name: id['form.save'] });
    await expect(role).toHaveValue('resident');

    // ASN without a unit: refused, the message is on the unit.
    await role.selectOption({ label: id['role.asn'] });
    await unit.selectOption({ label: id['admin.user.unitNone'] });
    let r = await submit(page, save);
    expect(r.status()).toBe(422);
    await expect(errorSummary(page)).toContainText(id['err.unitRequired']);
    await expect(unit).toHaveAttribute('aria-invalid', 'true');
    await expect(unit).toHaveAttribute('aria-describedby', /(^|\s)f-unitId-error(\s|$)/);
    await expect(page.locator('#f-unitId-error')).toHaveText(id['err.unitRequired']);
    await expect(page.locator('.field', { has: unit }).locator('#f-unitId-error')).toHaveCount(1);
    await expect(errorSummary(page).locator('a[href="#f-unitId"]')).toContainText(id['err.unitRequired']);
    await expect(role).not.toHaveAttribute('aria-invalid', 'true');
    // What was chosen is kept.
    await expect(role).toHaveValue('asn');
    // Nothing changed yet: the victim is still signed in.
    await victim.goto('/akun');
    await expect(victim).toHaveURL(/\/akun$/);

    // A resident with a unit is refused too.
    await role.selectOption({ label: id['role.resident'] });
    await unit.selectOption({ label: 'Dinkes' });
    r = await submit(page, save);
    expect(r.status()).toBe(422);
    await expectFieldError(page, id['admin.users.unit'], id['err.unitNotAllowed']);

    // ASN of Dinkes: saved.
    await role.selectOption({ label: id['role.asn'] });
    await unit.selectOption({ label: 'Dinkes' });
    r = await submit(page, save);
    expect(r.status()).toBe(303);
    await expect(page).toHaveURL(userUrl);
    await expect(flash(page)).toHaveText(id['admin.user.saved']);
    await expect(role).toHaveValue('asn');
    await expect(unit.locator('option:checked')).toHaveText('Dinkes');

    // The user's history shows the change, newest first.
    const history = page.locator('table tbody tr').first();
    await expect(history.locator('td').nth(1)).toHaveText(id['audit.action.user.role_change']);
    await expect(history).toContainText(ACCOUNTS.admin.email);
    // The changed fields, line by line (issue 11, defect 9), not JSON.
    await expect(history).toContainText('role: resident → asn');

    // So does the audit log, with before and after.
    await page.goto('/admin/audit');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(id['admin.audit.title']);
    await page.getByLabel(id['admin.audit.action']).selectOption('user.role_change');
    await page.getByRole('button', { name: id['form.filter'] }).click();
    await expect(page).toHaveURL(/[?&]action=user\.role_change/);
    // Newest first (against a reused PostgreSQL database, earlier runs' entries follow).
    const entry = page.locator('table tbody tr', { hasText: userId }).first();
    await expect(entry.locator('td').nth(2)).toHaveText(id['audit.action.user.role_change']);
    await expect(entry.locator('td').nth(1)).toContainText(ACCOUNTS.admin.email);
    // The changed fields, line by line: the role and the unit given with it.
    await expect(entry).toContainText('role: resident → asn');
    await expect(entry).toContainText(/unit id: .+ \d+/);

    // The user's session ended: their next page is anonymous.
    await victim.goto('/akun');
    await expect(victim).toHaveURL(/\/masuk\?next=%2Fakun$/);
    await expectSignedOut(victim);
    // Signing in again shows the new role and unit.
    await victim.getByLabel(id['auth.field.email'], { exact: true }).fill(target.email);
    await victim.getByLabel(id['auth.field.password'], { exact: true }).fill(target.password);
    await submit(victim, victim.getByRole('button', { name: id['auth.signIn.submit'], exact: true }));
    await expect(victim).toHaveURL(/\/akun$/);
    await expect(victim.locator('dd', { hasText: 'Dinkes' })).toBeVisible();
    await expect(victim.locator('header')).toContainText(`${id['role.asn']} · Dinkes`);
  });

  test('an admin cannot change their own role', async ({ adminPage: page }) => {
    await page.goto(`/admin/pengguna?q=${encodeURIComponent(ACCOUNTS.admin.email)}`);
    await page.getByRole('link', { name: ACCOUNTS.admin.displayName, exact: true }).click();
    await page.getByLabel(id['admin.users.role'], { exact: true }).selectOption({ label: id['role.moderator'] });
    const r = await submit(page, page.getByRole('button', { name: id['form.save'] }));
    expect(r.status()).toBe(422);
    await expect(errorSummary(page)).toContainText(id['err.selfChange']);
    await page.goto('/admin/pengguna');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(id['admin.users.title']);
  });

  test('a disabled account cannot sign in until it is enabled again', async ({ adminPage: page, newContext }) => {
    const target = ACCOUNTS.residentDisable;
    const victim = await (await newContext()).newPage();
    await signIn(victim, target);

    await page.goto(`/admin/pengguna?q=${encodeURIComponent(target.email)}`);
    await page.getByRole('link', { name: target.displayName, exact: true }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Pengguna: ${target.displayName}`);
    const userUrl = page.url();

    let r = await submit(page, page.getByRole('button', { name: id['admin.user.disable'] }));
    expect(r.status()).toBe(303);
    await expect(flash(page)).toHaveText(id['admin.user.disabledDone']);
    await expect(page.locator('dd .badge')).toHaveText(id['admin.users.disabled']);
    await expect(page.getByRole('button', { name: id['admin.user.enable'] })).toBeVisible();
    await expect(page.locator('table tbody tr').first().locator('td').nth(1)).toHaveText(id['audit.action.user.disable']);

    // The session on the other device is over, and signing in is refused as disabled.
    await victim.goto('/');
    await expectSignedOut(victim);
    expect(await attemptSignIn(victim, target.email, target.password)).toBe(422);
    await expect(errorSummary(victim)).toContainText(id['err.accountDisabled']);
    await expectSignedOut(victim);

    // The list can show disabled accounts only.
    await page.goto(`/admin/pengguna?status=disabled&q=${encodeURIComponent(target.email)}`);
    await expect(page.locator('table tbody tr')).toHaveCount(1);

    await page.goto(userUrl);
    r = await submit(page, page.getByRole('button', { name: id['admin.user.enable'] }));
    expect(r.status()).toBe(303);
    await expect(flash(page)).toHaveText(id['admin.user.enabledDone']);
    await expect(page.locator('dd .badge')).toHaveText(id['admin.users.active']);
    await expect(page.locator('table tbody tr').first().locator('td').nth(1)).toHaveText(id['audit.action.user.enable']);

    expect(await attemptSignIn(victim, target.email, target.password)).toBe(303);
    await expectSignedIn(victim);
  });

  test('an unknown user id gives the 404 page', async ({ adminPage: page }) => {
    for (const path of ['/admin/pengguna/00000000-0000-4000-8000-000000000000', '/admin/pengguna/bukan-id']) {
      const r = await page.goto(path);
      expect(r?.status(), path).toBe(404);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(id['error.404.title']);
    }
  });
});
