import type { Page } from '@playwright/test';
import { ACCOUNTS, SEED_FEEDBACK } from './fixtures.ts';
import { expect, feedbackIdOn, flash, id, publishedId, submit, submitFeedbackForm, test, uniqueWord } from './test.ts';

/** The "Pelapor" value of a detail page's facts list. */
function reporterOf(page: Page, label = id['detail.reporter']) {
  return page.locator('dl.facts dt', { hasText: new RegExp(`^${label}$`) }).locator('xpath=following-sibling::dd[1]');
}

/** A moderator publishes the item on its page, then (optionally) assigns it to a unit. */
async function publishAndAssign(mod: Page, itemId: number, unit?: string): Promise<void> {
  await mod.goto(`/moderasi/${itemId}`);
  let r = await submit(mod, mod.getByRole('button', { name: id['mod.publish'], exact: true }));
  expect(r.status()).toBe(303);
  await expect(flash(mod)).toHaveText(id['mod.published']);
  if (!unit) return;
  await mod.getByLabel(id['mod.assign'], { exact: true }).selectOption({ label: unit });
  r = await submit(mod, mod.getByRole('button', { name: id['mod.assign.submit'], exact: true }));
  expect(r.status()).toBe(303);
  await expect(flash(mod)).toHaveText(id['mod.assigned']);
}

