import fs from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { ACCOUNTS, uniqueEmail } from './fixtures.ts';
import { followSignUpLink, submitSignUp } from './sign-up-helpers.ts';
import { attemptSignIn, expect, expectFieldError, expectSignedIn, expectSignedOut, flash, id, submit, submitFeedbackForm, test, uniqueWord } from './test.ts';

/**
 * Residents' data rights at /akun with and without JavaScript: the privacy notice linked from
 * the forms, downloading one's data (JSON, CSV), correcting it, deleting the account.
 */

async function signUp(page: Page, admin: Page, name: string, email: string, password: string): Promise<void> {
  await page.goto('/daftar');
  // The form that takes personal data links to the notice.
  await expect(page.locator('form .privacy-note a[href="/privasi"]')).toHaveText(id['privacy.formNote.link']);
  await page.getByLabel(id['auth.field.displayName'], { exact: true }).fill(name);
  await page.getByLabel(id['auth.field.email'], { exact: true }).fill(email);
  await page.getByLabel(id['auth.field.password'], { exact: true }).fill(password);
  await submitSignUp(page);
  await followSignUpLink(page, admin, email);
  await expectSignedIn(page);
}

async function download(page: Page, linkName: string): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: linkName, exact: true }).click()]);
  return { name: file.suggestedFilename(), text: await fs.readFile((await file.path())!, 'utf8') };
}

