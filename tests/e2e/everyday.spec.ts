import AxeBuilder from '@axe-core/playwright';
import { ACCOUNTS, SEED_FEEDBACK } from './fixtures.ts';
import { expect, feedbackIdOn, flash, id, scriptErrors, submit, test, tId } from './test.ts';

const S = SEED_FEEDBACK;

test('without JavaScript: the unit gives an item to an officer and resolves it; the reporter reopens it from /masukan/saya, without the code', async ({ pageAs, baseURL }) => {
  const asn = await pageAs(ACCOUNTS.asnDinkesOfficer, { javaScriptEnabled: false });
  const itemId = await feedbackIdOn(asn, '/kotak-masuk', 'everydaysaya');
  await asn.goto(`/kotak-masuk/${itemId}`);
  await asn.getByLabel(id['officer.label'], { exact: true }).selectOption({ label: ACCOUNTS.asnDinkesOfficer.displayName });
  expect((await submit(asn, asn.getByRole('button', { name: id['officer.submit'], exact: true }))).status()).toBe(303);
  await expect(flash(asn)).toHaveText(id['officer.done']);
  await expect(asn.locator('ol.timeline li.event-officer')).toContainText(tId('event.officerTo', { name: ACCOUNTS.asnDinkesOfficer.displayName }));
  // The inbox filters: mine / not given to anyone.
  await asn.goto('/kotak-masuk?petugas=saya');
  await expect(asn.getByRole('row').filter({ hasText: S.everydayMine.title })).toHaveCount(1);
  await asn.goto('/kotak-masuk?petugas=belum');
  await expect(asn.getByRole('row').filter({ hasText: S.everydayMine.title })).toHaveCount(0);
  await expect(asn.getByRole('row').filter({ hasText: S.melayani.title })).toHaveCount(1);
  await asn.goto(`/kotak-masuk/${itemId}`);
  expect((await submit(asn, asn.getByRole('button', { name: id['inbox.resolve'], exact: true }))).status()).toBe(303);

  // The public page names the unit on forwarding, after verification, and never the officer.
  const visitor = await pageAs(null, { javaScriptEnabled: false });
  await visitor.goto(`/masukan/${itemId}`);
  const events = visitor.locator('ol.timeline li');
  await expect(visitor.locator('ol.timeline li.event-assigned')).toContainText(tId('event.assignedTo', { unit: 'Dinkes' }));
  const kinds = await events.evaluateAll((els) => els.map((e) => e.className));
  expect(kinds.findIndex((k) => k.includes('event-published'))).toBeLessThan(kinds.findIndex((k) => k.includes('event-assigned')));
  expect(await visitor.content()).not.toContain(ACCOUNTS.asnDinkesOfficer.displayName);

  // The reporter: every item links to its private view, pending ones too.
  const me = await pageAs(ACCOUNTS.residentMine, { javaScriptEnabled: false });
  await me.goto('/masukan/saya');
  const pendingRow = me.getByRole('row').filter({ hasText: S.everydayMinePending.title });
  await expect(pendingRow.getByRole('link')).toHaveAttribute('href', /^\/masukan\/saya\/\d+$/);
  await pendingRow.getByRole('link').click();
  await expect(me.locator('dl.facts')).toContainText(id['moderation.pending']);
  await me.goto('/masukan/saya');
  await me.getByRole('row').filter({ hasText: S.everydayMine.title }).getByRole('link').click();
  await expect(me).toHaveURL(new RegExp(`/masukan/saya/${itemId}$`));
  await expect(me.getByRole('heading', { level: 1 })).toHaveText(tId('mine.title', { id: itemId }));
  await expect(me.locator('dl.facts')).toContainText(id['status.resolved']);
  // "Selesai" offers reopening at once (not only after the automatic closing).
  await me.getByLabel(id['track.reopen.field']).fill('Keran masih menetes setiap malam.');
  expect((await submit(me, me.getByRole('button', { name: id['track.reopen.submit'], exact: true }))).status()).toBe(303);
  await expect(flash(me)).toHaveText(id['track.reopen.done']);
  await expect(me.locator('dl.facts')).toContainText(id['status.reopened']);
  await expect(me.locator('ol.timeline li.event-reopened')).toContainText('Keran masih menetes');

  // Nobody else reaches it, by page or by form post.
  const other = await pageAs(ACCOUNTS.residentSupporter, { javaScriptEnabled: false });
  expect((await other.goto(`/masukan/saya/${itemId}`))?.status()).toBe(404);
  const post = await other.request.post(`/masukan/saya/${itemId}`, { headers: { Origin: baseURL! }, form: { intent: 'info', text: 'Bukan milik saya' }, maxRedirects: 0 });
  expect(post.status()).toBe(404);
});

