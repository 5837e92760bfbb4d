import type { Page } from '@playwright/test';
import { ACCOUNTS, SEED_FEEDBACK } from './fixtures.ts';
import { expect, feedbackIdOn, flash, id, scriptErrors, submit, test } from './test.ts';

const S = SEED_FEEDBACK;

async function openQueue(page: Page, word: string) {
  const itemId = await feedbackIdOn(page, '/moderasi', word);
  await page.goto('/moderasi');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(id['mod.title']);
  const card = page.locator(`li.card#item-${itemId}`);
  await expect(card).toBeVisible();
  return { itemId, card };
}

const markerOf = (page: Page) => page.evaluate(() => (window as unknown as { __marker?: number }).__marker);

test('with JavaScript, "Tayangkan" takes the card out of the queue in place', async ({ pageAs }) => {
  const page = await pageAs(ACCOUNTS.moderatorQueue);
  const errors = scriptErrors(page);
  const { itemId, card } = await openQueue(page, 'modtayangjs');
  await expect(card.getByRole('heading', { level: 2 })).toHaveText(S.modTayangJs.title);
  await page.evaluate(() => ((window as unknown as { __marker: number }).__marker = 1));
  const posted = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/moderasi');
  await card.getByRole('button', { name: id['mod.publish'], exact: true }).click();
  await posted;
  await expect(card).toHaveCount(0);
  expect(await markerOf(page), 'no page load').toBe(1);
  await expect(page).toHaveURL(/\/moderasi$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(id['mod.title']);
  // Published: on the board now.
  const visitor = await pageAs(null);
  await visitor.goto(`/masukan/${itemId}`);
  await expect(visitor.getByRole('heading', { level: 1 })).toHaveText(S.modTayangJs.title);
  expect(errors).toEqual([]);
});

test('without JavaScript, "Tayangkan" posts and comes back to the queue with a message', async ({ pageAs }) => {
  const page = await pageAs(ACCOUNTS.moderatorQueue, { javaScriptEnabled: false });
  const { itemId, card } = await openQueue(page, 'modtayangnojs');
  const r = await submit(page, card.getByRole('button', { name: id['mod.publish'], exact: true }));
  expect(r.status()).toBe(303);
  await expect(page).toHaveURL(/\/moderasi$/);
  await expect(flash(page)).toHaveText(id['mod.published']);
  await expect(page.locator(`#item-${itemId}`)).toHaveCount(0);
  const visitor = await pageAs(null, { javaScriptEnabled: false });
  const detail = await visitor.goto(`/masukan/${itemId}`);
  expect(detail?.status()).toBe(200);
  await expect(visitor.locator('ol.timeline li.event-published')).toContainText(id['event.published']);
});

test('with JavaScript, rejecting as "outside the city\'s authority" needs a note: the error shows in that card', async ({ pageAs }) => {
  const page = await pageAs(ACCOUNTS.moderatorQueue);
  const errors = scriptErrors(page);
  const { itemId, card } = await openQueue(page, 'modtolak');
  await page.evaluate(() => ((window as unknown as { __marker: number }).__marker = 1));
  await card.locator('summary', { hasText: id['mod.reject'] }).click();
  await card.getByRole('radio', { name: id['reject.not_authority'] }).check();
  const rejected = () => page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/moderasi');
  let response = rejected();
  await card.getByRole('button', { name: id['mod.reject'], exact: true }).click();
  expect((await response).status()).toBe(422);
  // The card is swapped for itself with the message; the choice is kept, the form still open.
  await expect(card.getByRole('alert')).toContainText(id['err.guidanceRequired']);
  await expect(card.getByRole('radio', { name: id['reject.not_authority'] })).toBeChecked();
  await expect(card.locator('details')).toHaveAttribute('open', '');
  await expect(page.getByRole('alert')).toHaveCount(1);
  expect(await markerOf(page)).toBe(1);

  const note = 'Jalan nasional ditangani Balai Pelaksanaan Jalan Nasional Maluku; silakan lapor ke sana.';
  await card.getByLabel(id['mod.reject.note']).fill(note);
  response = rejected();
  await card.getByRole('button', { name: id['mod.reject'], exact: true }).click();
  await response;
  await expect(card).toHaveCount(0);
  expect(await markerOf(page)).toBe(1);
  // (The 422 answer of the first try is expected; nothing else may go wrong.)
  expect(errors.filter((e) => !/status of 422/.test(e))).toEqual([]);

  // Rejected, with the note on its timeline; not public.
  await page.goto(`/moderasi/${itemId}`);
  await expect(page.locator('p.meta')).toContainText(id['moderation.rejected']);
  await expect(page.locator('ol.timeline li.event-rejected')).toContainText('Balai Pelaksanaan Jalan Nasional');
  const visitor = await pageAs(null);
  expect((await visitor.goto(`/masukan/${itemId}`))?.status()).toBe(404);
});

test('without JavaScript, a pending item is assigned to a unit from the queue', async ({ pageAs }) => {
  const page = await pageAs(ACCOUNTS.moderatorQueue, { javaScriptEnabled: false });
  const { itemId, card } = await openQueue(page, 'modteruskan');
  await expect(card.locator('p.meta')).toContainText(id['detail.unitNone']);
  await card.getByLabel(id['mod.assign'], { exact: true }).selectOption({ label: 'Dinkes' });
  const r = await submit(page, card.getByRole('button', { name: id['mod.assign.submit'], exact: true }));
  expect(r.status()).toBe(303);
  await expect(flash(page)).toHaveText(id['mod.assigned']);
  // Still waiting for verification, now with its unit.
  const again = page.locator(`#item-${itemId}`);
  await expect(again.locator('p.meta')).toContainText('Dinkes');
  await expect(again.getByLabel(id['mod.assign'], { exact: true }).locator('option:checked')).toHaveText('Dinkes');
  await page.goto(`/moderasi/${itemId}`);
  await expect(page.locator('ol.timeline li.event-assigned')).toContainText(id['event.assigned']);
  await expect(page.locator('p.meta')).toContainText(id['status.assigned']);
});
