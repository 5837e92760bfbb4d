import type { Page } from '@playwright/test';
import { ACCOUNTS, type FixtureAccount } from './fixtures.ts';
import { forumPath } from './forum-helpers.ts';
import { expect, feedbackIdOn, id, publishedId, test } from './test.ts';

/**
 * On a 375 px phone no page scrolls sideways: the document is never wider than the viewport
 * (wide tables and charts scroll inside their own regions). Each page is also kept as a
 * full-page screenshot (test-results/…/phone-*.png) for a person to look at.
 */

const PHONE = { width: 375, height: 812 };

/** Checks the document width of each page (JavaScript on, as most phones browse). */
async function checkPages(page: Page, paths: string[], shots: (name: string) => string): Promise<void> {
  await page.setViewportSize(PHONE);
  for (const path of paths) {
    const r = await page.goto(path);
    expect.soft(r?.status(), `GET ${path}`).toBeLessThan(path === '/tidak-ada' ? 500 : 400);
    await page.waitForLoadState('load');
    const { doc, view, culprits } = await page.evaluate(() => {
      const view = document.documentElement.clientWidth;
      // The widest elements that stick out, to say what to fix.
      const culprits = [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > view + 1 && !e.closest('.table-wrap, .chart-scroll'))
        .slice(0, 5)
        .map((e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.className && typeof e.className === 'string' ? '.' + e.className.trim().replace(/\s+/g, '.') : ''} (${Math.round(e.getBoundingClientRect().right)} px)`);
      return { doc: document.documentElement.scrollWidth, view, culprits };
    });
    await page.screenshot({ path: shots(path) });
    await page.screenshot({ path: shots(path).replace(/\.png$/, '-full.png'), fullPage: true });
    expect.soft(doc, `${path}: document ${doc} px wide in a ${view} px viewport; sticking out: ${culprits.join(', ')}`).toBeLessThanOrEqual(view);
  }
}

function shotName(testInfo: { outputPath: (...p: string[]) => string }, who: string): (path: string) => string {
  return (path) => testInfo.outputPath(`phone-${who}${path.replace(/[^a-z0-9]+/gi, '-')}.png`);
}

test.describe.configure({ mode: 'parallel' });

test('anonymous visitor: public pages fit a 375 px phone', async ({ pageAs }, testInfo) => {
  test.setTimeout(120_000);
  const page = await pageAs(null);
  const item = await publishedId(page, 'Latuputtywarga');
  await checkPages(
    page,
    ['/', '/masukan', '/masukan?q=jalan', '/masukan/baru', `/masukan/${item}`, '/lacak', '/masuk', '/daftar', '/lupa-sandi', '/forum', forumPath('buka'), forumPath('selesai'), '/unit', '/unit/dinkes', '/tidak-ada'],
    shotName(testInfo, 'anon'),
  );
});

const ROLES: Array<{ who: string; account: FixtureAccount; paths: (page: Page) => Promise<string[]> }> = [
  { who: 'resident', account: ACCOUNTS.resident, paths: async () => ['/akun', '/masukan/saya', '/forum'] },
  {
    who: 'asn',
    account: ACCOUNTS.asnDinkes,
    paths: async (page) => {
      const inboxItem = await feedbackIdOn(page, '/kotak-masuk', 'Latuputtywarga');
      return ['/kotak-masuk', `/kotak-masuk/${inboxItem}`, '/kotak-masuk/templat', '/pembinaan/saya'];
    },
  },
  {
    who: 'moderator',
    account: ACCOUNTS.moderator,
    paths: async (page) => {
      const item = await feedbackIdOn(page, '/masukan?q=Latuputtywarga', 'Latuputtywarga');
      return ['/moderasi', '/moderasi/tanda', '/moderasi/tenggat', `/moderasi/${item}`, '/pembinaan', '/pembinaan/baru', '/evaluasi', '/forum/kelola', '/forum/baru', forumPath('selesai', '/notula'), forumPath('buka', '/agenda')];
    },
  },
  {
    who: 'admin',
    account: ACCOUNTS.admin,
    paths: async () => ['/admin/pengguna', '/admin/audit', '/admin/surel', '/admin/libur'],
  },
];

for (const role of ROLES) {
  test(`${role.who}: their pages fit a 375 px phone`, async ({ pageAs, adminPage }, testInfo) => {
    test.setTimeout(120_000);
    const page = role.who === 'admin' ? adminPage : await pageAs(role.account);
    await checkPages(page, await role.paths(page), shotName(testInfo, role.who));
  });
}

test('the board: filters fold behind "Saring" so the first result is on the first screen', async ({ pageAs }) => {
  const page = await pageAs(null, { javaScriptEnabled: false });
  await page.setViewportSize(PHONE);
  await page.goto('/masukan');
  const fold = page.locator('details.filter-fold');
  await expect(fold.locator('summary')).toHaveText(id['board.filter.toggle']);
  await expect(page.locator('#f-jenis')).toBeHidden();
  const first = page.locator('#board-results .board-item').first();
  const box = await first.boundingBox();
  expect(box && box.y < PHONE.height, 'first result starts on the first screen').toBe(true);
  // Opening the fold (no JavaScript needed) shows the filters; a filtered board opens it by itself.
  await fold.locator('summary').click();
  await expect(page.locator('#f-jenis')).toBeVisible();
  await page.goto('/masukan?jenis=keluhan');
  await expect(page.locator('#f-jenis')).toBeVisible();
  // On a wide screen the filters are simply there.
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/masukan');
  await expect(page.locator('#f-jenis')).toBeVisible();
  await expect(fold.locator('summary')).toBeHidden();
});

test('the forum month is a list of days on a phone and a grid on a wide screen', async ({ pageAs }) => {
  const page = await pageAs(null);
  await page.setViewportSize(PHONE);
  await page.goto('/forum');
  const grid = page.locator('table.month');
  await expect(grid).toBeHidden();
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect(grid).toBeVisible();
  await expect(page.locator('ol.month-list')).toHaveCount(await page.locator('ol.month-list').count());
  await expect(page.locator('ol.month-list')).toBeHidden();
});

test('wide tables scroll in a labelled, focusable region with the first column in view; chart text is at least 12 px', async ({ pageAs }) => {
  const page = await pageAs(null);
  await page.setViewportSize(PHONE);
  await page.goto('/unit/dinkes');
  const region = page.locator('.table-wrap[role="region"]').first();
  await expect(region).toHaveAttribute('tabindex', '0');
  expect(await region.getAttribute('aria-label')).toBeTruthy();
  const table = region.locator('table');
  expect(await table.evaluate((t) => t.scrollWidth)).toBeGreaterThan(PHONE.width);
  // Keyboard: the region takes focus and scrolls with the arrow keys.
  await region.focus();
  await expect(region).toBeFocused();
  const firstCell = table.locator('tbody tr').first().locator(':scope > *').first();
  const before = (await firstCell.boundingBox())!.x;
  await region.evaluate((r) => r.scrollBy({ left: 400 }));
  const after = (await firstCell.boundingBox())!.x;
  expect(Math.abs(after - before), 'the first column stays where it was').toBeLessThan(2);
  // Chart text, as rendered, is at least 12 px.
  const sizes = await page.locator('.eval-chart svg text').evaluateAll((ts) => ts.map((t) => (t as SVGTextElement).getBoundingClientRect().height));
  expect(sizes.length).toBeGreaterThan(0);
  const fontPx = await page.locator('.eval-chart svg').first().evaluate((svg) => {
    const s = svg as SVGSVGElement;
    const scale = s.getBoundingClientRect().width / s.viewBox.baseVal.width;
    return Number(s.getAttribute('font-size') ?? 13) * scale;
  });
  expect(fontPx).toBeGreaterThanOrEqual(12);
});
