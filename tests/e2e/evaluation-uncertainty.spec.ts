import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { ACCOUNTS } from './fixtures.ts';
import { expect, flash, id, submit, test, uniqueWord } from './test.ts';

/**
 * The evaluation with its uncertainty: a completed action's own page (ranges, how they were
 * computed, comparison units changed with a plain GET form, the event study with its data
 * table), the programme view, and each ASN person's evidence record (printable page and CSV)
 * with who may open it. With and without JavaScript.
 */

/** axe-core (WCAG 2.2 AA) finds no violation on the page as it is now. */
async function expectNoAxeViolations(page: Page): Promise<void> {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  expect(r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`)).toEqual([]);
}

async function completedAction(page: Page, title: string): Promise<number> {
  await page.goto('/pembinaan/baru');
  await page.locator('#f-kind').getByRole('radio', { name: new RegExp(`^${id['coaching.kind.mentoring']}`) }).check();
  await page.getByLabel(id['coaching.field.title'], { exact: true }).fill(title);
  await page.getByLabel(id['coaching.field.goal'], { exact: true }).fill('Waktu jawaban pertama lebih singkat.');
  await page.getByLabel(id['coaching.field.startsOn'], { exact: true }).fill('2026-06-01');
  await page.getByLabel(id['coaching.field.endsOn'], { exact: true }).fill('2026-06-05');
  await page.locator('#f-units').getByRole('checkbox', { name: /^Dinkes — / }).check();
  expect((await submit(page, page.getByRole('button', { name: id['coaching.create'], exact: true }))).status()).toBe(303);
  const actionId = Number(/\/pembinaan\/(\d+)$/.exec(page.url())![1]);
  await submit(page, page.getByRole('button', { name: id['coaching.statusTo.in_progress'], exact: true }));
  await submit(page, page.getByRole('button', { name: id['coaching.statusTo.completed'], exact: true }));
  await expect(flash(page)).toHaveText(id['coaching.done.status']);
  return actionId;
}

for (const js of [true, false]) {
  test(`a coordinator reads a completed action's ranges, changes its comparison units and sees the event study (JavaScript ${js ? 'on' : 'off'})`, async ({ pageAs }) => {
    // Many page loads (create, start, complete, dashboard, action page three times, programme).
    test.slow();
    const page = await pageAs(ACCOUNTS.moderator, { javaScriptEnabled: js });
    const title = `Pendampingan jawaban cepat ${uniqueWord(js ? 'js' : 'nojs')}`;
    const actionId = await completedAction(page, title);

    await page.goto('/evaluasi');
    const article = page.locator(`#aksi-${actionId}`);
    await expect(article.getByRole('columnheader', { name: id['eval.ba.reading'] })).toBeVisible();
    await article.getByRole('link', { name: id['eval.ba.detail'] }).click();
    await expect(page).toHaveURL(new RegExp(`/evaluasi/aksi/${actionId}\\?jendela=90$`));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(id['eval.action.title'].replace('{title}', title));
    await expect(page.getByRole('heading', { name: id['eval.method.title'] })).toBeVisible();
    await expect(page.getByRole('heading', { name: id['eval.pre.title'] })).toBeVisible();
    const chartTitle = id['eval.pre.chart.title'].replace('{measure}', id['eval.m.onTimeShare']);
    await expect(page.locator('svg[role="img"]')).toHaveCount(1);
    const table = page.getByRole('table', { name: id['eval.chart.table'].replace('{title}', chartTitle) });
    await expect(table.getByRole('rowheader', { name: '−6' })).toBeAttached();
    await expect(table.getByRole('rowheader', { name: '+6' })).toBeAttached();
    if (js) await expectNoAxeViolations(page);

    // Choose two comparison units with the plain form: the page recomputes with exactly those.
    const chooser = page.getByRole('group', { name: id['eval.cmp.change'] });
    for (const box of await chooser.getByRole('checkbox').all()) await box.uncheck();
    await chooser.getByRole('checkbox', { name: /^Puskesmas Halong/ }).check();
    await chooser.getByRole('checkbox', { name: /^Puskesmas Passo/ }).check();
    await page.getByRole('button', { name: id['eval.cmp.apply'] }).click();
    await expect(page).toHaveURL(/pembanding=\d+.*pembanding=\d+/);
    await expect(page.getByText(id['eval.cmp.basis.chosen'].replace('{n}', '2')).first()).toBeVisible();
    const listed = page.getByRole('table', { name: id['eval.cmp.caption'] });
    await expect(listed.getByRole('rowheader')).toHaveText(['Puskesmas Halong', 'Puskesmas Passo']);

    // Another measure for the event study, keeping the chosen units.
    await page.getByRole('combobox', { name: id['eval.pre.measure'] }).selectOption({ label: id['eval.m.satisfaction'] });
    await page.getByRole('button', { name: id['eval.pre.show'] }).click();
    await expect(page).toHaveURL(/ukuran=satisfaction/);
    await expect(page.getByRole('table', { name: id['eval.cmp.caption'] }).getByRole('rowheader')).toHaveCount(2);

    await page.goto('/evaluasi/program');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(id['eval.prog.title']);
    await expect(page.getByRole('table', { name: id['eval.prog.caption.kind'] }).getByRole('rowheader', { name: id['coaching.kind.mentoring'] })).toBeVisible();
    if (js) await expectNoAxeViolations(page);

    const asn = await pageAs(ACCOUNTS.asnDinkes, { javaScriptEnabled: js });
    expect((await asn.goto(`/evaluasi/aksi/${actionId}`))!.status()).toBe(403);
    expect((await asn.goto('/evaluasi/program'))!.status()).toBe(403);
    expect((await page.goto('/evaluasi/aksi/999999'))!.status()).toBe(404);
  });

  test(`an ASN person opens their evidence record, prints it and downloads the CSV; others cannot (JavaScript ${js ? 'on' : 'off'})`, async ({ pageAs, browser }) => {
    const asn = await pageAs(ACCOUNTS.asnDinkes, { javaScriptEnabled: js });
    await asn.goto('/pembinaan/saya');
    await asn.getByRole('link', { name: id['eval.ev.link'] }).click();
    await expect(asn).toHaveURL(/\/pembinaan\/peserta\/[0-9a-f-]{36}\/bukti$/);
    const path = new URL(asn.url()).pathname;
    await expect(asn.getByRole('heading', { level: 1 })).toHaveText(id['eval.ev.title'].replace('{name}', ACCOUNTS.asnDinkes.displayName));
    await expect(asn.getByRole('table', { name: id['eval.ev.summary.caption'] })).toBeVisible();
    if (js) await expectNoAxeViolations(asn);
    await expect(asn.locator('link[rel="stylesheet"][media="print"]')).toHaveAttribute('href', /^\/styles\/evidence-print(\.[0-9a-f]{12})?\.css$/);
    const print = asn.getByRole('button', { name: id['eval.ev.print'] });
    if (js) await expect(print).toBeVisible();
    else await expect(print).toBeHidden();
    // On paper: no site navigation and no period form.
    await asn.emulateMedia({ media: 'print' });
    await expect(asn.locator('header.site-header')).toBeHidden();
    await expect(asn.locator('form.filters')).toBeHidden();
    await asn.emulateMedia({ media: 'screen' });

    // A bad date: the message next to its field, what was typed kept.
    await asn.getByLabel(id['eval.ev.to']).fill('2026-01-01');
    await asn.getByLabel(id['eval.ev.from']).fill('2026-06-01');
    const [refused] = await Promise.all([
      asn.waitForResponse((r) => r.request().resourceType() === 'document' && r.url().includes('sampai=')),
      asn.getByRole('button', { name: id['eval.ev.show'] }).click(),
    ]);
    expect(refused.status()).toBe(422);
    await expect(asn.getByLabel(id['eval.ev.from'])).toHaveValue('2026-06-01');
    await expect(asn.locator('#f-sampai-error')).toHaveText(id['eval.ev.err.order']);

    const [download] = await Promise.all([asn.waitForEvent('download'), asn.getByRole('link', { name: id['eval.ev.csv'] }).click()]);
    expect(download.suggestedFilename()).toMatch(/^bukti-kinerja-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);

    const coordinator = await pageAs(ACCOUNTS.moderator, { javaScriptEnabled: js });
    expect((await coordinator.goto(path))!.status()).toBe(200);
    const other = await pageAs(ACCOUNTS.asnDisdukcapil, { javaScriptEnabled: js });
    expect((await other.goto(path))!.status()).toBe(404);
    expect((await other.goto(`${path}.csv`))!.status()).toBe(404);
    const resident = await pageAs(ACCOUNTS.resident, { javaScriptEnabled: js });
    expect((await resident.goto(path))!.status()).toBe(404);
    const anonymous = await browser.newPage();
    await anonymous.goto(path);
    await expect(anonymous).toHaveURL(/\/masuk\?next=/);
    await anonymous.close();
  });
}