test('without JavaScript: bulk publish; the item another moderator changed meanwhile is named and left alone', async ({ pageAs, baseURL }) => {
  const page = await pageAs(ACCOUNTS.moderatorBulk, { javaScriptEnabled: false });
  await page.goto('/moderasi');
  const idA = await feedbackIdOn(page, '/moderasi', 'everydaymassal satu');
  const idB = await feedbackIdOn(page, '/moderasi', 'everydaymassal dua');
  for (const itemId of [idA, idB]) await page.locator(`#item-${itemId}`).getByLabel(new RegExp(id['bulk.select'])).check();
  // Meanwhile another moderator corrects B.
  const other = await pageAs(ACCOUNTS.moderatorTwo, { javaScriptEnabled: false });
  const r = await other.request.post(`/moderasi/${idB}`, { headers: { Origin: baseURL! }, form: { action: 'correct', kind: 'saran', priority: 'high', area: '' }, maxRedirects: 0 });
  expect(r.status()).toBe(303);

  await page.getByLabel(id['bulk.action'], { exact: true }).selectOption({ label: id['bulk.publish'] });
  const res = await submit(page, page.getByRole('button', { name: id['bulk.submit'], exact: true }));
  expect(res.status()).toBe(409);
  const outcome = page.locator('#bulk-outcome');
  await expect(outcome).toContainText(tId('bulk.partial', { changed: 1, failed: 1 }));
  await expect(outcome).toContainText(tId('bulk.failedItem', { id: idB, reason: id['err.staleEdit'] }));
  await expect(page.locator(`#item-${idA}`)).toHaveCount(0);
  await expect(page.locator(`#item-${idB}`).getByLabel(new RegExp(id['bulk.select']))).toBeChecked();
  await page.goto(`/moderasi/${idA}`);
  await expect(page.locator('p.meta')).toContainText(id['moderation.published']);
});

test('with JavaScript: bulk reject with one reason; the rejected item then offers no publish or confidential and shows one status badge', async ({ pageAs }) => {
  const page = await pageAs(ACCOUNTS.moderatorBulk);
  const errors = scriptErrors(page);
  await page.goto('/moderasi');
  const ids = [await feedbackIdOn(page, '/moderasi', 'everydayjsmassal satu'), await feedbackIdOn(page, '/moderasi', 'everydayjsmassal dua')];
  for (const itemId of ids) await page.locator(`#item-${itemId}`).getByLabel(new RegExp(id['bulk.select'])).check();
  await page.getByLabel(id['bulk.action'], { exact: true }).selectOption({ label: id['bulk.reject'] });
  await page.getByLabel(id['bulk.reason'], { exact: true }).selectOption({ label: id['reject.spam'] });
  await page.getByRole('button', { name: id['bulk.submit'], exact: true }).click();
  await expect(flash(page)).toHaveText(id['bulk.done']);
  for (const itemId of ids) await expect(page.locator(`#item-${itemId}`)).toHaveCount(0);
  await page.goto(`/moderasi/${ids[0]}`);
  await expect(page.locator('p.meta')).toContainText(id['moderation.rejected']);
  await expect(page.locator('p.meta .badge[class*="status-"]')).toHaveCount(0);
  await expect(page.getByRole('button', { name: id['mod.publish'], exact: true })).toHaveCount(0);
  await expect(page.getByRole('button', { name: id['mod.confidential'], exact: true })).toHaveCount(0);
  await expect(page.getByRole('button', { name: id['mod.assign.submit'], exact: true })).toHaveCount(0);
  // Sent without an account and without a name: said so, not "Anonim".
  await expect(page.locator('dl.facts')).toContainText(id['reporter.noAccount']);
  expect(errors).toEqual([]);
});

