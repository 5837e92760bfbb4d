/**
 * Playwright's `test` with the project's fixtures, and helpers shared by the specs.
 *
 * Every test speaks from its own client address: the server trusts X-Forwarded-For
 * (TRUST_PROXY=1 in playwright.config.ts), so the per-address rate limits of one test never
 * count the requests of another, and a test can exhaust them on purpose.
 */
import { createHash } from 'node:crypto';
import { test as base, expect, type Browser, type BrowserContext, type BrowserContextOptions, type Locator, type Page, type Response } from '@playwright/test';
import { en } from '../../src/i18n/en.ts';
import { id } from '../../src/i18n/id.ts';
import { translator, type MessageKey } from '../../src/i18n/index.ts';
import { ACCOUNTS, type FixtureAccount } from './fixtures.ts';

export { expect, en, id };
export const tId = translator('id');
export const tEn = translator('en');

/** A private (10.x.y.z) address, stable for one test attempt and different between tests and runs. */
export function clientAddress(...parts: Array<string | number>): string {
  const h = createHash('sha256').update([process.env.E2E_RUN_ID ?? '', ...parts].join('|')).digest();
  return `10.${h[0]}.${h[1]}.${(h[2]! % 254) + 1}`;
}

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

export interface WorkerFixtures {
  /** Cookies of an admin session, signed in once per worker (the sign-in limit is 5 a minute). */
  adminStorageState: StorageState;
}

export interface Fixtures {
  /** This test's client address (sent as X-Forwarded-For by every context it opens). */
  clientIp: string;
  /**
   * Opens another browser context (another browser, in effect: its own cookies), with the
   * project's options and this test's address; closed when the test ends.
   */
  newContext: (options?: BrowserContextOptions) => Promise<BrowserContext>;
  /** A page of another browser context, signed in as ACCOUNTS.admin. */
  adminPage: Page;
}

export const test = base.extend<Fixtures, WorkerFixtures>({
  adminStorageState: [
    async ({ playwright }, use, workerInfo) => {
      const baseURL = workerInfo.project.use.baseURL!;
      const api = await playwright.request.newContext({
        baseURL,
        extraHTTPHeaders: { 'X-Forwarded-For': clientAddress('admin', workerInfo.workerIndex), Origin: baseURL },
      });
      const r = await api.post('/masuk', { form: { email: ACCOUNTS.admin.email, password: ACCOUNTS.admin.password, next: '/' }, maxRedirects: 0 });
      if (r.status() !== 303) throw new Error(`admin sign-in for the worker failed: ${r.status()}`);
      const state = await api.storageState();
      await api.dispose();
      await use(state);
    },
    { scope: 'worker' },
  ],
  adminPage: async ({ newContext, adminStorageState }, use) => {
    const context = await newContext({ storageState: adminStorageState });
    await use(await context.newPage());
  },
  clientIp: async ({}, use, testInfo) => {
    await use(clientAddress(testInfo.testId, testInfo.retry, testInfo.repeatEachIndex));
  },
  extraHTTPHeaders: async ({ clientIp }, use) => {
    await use({ 'X-Forwarded-For': clientIp });
  },
  newContext: async ({ browser, clientIp, baseURL, locale, timezoneId }, use) => {
    const opened: BrowserContext[] = [];
    await use(async (options = {}) => {
      const context = await (browser as Browser).newContext({
        baseURL,
        locale,
        timezoneId,
        ...options,
        extraHTTPHeaders: { 'X-Forwarded-For': clientIp, ...options.extraHTTPHeaders },
      });
      opened.push(context);
      return context;
    });
    for (const c of opened) await c.close();
  },
});

// ---- page parts

export function mainNav(page: Page): Locator {
  return page.getByRole('navigation', { name: id['nav.main'] });
}

/** The one-time message shown after a redirect. */
export function flash(page: Page): Locator {
  return page.locator('main p.flash[role="status"]');
}

export function errorSummary(page: Page): Locator {
  return page.getByRole('alert');
}

/**
 * Clicks a submit button and returns the response to the form's POST (before any redirect),
 * once the page it leads to (the redirect target, or the form again with its errors) has
 * replaced the old one, so that later assertions cannot read the old page.
 */
export async function submit(page: Page, button: Locator): Promise<Response> {
  const response = page.waitForResponse((r) => r.request().method() === 'POST' && r.request().resourceType() === 'document');
  const navigated = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame() });
  await button.click();
  const [r] = await Promise.all([response, navigated]);
  await page.waitForLoadState('domcontentloaded');
  return r;
}

