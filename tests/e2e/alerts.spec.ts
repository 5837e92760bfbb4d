import { ACCOUNTS } from './fixtures.ts';
import { expect, flash, id, submit, test } from './test.ts';

test('subscribe to a kecamatan, confirm by the emailed link (GET only shows a button), list and stop it from /akun', async ({ pageAs, adminPage }) => {
  const resident = await pageAs(ACCOUNTS.resident);
  await resident.goto('/langganan?kecamatan=81.71.02');
  await expect(resident.getByRole('heading', { level: 1 })).toHaveText(id['alerts.title']);
  await expect(resident.getByLabel(id['alerts.field.email'])).toHaveValue(ACCOUNTS.resident.email);
  await expect(resident.getByRole('radio', { name: id['alerts.scope.kecamatan'] })).toBeChecked();
  await resident.getByRole('radio', { name: id['alerts.frequency.daily'] }).check();
  const r = await submit(resident, resident.getByRole('button', { name: id['alerts.submit'] }));
  expect(r.status()).toBe(303);
  await expect(flash(resident)).toHaveText(id['alerts.sent']);

  // The confirmation email (kept in the outbox in tests), read by an admin.
  await adminPage.goto('/admin/surel');
  const mail = adminPage.locator('details', { hasText: id['alerts.email.confirm.subject'] }).filter({ hasText: ACCOUNTS.resident.email }).first();
  const text = (await mail.locator('pre').textContent()) ?? '';
  const link = text.match(/https?:\/\/\S+\/langganan\/konfirmasi\/[a-z2-7]+/)?.[0];
  expect(link, text).toBeTruthy();

  // Opening the link confirms nothing by itself.
  const other = await pageAs(null);
  await other.goto(new URL(link!).pathname);
  await expect(other.getByRole('heading', { level: 1 })).toHaveText(id['alerts.confirm.title']);
  await resident.goto('/akun');
  const table = resident.locator('#alert-subscriptions table');
  await expect(table).toContainText('Kecamatan Sirimau');
  await expect(table).toContainText(id['alerts.account.pending']);
  const c = await submit(other, other.getByRole('button', { name: id['alerts.confirm.submit'] }));
  expect(c.status()).toBe(303);
  await expect(flash(other)).toHaveText(id['alerts.confirm.done']);
  // A second use of the link is refused.
  expect((await other.goto(new URL(link!).pathname))!.status()).toBe(404);

  await resident.goto('/akun');
  await expect(table).toContainText(id['alerts.account.active']);
  const s = await submit(resident, table.getByRole('button', { name: `${id['alerts.account.cancel']}: Kecamatan Sirimau` }));
  expect(s.status()).toBe(303);
  await expect(flash(resident)).toHaveText(id['alerts.account.cancelled']);
  await expect(resident.locator('#alert-subscriptions')).toContainText(id['alerts.account.none']);
});

test('a bad subscription is refused with messages next to the fields', async ({ pageAs }) => {
  const page = await pageAs(null, { javaScriptEnabled: false });
  await page.goto('/langganan');
  await page.getByLabel(id['alerts.field.email']).fill('bukan-email');
  await page.getByRole('radio', { name: id['alerts.scope.unit'] }).check();
  const r = await submit(page, page.getByRole('button', { name: id['alerts.submit'] }));
  expect(r.status()).toBe(422);
  await expect(page.locator('#f-email-error')).toHaveText(id['err.email']);
  await page.getByLabel(id['alerts.field.email']).fill('warga.baru@e2e.bakudengar.test');
  const r2 = await submit(page, page.getByRole('button', { name: id['alerts.submit'] }));
  expect(r2.status()).toBe(422);
  await expect(page.locator('#f-unit-error')).toHaveText(id['alerts.err.unit']);
});
