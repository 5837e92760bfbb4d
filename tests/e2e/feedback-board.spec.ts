import type { Page } from '@playwright/test';
import { BULK_COUNT, BULK_WORD, SEED_FEEDBACK } from './fixtures.ts';
import { expect, id, scriptErrors, test } from './test.ts';

const S = SEED_FEEDBACK;

function items(page: Page) {
  return page.locator('#board-results li.board-item');
}

async function titles(page: Page): Promise<string[]> {
  return (await items(page).locator('h3').allTextContents()).map((t) => t.trim());
}

/** Sets one filter of the board's form (by its label) and applies it. */
async function applyFilter(page: Page, label: string, option: { label: string } | string): Promise<void> {
  await page.locator('form.board-filters').getByLabel(label, { exact: true }).selectOption(option);
  await page.getByRole('button', { name: id['board.apply'] }).click();
}

const markerOf = (page: Page) => page.evaluate(() => (window as unknown as { __marker?: number }).__marker);

for (const js of [false, true]) {
  test.describe(`the board ${js ? 'with' : 'without'} JavaScript`, () => {
    test.use({ javaScriptEnabled: js });

    test('filters by kind, unit, sector, kecamatan and status narrow the list', async ({ page }) => {
      const errors = scriptErrors(page);
      // `hides` is a public item the filter must leave out; `hidesWord` finds it by search.
      const cases: Array<{
        label: string;
        option: { label: string } | string;
        param: RegExp;
        shows: string;
        hides: string;
        hidesWord: string;
        each?: (p: Page) => Promise<void>;
      }> = [
        {
          label: id['board.filter.kind'],
          option: { label: id['kind.apresiasi'] },
          param: /jenis=apresiasi/,
          shows: S.apresiasi.title,
          hides: S.melayani.title,
          hidesWord: 'Latuputtywarga',
          each: async (p) => expect(new Set(await items(p).locator('.badge.kind').allTextContents())).toEqual(new Set([id['kind.apresiasi']])),
        },
        {
          label: id['board.filter.unit'],
          option: { label: 'Dinkes' },
          param: /unit=\d+/,
          shows: S.melayani.title,
          hides: S.antreanKtp.title,
          hidesWord: 'elektronik',
          each: async (p) => {
            for (const meta of await items(p).locator('p.meta').allTextContents()) expect(meta).toContain('Dinkes');
          },
        },
        { label: id['board.filter.sector'], option: 'kependudukan', param: /sektor=kependudukan/, shows: S.antreanKtp.title, hides: S.melayani.title, hidesWord: 'Latuputtywarga' },
        {
          label: id['board.filter.kecamatan'],
          option: { label: 'Leitimur Selatan' },
          param: /kecamatan=81\.71\.05/,
          shows: S.pertanyaan.title,
          hides: S.apresiasi.title,
          hidesWord: 'kenariharum',
        },
        {
          label: id['board.filter.status'],
          option: 'assigned',
          param: /status=assigned/,
          shows: S.lainUnit.title,
          hides: S.pertanyaan.title,
          hidesWord: 'hutumurytanya',
          each: async (p) => expect(new Set(await items(p).locator('.badge[class*="status-"]').allTextContents())).toEqual(new Set([id['status.assigned']])),
        },
      ];
      for (const c of cases) {
        // The item to be left out is on the board (found by a word of it).
        await page.goto(`/masukan?q=${c.hidesWord}`);
        await expect(items(page).filter({ hasText: c.hides })).toHaveCount(1);
        await page.goto('/masukan');
        if (js) await page.evaluate(() => ((window as unknown as { __marker: number }).__marker = 1));
        await applyFilter(page, c.label, c.option);
        await expect(page).toHaveURL(c.param);
        await expect(items(page).filter({ hasText: c.shows }), `${c.label}: shows "${c.shows}"`).toHaveCount(1);
        await expect(items(page).filter({ hasText: c.hides }), `${c.label}: hides "${c.hides}"`).toHaveCount(0);
        await c.each?.(page);
        // With JavaScript the results are swapped in place: the page itself stays.
        if (js) expect(await markerOf(page), 'no full page load').toBe(1);
      }

      // Search: "pelayanan" finds "melayani" (Indonesian stemming), highlighted.
      await page.goto('/masukan');
      await page.getByRole('searchbox', { name: id['board.filter.q'] }).fill('pelayanan');
      await page.getByRole('button', { name: id['board.apply'] }).click();
      await expect(page).toHaveURL(/q=pelayanan/);
      const hit = items(page).filter({ hasText: S.melayani.title });
      await expect(hit).toHaveCount(1);
      await expect(hit.locator('p.excerpt mark')).toHaveText(['melayani']);
      // A distinctive name is found too, highlighted in the title.
      await page.getByRole('searchbox', { name: id['board.filter.q'] }).fill('Latuputtywarga');
      await page.getByRole('button', { name: id['board.apply'] }).click();
      await expect(page).toHaveURL(/q=Latuputtywarga/);
      await expect(items(page)).toHaveCount(1);
      await expect(items(page).locator('h3 mark')).toHaveText('Latuputtywarga');
      // Markup in the search never becomes markup on the page.
      await page.getByRole('searchbox', { name: id['board.filter.q'] }).fill('"><b>tebal</b>');
      await page.getByRole('button', { name: id['board.apply'] }).click();
      await expect(page).toHaveURL(/q=%22%3E%3Cb%3Etebal/);
      await expect(page.getByText(id['board.none'])).toBeVisible();
      await expect(page.locator('main b')).toHaveCount(0);
      await expect(page.getByRole('searchbox', { name: id['board.filter.q'] })).toHaveValue('"><b>tebal</b>');

      // Most supported first.
      await page.getByRole('link', { name: id['board.reset'] }).click();
      await expect(page).toHaveURL(/\/masukan$/);
      await applyFilter(page, id['board.filter.sort'], { label: id['board.sort.support'] });
      await expect(page).toHaveURL(/urut=dukungan/);
      await expect(items(page).first()).toContainText(S.populer.title);
      await expect(items(page).first()).toContainText(id['board.supports'].replace('{count}', '3'));
      const counts = (await items(page).locator('p.meta').allTextContents()).map((m) => Number(m.match(/(\d+) dukungan/)?.[1]));
      expect(counts.every((n) => Number.isInteger(n))).toBe(true);
      expect(counts).toEqual([...counts].sort((a, b) => b - a));
      expect(errors).toEqual([]);
    });

    test('"Masukan berikutnya" pages through one unit\'s items; back returns to the first page', async ({ page }) => {
      // With JavaScript the pager swaps the list in place (htmx takes over only elements with hx-get).
      await page.goto('/masukan');
      await page.locator('form.board-filters').getByLabel(id['board.filter.unit'], { exact: true }).selectOption({ label: 'Dishub' });
      await page.getByRole('button', { name: id['board.apply'] }).click();
      await expect(page).toHaveURL(/unit=\d+/);
      const firstUrl = page.url();
      await expect(items(page)).toHaveCount(20);
      const page1 = await titles(page);
      await expect(page.getByRole('link', { name: id['board.first'] })).toHaveCount(0);

      if (js) await page.evaluate(() => ((window as unknown as { __marker: number }).__marker = 1));
      await page.getByRole('link', { name: id['board.more'] }).click();
      await expect(page).toHaveURL(/setelah=/);
      await expect(page).toHaveURL(/unit=\d+/);
      await expect(page.getByRole('link', { name: id['board.first'] })).toBeVisible();
      await expect(items(page).first()).not.toHaveText(page1[0]!);
      const page2 = await titles(page);
      expect(page2.length).toBeGreaterThan(0);
      expect(page2.filter((t) => page1.includes(t)), 'no item on both pages').toEqual([]);
      // Every seeded Dishub suggestion is on one of the two pages.
      const bulk = [...page1, ...page2].filter((t) => t.includes(BULK_WORD));
      expect(bulk).toHaveLength(BULK_COUNT);
      if (js) expect.soft(await markerOf(page), 'the list is swapped in place, not a new page').toBe(1);

      await page.goBack();
      await expect(page).toHaveURL(firstUrl);
      await expect(items(page)).toHaveCount(20);
      expect(await titles(page)).toEqual(page1);
    });
  });
}
