import type { Page } from '@playwright/test';
import { ACCOUNTS, SEED_FEEDBACK } from './fixtures.ts';
import { errorSummary, expect, expectFieldError, feedbackIdOn, flash, id, publishedId, scriptErrors, submit, submitFeedbackForm, test, uniqueWord } from './test.ts';

/**
 * Coaching actions: a coordinator (ACCOUNTS.moderator) creates one from feedback in the
 * triage queue, staffs it and confirms attendance; the participant (ACCOUNTS.asnDisdukcapil)
 * writes a progress report in "my coaching". Every test makes its own action (unique title).
 */

const COORDINATOR = ACCOUNTS.moderator;
const PARTICIPANT = ACCOUNTS.asnDisdukcapil;

const L = {
  kind: (page: Page) => page.locator('#f-kind').getByRole('radio', { name: new RegExp(`^${id['coaching.kind.it_training']}`) }),
  title: id['coaching.field.title'],
  goal: id['coaching.field.goal'],
  startsOn: id['coaching.field.startsOn'],
  endsOn: id['coaching.field.endsOn'],
  unit: (page: Page, shortName: string) => page.locator('#f-units').getByRole('checkbox', { name: new RegExp(`^${shortName} — `) }),
};

async function fillAction(page: Page, title: string, goal = 'Petugas loket mampu memakai **antrean daring**.') {
  await L.kind(page).check();
  await page.getByLabel(L.title, { exact: true }).fill(title);
  await page.getByLabel(L.goal, { exact: true }).fill(goal);
  await page.getByLabel(L.startsOn, { exact: true }).fill('2026-12-14');
  await page.getByLabel(L.endsOn, { exact: true }).fill('2026-12-16');
}

/** Sends a feedback item for Disdukcapil through the public form; it waits in the triage queue. */
async function sendFeedback(page: Page, title: string) {
  await page.goto('/masukan/baru');
  await submitFeedbackForm(page, { kind: 'keluhan', unit: 'Disdukcapil', title, body: `Antrean perekaman KTP sangat lama; ${title}.` });
}