test('the third person to flag an item (which hides it) gets the thank-you, not a 404', async ({ pageAs }) => {
  const first = await pageAs(ACCOUNTS.residentFlagA, { javaScriptEnabled: false });
  const itemId = await feedbackIdOn(first, '/masukan?q=everydaytanda', 'everydaytanda');
  for (const who of [ACCOUNTS.residentFlagA, ACCOUNTS.residentFlagB, ACCOUNTS.residentFlagC]) {
    const page = who === ACCOUNTS.residentFlagA ? first : await pageAs(who, { javaScriptEnabled: false });
    await page.goto(`/masukan/${itemId}`);
    await page.locator('details.flag summary').click();
    await page.getByRole('radio', { name: id['flag.spam'] }).check();
    expect((await submit(page, page.getByRole('button', { name: id['detail.flag.submit'], exact: true }))).status()).toBe(303);
    await expect(flash(page)).toHaveText(id['detail.flag.done']);
    if (who === ACCOUNTS.residentFlagC) {
      await expect(page).toHaveURL(/\/masukan$/);
      await expect(page.getByRole('heading', { level: 1 })).not.toHaveText(id['error.404.title']);
    }
  }
});

test('an admin invites a staff member: role and unit chosen, a one-time set-up link in the email', async ({ adminPage, pageAs }) => {
  const email = `undangan.${Date.now().toString(36)}@e2e.bakudengar.test`;
  await adminPage.goto('/admin/pengguna');
  await adminPage.getByRole('link', { name: id['invite.link'], exact: true }).click();
  await adminPage.getByLabel(id['invite.email']).fill(email);
  await adminPage.getByLabel(id['invite.name']).fill('Perawat Undangan');
  await adminPage.getByLabel(id['invite.role'], { exact: true }).selectOption({ label: id['role.asn'] });
  // ASN without a unit: the message is next to the field, what was typed is kept.
  expect((await submit(adminPage, adminPage.getByRole('button', { name: id['invite.submit'], exact: true }))).status()).toBe(422);
  await expect(adminPage.locator('#f-unitId-error')).toHaveText(id['err.unitRequired']);
  await expect(adminPage.getByLabel(id['invite.email'])).toHaveValue(email);
  await adminPage.getByLabel(id['invite.unit'], { exact: true }).selectOption({ label: 'Dinkes' });
  expect((await submit(adminPage, adminPage.getByRole('button', { name: id['invite.submit'], exact: true }))).status()).toBe(303);
  await expect(flash(adminPage)).toHaveText(id['invite.done']);
  await expect(adminPage.locator('main')).toContainText(email);
  await adminPage.goto('/admin/surel');
  const mail = adminPage.locator('li.card').filter({ hasText: email });
  await expect(mail.locator('summary')).toContainText(id['email.invite.subject']);
  const link = /\/atur-sandi\/[a-z2-7]{32}/.exec((await mail.locator('pre').textContent()) ?? '')?.[0];
  expect(link).toBeTruthy();
  // The link opens the set-up form of admin:create's set-up tokens.
  const invited = await pageAs(null, { javaScriptEnabled: false });
  expect((await invited.goto(link!))?.status()).toBe(200);
  await expect(invited.locator('input[type="password"]').first()).toBeVisible();
});

test('axe: the private view of one\'s feedback, and the invitation form with its errors, have no WCAG A/AA violations', async ({ pageAs, adminPage }) => {
  test.setTimeout(180_000);
  const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
  const me = await pageAs(ACCOUNTS.residentMine);
  await me.goto('/masukan/saya');
  await me.getByRole('row').filter({ hasText: S.everydayMinePending.title }).getByRole('link').click();
  expect((await new AxeBuilder({ page: me }).withTags(tags).analyze()).violations.map((v) => v.id)).toEqual([]);
  await adminPage.goto('/admin/pengguna/undang');
  await adminPage.getByRole('button', { name: id['invite.submit'], exact: true }).click();
  await expect(adminPage.getByRole('alert')).toBeVisible();
  expect((await new AxeBuilder({ page: adminPage }).withTags(tags).analyze()).violations.map((v) => v.id)).toEqual([]);
});
