import type { Page } from '@playwright/test';
import { ACCOUNTS, SEED_FEEDBACK } from './fixtures.ts';
import { errorSummary, expect, feedbackIdOn, flash, id, publishedId, seededCode, submit, test } from './test.ts';

const S = SEED_FEEDBACK;

function answerBox(page: Page) {
  return page.getByRole('textbox', { name: id['inbox.answer'], exact: true });
}

function statusBadge(page: Page) {
  return page.locator('main > p.meta .badge[class*="status-"]');
}

test('an ASN sees only their unit\'s items; another unit\'s item is not found', async ({ pageAs, baseURL }) => {
  const asn = await pageAs(ACCOUNTS.asnDinkesInbox, { javaScriptEnabled: false });
  await asn.goto('/kotak-masuk');
  await expect(asn.getByText(id['inbox.lead'].replace('{unit}', 'Dinkes'))).toBeVisible();
  const rows = asn.locator('tbody tr');
  await expect(rows.filter({ hasText: S.kotakJs.title })).toHaveCount(1);
  await expect(rows.filter({ hasText: S.melayani.title })).toHaveCount(1);
  await expect(rows.filter({ hasText: S.lainUnit.title })).toHaveCount(0);
  await expect(rows.filter({ hasText: S.antreanKtp.title })).toHaveCount(0);
  const units = await rows.locator('td:nth-child(2)').allTextContents();
  expect(units.length).toBeGreaterThan(3);
  expect(new Set(units)).toEqual(new Set(['Dinkes']));
  // Pending items are not in any inbox yet, nor can staff open them.
  await expect(rows.filter({ hasText: 'modkontak' })).toHaveCount(0);
  const pendingId = await feedbackIdOn(await pageAs(ACCOUNTS.moderatorQueue), '/moderasi', 'modkontak');
  expect((await asn.goto(`/kotak-masuk/${pendingId}`))?.status()).toBe(404);
  expect((await asn.goto(`/masukan/${pendingId}`))?.status()).toBe(404);
  expect(await asn.content()).not.toContain('modkontak');
  // Even asking for another unit by URL changes nothing.
  await asn.goto('/kotak-masuk?unit=1&terbuka=0');
  expect(new Set(await asn.locator('tbody tr td:nth-child(2)').allTextContents())).toEqual(new Set(['Dinkes']));

  // Disdukcapil's item: 404 for Dinkes staff, by page and by form post.
  const otherId = await publishedId(asn, 'lainunit');
  const r = await asn.goto(`/kotak-masuk/${otherId}`);
  expect(r?.status()).toBe(404);
  expect(await asn.content()).not.toContain(S.lainUnit.title);
  // (A form post to it is refused too: see the test below.)
  const post = await asn.request.post(`/kotak-masuk/${otherId}`, { headers: { Origin: baseURL! }, form: { action: 'answer', text: 'Bukan urusan kami.' }, maxRedirects: 0 });
  expect(post.status()).toBeGreaterThanOrEqual(400);

  // Its own staff open it.
  const other = await pageAs(ACCOUNTS.asnDisdukcapil, { javaScriptEnabled: false });
  await other.goto('/kotak-masuk');
  await expect(other.locator('tbody tr').filter({ hasText: S.lainUnit.title })).toHaveCount(1);
  expect((await other.goto(`/kotak-masuk/${otherId}`))?.status()).toBe(200);
  await expect(other.getByRole('heading', { level: 1 })).toHaveText(S.lainUnit.title);
  // The public timeline does not carry the staff's attempt either.
  const visitor = await pageAs(null, { javaScriptEnabled: false });
  await visitor.goto(`/masukan/${otherId}`);
  await expect(visitor.getByText('Bukan urusan kami.')).toHaveCount(0);
});

