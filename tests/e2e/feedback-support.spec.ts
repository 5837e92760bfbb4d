import type { Page } from '@playwright/test';
import { ACCOUNTS, SEED_FEEDBACK } from './fixtures.ts';
import { errorSummary, expect, feedbackIdOn, flash, id, publishedId, submit, test, tId } from './test.ts';

function supportSection(page: Page) {
  return page.locator('section#dukung');
}

async function supportCount(page: Page): Promise<number> {
  const text = (await supportSection(page).locator('strong').first().textContent()) ?? '';
  const m = text.match(/^(\d+) /);
  expect(m, `support count in "${text}"`).not.toBeNull();
  return Number(m![1]);
}

test('support once only: a resident supports, visitors are asked to sign in, the author cannot', async ({ pageAs, baseURL }) => {
  const supporter = await pageAs(ACCOUNTS.residentSupporter);
  const itemId = await publishedId(supporter, 'dukungpoka');
  await supporter.goto(`/masukan/${itemId}`);
  await expect(supporter.getByRole('heading', { level: 1 })).toHaveText(SEED_FEEDBACK.dukung.title);
  const before = await supportCount(supporter);
  expect(before).toBeGreaterThanOrEqual(1);

  const r = await submit(supporter, supportSection(supporter).getByRole('button', { name: id['detail.support'] }));
  expect(r.status()).toBe(303);
  await expect(flash(supporter)).toHaveText(id['detail.supportDone']);
  await expect(supportSection(supporter).locator('strong')).toHaveText(tId('detail.supportCount', { count: before + 1 }));
  await expect(supportSection(supporter).getByRole('button')).toHaveCount(0);
  await expect(supportSection(supporter).getByText(id['detail.supported'])).toBeVisible();

  // The same post again (another tab, a resend) adds nothing.
  const again = await supporter.request.post(`/masukan/${itemId}`, { headers: { Origin: baseURL! }, form: { intent: 'support' }, maxRedirects: 0 });
  expect(again.status()).toBe(303);
  await supporter.reload();
  expect(await supportCount(supporter)).toBe(before + 1);
  // The board shows the new count too.
  await supporter.goto('/masukan?q=dukungpoka');
  await expect(supporter.locator('li.board-item')).toContainText(tId('board.supports', { count: before + 1 }));

  // A visitor: a link to sign in (and back), no button; a post by hand goes to sign in.
  const visitor = await pageAs(null);
  await visitor.goto(`/masukan/${itemId}`);
  await expect(supportSection(visitor).getByRole('button')).toHaveCount(0);
  const signInLink = supportSection(visitor).getByRole('link', { name: id['detail.supportSignIn'] });
  await expect(signInLink).toHaveAttribute('href', `/masuk?next=${encodeURIComponent(`/masukan/${itemId}`)}`);
  const anonymousPost = await visitor.request.post(`/masukan/${itemId}`, { headers: { Origin: baseURL! }, form: { intent: 'support' }, maxRedirects: 0 });
  expect(anonymousPost.status()).toBe(303);
  expect(anonymousPost.headers().location).toMatch(/^\/masuk\?next=/);

  // The author: neither a button nor a sign-in link; a post by hand is refused.
  const author = await pageAs(ACCOUNTS.residentAuthor);
  await author.goto(`/masukan/${itemId}`);
  await expect(supportSection(author).getByRole('button')).toHaveCount(0);
  await expect(supportSection(author).getByRole('link')).toHaveCount(0);
  const own = await author.request.post(`/masukan/${itemId}`, { headers: { Origin: baseURL! }, form: { intent: 'support' }, maxRedirects: 0 });
  expect(own.status()).toBe(422);
  expect(await own.text()).toContain(id['err.cannotSupport']);
  await author.reload();
  expect(await supportCount(author)).toBe(before + 1);
});

test('flag: a reason is required; with one the resident is thanked and moderators see it', async ({ pageAs }) => {
  const page = await pageAs(ACCOUNTS.residentFlagger, { javaScriptEnabled: false });
  const itemId = await publishedId(page, 'tandawayame');
  await page.goto(`/masukan/${itemId}`);
  const details = page.locator('details.flag');
  await details.locator('summary', { hasText: id['detail.flag'] }).click();
  const send = () => submit(page, details.getByRole('button', { name: id['detail.flag.submit'] }));

  // No reason: the form again, open, with the message on the reasons.
  await details.getByLabel(id['detail.flag.note']).fill('Isinya iklan angkot pribadi.');
  let r = await send();
  expect(r.status()).toBe(422);
  await expect(details).toHaveAttribute('open', '');
  const reasons = details.locator('fieldset#f-reason');
  await expect(reasons).toHaveAttribute('aria-invalid', 'true');
  await expect(reasons.locator('#f-reason-error')).toHaveText(id['err.flagReason']);
  await expect(errorSummary(page).locator('a[href="#f-reason"]')).toContainText(id['err.flagReason']);
  await expect(details.getByLabel(id['detail.flag.note'])).toHaveValue('Isinya iklan angkot pribadi.');

  await details.getByRole('radio', { name: id['flag.spam'] }).check();
  r = await send();
  expect(r.status()).toBe(303);
  await expect(flash(page)).toHaveText(id['detail.flag.done']);
  // One flag is below the threshold: the item stays up.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(SEED_FEEDBACK.tanda.title);

  const mod = await pageAs(ACCOUNTS.moderatorQueue, { javaScriptEnabled: false });
  await mod.goto('/moderasi/tanda');
  const card = mod.locator('li.card').filter({ hasText: SEED_FEEDBACK.tanda.title });
  await expect(card).toContainText(tId('mod.flags.count', { count: 1 }));
  await expect(card).toContainText(id['flag.spam']);
  await expect(card).toContainText('Isinya iklan angkot pribadi.');
});

test('support or flag posted for an item that is not public answers 404, not 500', async ({ pageAs, baseURL }) => {
  // Astro refuses to rewrite to /404 once the request body was read: the page must read a clone.
  const staff = await pageAs(ACCOUNTS.asnDinkesFlow, { javaScriptEnabled: false });
  const hiddenId = await feedbackIdOn(staff, '/kotak-masuk', 'rahasiasirimau');
  const resident = await pageAs(ACCOUNTS.residentFlagger, { javaScriptEnabled: false });
  expect((await resident.goto(`/masukan/${hiddenId}`))?.status()).toBe(404);
  const flag = await resident.request.post(`/masukan/${hiddenId}`, { headers: { Origin: baseURL! }, form: { intent: 'flag', reason: 'spam' }, maxRedirects: 0 });
  expect.soft(flag.status(), 'flag').toBe(404);
  const support = await resident.request.post(`/masukan/${hiddenId}`, { headers: { Origin: baseURL! }, form: { intent: 'support' }, maxRedirects: 0 });
  expect.soft(support.status(), 'support').toBe(404);
});
