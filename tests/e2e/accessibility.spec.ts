import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { ACCOUNTS } from './fixtures.ts';
import { FORUM_ACCOUNTS } from './forum-fixtures.ts';
import { forumPath, registrationBox } from './forum-helpers.ts';
import { expect, id, submit, test } from './test.ts';

/**
 * Automated accessibility check: axe-core (WCAG 2.0/2.1 A and AA, WCAG 2.2 AA) on the key
 * pages of every role, at a phone viewport and a desktop one. Zero violations are allowed;
 * a failure lists each rule with its impact and the selectors of the offending elements.
 *
 * axe finds only part of what WCAG asks (perhaps a third); keyboard use, reading order and
 * wording still need a person. Pages are checked as they are rendered with JavaScript on.
 * Read-only apart from one registration of ACCOUNTS.resident for the e2e-forum-tanya forum
 * (a forum with spare seats whose counts no other test asserts).
 */

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

const VIEWPORTS = [
  { name: 'mobile', width: 390, height: 844 },
  { name: 'desktop', width: 1280, height: 800 },
] as const;

/** One line per violated rule, then one per element (at most 8 per rule). */
function summarize(violations: Awaited<ReturnType<AxeBuilder['analyze']>>['violations']): string {
  return violations
    .map((v) => {
      const nodes = v.nodes.slice(0, 8).map((n) => `      ${n.target.join(' ')}${n.failureSummary ? `\n        ${n.failureSummary.split('\n').slice(1).join(' ').trim()}` : ''}`);
      const more = v.nodes.length > 8 ? [`      ... and ${v.nodes.length - 8} more`] : [];
      return [`  ${v.id} (${v.impact ?? 'n/a'}): ${v.help} [${v.nodes.length}]`, ...nodes, ...more].join('\n');
    })
    .join('\n');
}

/** Runs axe on the page as it is now, at each viewport (the page is not reloaded). */
async function expectAccessible(page: Page, what: string): Promise<void> {
  for (const vp of VIEWPORTS) {
    await page.setViewportSize({ width: vp.width, height: vp.height });
    const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
    expect.soft(violations.map((v) => v.id), `${what} (${vp.name} ${vp.width}×${vp.height}): ${violations.length} axe violation(s)\n${summarize(violations)}\n`).toEqual([]);
  }
}

/** Opens `path` (expecting `status`) and checks it at both viewports. */
async function check(page: Page, path: string, status = 200): Promise<void> {
  const r = await page.goto(path);
  expect(r?.status(), `GET ${path}`).toBe(status);
  await page.waitForLoadState('load');
  await expectAccessible(page, path);
}

test.describe.configure({ mode: 'parallel' });

test('public pages: home, feedback board and form, tracking, sign-in', async ({ pageAs }) => {
  const page = await pageAs(null);
  for (const path of ['/', '/masukan', '/masukan/baru', '/lacak', '/masuk']) await check(page, path);
});

test('public pages: forums, a forum, units, a unit scorecard', async ({ pageAs }) => {
  const page = await pageAs(null);
  for (const path of ['/forum', forumPath('buka'), forumPath('selesai'), '/unit', '/unit/dinkes']) await check(page, path);
});

test("a registered resident's forum page (registration box with the QR code)", async ({ pageAs }) => {
  const page = await pageAs(ACCOUNTS.resident);
  await page.goto(forumPath('tanya'));
  const box = registrationBox(page);
  // Registers once (htmx swaps the box in place); a second run finds the registration.
  if ((await box.locator('figure.qr').count()) === 0) await box.getByRole('button', { name: id['forum.register'], exact: true }).click();
  await expect(box.locator('figure.qr svg')).toHaveCount(1);
  await expectAccessible(page, `${forumPath('tanya')} (registered)`);
});

test('moderator pages: queue, coaching, evaluation', async ({ pageAs }) => {
  const page = await pageAs(ACCOUNTS.moderator);
  for (const path of ['/moderasi', '/pembinaan', '/pembinaan/baru', '/evaluasi']) await check(page, path);
});

test('moderator pages: new forum with errors, check-in, minutes', async ({ pageAs }) => {
  const page = await pageAs(FORUM_ACCOUNTS.moderator);
  await page.goto('/forum/baru');
  const r = await submit(page, page.locator('main form[method="post"] button[type="submit"]').last());
  expect(r.status(), 'an empty new-forum form is refused').toBe(422);
  await expect(page.getByRole('alert')).toBeVisible();
  await expectAccessible(page, '/forum/baru (empty submit, errors shown)');
  for (const path of [forumPath('hariIni', '/checkin'), forumPath('lalu', '/notula')]) await check(page, path);
});

test('ASN pages: my coaching, inbox', async ({ pageAs }) => {
  const page = await pageAs(ACCOUNTS.asnDinkes);
  for (const path of ['/pembinaan/saya', '/kotak-masuk']) await check(page, path);
});