test('anonymous: the public page and the unit show "Anonim", only moderators see the name', async ({ pageAs }) => {
  const resident = await pageAs(ACCOUNTS.residentAnon);
  const name = ACCOUNTS.residentAnon.displayName;
  const word = uniqueWord('anonim');
  const title = `Petugas ${word} membentak pasien`;
  await resident.goto('/masukan/baru');
  await submitFeedbackForm(resident, { kind: 'keluhan', unit: 'unsure', title, body: 'Petugas pendaftaran membentak pasien lansia yang bertanya.', anonymous: true });

  const mod = await pageAs(ACCOUNTS.moderatorFlow);
  const itemId = await feedbackIdOn(mod, '/moderasi', word);
  await publishAndAssign(mod, itemId, 'Dinkes');
  // The moderator sees who it was.
  await expect(reporterOf(mod)).toHaveText(name);

  const visitor = await pageAs(null);
  const r = await visitor.goto(`/masukan/${itemId}`);
  expect(r?.status()).toBe(200);
  await expect(visitor.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(reporterOf(visitor)).toHaveText(id['detail.anonymous']);
  expect(await visitor.content()).not.toContain(name);

  const asn = await pageAs(ACCOUNTS.asnDinkesFlow);
  await asn.goto(`/kotak-masuk/${itemId}`);
  await expect(asn.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(reporterOf(asn, id['inbox.reporter'])).toHaveText(id['inbox.anonymousReporter']);
  expect(await asn.content()).not.toContain(name);
  // Nor on the detail page as the unit's staff.
  await asn.goto(`/masukan/${itemId}`);
  await expect(reporterOf(asn)).toHaveText(id['detail.anonymous']);
  expect(await asn.content()).not.toContain(name);
});

test('not anonymous: the reporter is named on the public page and to the unit', async ({ pageAs }) => {
  const seeded = SEED_FEEDBACK.apresiasi;
  const name = ACCOUNTS.residentAuthor.displayName;
  const visitor = await pageAs(null);
  const itemId = await publishedId(visitor, 'kenariharum');
  await visitor.goto(`/masukan/${itemId}`);
  await expect(visitor.getByRole('heading', { level: 1 })).toHaveText(seeded.title);
  await expect(reporterOf(visitor)).toHaveText(name);

  const asn = await pageAs(ACCOUNTS.asnDinkesFlow);
  await asn.goto(`/kotak-masuk/${itemId}`);
  await expect(reporterOf(asn, id['inbox.reporter'])).toHaveText(name);
});

test('confidential: published, yet never on the board, in search, in suggestions or at its public URL; its unit can open it', async ({ pageAs }) => {
  const reporter = await pageAs(ACCOUNTS.residentAnon, { javaScriptEnabled: false });
  const word = uniqueWord('rahasia');
  const title = `Pungutan liar ${word} saat berobat`;
  await reporter.goto('/masukan/baru');
  await submitFeedbackForm(reporter, { kind: 'keluhan', unit: 'Dinkes', title, body: `Saya dimintai uang ${word} tanpa kuitansi saat berobat di puskesmas.`, confidential: true });

  const mod = await pageAs(ACCOUNTS.moderatorFlow, { javaScriptEnabled: false });
  const itemId = await feedbackIdOn(mod, '/moderasi', word);
  await mod.goto('/moderasi');
  await expect(mod.locator(`#item-${itemId}`)).toContainText(id['my.confidential']);
  await publishAndAssign(mod, itemId);
  await expect(mod.locator('p.meta')).toContainText(id['moderation.published']);

  // The public: not on the board, not found by a word of its title or body, not suggested.
  const visitor = await pageAs(null, { javaScriptEnabled: false });
  await visitor.goto('/masukan');
  await expect(visitor.locator('li.board-item').first()).toBeVisible();
  await expect(visitor.getByText(word)).toHaveCount(0);
  await visitor.goto(`/masukan?q=${word}`);
  await expect(visitor.getByText(id['board.none'])).toBeVisible();
  await expect(visitor.locator('li.board-item')).toHaveCount(0);
  const suggestions = await visitor.request.get(`/masukan/fragmen/serupa?title=${encodeURIComponent(title)}`);
  expect(await suggestions.text()).not.toContain(word);
  // Its public URL does not exist, for a visitor and for a signed-in resident.
  let r = await visitor.goto(`/masukan/${itemId}`);
  expect(r?.status()).toBe(404);
  await expect(visitor.getByRole('heading', { level: 1 })).toHaveText(id['error.404.title']);
  expect(await visitor.content()).not.toContain(word);
  const resident = await pageAs(ACCOUNTS.residentSupporter, { javaScriptEnabled: false });
  r = await resident.goto(`/masukan/${itemId}`);
  expect(r?.status()).toBe(404);
  expect(await resident.content()).not.toContain(word);
  // The seeded confidential item is just as invisible.
  await visitor.goto('/masukan?q=rahasiasirimau');
  await expect(visitor.locator('li.board-item')).toHaveCount(0);

  // The reporter sees it in their list, marked confidential, linked to their private view only
  // (never to the public page), which names no public page either.
  await reporter.goto('/masukan/saya');
  const row = reporter.getByRole('row').filter({ hasText: word });
  await expect(row).toContainText(id['my.confidential']);
  await expect(row).toContainText(id['moderation.published']);
  await expect(row.getByRole('link')).toHaveCount(1);
  await expect(row.getByRole('link')).toHaveAttribute('href', `/masukan/saya/${itemId}`);
  await row.getByRole('link').click();
  await expect(reporter.getByRole('heading', { level: 2 }).first()).toHaveText(title);
  await expect(reporter.locator(`a[href="/masukan/${itemId}"]`)).toHaveCount(0);

  // The unit (Dinkes, chosen by the reporter) opens it in its inbox.
  const asn = await pageAs(ACCOUNTS.asnDinkesFlow, { javaScriptEnabled: false });
  await asn.goto('/kotak-masuk');
  const listed = asn.getByRole('row').filter({ hasText: word });
  await expect(listed).toContainText(id['my.confidential']);
  await listed.getByRole('link').click();
  await expect(asn).toHaveURL(new RegExp(`/kotak-masuk/${itemId}$`));
  await expect(asn.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(asn.locator('p.meta')).toContainText(id['my.confidential']);
  // Another unit's staff do not: 404.
  const other = await pageAs(ACCOUNTS.asnDisdukcapil, { javaScriptEnabled: false });
  r = await other.goto(`/kotak-masuk/${itemId}`);
  expect(r?.status()).toBe(404);
  r = await other.goto(`/masukan/${itemId}`);
  expect(r?.status()).toBe(404);
});
