import type { Page } from '@playwright/test';
import { ACCOUNTS, SEED_FEEDBACK } from './fixtures.ts';
import { errorSummary, expect, feedbackIdOn, flash, id, seededCode, submit, test, tId } from './test.ts';

test.use({ javaScriptEnabled: false });

/** Opens /lacak with a code typed in (the page then remembers it in a cookie). */
async function track(page: Page, code: string): Promise<void> {
  await page.goto('/lacak');
  if (await page.getByRole('button', { name: id['track.forget'] }).count()) {
    await submit(page, page.getByRole('button', { name: id['track.forget'] }));
  }
  await page.getByLabel(id['track.field.code'], { exact: true }).fill(code);
  const r = await submit(page, page.getByRole('button', { name: id['track.submit'] }));
  expect(r.status(), `look-up of ${code}`).toBe(303);
  await expect(page.getByText(id['track.private'])).toBeVisible();
}

function statusLine(page: Page) {
  return page.locator('dl.facts dt', { hasText: new RegExp(`^${id['detail.status']}$`) }).locator('xpath=following-sibling::dd[1]');
}

test('after the unit answers, the reporter rates the answer (a score is required) and adds information', async ({ pageAs }) => {
  const seeded = SEED_FEEDBACK.nilai;
  const reporter = await pageAs(null, { javaScriptEnabled: false });
  await track(reporter, seededCode('nilai'));
  await expect(reporter.getByRole('heading', { level: 2, name: seeded.title })).toBeVisible();
  await expect(statusLine(reporter)).toContainText(id['status.assigned']);
  // Not answered yet: nothing to rate.
  await expect(reporter.getByRole('heading', { name: id['track.rate'] })).toHaveCount(0);

  // The unit answers (Markdown).
  const asn = await pageAs(ACCOUNTS.asnDinkesFlow, { javaScriptEnabled: false });
  const itemId = await feedbackIdOn(asn, '/kotak-masuk', 'nilaiwainitu');
  await asn.goto(`/kotak-masuk/${itemId}`);
  await asn.getByRole('textbox', { name: id['inbox.answer'], exact: true }).fill('Stok obat hipertensi **sudah tersedia** kembali sejak hari ini.');
  const answered = await submit(asn, asn.getByRole('button', { name: id['inbox.answer.submit'] }));
  expect(answered.status()).toBe(303);
  await expect(flash(asn)).toHaveText(id['inbox.answered']);

  // The reporter sees the answer and may rate it.
  await reporter.reload();
  await expect(statusLine(reporter)).toContainText(id['status.responded']);
  const response = reporter.locator('ol.timeline li.event-response');
  await expect(response).toContainText(id['event.response']);
  await expect(response.locator('.event-body strong')).toHaveText('sudah tersedia');
  const rateForm = reporter.locator('form[aria-labelledby="nilai"]');
  await expect(reporter.getByRole('heading', { name: id['track.rate'] })).toBeVisible();

  // Without a score: the message on the score.
  await rateForm.getByLabel(id['track.rate.comment']).fill('Jawabannya cepat.');
  let r = await submit(reporter, rateForm.getByRole('button', { name: id['track.rate.submit'] }));
  expect(r.status()).toBe(422);
  const score = reporter.locator('fieldset#f-rate-score');
  await expect(score).toHaveAttribute('aria-invalid', 'true');
  await expect(score.locator('#f-rate-score-error')).toHaveText(id['err.scoreRequired']);
  await expect(errorSummary(reporter)).toContainText(id['err.scoreRequired']);
  await expect(rateForm.getByLabel(id['track.rate.comment'])).toHaveValue('Jawabannya cepat.');

  await score.getByRole('radio', { name: '4', exact: true }).check();
  r = await submit(reporter, rateForm.getByRole('button', { name: id['track.rate.submit'] }));
  expect(r.status()).toBe(303);
  await expect(flash(reporter)).toHaveText(id['track.rate.done']);
  await expect(reporter.getByText(tId('track.rate.current', { score: 4 }))).toBeVisible();
  await expect(reporter.locator('fieldset#f-rate-score').getByRole('radio', { name: '4', exact: true })).toBeChecked();
  await expect(reporter.locator('ol.timeline li.event-rating')).toHaveCount(1);

  // Adding information: empty is refused; with text it is added and the unit has to look again.
  const infoForm = reporter.locator('form[aria-labelledby="tambah"]');
  r = await submit(reporter, infoForm.getByRole('button', { name: id['track.addInfo.submit'] }));
  expect(r.status()).toBe(422);
  await expect(reporter.locator('#f-info-text-error')).toHaveText(id['err.required']);
  await reporter.locator('form[aria-labelledby="tambah"]').getByLabel(id['track.addInfo.field']).fill('Obat yang sama masih kosong di puskesmas pembantu.');
  r = await submit(reporter, reporter.locator('form[aria-labelledby="tambah"]').getByRole('button', { name: id['track.addInfo.submit'] }));
  expect(r.status()).toBe(303);
  await expect(flash(reporter)).toHaveText(id['track.addInfo.done']);
  const info = reporter.locator('ol.timeline li.event-info_added');
  await expect(info).toContainText('masih kosong di puskesmas pembantu');
  await expect(statusLine(reporter)).toContainText(id['status.in_progress']);

  // The unit sees the added information; the public page does not.
  await asn.reload();
  await expect(asn.locator('ol.timeline li.event-info_added')).toContainText('masih kosong di puskesmas pembantu');
  const visitor = await pageAs(null, { javaScriptEnabled: false });
  await visitor.goto(`/masukan/${itemId}`);
  await expect(visitor.locator('ol.timeline li.event-response')).toContainText('sudah tersedia');
  await expect(visitor.getByText('masih kosong di puskesmas pembantu')).toHaveCount(0);
  await expect(visitor.getByText('Jawabannya cepat.')).toHaveCount(0);
});