/** Asserts that the header shows a signed-in person (Indonesian interface). */
export async function expectSignedIn(page: Page): Promise<void> {
  const nav = mainNav(page);
  await expect(nav.getByRole('link', { name: id['nav.account'], exact: true })).toBeVisible();
  await expect(nav.getByRole('button', { name: id['nav.signOut'], exact: true })).toBeVisible();
  await expect(nav.getByRole('link', { name: id['nav.signIn'], exact: true })).toHaveCount(0);
}

/** Asserts that the header shows the sign-in and sign-up links (Indonesian interface). */
export async function expectSignedOut(page: Page): Promise<void> {
  const nav = mainNav(page);
  await expect(nav.getByRole('link', { name: id['nav.signIn'], exact: true })).toBeVisible();
  await expect(nav.getByRole('link', { name: id['nav.signUp'], exact: true })).toBeVisible();
  await expect(nav.getByRole('button', { name: id['nav.signOut'], exact: true })).toHaveCount(0);
}

/**
 * Asserts that the control labelled `label` carries `message` as its error: the message is
 * rendered next to it, aria-invalid is set and aria-describedby points at the message.
 */
export async function expectFieldError(page: Page, label: string, message: string): Promise<void> {
  const control = page.getByLabel(label, { exact: true });
  await expect(control).toHaveAttribute('aria-invalid', 'true');
  const describedBy = (await control.getAttribute('aria-describedby')) ?? '';
  const errorId = describedBy.split(/\s+/).find((i) => i.endsWith('-error'));
  expect(errorId, `aria-describedby of "${label}" should name its error message (got "${describedBy}")`).toBeTruthy();
  const error = page.locator(`[id="${errorId}"]`);
  await expect(error).toHaveText(message);
  // "Next to the field": the message sits in the same .field wrapper as the control.
  const fieldId = await control.getAttribute('id');
  await expect(page.locator('.field', { has: page.locator(`[id="${fieldId}"]`) }).locator(`[id="${errorId}"]`)).toHaveCount(1);
  // The summary at the top of the form links to the control.
  await expect(errorSummary(page).locator(`a[href="#${fieldId}"]`)).toContainText(message);
}

export async function expectNoFieldError(page: Page, label: string): Promise<void> {
  const control = page.getByLabel(label, { exact: true });
  await expect(control).not.toHaveAttribute('aria-invalid', 'true');
}

// ---- flows

/** Signs in through /masuk and checks that it worked. */
export async function signIn(page: Page, account: Pick<FixtureAccount, 'email' | 'password'>, next?: string): Promise<void> {
  await page.goto(next ? `/masuk?next=${encodeURIComponent(next)}` : '/masuk');
  await page.getByLabel(id['auth.field.email'], { exact: true }).fill(account.email);
  await page.getByLabel(id['auth.field.password'], { exact: true }).fill(account.password);
  const response = await submit(page, page.getByRole('button', { name: id['auth.signIn.submit'], exact: true }));
  expect(response.status(), `sign-in as ${account.email}`).toBe(303);
  await expectSignedIn(page);
}

/** Tries to sign in and returns the POST's status (the page shows the outcome). */
export async function attemptSignIn(page: Page, email: string, password: string): Promise<number> {
  if (!new URL(page.url(), 'http://x').pathname.startsWith('/masuk')) await page.goto('/masuk');
  await page.getByLabel(id['auth.field.email'], { exact: true }).fill(email);
  await page.getByLabel(id['auth.field.password'], { exact: true }).fill(password);
  const response = await submit(page, page.getByRole('button', { name: id['auth.signIn.submit'], exact: true }));
  return response.status();
}

export async function signOut(page: Page): Promise<void> {
  const response = await submit(page, mainNav(page).getByRole('button', { name: id['nav.signOut'], exact: true }));
  expect(response.status()).toBe(303);
  await expectSignedOut(page);
}

/** A message with placeholders as a RegExp, e.g. "Tunggu {seconds} detik" → /Tunggu \d+ detik/. */
export function messagePattern(key: MessageKey, dict: Record<MessageKey, string> = id): RegExp {
  const parts = dict[key].split(/\{\w+\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('\\d+')}$`);
}

/**
 * Fixed-window rate limits count per calendar minute; a burst that must land in one window
 * waits when the current minute is about to end.
 */
export async function waitForFreshMinute(page: Page, needSeconds = 15): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < needSeconds * 1000) await page.waitForTimeout(left + 250);
}