test('a coordinator creates an action from two queued items, adds a participant and confirms attendance; the participant reports progress', async ({ pageAs }) => {
  const word = uniqueWord('pembinaan');
  const visitor = await pageAs(null);
  await sendFeedback(visitor, `Loket ${word} satu lambat`);
  await sendFeedback(visitor, `Loket ${word} dua tutup cepat`);

  const page = await pageAs(COORDINATOR);
  const errors = scriptErrors(page);
  const first = await feedbackIdOn(page, '/moderasi', `${word} satu`);
  const second = await feedbackIdOn(page, '/moderasi', `${word} dua`);
  await page.goto('/moderasi');
  for (const n of [first, second]) await page.locator(`#item-${n}`).getByRole('checkbox', { name: id['coaching.queue.select'] }).check();
  await page.getByRole('button', { name: id['coaching.queue.createFrom'], exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/pembinaan/baru\\?masukan=${first}&masukan=${second}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(id['coaching.new.title']);
  const prefilled = page.getByRole('region', { name: id['coaching.prefill.feedback'] });
  await expect(prefilled.getByRole('link')).toHaveCount(2);
  // The reporter's unit is suggested as the target.
  await expect(L.unit(page, 'Disdukcapil')).toBeChecked();

  const title = `Pelatihan antrean daring ${word}`;
  await fillAction(page, title);
  const created = await submit(page, page.getByRole('button', { name: id['coaching.create'], exact: true }));
  expect(created.status()).toBe(303);
  await expect(page).toHaveURL(/\/pembinaan\/\d+$/);
  const actionPath = new URL(page.url()).pathname;
  await expect(flash(page)).toHaveText(id['coaching.created']);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  const evidence = page.getByRole('region', { name: id['coaching.evidence'] });
  await expect(evidence.getByRole('link', { name: new RegExp(`${word} satu`) })).toHaveAttribute('href', `/moderasi/${first}`);
  await expect(evidence.getByRole('link', { name: new RegExp(`${word} dua`) })).toHaveAttribute('href', `/moderasi/${second}`);
  // The status badge and the unlink button are separate words in the text, not "DiterimaLepas tautan".
  for (const item of await evidence.locator('li').all()) {
    for (const t of [await item.textContent(), await item.innerText()]) {
      expect((t ?? '').replace(/\s+/g, ' ')).toMatch(new RegExp(`\\p{L} ${id['coaching.evidence.unlink']}`, 'u'));
    }
  }
  await expect(page.locator('.prose strong')).toHaveText('antrean daring');

  // Start it, add the participant, confirm attendance.
  await submit(page, page.getByRole('button', { name: id['coaching.statusTo.in_progress'], exact: true }));
  await expect(flash(page)).toHaveText(id['coaching.done.status']);
  await page.getByLabel(id['coaching.participants.add'], { exact: true }).selectOption({ label: `${PARTICIPANT.displayName} (Disdukcapil)` });
  await submit(page, page.getByRole('button', { name: id['coaching.participants.addSubmit'], exact: true }));
  await expect(flash(page)).toHaveText(id['coaching.done.participantAdded']);
  const participants = page.getByRole('region', { name: id['coaching.participants'] });
  const row = participants.getByRole('row', { name: new RegExp(PARTICIPANT.displayName) });
  await expect(row).toContainText(id['coaching.attendance.pending']);
  await expect(row.getByRole('link', { name: PARTICIPANT.displayName })).toHaveAttribute('href', /^\/pembinaan\/peserta\/[0-9a-f-]{36}$/);
  await submit(page, row.getByRole('button', { name: `${id['coaching.attendance.confirm']}: ${PARTICIPANT.displayName}` }));
  await expect(flash(page)).toHaveText(id['coaching.done.attended']);
  await expect(participants.getByRole('row', { name: new RegExp(PARTICIPANT.displayName) })).toContainText(/Hadir \(dikonfirmasi/);

  // The participant's record, linked from the list: coordinators only.
  const recordHref = (await row.getByRole('link', { name: PARTICIPANT.displayName }).getAttribute('href'))!;
  await page.goto(recordHref);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(id['coaching.record.title'].replace('{name}', PARTICIPANT.displayName));
  await expect(page.getByRole('region', { name: id['coaching.record.coaching'] }).getByRole('link', { name: title })).toHaveAttribute('href', actionPath);
  const asnRecord = await pageAs(ACCOUNTS.asnDinkes);
  expect((await asnRecord.goto(recordHref))?.status()).toBe(404);

  // The participant's "my coaching".
  const asn = await pageAs(PARTICIPANT);
  await asn.goto('/pembinaan/saya');
  const card = asn.locator('li.card', { has: asn.getByRole('link', { name: title }) });
  await expect(card).toContainText(/Hadir \(dikonfirmasi/);
  await card.getByLabel(id['coaching.report.learned'], { exact: true }).fill('Cara membuka **antrean daring** untuk warga.');
  await card.getByLabel(id['coaching.report.changed'], { exact: true }).fill('Warga tidak lagi menunggu sejak subuh.');
  const saved = await submit(asn, card.getByRole('button', { name: id['coaching.report.submit'], exact: true }));
  expect(saved.status()).toBe(303);
  await expect(flash(asn)).toHaveText(id['coaching.done.report']);
  const again = asn.locator('li.card', { has: asn.getByRole('link', { name: title }) });
  await expect(again.getByLabel(id['coaching.report.learned'], { exact: true })).toHaveValue('Cara membuka **antrean daring** untuk warga.');

  // The coordinator reads it on the action's page.
  await page.goto(actionPath);
  const reports = page.getByRole('region', { name: id['coaching.reports'] });
  await expect(reports.locator('strong')).toHaveText('antrean daring');
  await expect(reports).toContainText('Warga tidak lagi menunggu sejak subuh.');
  expect(errors).toEqual([]);
});

test('a refused form shows the message next to the field and keeps what was typed', async ({ pageAs }) => {
  const page = await pageAs(COORDINATOR);
  await page.goto('/pembinaan/baru');
  await fillAction(page, 'ab', 'Tujuan yang diketik tetap ada.');
  await L.unit(page, 'Dinkes').check();
  const r = await submit(page, page.getByRole('button', { name: id['coaching.create'], exact: true }));
  expect(r.status()).toBe(422);
  await expectFieldError(page, L.title, id['coaching.err.title']);
  await expect(page.getByLabel(L.title, { exact: true })).toHaveValue('ab');
  await expect(page.getByLabel(L.goal, { exact: true })).toHaveValue('Tujuan yang diketik tetap ada.');
  await expect(page.getByLabel(L.startsOn, { exact: true })).toHaveValue('2026-12-14');
  await expect(L.kind(page)).toBeChecked();
  await expect(L.unit(page, 'Dinkes')).toBeChecked();
});

test('an impossible date (typed where the browser has no date picker) gets a message next to the field, not the request guard\'s page; what was typed is kept', async ({ pageAs }) => {
  const page = await pageAs(COORDINATOR);
  await page.goto('/pembinaan/baru');
  await fillAction(page, 'Pelatihan dengan tanggal mustahil', 'Tujuan yang diketik tetap ada.');
  await L.unit(page, 'Dinkes').check();
  // A browser without a date picker shows a text box: anything can be typed there.
  await page.getByLabel(L.startsOn, { exact: true }).evaluate((el) => ((el as HTMLInputElement).type = 'text'));
  await page.getByLabel(L.startsOn, { exact: true }).fill('2026-02-30');
  const r = await submit(page, page.getByRole('button', { name: id['coaching.create'], exact: true }));
  expect(r.status()).toBe(422);
  await expectFieldError(page, L.startsOn, id['coaching.err.date']);
  // Kept in the page (a date input's value property drops a day that does not exist; the attribute keeps it).
  await expect(page.getByLabel(L.startsOn, { exact: true })).toHaveAttribute('value', '2026-02-30');
  await expect(page.getByLabel(L.title, { exact: true })).toHaveValue('Pelatihan dengan tanggal mustahil');
  await expect(page.getByLabel(L.goal, { exact: true })).toHaveValue('Tujuan yang diketik tetap ada.');
  await expect(page.getByLabel(L.endsOn, { exact: true })).toHaveValue('2026-12-16');
  await expect(L.unit(page, 'Dinkes')).toBeChecked();
});

test('without JavaScript: create, link a public item from its moderation page; the public sees only the title; others get 404; a stale edit is refused', async ({ pageAs, adminPage }) => {
  const word = uniqueWord('tanpajs');
  const page = await pageAs(COORDINATOR, { javaScriptEnabled: false });
  await page.goto('/pembinaan/baru');
  const title = `Seminar pelayanan prima ${word}`;
  await fillAction(page, title, 'Petugas melayani dengan ramah.');
  await L.unit(page, 'Disdukcapil').check();
  expect((await submit(page, page.getByRole('button', { name: id['coaching.create'], exact: true }))).status()).toBe(303);
  const actionPath = new URL(page.url()).pathname;
  await expect(flash(page)).toHaveText(id['coaching.created']);

  const itemId = await publishedId(page, 'populerpasso');
  await page.goto(`/moderasi/${itemId}`);
  const section = page.getByRole('region', { name: id['coaching.fb.section'] });
  await section.getByLabel(id['coaching.fb.action'], { exact: true }).selectOption({ label: `${title} (${id['coaching.status.planned']})` });
  const linked = await submit(page, section.getByRole('button', { name: id['coaching.fb.link'], exact: true }));
  expect(linked.status()).toBe(303);
  await expect(page).toHaveURL(new RegExp(`/moderasi/${itemId}$`));
  await expect(flash(page)).toHaveText(id['coaching.done.linked']);
  await expect(page.getByRole('region', { name: id['coaching.fb.section'] }).getByRole('link', { name: title })).toHaveAttribute('href', actionPath);
  await expect(page.getByRole('region', { name: id['coaching.fb.section'] }).getByRole('link', { name: id['coaching.fb.createFrom'] })).toHaveAttribute('href', `/pembinaan/baru?masukan=${itemId}`);

  // The public: one line with the title, no link to the action and no names.
  const visitor = await pageAs(null, { javaScriptEnabled: false });
  await visitor.goto(`/masukan/${itemId}`);
  await expect(visitor.getByRole('heading', { level: 1 })).toHaveText(SEED_FEEDBACK.populer.title);
  await expect(visitor.locator('p.coaching-public')).toContainText(title);
  await expect(visitor.locator(`a[href="${actionPath}"]`)).toHaveCount(0);
  const anonymous = await visitor.request.get(actionPath, { maxRedirects: 0 });
  expect(anonymous.status()).toBe(303);
  expect(anonymous.headers().location).toMatch(/^\/masuk\?next=/);

  // An ASN who does not take part, and a resident: the action does not exist for them.
  const other = await pageAs(ACCOUNTS.asnDinkes, { javaScriptEnabled: false });
  expect((await other.goto(actionPath))?.status()).toBe(404);
  const resident = await pageAs(ACCOUNTS.resident, { javaScriptEnabled: false });
  expect((await resident.goto(actionPath))?.status()).toBe(404);
  expect((await resident.goto('/pembinaan'))?.status()).toBe(403);
  // Participation records are for coordinators only: 404 for anyone else.
  expect((await other.goto('/pembinaan/peserta/00000000-0000-4000-8000-000000000000'))?.status()).toBe(404);

  // Editing while another coordinator changed the action: 409, nothing overwritten, the typed text kept.
  await page.goto(`${actionPath}/ubah`);
  await page.getByLabel(L.title, { exact: true }).fill(`${title} diubah`);
  await adminPage.goto(actionPath);
  await submit(adminPage, adminPage.getByRole('button', { name: id['coaching.statusTo.in_progress'], exact: true }));
  const stale = await submit(page, page.getByRole('button', { name: id['coaching.save'], exact: true }));
  expect(stale.status()).toBe(409);
  await expect(errorSummary(page)).toContainText(id['coaching.err.staleEdit']);
  await expect(page.getByLabel(L.title, { exact: true })).toHaveValue(`${title} diubah`);
  await page.goto(`${actionPath}/ubah`);
  await page.getByLabel(L.title, { exact: true }).fill(`${title} diubah`);
  expect((await submit(page, page.getByRole('button', { name: id['coaching.save'], exact: true }))).status()).toBe(303);
  await expect(flash(page)).toHaveText(id['coaching.updated']);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`${title} diubah`);
  await expect(page.locator('dl.facts')).toContainText(id['coaching.status.in_progress']);
});