test('reopening: possible within 10 working days of closing, not 30 days later', async ({ page, baseURL }) => {
  await track(page, seededCode('tutupBaru'));
  await expect(page.getByRole('heading', { level: 2, name: SEED_FEEDBACK.tutupBaru.title })).toBeVisible();
  await expect(statusLine(page)).toContainText(id['status.closed']);
  const reopen = page.locator('form[aria-labelledby="buka"]');
  await expect(page.getByRole('heading', { name: id['track.reopen'], exact: true })).toBeVisible();
  await expect(page.getByText(id['track.reopen.lead'].split('{date}')[0]!)).toBeVisible();

  // A reason is required.
  let r = await submit(page, reopen.getByRole('button', { name: id['track.reopen.submit'] }));
  expect(r.status()).toBe(422);
  await expect(page.locator('#f-reopen-text-error')).toHaveText(id['err.required']);
  await page.locator('form[aria-labelledby="buka"]').getByLabel(id['track.reopen.field']).fill('Antrean masih sama panjangnya minggu ini.');
  r = await submit(page, page.locator('form[aria-labelledby="buka"]').getByRole('button', { name: id['track.reopen.submit'] }));
  expect(r.status()).toBe(303);
  await expect(flash(page)).toHaveText(id['track.reopen.done']);
  await expect(statusLine(page)).toContainText(id['status.reopened']);
  await expect(page.locator('ol.timeline li.event-reopened')).toContainText('Antrean masih sama panjangnya');
  await expect(page.getByRole('heading', { name: id['track.reopen'], exact: true })).toHaveCount(0);

  // Closed 30 days ago: no form, and a post by hand is refused.
  await track(page, seededCode('tutupLama'));
  await expect(page.getByRole('heading', { level: 2, name: SEED_FEEDBACK.tutupLama.title })).toBeVisible();
  await expect(statusLine(page)).toContainText(id['status.closed']);
  await expect(page.getByRole('heading', { name: id['track.reopen'], exact: true })).toHaveCount(0);
  await expect(page.locator('form[aria-labelledby="buka"]')).toHaveCount(0);
  const late = await page.request.post('/lacak', { headers: { Origin: baseURL! }, form: { intent: 'reopen', text: 'Masih belum beres.' }, maxRedirects: 0 });
  expect(late.status()).toBe(422);
  expect(await late.text()).toContain(id['err.reopenExpired']);
  await page.reload();
  await expect(statusLine(page)).toContainText(id['status.closed']);
});
