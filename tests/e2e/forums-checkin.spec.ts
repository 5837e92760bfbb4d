import type { Page } from '@playwright/test';
import { FORUM_ACCOUNTS, SEED_FORUMS } from './forum-fixtures.ts';
import { checkInUrl, expectQrFor, fill, forumPath, registrationBox, registrationCode } from './forum-helpers.ts';
import { expect, expectFieldError, flash, id, scriptErrors, submit, test } from './test.ts';

/**
 * Check-in at the door (/forum/<slug>/checkin): typed codes in any case and spacing, the QR
 * code's URL, walk-ins only while a seat is free. Each test has a forum of its own taking
 * place today (tests/e2e/forum-fixtures.ts), so the attendee counts it asserts are its own.
 */

const F = SEED_FORUMS;
const A = FORUM_ACCOUNTS;

function attendeeCount(page: Page) {
  return page.locator('#attendee-count');
}

function codeSection(page: Page) {
  return page.locator('section[aria-labelledby="code-title"]');
}

/** Registers `page`'s person for the forum at `path` without JavaScript and returns their code. */
async function registerNoJs(page: Page, path: string): Promise<string> {
  await page.goto(path);
  const r = await submit(page, registrationBox(page).getByRole('button', { name: id['forum.register'], exact: true }));
  expect(r.status()).toBe(303);
  await expect(registrationBox(page)).toContainText(id['forum.youAreRegistered']);
  return registrationCode(page);
}

test('without JavaScript: typed codes (lowercase, without dashes) check people in and the count goes up', async ({ pageAs }) => {
  const path = forumPath('hariIni');
  const alfa = await pageAs(A.wargaA, { javaScriptEnabled: false });
  const beta = await pageAs(A.wargaB, { javaScriptEnabled: false });
  const codeA = await registerNoJs(alfa, path);
  const codeB = await registerNoJs(beta, path);

  const mod = await pageAs(A.moderator, { javaScriptEnabled: false });
  await mod.goto(forumPath('hariIni', '/checkin'));
  await expect(mod.getByRole('heading', { level: 1 })).toHaveText(id['forum.checkIn']);
  const seats = F.hariIni.capacity + F.hariIni.reservedAsn;
  await expect(attendeeCount(mod)).toHaveText(fill(id['forum.attendeesLive'], { n: 0, seats }));
  const code = mod.locator('#f-code');
  const checkIn = codeSection(mod).getByRole('button', { name: id['forum.ci.checkIn'] });

  // Bad input: nothing, something that cannot be a code, a code of nobody here.
  let r = await submit(mod, checkIn);
  expect(r.status()).toBe(422);
  await expectFieldError(mod, code, id['forum.err.codeFormat']);
  await code.fill('F-12-34');
  r = await submit(mod, checkIn);
  expect(r.status()).toBe(422);
  await expectFieldError(mod, code, id['forum.err.codeFormat']);
  await expect(code).toHaveValue('F-12-34');
  // A well-formed code that nobody here holds.
  const nobody = [codeA, codeB].includes('F-2222-2222') ? 'F-3333-3333' : 'F-2222-2222';
  await code.fill(nobody);
  r = await submit(mod, checkIn);
  expect(r.status()).toBe(422);
  await expectFieldError(mod, code, id['forum.err.codeUnknown']);
  await expect(code).toHaveValue(nobody);
  await expect(attendeeCount(mod)).toHaveText(fill(id['forum.attendeesLive'], { n: 0, seats }));

  // Alfa's code in lowercase without dashes.
  await code.fill(codeA.replace(/-/g, '').toLowerCase());
  r = await submit(mod, checkIn);
  expect(r.status()).toBe(200);
  await expect(mod.locator('#checkin-result')).toHaveText(fill(id['forum.checkedIn'], { name: A.wargaA.displayName }));
  await expect(attendeeCount(mod)).toHaveText(fill(id['forum.attendeesLive'], { n: 1, seats }));
  await expect(code).toHaveValue('');

  // The same code again: already present, the count stays.
  await code.fill(codeA);
  await submit(mod, checkIn);
  await expect(mod.locator('#checkin-result')).toHaveText(fill(id['forum.alreadyCheckedIn'], { name: A.wargaA.displayName }));
  await expect(attendeeCount(mod)).toHaveText(fill(id['forum.attendeesLive'], { n: 1, seats }));

  // Beta's code with spaces instead of dashes, without the F.
  await code.fill(` ${codeB.slice(2, 6).toLowerCase()} ${codeB.slice(7).toLowerCase()} `);
  await submit(mod, checkIn);
  await expect(mod.locator('#checkin-result')).toHaveText(fill(id['forum.checkedIn'], { name: A.wargaB.displayName }));
  await expect(attendeeCount(mod)).toHaveText(fill(id['forum.attendeesLive'], { n: 2, seats }));

  // Searching by name shows them present; the attendee's own page says so too.
  await mod.locator('#f-cari').fill('Forum Alfa');
  await mod.getByRole('button', { name: id['form.search'] }).click();
  const row = mod.locator('tbody tr', { hasText: A.wargaA.displayName });
  await expect(row).toContainText(codeA);
  await expect(row).toContainText(id['forum.ci.present']);
  await alfa.reload();
  await expect(registrationBox(alfa)).toContainText(id['forum.youAttended']);
  // Still present after a reload of the moderator's page (stored, not just shown).
  await mod.goto(forumPath('hariIni', '/checkin'));
  await expect(attendeeCount(mod)).toHaveText(fill(id['forum.attendeesLive'], { n: 2, seats }));
});