test('with JavaScript: start handling, an internal note, then a Markdown answer that is published', async ({ pageAs }) => {
  const asn = await pageAs(ACCOUNTS.asnDinkesInbox);
  const itemId = await feedbackIdOn(asn, '/kotak-masuk', 'kotakjsrumahtiga');
  await asn.goto('/kotak-masuk');
  await asn.getByRole('link', { name: new RegExp(S.kotakJs.title) }).click();
  await expect(asn).toHaveURL(new RegExp(`/kotak-masuk/${itemId}$`));
  await expect(asn.getByRole('heading', { level: 1 })).toHaveText(S.kotakJs.title);
  await expect(statusBadge(asn)).toHaveText(id['status.assigned']);
  // Not anonymous: the unit sees who wrote it.
  await expect(asn.locator('dl.facts dd').first()).toHaveText(ACCOUNTS.residentAuthor.displayName);

  let r = await submit(asn, asn.getByRole('button', { name: id['inbox.acknowledge'] }));
  expect(r.status()).toBe(303);
  await expect(flash(asn)).toHaveText(id['inbox.acknowledged']);
  await expect(statusBadge(asn)).toHaveText(id['status.in_progress']);
  await expect(asn.getByRole('button', { name: id['inbox.acknowledge'] })).toHaveCount(0);

  // An empty answer is refused next to the box.
  r = await submit(asn, asn.getByRole('button', { name: id['inbox.answer.submit'] }));
  expect(r.status()).toBe(422);
  await expect(answerBox(asn)).toHaveAttribute('aria-invalid', 'true');
  await expect(asn.locator('#f-answer-text-error')).toHaveText(id['err.textRequired']);

  const note = 'Catatan catatanrahasiajs: kepala puskesmas sedang cuti, tanyakan ke dinas.';
  await asn.getByRole('textbox', { name: id['inbox.note'], exact: true }).fill(note);
  r = await submit(asn, asn.getByRole('button', { name: id['inbox.note.submit'] }));
  expect(r.status()).toBe(303);
  await expect(flash(asn)).toHaveText(id['inbox.noted']);
  await expect(asn.locator('ol.timeline li.event-note')).toContainText('catatanrahasiajs');

  await answerBox(asn).fill('Mulai minggu depan puskesmas **buka sampai jam dua** sesuai jadwal.\n\n- petugas tambahan\n- papan jadwal baru');
  r = await submit(asn, asn.getByRole('button', { name: id['inbox.answer.submit'] }));
  expect(r.status()).toBe(303);
  await expect(flash(asn)).toHaveText(id['inbox.answered']);
  await expect(statusBadge(asn)).toHaveText(id['status.responded']);

  // The public page: the answer rendered from Markdown, the note nowhere.
  const visitor = await pageAs(null);
  await visitor.goto(`/masukan/${itemId}`);
  const answer = visitor.locator('ol.timeline li.event-response');
  await expect(answer).toContainText(id['event.response']);
  await expect(answer).toContainText('(Dinkes)');
  await expect(answer.locator('.event-body strong')).toHaveText('buka sampai jam dua');
  await expect(answer.locator('.event-body li')).toHaveCount(2);
  await expect(visitor.locator('article p.meta .badge[class*="status-"]')).toHaveText(id['status.responded']);
  expect(await visitor.content()).not.toContain('catatanrahasiajs');
  await expect(visitor.locator('ol.timeline li.event-note')).toHaveCount(0);

  // The reporter, tracking it by code, sees the answer but not the note either.
  await visitor.goto('/lacak');
  await visitor.getByLabel(id['track.field.code'], { exact: true }).fill(seededCode('kotakJs'));
  await submit(visitor, visitor.getByRole('button', { name: id['track.submit'] }));
  await expect(visitor.locator('ol.timeline li.event-response .event-body strong')).toHaveText('buka sampai jam dua');
  expect(await visitor.content()).not.toContain('catatanrahasiajs');
});

