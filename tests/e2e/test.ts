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
import sharp from 'sharp';
import { trackingCodeFor } from '../../src/server/feedback/tracking-code.ts';
import { ACCOUNTS, SEED_FEEDBACK, type FixtureAccount, type SeedRef } from './fixtures.ts';

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
  /**
   * Cookies of a session of `account`, signed in through the API once per worker and
   * account (so a spec may open as many pages as that person as it likes). Such sessions
   * must not be signed out: the next test of the worker reuses them.
   */
  sessionOf: (account: FixtureAccount) => Promise<StorageState>;
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
  /**
   * A page of a new browser context signed in as `account` (see sessionOf), or signed out
   * for null; `options` as for newContext (e.g. { javaScriptEnabled: false }).
   */
  pageAs: (account: FixtureAccount | null, options?: BrowserContextOptions) => Promise<Page>;
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
  sessionOf: [
    async ({ playwright }, use, workerInfo) => {
      const baseURL = workerInfo.project.use.baseURL!;
      const cache = new Map<string, Promise<StorageState>>();
      const signInOnce = async (account: FixtureAccount): Promise<StorageState> => {
        const api = await playwright.request.newContext({
          baseURL,
          extraHTTPHeaders: { 'X-Forwarded-For': clientAddress('session', account.email, workerInfo.workerIndex), Origin: baseURL },
        });
        try {
          const r = await api.post('/masuk', { form: { email: account.email, password: account.password, next: '/' }, maxRedirects: 0 });
          if (r.status() !== 303) throw new Error(`sign-in of ${account.email} for the worker failed: ${r.status()}`);
          return await api.storageState();
        } finally {
          await api.dispose();
        }
      };
      await use((account) => {
        let state = cache.get(account.email);
        if (!state) {
          state = signInOnce(account);
          // A failed sign-in is not kept: the next test tries again.
          state.catch(() => cache.delete(account.email));
          cache.set(account.email, state);
        }
        return state;
      });
    },
    { scope: 'worker' },
  ],
  pageAs: async ({ newContext, sessionOf }, use) => {
    await use(async (account, options = {}) => {
      const storageState = account ? await sessionOf(account) : undefined;
      const context = await newContext({ ...options, ...(storageState ? { storageState } : {}) });
      return context.newPage();
    });
  },
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
export async function expectFieldError(page: Page, label: string | Locator, message: string): Promise<void> {
  const control = typeof label === 'string' ? page.getByLabel(label, { exact: true }) : label;
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

export async function expectNoFieldError(page: Page, label: string | Locator): Promise<void> {
  const control = typeof label === 'string' ? page.getByLabel(label, { exact: true }) : label;
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

// ---- feedback helpers

/** The tracking code of a seeded item (tests/e2e/fixtures.ts, SEED_FEEDBACK). */
export function seededCode(ref: SeedRef): string {
  return trackingCodeFor(SEED_FEEDBACK[ref].submissionKey);
}

/** What a tracking code looks like: BD-XXXXX-XXXXX from the 29-character alphabet. */
export const TRACKING_CODE_RE = /^BD-[2-9A-HJKMNP-TW-Z]{5}-[2-9A-HJKMNP-TW-Z]{5}$/;

/** A real JPEG made with sharp (a flat colour), for the photo field. */
export async function jpegPhoto(name = 'foto.jpg', width = 320, height = 240): Promise<{ name: string; mimeType: string; buffer: Buffer }> {
  const buffer = await sharp({ create: { width, height, channels: 3, background: { r: 40, g: 120, b: 200 } } })
    .jpeg()
    .toBuffer();
  return { name, mimeType: 'image/jpeg', buffer };
}

/**
 * The id of the feedback whose link text (a title) contains `word`, read from a list page
 * (the board, /moderasi, /kotak-masuk ...) fetched with `page`'s cookies. Throws when none.
 */
export async function feedbackIdOn(page: Page, listPath: string, word: string): Promise<number> {
  const r = await page.request.get(listPath);
  expect(r.status(), `GET ${listPath}`).toBe(200);
  const html = await r.text();
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = html.match(new RegExp(`href="/(?:masukan|moderasi|kotak-masuk)/(\\d+)"[^>]*>(?:(?!</a>)[\\s\\S])*?${escaped}`, 'i'));
  if (!m) throw new Error(`no feedback titled with "${word}" on ${listPath}`);
  return Number(m[1]);
}

/** The id of a published, public item: found on the board by a distinctive word. */
export async function publishedId(page: Page, word: string): Promise<number> {
  return feedbackIdOn(page, `/masukan?q=${encodeURIComponent(word)}`, word);
}

/** The values a test types into /masukan/baru; unset fields are left alone. */
export interface FeedbackFormValues {
  kind?: 'keluhan' | 'apresiasi' | 'saran' | 'pertanyaan';
  /** Unit short name (db/seeds/units.csv), or 'unsure'. */
  unit?: string;
  /** Kecamatan name. */
  kecamatan?: string;
  /** Kelurahan/desa/negeri name (picked from whatever list the page shows). */
  area?: string;
  title?: string;
  body?: string;
  anonymous?: boolean;
  confidential?: boolean;
  contactName?: string;
  contactEmail?: string;
  contactPhone?: string;
  photos?: Array<{ name: string; mimeType: string; buffer: Buffer }>;
}

/** The labels of /masukan/baru (Indonesian). */
export const FB = {
  unit: id['fb.field.unit'],
  kecamatan: id['fb.field.kecamatan'],
  area: id['fb.field.area'],
  title: id['fb.field.title'],
  body: id['fb.field.body'],
  photos: id['fb.field.photos'],
  contactName: id['fb.field.contactName'],
  contactEmail: id['fb.field.contactEmail'],
  contactPhone: id['fb.field.contactPhone'],
};

export function kindRadio(page: Page, kind: NonNullable<FeedbackFormValues['kind']>): Locator {
  return page.locator('#f-kind').getByRole('radio', { name: new RegExp(`^${id[`kind.${kind}`]}\\b`) });
}

/** The value of the first option of `select` whose text matches `text`. */
export async function optionValue(select: Locator, text: RegExp): Promise<string> {
  const option = select.locator('option').filter({ hasText: text }).first();
  const value = await option.getAttribute('value');
  if (value === null) throw new Error(`no option matching ${text}`);
  return value;
}

/** Selects a unit of the feedback form by its short name ("Dinkes — Dinas Kesehatan"). */
export async function selectFormUnit(page: Page, shortName: string): Promise<void> {
  const select = page.getByLabel(FB.unit, { exact: true });
  if (shortName === 'unsure') await select.selectOption('unsure');
  else await select.selectOption(await optionValue(select, new RegExp(`^${shortName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( — |$)`)));
}

export async function fillFeedbackForm(page: Page, v: FeedbackFormValues): Promise<void> {
  if (v.kind) await kindRadio(page, v.kind).check();
  if (v.unit) await selectFormUnit(page, v.unit);
  if (v.kecamatan) await page.getByLabel(FB.kecamatan).selectOption({ label: v.kecamatan });
  if (v.area) {
    const area = page.getByLabel(FB.area);
    await area.selectOption(await optionValue(area, new RegExp(`^${v.area} \\(`)));
  }
  if (v.title !== undefined) await page.getByLabel(FB.title, { exact: true }).fill(v.title);
  if (v.body !== undefined) await page.getByLabel(FB.body, { exact: true }).fill(v.body);
  if (v.anonymous) await page.getByRole('checkbox', { name: id['fb.field.anonymous'] }).check();
  if (v.confidential) await page.getByRole('checkbox', { name: id['fb.field.confidential'] }).check();
  if (v.contactName !== undefined) await page.getByLabel(FB.contactName).fill(v.contactName);
  if (v.contactEmail !== undefined) await page.getByLabel(FB.contactEmail).fill(v.contactEmail);
  if (v.contactPhone !== undefined) await page.getByLabel(FB.contactPhone).fill(v.contactPhone);
  if (v.photos) await page.getByLabel(FB.photos).setInputFiles(v.photos);
}

/**
 * Fills /masukan/baru (already open), submits it and returns the tracking code shown on the
 * receipt page (which the page is left on).
 */
export async function submitFeedbackForm(page: Page, v: FeedbackFormValues): Promise<string> {
  await fillFeedbackForm(page, v);
  const r = await submit(page, page.getByRole('button', { name: id['fb.submit'], exact: true }));
  expect(r.status(), 'the feedback form POST redirects to the receipt').toBe(303);
  await expect(page).toHaveURL(/\/masukan\/terkirim$/);
  const code = (await page.getByTestId('tracking-code').textContent())?.trim() ?? '';
  expect(code).toMatch(TRACKING_CODE_RE);
  return code;
}

/** A word no other test uses, for finding one's own item in lists (letters only: search splits on digits). */
export function uniqueWord(prefix: string): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  let s = '';
  for (let i = 0; i < 8; i++) s += letters[Math.floor(Math.random() * letters.length)];
  return `${prefix}${s}`;
}

/** Collects the page's script errors and console errors, to assert that there were none. */
export function scriptErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return errors;
}
