import { ACCOUNTS } from './fixtures.ts';
import { expect, flash, id, publishedId, submit, test } from './test.ts';

/**
 * Evaluation: a coordinator records a finding and follows it to the follow-up coaching form;
 * the public scorecard shows server-rendered SVG charts with their data tables and no ASN
 * names; ASN and residents are kept out of the dashboard and exports. Without JavaScript too.
 */

/** This month in WIT as the finding form wants it, e.g. "2026-11". */
function thisMonth(): string {
  return new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 7);
}

for (const js of [true, false]) {
  test(`a coordinator records a finding and turns it into a follow-up (JavaScript ${js ? 'on' : 'off'})`, async ({ pageAs }) => {
    const page = await pageAs(ACCOUNTS.moderator, { javaScriptEnabled: js });
    const cited = await publishedId(page, 'Latuputtywarga');
    await page.goto('/evaluasi');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(id['eval.title']);
    await expect(page.locator('svg[role="img"]').first()).toBeAttached();
    await expect(page.getByRole('table', { name: id['eval.chart.table'].replace('{title}', id['eval.chart.received.title']) })).toBeAttached();

    await page.locator('section[aria-labelledby="h-findings"]').getByRole('link', { name: id['eval.findings.new'] }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(id['eval.finding.new.title']);
    const title = `Petugas loket perlu pelatihan ${js ? 'js' : 'tanpa-js'} ${Date.now()}`;
    await page.getByLabel(id['eval.finding.unit'], { exact: true }).selectOption({ label: 'Dinkes' });
    await page.getByLabel(id['eval.period.month'], { exact: true }).check();
    await page.getByLabel(id['eval.finding.period'], { exact: true }).fill('2026-1');
    await page.getByLabel(id['eval.finding.title'], { exact: true }).fill(title);
    await page.getByLabel(id['eval.finding.body'], { exact: true }).fill('Keluhan tentang **antrean** di loket masih banyak.');
    await page.getByLabel(id['eval.finding.feedback'], { exact: false }).fill(String(cited));
    let r = await submit(page, page.getByRole('button', { name: id['eval.finding.submit'] }));
    expect(r.status()).toBe(422);
    await expect(page.locator('#error-summary')).toContainText(id['eval.err.period']);

    await page.getByLabel(id['eval.finding.period'], { exact: true }).fill(thisMonth());
    r = await submit(page, page.getByRole('button', { name: id['eval.finding.submit'] }));
    expect(r.status()).toBe(303);
    await expect(flash(page)).toHaveText(id['eval.finding.saved']);
    await expect(page.getByRole('heading', { level: 1 })).toContainText(title);
    await expect(page.locator('.prose strong')).toHaveText('antrean');
    await expect(page.getByRole('table').first()).toContainText(id['eval.m.received']);
    await expect(page.getByRole('link', { name: new RegExp(`${id['board.number'].replace('{id}', String(cited))}`) })).toBeVisible();
    const findingId = Number(/\/evaluasi\/temuan\/(\d+)$/.exec(page.url())![1]);

    const follow = page.getByRole('link', { name: id['eval.finding.followup'] });
    await expect(follow).toHaveAttribute('href', `/pembinaan/baru?dari_temuan=${findingId}`);
    await follow.click();
    await expect(page).toHaveURL(new RegExp(`/pembinaan/baru\\?dari_temuan=${findingId}$`));
    // The coaching form (built by the coaching domain) opens with the finding as its origin.
    await expect(page.locator('main form[method="post"]').first()).toBeAttached();

    // The dashboard lists the finding.
    await page.goto('/evaluasi');
    await expect(page.getByRole('link', { name: title })).toBeVisible();

    // The unit's ASN may read it; ASN of another unit get "not found".
    const own = await pageAs(ACCOUNTS.asnDinkes, { javaScriptEnabled: js });
    expect((await own.goto(`/evaluasi/temuan/${findingId}`))!.status()).toBe(200);
    const otherAsn = await pageAs(ACCOUNTS.asnDisdukcapil, { javaScriptEnabled: js });
    expect((await otherAsn.goto(`/evaluasi/temuan/${findingId}`))!.status()).toBe(404);
  });

  test(`the public scorecard shows charts with their data tables and no ASN names (JavaScript ${js ? 'on' : 'off'})`, async ({ pageAs }) => {
    const page = await pageAs(null, { javaScriptEnabled: js });
    await page.goto('/unit');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(id['unit.index.title']);
    await page.getByRole('link', { name: 'Dinkes', exact: true }).click();
    await expect(page).toHaveURL(/\/unit\/dinkes$/);
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Dinas Kesehatan');
    const chart = page.locator('svg[role="img"]').first();
    await expect(chart).toBeAttached();
    const labelledBy = (await chart.getAttribute('aria-labelledby'))!.split(' ');
    expect(await page.locator(`#${labelledBy[0]}`).evaluate((e) => e.tagName.toLowerCase())).toBe('title');
    expect(await page.locator(`#${labelledBy[1]}`).evaluate((e) => e.tagName.toLowerCase())).toBe('desc');
    const table = page.getByRole('table', { name: id['eval.chart.table'].replace('{title}', id['eval.chart.received.title']) });
    await expect(table).toBeVisible();
    await expect(table.getByRole('columnheader', { name: id['kind.keluhan'] })).toBeVisible();
    // This month has the seeded Dinkes feedback.
    await expect(table.getByRole('row', { name: new RegExp(`^${thisMonth()}`) })).toBeVisible();
    await expect(page.getByRole('link', { name: id['unit.board'] })).toHaveAttribute('href', /^\/masukan\?unit=\d+$/);
    const html = await page.content();
    for (const a of [ACCOUNTS.asnDinkes, ACCOUNTS.asnDinkesFlow, ACCOUNTS.asnDinkesInbox, ACCOUNTS.residentAuthor]) {
      expect(html).not.toContain(a.displayName);
      expect(html).not.toContain(a.email);
    }
    expect(html).not.toContain('Latuputtywarga');
    // No chart library: the scorecard loads no script but htmx.
    const scripts = await page.locator('script[src]').evaluateAll((els) => els.map((e) => e.getAttribute('src')));
    expect(scripts).toHaveLength(1);
    expect(scripts[0]).toMatch(/^\/vendor\/htmx\.min(\.[0-9a-f]{12})?\.js$/);
  });
}

test('ASN and residents are kept out of the dashboard and the exports; coordinators download CSV', async ({ pageAs }) => {
  for (const account of [ACCOUNTS.asnDisdukcapil, ACCOUNTS.resident]) {
    const page = await pageAs(account);
    expect((await page.goto('/evaluasi'))!.status()).toBe(403);
    expect((await page.goto('/evaluasi/temuan/baru'))!.status()).toBe(403);
    for (const path of ['/evaluasi/ekspor/masukan.csv', '/evaluasi/ekspor/ukuran.csv']) expect((await page.request.get(path)).status()).toBe(403);
  }
  const anon = await pageAs(null);
  const r = await anon.request.get('/evaluasi/ekspor/masukan.csv', { maxRedirects: 0 });
  expect(r.status()).toBe(303);
  expect(r.headers().location).toMatch(/^\/masuk\?next=/);

  const coordinator = await pageAs(ACCOUNTS.moderator);
  const csv = await coordinator.request.get('/evaluasi/ekspor/masukan.csv');
  expect(csv.status()).toBe(200);
  expect(csv.headers()['content-type']).toContain('text/csv');
  const text = (await csv.text()).replace(/^\ufeff/, '');
  expect(text.split('\r\n')[0] ?? text.split('\n')[0]).toMatch(/^id,created_at,kind,unit,sector,kecamatan,status,moderation_state,first_response_at,answer_due_at,support_count,rating/);
  expect(text).not.toContain('Latuputtywarga');
  expect(text).not.toContain(ACCOUNTS.residentAuthor.displayName);
  const measures = await coordinator.request.get('/evaluasi/ekspor/ukuran.csv');
  expect(measures.status()).toBe(200);
  expect((await measures.text()).replace(/^\ufeff/, '').split('\n')[0]).toMatch(/^period_kind,period_start,unit_slug,unit,sector,received,/);
});