test('with JavaScript: the URL in the QR code opens check-in with the code filled in', async ({ pageAs, baseURL }) => {
  const slug = F.qr.slug;
  const gama = await pageAs(A.wargaC);
  await gama.goto(forumPath('qr'));
  await registrationBox(gama).getByRole('button', { name: id['forum.register'], exact: true }).click();
  await expect(registrationBox(gama)).toContainText(id['forum.youAreRegistered']);
  const codeC = await registrationCode(gama);
  // The QR code holds exactly this URL.
  const url = checkInUrl(baseURL!, slug, codeC);
  await expectQrFor(gama, baseURL!, slug, codeC);

  const mod = await pageAs(A.moderator);
  const errors = scriptErrors(mod);
  // A phone's camera opens the URL (here with the code as some readers give it: lowercase).
  const lower = url.replace(codeC, codeC.toLowerCase());
  expect((await mod.goto(new URL(lower).pathname + new URL(lower).search))?.status()).toBe(200);
  await expect(mod.locator('#f-code')).toHaveValue(codeC);
  const row = mod.locator('tbody tr', { hasText: A.wargaC.displayName });
  await expect(row).toContainText(codeC);
  await expect(row).toContainText(id['registration.status.registered']);
  const seats = F.qr.capacity + F.qr.reservedAsn;
  await expect(attendeeCount(mod)).toHaveText(fill(id['forum.attendeesLive'], { n: 0, seats }));

  const r = await submit(mod, codeSection(mod).getByRole('button', { name: id['forum.ci.checkIn'] }));
  expect(r.status()).toBe(200);
  await expect(mod.locator('#checkin-result')).toHaveText(fill(id['forum.checkedIn'], { name: A.wargaC.displayName }));
  await expect(attendeeCount(mod)).toHaveText(fill(id['forum.attendeesLive'], { n: 1, seats }));
  expect(errors, errors.join('\n')).toEqual([]);

  // Residents cannot open the check-in page.
  expect((await gama.goto(forumPath('qr', '/checkin')))?.status()).toBe(403);
});

test('without JavaScript: a walk-in is refused while the seats are full, with the message next to the name', async ({ pageAs }) => {
  const mod = await pageAs(A.moderator, { javaScriptEnabled: false });
  const path = forumPath('pintuPenuh', '/checkin');
  await mod.goto(path);
  const seats = F.pintuPenuh.capacity + F.pintuPenuh.reservedAsn;
  await expect(attendeeCount(mod)).toHaveText(fill(id['forum.attendeesLive'], { n: 0, seats }));
  const walkIn = mod.locator('section[aria-labelledby="walkin-title"]');
  await expect(walkIn.locator('p.hint')).toHaveText(fill(id['forum.ci.walkInHint'], { n: 0 }));
  const name = mod.locator('#f-name');
  const record = mod.getByRole('button', { name: id['forum.ci.recordWalkIn'] });

  let r = await submit(mod, record);
  expect(r.status()).toBe(422);
  await expectFieldError(mod, name, id['forum.err.walkInName']);

  await name.fill('Ibu Pintu Penuh');
  r = await submit(mod, record);
  expect(r.status()).toBe(422);
  await expectFieldError(mod, name, id['forum.err.walkInFull']);
  await expect(name).toHaveValue('Ibu Pintu Penuh');
  await expect(attendeeCount(mod)).toHaveText(fill(id['forum.attendeesLive'], { n: 0, seats }));

  // The registered person calls off: the moderator cancels their registration ...
  await mod.locator('#f-cari').fill('Forum Delta');
  await mod.getByRole('button', { name: id['form.search'] }).click();
  const row = mod.locator('tbody tr', { hasText: A.wargaD.displayName });
  await expect(row).toContainText(id['registration.status.registered']);
  r = await submit(mod, row.getByRole('button', { name: id['forum.ci.cancelReg'] }));
  expect(r.status()).toBe(303);
  await expect(flash(mod)).toHaveText(id['forum.registrationCancelledByMod']);
  const cancelledRow = mod.locator('tbody tr', { hasText: A.wargaD.displayName });
  await expect(cancelledRow).toContainText(id['registration.status.cancelled']);
  // Their code no longer checks them in.
  const codeD = (await cancelledRow.locator('code').textContent())!.trim();
  await mod.locator('#f-code').fill(codeD.toLowerCase());
  r = await submit(mod, codeSection(mod).getByRole('button', { name: id['forum.ci.checkIn'] }));
  expect(r.status()).toBe(422);
  await expectFieldError(mod, mod.locator('#f-code'), fill(id['forum.err.registrationCancelled'], { name: A.wargaD.displayName }));
  await expect(attendeeCount(mod)).toHaveText(fill(id['forum.attendeesLive'], { n: 0, seats }));

  // ... and the walk-in takes the free seat.
  await mod.locator('#f-name').fill('Ibu Pintu Penuh');
  r = await submit(mod, mod.getByRole('button', { name: id['forum.ci.recordWalkIn'] }));
  expect(r.status()).toBe(303);
  await expect(flash(mod)).toHaveText(id['forum.walkInRecorded']);
  await expect(attendeeCount(mod)).toHaveText(fill(id['forum.attendeesLive'], { n: 1, seats }));

  // Full again: the next one is refused.
  await mod.locator('#f-name').fill('Bapak Terlambat');
  r = await submit(mod, mod.getByRole('button', { name: id['forum.ci.recordWalkIn'] }));
  expect(r.status()).toBe(422);
  await expectFieldError(mod, mod.locator('#f-name'), id['forum.err.walkInFull']);
  await expect(attendeeCount(mod)).toHaveText(fill(id['forum.attendeesLive'], { n: 1, seats }));
});