for (const js of [true, false]) {
  test(`a resident downloads, corrects and deletes their data (${js ? 'with' : 'without'} JavaScript)`, async ({ pageAs, adminPage }) => {
    test.setTimeout(120_000);
    const page = await pageAs(null, { javaScriptEnabled: js, acceptDownloads: true });
    const word = uniqueWord('privasi');
    const name = `Warga Hak ${word}`;
    const email = uniqueEmail(`hak.${js ? 'js' : 'nojs'}`);
    const password = `Laut Banda biru ${word}`;
    const contactEmail = uniqueEmail('kontak.hak');
    await signUp(page, adminPage, name, email, password);

    // Feedback with contact details; the contact fieldset links to the notice.
    await page.goto('/masukan/baru');
    await expect(page.locator('fieldset.contact .privacy-note a[href="/privasi"]')).toBeVisible();
    await submitFeedbackForm(page, {
      kind: 'saran',
      unit: 'unsure',
      title: `Usul ${word} untuk taman kota`,
      body: 'Mohon tambahkan bangku dan lampu di taman kota.',
      contactName: `Kontak ${word}`,
      contactEmail,
      contactPhone: '+62 811 222 333',
    });

    // The footer links to the notice, which names the data protection officer.
    await page.getByRole('contentinfo').getByRole('link', { name: id['privacy.footerLink'] }).click();
    await expect(page).toHaveURL(/\/privasi$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(id['privacy.title']);
    await expect(page.getByRole('heading', { name: id['privacy.dpo.title'] })).toBeVisible();
    await expect(page.locator('a[href^="mailto:"]')).toHaveCount(1);
    await expect(page.getByText(id['privacy.retention.contact'].replace('{months}', '24'))).toBeVisible();

    // Downloads from /akun.
    await page.goto('/akun');
    await expect(page.getByRole('heading', { name: id['privacy.account.title'] })).toBeVisible();
    const json = await download(page, id['privacy.account.downloadJson']);
    expect(json.name).toMatch(/^baku-dengar-data-\d{4}-\d{2}-\d{2}\.json$/);
    const data = JSON.parse(json.text) as { account: { email: string; display_name: string }; feedback: Array<{ title: string; contact_email: string }> };
    expect(data.account).toMatchObject({ email, display_name: name });
    expect(data.feedback).toEqual([expect.objectContaining({ title: `Usul ${word} untuk taman kota`, contact_email: contactEmail })]);
    expect(json.text).not.toContain(ACCOUNTS.resident.email);
    const csv = await download(page, id['privacy.account.downloadCsv']);
    expect(csv.name).toMatch(/\.csv$/);
    expect(csv.text).toContain(`account,1,email,${email}`);

    // Correction: a bad address is refused next to the field, keeping what was typed.
    await page.getByRole('link', { name: id['privacy.account.correct'], exact: true }).click();
    await expect(page).toHaveURL(/\/akun\/data$/);
    const nameField = page.getByLabel(id['auth.field.displayName'], { exact: true });
    const emailField = page.getByLabel(id['auth.field.email'], { exact: true });
    await expect(emailField).toHaveValue(email);
    await emailField.fill('bukan-surel');
    const bad = await submit(page, page.getByRole('button', { name: id['privacy.correct.save'] }).first());
    expect(bad.status()).toBe(422);
    await expectFieldError(page, id['auth.field.email'], id['err.email']);
    await expect(page.getByLabel(id['auth.field.email'], { exact: true })).toHaveValue('bukan-surel');
    const newName = `${name} Baru`;
    await page.getByLabel(id['auth.field.email'], { exact: true }).fill(email);
    await nameField.fill(newName);
    const ok = await submit(page, page.getByRole('button', { name: id['privacy.correct.save'] }).first());
    expect(ok.status()).toBe(303);
    await expect(flash(page)).toHaveText(id['privacy.correct.profileDone']);
    await expect(page.getByLabel(id['auth.field.displayName'], { exact: true })).toHaveValue(newName);

    // The contact details on the feedback.
    await page.getByRole('link', { name: new RegExp(`Usul ${word}`) }).click();
    await expect(page).toHaveURL(/\/akun\/data\?kontak=\d+/);
    const phone = page.getByLabel(id['fb.field.contactPhone']);
    // Stored in E.164 (issue 13).
    await expect(phone).toHaveValue('+62811222333');
    await phone.fill('12');
    expect((await submit(page, page.locator('#kontak-form').getByRole('button', { name: id['privacy.correct.save'] }))).status()).toBe(422);
    await expectFieldError(page, page.getByLabel(id['fb.field.contactPhone']), id['err.phone']);
    await page.getByLabel(id['fb.field.contactPhone']).fill('+62 812 444 555');
    expect((await submit(page, page.locator('#kontak-form').getByRole('button', { name: id['privacy.correct.save'] }))).status()).toBe(303);
    await expect(flash(page)).toHaveText(id['privacy.correct.contactDone']);
    // Stored in E.164, as a submission stores it.
    await expect(page.locator('.contact-list')).toContainText('+62812444555');

    // Deletion: the confirmation is required; then the account is gone and signed out.
    await page.goto('/akun');
    await page.getByRole('link', { name: id['privacy.account.delete'], exact: true }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(id['privacy.delete.title']);
    await page.getByLabel(id['privacy.delete.password'], { exact: true }).fill(password);
    const unconfirmed = await submit(page, page.getByRole('button', { name: id['privacy.delete.submit'] }));
    expect(unconfirmed.status()).toBe(422);
    await expect(page.locator('#f-confirm-error')).toHaveText(id['privacy.err.confirm']);
    await page.getByLabel(id['privacy.delete.password'], { exact: true }).fill(password);
    await page.getByRole('checkbox', { name: id['privacy.delete.confirm'] }).check();
    const deleted = await submit(page, page.getByRole('button', { name: id['privacy.delete.submit'] }));
    expect(deleted.status()).toBe(303);
    await expect(page).toHaveURL(/\/$/);
    await expect(flash(page)).toHaveText(id['privacy.delete.done']);
    await expectSignedOut(page);
    expect(await attemptSignIn(page, email, password)).toBe(422);
    // Downloads now ask to sign in.
    const after = await page.request.get('/akun/data.json', { maxRedirects: 0 });
    expect(after.status()).toBe(303);
  });
}

test('staff cannot delete their own account; moderators restrict processing, residents may not', async ({ pageAs }) => {
  const asn = await pageAs(ACCOUNTS.asnDinkes);
  await asn.goto('/akun');
  await expect(asn.getByRole('link', { name: id['privacy.account.delete'] })).toHaveCount(0);
  await asn.goto('/akun/hapus');
  await expect(asn.getByText(id['privacy.delete.staff'])).toBeVisible();
  await expect(asn.getByRole('button', { name: id['privacy.delete.submit'] })).toHaveCount(0);

  const resident = await pageAs(ACCOUNTS.resident);
  expect((await resident.goto('/moderasi/pembatasan'))?.status()).toBe(403);

  const mod = await pageAs(ACCOUNTS.moderator, { javaScriptEnabled: false });
  await mod.goto('/moderasi/pembatasan');
  await expect(mod.getByRole('heading', { level: 1 })).toHaveText(id['privacy.restrict.title']);
  const target = uniqueEmail('dibatasi');
  await mod.getByLabel(id['privacy.restrict.email']).fill(target);
  await mod.getByLabel(id['privacy.restrict.reason'], { exact: true }).fill('Surat permintaan 7/2026');
  const nobody = await submit(mod, mod.getByRole('button', { name: id['privacy.restrict.submit'] }));
  expect(nobody.status()).toBe(422);
  await expectFieldError(mod, mod.getByLabel(id['privacy.restrict.email']), id['privacy.err.nobody']);
  await mod.getByLabel(id['privacy.restrict.email']).fill(ACCOUNTS.residentEnglish.email);
  const done = await submit(mod, mod.getByRole('button', { name: id['privacy.restrict.submit'] }));
  expect(done.status()).toBe(303);
  await expect(flash(mod)).toHaveText(id['privacy.restrict.done']);
  await expect(mod.getByRole('table', { name: id['privacy.restrict.accounts'] })).toContainText(ACCOUNTS.residentEnglish.email);
  await mod.getByLabel(id['privacy.restrict.email']).fill(ACCOUNTS.residentEnglish.email);
  await mod.getByLabel(id['privacy.restrict.reason'], { exact: true }).fill('Dicabut');
  expect((await submit(mod, mod.getByRole('button', { name: id['privacy.restrict.lift'] }))).status()).toBe(303);
  await expect(mod.getByRole('table', { name: id['privacy.restrict.accounts'] })).not.toContainText(ACCOUNTS.residentEnglish.email);
});