test('without JavaScript: a template is saved, "Isi dari templat" fills the answer, the answer is published', async ({ pageAs }) => {
  const asn = await pageAs(ACCOUNTS.asnDinkesInbox, { javaScriptEnabled: false });
  await asn.goto('/kotak-masuk');
  await asn.getByRole('link', { name: id['inbox.templates'] }).click();
  await expect(asn).toHaveURL(/\/kotak-masuk\/templat$/);
  await expect(asn.getByText(id['inbox.templates.lead'].replace('{unit}', 'Dinkes'))).toBeVisible();

  // Empty: both fields are required.
  let r = await submit(asn, asn.getByRole('button', { name: id['inbox.templates.save'] }));
  expect(r.status()).toBe(422);
  await expect(errorSummary(asn)).toContainText(id['err.templateTitle']);
  await expect(asn.locator('#f-body-error')).toHaveText(id['err.textRequired']);

  const title = 'Jadwal vaksin templatnojs';
  const body = 'Terima kasih atas pertanyaannya. **Vaksin meningitis** tersedia setiap Selasa dan Kamis.';
  await asn.getByLabel(id['inbox.templates.title'], { exact: true }).fill(title);
  await asn.getByLabel(id['inbox.templates.body'], { exact: true }).fill(body);
  r = await submit(asn, asn.getByRole('button', { name: id['inbox.templates.save'] }));
  expect(r.status()).toBe(303);
  await expect(flash(asn)).toHaveText(id['inbox.templates.saved']);
  await expect(asn.locator('li.card').filter({ hasText: title })).toContainText('Vaksin meningitis');

  const itemId = await feedbackIdOn(asn, '/kotak-masuk', 'kotaknojs');
  await asn.goto(`/kotak-masuk/${itemId}`);
  await expect(answerBox(asn)).toHaveValue('');
  await asn.getByLabel(id['inbox.template'], { exact: true }).selectOption({ label: title });
  await asn.getByRole('button', { name: id['inbox.templateUse'] }).click();
  await expect(asn).toHaveURL(new RegExp(`/kotak-masuk/${itemId}\\?templat=\\d+$`));
  await expect(answerBox(asn)).toHaveValue(body);
  const templateId = new URL(asn.url()).searchParams.get('templat');
  await expect(asn.getByLabel(id['inbox.template'], { exact: true }).locator('option:checked')).toHaveText(title);

  // Adjusted and sent.
  await answerBox(asn).fill(`${body} Silakan datang pukul 08.00 WIT.`);
  r = await submit(asn, asn.getByRole('button', { name: id['inbox.answer.submit'] }));
  expect(r.status()).toBe(303);
  await expect(asn).toHaveURL(new RegExp(`/kotak-masuk/${itemId}$`));
  await expect(flash(asn)).toHaveText(id['inbox.answered']);
  await expect(statusBadge(asn)).toHaveText(id['status.responded']);

  const visitor = await pageAs(null, { javaScriptEnabled: false });
  await visitor.goto(`/masukan/${itemId}`);
  const answer = visitor.locator('ol.timeline li.event-response');
  await expect(answer.locator('.event-body strong')).toHaveText('Vaksin meningitis');
  await expect(answer).toContainText('pukul 08.00 WIT');

  // Another unit's staff cannot pull Dinkes's template into their own answer box.
  const other = await pageAs(ACCOUNTS.asnDisdukcapil, { javaScriptEnabled: false });
  const otherId = await feedbackIdOn(other, '/kotak-masuk', 'lainunit');
  await other.goto(`/kotak-masuk/${otherId}?templat=${templateId}`);
  await expect(answerBox(other)).toHaveValue('');
  await expect(other.getByLabel(id['inbox.template'], { exact: true })).toHaveCount(0);
});

test('a form post about an item one may not see answers 404, not 500', async ({ pageAs, baseURL }) => {
  // Astro refuses to rewrite to /404 once the request body was read: the page must read a clone.
  const asn = await pageAs(ACCOUNTS.asnDinkesInbox, { javaScriptEnabled: false });
  const otherId = await publishedId(asn, 'lainunit');
  const post = await asn.request.post(`/kotak-masuk/${otherId}`, { headers: { Origin: baseURL! }, form: { action: 'note', text: 'Bukan urusan kami.' }, maxRedirects: 0 });
  expect(post.status()).toBe(404);
});
