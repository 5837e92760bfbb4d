/**
 * Sign-up by emailed link, as a person does it: the form at /daftar answers "check your email"
 * whoever the address belongs to; the link in the email (read from the outbox at /admin/surel,
 * where the e2e server keeps emails) creates the account and signs in.
 */
import type { Page, Response } from '@playwright/test';
import { outboxBody } from './forum-helpers.ts';
import { expect, id, submit, test } from './test.ts';

/** The sign-up link of the newest sign-up email to `email`, read from the outbox by `admin`. */
export async function signUpLink(admin: Page, email: string): Promise<string> {
  const text = await outboxBody(admin, email.toLowerCase(), id['email.signUp.subject']);
  const link = text.match(/https?:\/\/\S+\/daftar\/[a-z2-7]{32}/)?.[0];
  expect(link, `sign-up link in the email:\n${text}`).toBeTruthy();
  expect(link!.startsWith(`${test.info().project.use.baseURL}/daftar/`)).toBe(true);
  return link!;
}

/** Submits the filled-in sign-up form of `page` and checks the "check your email" answer. */
export async function submitSignUp(page: Page, button = page.getByRole('button', { name: id['auth.signUp.submit'], exact: true })): Promise<Response> {
  const r = await submit(page, button);
  expect(r.status()).toBe(303);
  await expect(page).toHaveURL(/\/daftar\/terkirim$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(id['auth.signUp.sent.title']);
  await expect(page.getByRole('status')).toHaveText(id['auth.signUp.sent']);
  return r;
}

/** Opens the emailed link as `page` and activates the account: signed in, on the home page. */
export async function followSignUpLink(page: Page, admin: Page, email: string): Promise<Response> {
  const link = await signUpLink(admin, email);
  const opened = await page.goto(link);
  expect(opened?.status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(id['auth.signUp.confirm.title']);
  const r = await submit(page, page.getByRole('button', { name: id['auth.signUp.confirm.submit'], exact: true }));
  expect(r.status()).toBe(303);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.locator('main p.flash[role="status"]')).toHaveText(id['auth.signUp.done']);
  return r;
}
