import type { Page } from '@playwright/test';
import { ACCOUNTS, SEED_FEEDBACK } from './fixtures.ts';
import { errorSummary, expect, feedbackIdOn, flash, id, publishedId, submit, test } from './test.ts';

const S = SEED_FEEDBACK;

test.use({ javaScriptEnabled: false });

function meta(page: Page) {
  return page.locator('main > p.meta');
}

test('a stale edit is refused: two moderators, one assigns, the other\'s priority change gets 409', async ({ pageAs }) => {
  const first = await pageAs(ACCOUNTS.moderatorDetail, { javaScriptEnabled: false });
  const second = await pageAs(ACCOUNTS.moderatorTwo, { javaScriptEnabled: false });
  const itemId = await feedbackIdOn(first, '/moderasi', 'modbasi');
  await first.goto(`/moderasi/${itemId}`);
  await second.goto(`/moderasi/${itemId}`);
  await expect(meta(second)).toContainText(id['priority.normal']);

  // The first assigns it to Dinkes.
  await first.getByLabel(id['mod.assign'], { exact: true }).selectOption({ label: 'Dinkes' });
  let r = await submit(first, first.getByRole('button', { name: id['mod.assign.submit'], exact: true }));
  expect(r.status()).toBe(303);
  await expect(flash(first)).toHaveText(id['mod.assigned']);

  // The second, on the page opened before, raises the priority: refused, nothing overwritten.
  await second.locator('summary', { hasText: id['mod.correct'] }).click();
  await second.getByLabel(id['mod.priority'], { exact: true }).selectOption({ label: id['priority.high'] });
  r = await submit(second, second.getByRole('button', { name: id['mod.correct.submit'] }));
  expect(r.status()).toBe(409);
  await expect(errorSummary(second)).toContainText(id['err.staleEdit']);
  // What they chose is still in the form, to try again.
  await expect(second.getByLabel(id['mod.priority'], { exact: true })).toHaveValue('high');
  // But the item is unchanged: normal priority, the first one's unit.
  await expect(meta(second)).toContainText(id['priority.normal']);
  await expect(meta(second)).toContainText('Dinkes');
  await second.goto(`/moderasi/${itemId}`);
  await expect(meta(second)).toContainText(id['priority.normal']);
  await expect(second.getByLabel(id['mod.priority'], { exact: true })).toHaveValue('normal');

  // On the fresh page the same change goes through.
  await second.locator('summary', { hasText: id['mod.correct'] }).click();
  await second.getByLabel(id['mod.priority'], { exact: true }).selectOption({ label: id['priority.high'] });
  r = await submit(second, second.getByRole('button', { name: id['mod.correct.submit'] }));
  expect(r.status()).toBe(303);
  await expect(flash(second)).toHaveText(id['mod.corrected']);
  await expect(meta(second)).toContainText(id['priority.high']);
});

test('redaction: the public sees the new text, the moderator the original under "Riwayat penyamaran"', async ({ pageAs }) => {
  const page = await pageAs(ACCOUNTS.moderatorDetail, { javaScriptEnabled: false });
  const itemId = await publishedId(page, 'modsamar');
  await page.goto(`/moderasi/${itemId}`);
  await expect(page.getByRole('heading', { name: id['mod.redactions'] })).toHaveCount(0);
  await page.locator('summary', { hasText: id['mod.redact'] }).click();
  const body = page.locator('form').filter({ has: page.getByRole('button', { name: id['mod.redact.submit'] }) }).getByLabel(id['fb.field.body'], { exact: true });
  await expect(body).toHaveValue(S.modSamar.body);
  const redacted = 'Petugas bernama [disamarkan] meminta uang pelicin, nomor HP saya [disamarkan].';
  await body.fill(redacted);
  const r = await submit(page, page.getByRole('button', { name: id['mod.redact.submit'] }));
  expect(r.status()).toBe(303);
  await expect(flash(page)).toHaveText(id['mod.redacted']);

  const history = page.locator('section', { has: page.getByRole('heading', { name: id['mod.redactions'] }) });
  await expect(history.locator('li')).toHaveCount(1);
  await expect(history.locator('li del')).toHaveText(S.modSamar.body);
  await expect(page.locator('ol.timeline li.event-redacted')).toContainText(id['event.redacted']);

  const visitor = await pageAs(null, { javaScriptEnabled: false });
  await visitor.goto(`/masukan/${itemId}`);
  await expect(visitor.locator('article .prose').first()).toHaveText(redacted);
  const html = await visitor.content();
  expect(html).not.toContain('Samarmata');
  expect(html).not.toContain('0812 9999 1111');
  // Nor can the original be found by searching for it.
  await visitor.goto('/masukan?q=Samarmata');
  await expect(visitor.locator('li.board-item')).toHaveCount(0);
});

test('the contact button shows the reporter\'s contact, and the view is in the audit log', async ({ pageAs, adminPage }) => {
  const page = await pageAs(ACCOUNTS.moderatorDetail, { javaScriptEnabled: false });
  const itemId = await feedbackIdOn(page, '/moderasi', 'modkontak');
  await page.goto(`/moderasi/${itemId}`);
  const contact = S.modKontak.contact;
  // Not shown until asked for.
  expect(await page.content()).not.toContain(contact.email);
  const r = await submit(page, page.getByRole('button', { name: id['mod.contactShow'] }));
  expect(r.status()).toBe(200);
  const section = page.locator('section', { has: page.getByRole('heading', { name: id['mod.contact'], exact: true }) });
  // The number is shown as stored, in E.164 (issue 13).
  await expect(section.locator('dd')).toHaveText([contact.name, contact.email, contact.phone.replace(/[\s-]/g, '').replace(/^0/, '+62')]);

  await adminPage.goto(`/admin/audit?action=feedback.contact_view&type=feedback&object=${itemId}`);
  const row = adminPage.getByRole('row').filter({ hasText: id['audit.action.feedback.contact_view'] });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(`feedback ${itemId}`);
  await expect(row).toContainText(ACCOUNTS.moderatorDetail.email);
});

test('a moderation post about an item that does not exist answers 404, not 500', async ({ pageAs, baseURL }) => {
  // Astro refuses to rewrite to /404 once the request body was read: the page must read a clone.
  const page = await pageAs(ACCOUNTS.moderatorDetail, { javaScriptEnabled: false });
  expect((await page.goto('/moderasi/987654'))?.status()).toBe(404);
  const r = await page.request.post('/moderasi/987654', { headers: { Origin: baseURL! }, form: { action: 'contact' }, maxRedirects: 0 });
  expect(r.status()).toBe(404);
});
