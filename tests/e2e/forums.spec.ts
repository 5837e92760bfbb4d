import type { Page } from '@playwright/test';
import { FORUM_ACCOUNTS, SEED_FORUMS } from './forum-fixtures.ts';
import { expectQrFor, fill, forumPath, outboxBody, outboxCount, registrationBox, registrationCode, seatsFact } from './forum-helpers.ts';
import { errorSummary, expect, expectFieldError, flash, id, messagePattern, publishedId, scriptErrors, submit, test } from './test.ts';

/**
 * Forums in the browser: the list and month view, the .ics, registering, the waitlist,
 * cancelling and promotion (with and without JavaScript), ASN seats, and bad input on the
 * moderators' forms (schedule, edit, cancel, agenda, minutes, commitments). Check-in is in
 * forums-checkin.spec.ts. The forums are seeded (tests/e2e/forum-fixtures.ts).
 */

const F = SEED_FORUMS;
const A = FORUM_ACCOUNTS;

/** The list under a heading of /forum ("Forum mendatang", "Forum yang sudah berlangsung"). */
function listUnder(page: Page, heading: string) {
  return page.locator(`h2:text-is("${heading}") + ul.board`);
}

test.describe('the forum list', () => {
  test('shows upcoming and past forums, hides drafts from the public, and has a month view', async ({ pageAs }) => {
    const visitor = await pageAs(null, { javaScriptEnabled: false });
    const r = await visitor.goto('/forum');
    expect(r?.status()).toBe(200);
    await expect(visitor.getByRole('heading', { level: 1 })).toHaveText(id['forum.title']);
    const upcoming = listUnder(visitor, id['forum.upcoming']);
    const past = listUnder(visitor, id['forum.past']);

    const open = upcoming.locator('li.board-item', { has: visitor.getByRole('link', { name: F.buka.title }) });
    await expect(open).toHaveCount(1);
    await expect(open.locator('p.meta').first()).toContainText(F.buka.venue);
    await expect(open.locator('p.meta').first()).toContainText('Dinkes');
    await expect(open.locator('p.meta').nth(1)).toHaveText(messagePattern('forum.seatsLeft'));
    await expect(past.getByRole('link', { name: F.buka.title })).toHaveCount(0);

    const done = past.locator('li.board-item', { has: visitor.getByRole('link', { name: F.selesai.title }) });
    await expect(done).toHaveCount(1);
    await expect(done.locator('.badge')).toHaveText(id['forum.status.closed']);
    await expect(done.locator('p.meta')).toContainText(fill(id['forum.attendeeCount'], { n: 0 }));
    await expect(done.locator('p.meta')).toContainText(id['forum.minutesAvailable']);
    await expect(upcoming.getByRole('link', { name: F.selesai.title })).toHaveCount(0);

    // Drafts: not listed, and their page is not found, for anyone but moderators.
    expect(await visitor.content()).not.toContain(F.draf.title);
    expect((await visitor.goto(forumPath('draf')))?.status()).toBe(404);
    const moderator = await pageAs(A.moderator, { javaScriptEnabled: false });
    await moderator.goto('/forum');
    const draft = listUnder(moderator, id['forum.upcoming']).locator('li.board-item', { has: moderator.getByRole('link', { name: F.draf.title }) });
    await expect(draft.locator('.badge')).toHaveText(id['forum.status.draft']);

    // The month view of the open forum's month (its WIT date read from its .ics) shows it on its day.
    const ics = await (await visitor.request.get(forumPath('buka', '.ics'))).text();
    const start = /DTSTART;TZID=Asia\/Jayapura:(\d{4})(\d{2})(\d{2})T/.exec(ics);
    expect(start, ics).toBeTruthy();
    const [, y, m, d] = start!;
    await visitor.goto(`/forum?bulan=${y}-${m}`);
    const monthTitle = visitor.locator('#month-title');
    await expect(monthTitle).toContainText(id['forum.monthView']);
    await expect(monthTitle).toContainText(y!);
    const cell = visitor.locator('table.month td.has-forum', { has: visitor.locator('a.month-forum', { hasText: F.buka.title }) });
    await expect(cell).toHaveCount(1);
    await expect(cell.locator('span.day')).toHaveText(String(Number(d)));
    await expect(cell.locator('a.month-forum', { hasText: F.buka.title })).toHaveAttribute('href', forumPath('buka'));
    // Drafts are not in the public month view.
    await expect(visitor.locator('table.month a.month-forum', { hasText: F.draf.title })).toHaveCount(0);
    // The next month does not show it; the previous link comes back.
    await visitor.getByRole('link', { name: new RegExp(id['forum.nextMonth']) }).click();
    const next = Number(m) === 12 ? `${Number(y) + 1}-01` : `${y}-${String(Number(m) + 1).padStart(2, '0')}`;
    await expect(visitor).toHaveURL(new RegExp(`/forum\\?bulan=${next}#month-title$`));
    await expect(visitor.locator('table.month a.month-forum', { hasText: F.buka.title })).toHaveCount(0);
    await visitor.getByRole('link', { name: new RegExp(id['forum.prevMonth']) }).click();
    await expect(visitor.locator('table.month a.month-forum', { hasText: F.buka.title })).toHaveCount(1);
    // An impossible month is refused by the request guard with a clear 400 (issue 15), never a 500.
    expect((await visitor.goto('/forum?bulan=2026-13'))?.status()).toBe(400);
    // A malformed one falls back to the current month.
    expect((await visitor.goto('/forum?bulan=abc'))?.status()).toBe(200);
  });

  test('a forum\'s .ics downloads as text/calendar with the event', async ({ page, baseURL }) => {
    const res = await page.request.get(forumPath('buka', '.ics'));
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toMatch(/^text\/calendar\b/);
    expect(res.headers()['content-disposition']).toBe(`attachment; filename="${F.buka.slug}.ics"`);
    const body = await res.text();
    expect(body).toMatch(/^BEGIN:VCALENDAR\r\n/);
    expect(body).toContain('BEGIN:VEVENT');
    expect(body).toContain(`SUMMARY:${F.buka.title}`);
    expect(body).toContain('STATUS:CONFIRMED');
    expect(body).toContain(`URL;VALUE=URI:${baseURL}/forum/${F.buka.slug}`);
    expect(body).toMatch(/DTSTART;TZID=Asia\/Jayapura:\d{8}T\d{6}/);

    // The page's link downloads it.
    await page.goto(forumPath('buka'));
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: id['forum.addToCalendar'] }).click()]);
    expect(download.suggestedFilename()).toBe(`${F.buka.slug}.ics`);
    const chunks: Buffer[] = [];
    for await (const c of await download.createReadStream()) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString('utf8')).toContain(`SUMMARY:${F.buka.title}`);

    // A draft's .ics is not found by the public.
    expect((await page.request.get(forumPath('draf', '.ics'))).status()).toBe(404);
  });
});

test.describe('registering', () => {
  test('without JavaScript: seat with code and QR, waitlist positions, cancelling promotes the first waitlisted (and emails them)', async ({ pageAs, adminPage, baseURL }) => {
    const slug = F.penuh.slug;
    const a = await pageAs(A.wargaA, { javaScriptEnabled: false });
    const b = await pageAs(A.wargaB, { javaScriptEnabled: false });
    const c = await pageAs(A.wargaC, { javaScriptEnabled: false });

    // A takes the only seat.
    await a.goto(forumPath('penuh'));
    await expect(registrationBox(a)).toContainText(fill(id['forum.seatsLeft'], { n: 1 }));
    let r = await submit(a, registrationBox(a).getByRole('button', { name: id['forum.register'], exact: true }));
    expect(r.status()).toBe(303);
    await expect(flash(a)).toHaveText(id['forum.registeredFlash']);
    await expect(registrationBox(a)).toContainText(id['forum.youAreRegistered']);
    const codeA = await registrationCode(a);
    await expectQrFor(a, baseURL!, slug, codeA);
    await expect(seatsFact(a)).toContainText(fill(id['forum.seatsResidents'], { taken: 1, capacity: 1 }));

    // B and C join the waitlist, in order; no code or QR for them yet.
    await b.goto(forumPath('penuh'));
    await expect(registrationBox(b)).toContainText(id['forum.fullWaitlist']);
    r = await submit(b, registrationBox(b).getByRole('button', { name: id['forum.joinWaitlist'] }));
    expect(r.status()).toBe(303);
    await expect(flash(b)).toHaveText(id['forum.waitlistedFlash']);
    await expect(registrationBox(b)).toContainText(id['forum.youAreWaitlisted']);
    await expect(b.locator('#waitlist-position')).toHaveText(fill(id['forum.waitlistPosition'], { n: 1 }));
    await expect(registrationBox(b).locator('#registration-code, figure.qr')).toHaveCount(0);
    await expect(registrationBox(b).getByRole('button', { name: id['forum.leaveWaitlist'] })).toBeVisible();

    await c.goto(forumPath('penuh'));
    await submit(c, registrationBox(c).getByRole('button', { name: id['forum.joinWaitlist'] }));
    await expect(c.locator('#waitlist-position')).toHaveText(fill(id['forum.waitlistPosition'], { n: 2 }));
    await expect(seatsFact(c)).toContainText(fill(id['forum.waitlistCount'], { n: 2 }));

    // Registering twice is refused (a second tab with the old form).
    const stale = await pageAs(A.wargaC, { javaScriptEnabled: false });
    await stale.goto(forumPath('penuh'));
    await expect(registrationBox(stale).getByRole('button', { name: id['forum.leaveWaitlist'] })).toBeVisible();
    const again = await stale.request.post(forumPath('penuh'), { form: { action: 'register' }, headers: { Origin: baseURL! }, maxRedirects: 0 });
    expect(again.status()).toBe(422);
    expect(await again.text()).toContain(id['forum.err.alreadyRegistered']);

    // A cancels: the seat goes to B, the first waitlisted.
    await a.reload();
    r = await submit(a, registrationBox(a).getByRole('button', { name: id['forum.cancelRegistration'] }));
    expect(r.status()).toBe(303);
    await expect(flash(a)).toHaveText(id['forum.cancelledFlash']);
    await expect(registrationBox(a).locator('#registration-code')).toHaveCount(0);
    // Still full (B has the seat now), one left on the waitlist.
    await expect(registrationBox(a)).toContainText(id['forum.fullWaitlist']);
    await expect(seatsFact(a)).toContainText(fill(id['forum.seatsResidents'], { taken: 1, capacity: 1 }));
    await expect(seatsFact(a)).toContainText(fill(id['forum.waitlistCount'], { n: 1 }));

    await b.reload();
    await expect(registrationBox(b)).toContainText(id['forum.youAreRegistered']);
    const codeB = await registrationCode(b);
    expect(codeB).not.toBe(codeA);
    await expectQrFor(b, baseURL!, slug, codeB);
    await expect(b.locator('#waitlist-position')).toHaveCount(0);

    await c.reload();
    await expect(c.locator('#waitlist-position')).toHaveText(fill(id['forum.waitlistPosition'], { n: 1 }));

    // B is told by email, with the code; C is not.
    const subject = fill(id['email.forum.promoted.subject'], { forum: F.penuh.title });
    const body = await outboxBody(adminPage, A.wargaB.email, subject);
    expect(body).toContain(codeB);
    expect(body).toContain(`${baseURL}/forum/${slug}`);
    expect(await outboxCount(adminPage, A.wargaC.email, subject)).toBe(0);

    // A, coming back, goes to the back of the line.
    r = await submit(a, registrationBox(a).getByRole('button', { name: id['forum.joinWaitlist'] }));
    expect(r.status()).toBe(303);
    await expect(a.locator('#waitlist-position')).toHaveText(fill(id['forum.waitlistPosition'], { n: 2 }));
  });

  test('with JavaScript: register, join the waitlist and cancel swap the registration box in place', async ({ pageAs, adminPage, baseURL }) => {
    const slug = F.penuhJs.slug;
    const a = await pageAs(A.wargaA);
    const b = await pageAs(A.wargaB);
    const errorsA = scriptErrors(a);
    const errorsB = scriptErrors(b);

    /** Clicks a button of the box and waits for htmx's POST and swap (no page load). */
    async function swap(page: Page, button: string, expectText: string) {
      await page.evaluate(() => ((window as unknown as { __stay: number }).__stay = 42));
      const posted = page.waitForResponse((res) => res.request().method() === 'POST' && new URL(res.url()).pathname === `/forum/${slug}`);
      await registrationBox(page).getByRole('button', { name: button, exact: true }).click();
      const res = await posted;
      expect(res.request().resourceType(), 'htmx posts with fetch, not a form navigation').toBe('fetch');
      await expect(registrationBox(page)).toContainText(expectText);
      // The same document: no navigation happened.
      expect(await page.evaluate(() => (window as unknown as { __stay?: number }).__stay)).toBe(42);
      await expect(page).toHaveURL(new RegExp(`/forum/${slug}$`));
      await expect(page.locator('#registration')).toHaveCount(1);
    }

    await a.goto(forumPath('penuhJs'));
    await swap(a, id['forum.register'], id['forum.youAreRegistered']);
    const codeA = await registrationCode(a);
    await expectQrFor(a, baseURL!, slug, codeA);

    await b.goto(forumPath('penuhJs'));
    await swap(b, id['forum.joinWaitlist'], id['forum.youAreWaitlisted']);
    await expect(b.locator('#waitlist-position')).toHaveText(fill(id['forum.waitlistPosition'], { n: 1 }));

    // A cancels in place: the box offers the waitlist (B took the seat).
    await swap(a, id['forum.cancelRegistration'], id['forum.fullWaitlist']);
    await expect(registrationBox(a).locator('#registration-code')).toHaveCount(0);
    await expect(registrationBox(a).getByRole('button', { name: id['forum.joinWaitlist'] })).toBeVisible();

    // B's page, reloaded, shows the seat and a code.
    await b.reload();
    await expect(registrationBox(b)).toContainText(id['forum.youAreRegistered']);
    const codeB = await registrationCode(b);
    await expectQrFor(b, baseURL!, slug, codeB);
    const body = await outboxBody(adminPage, A.wargaB.email, fill(id['email.forum.promoted.subject'], { forum: F.penuhJs.title }));
    expect(body).toContain(codeB);

    // B leaves (in place too): the seat is free again and nobody waits.
    await swap(b, id['forum.cancelRegistration'], fill(id['forum.seatsLeft'], { n: 1 }));
    expect(errorsA, errorsA.join('\n')).toEqual([]);
    expect(errorsB, errorsB.join('\n')).toEqual([]);
  });

  test('an ASN of a participating unit takes a reserved ASN seat; others cannot register', async ({ pageAs }) => {
    const asn = await pageAs(A.asnDinkes, { javaScriptEnabled: false });
    await asn.goto(forumPath('buka'));
    await expect(seatsFact(asn)).toContainText(fill(id['forum.seatsAsn'], { taken: 0, reserved: F.buka.reservedAsn }));
    const residentsBefore = (await seatsFact(asn).textContent())!.match(/Warga: (\d+) dari/)![1];
    await expect(registrationBox(asn)).toContainText(fill(id['forum.asnSeatsLeft'], { n: F.buka.reservedAsn }));
    const r = await submit(asn, registrationBox(asn).getByRole('button', { name: id['forum.register'], exact: true }));
    expect(r.status()).toBe(303);
    await expect(registrationBox(asn)).toContainText(id['forum.youAreRegistered']);
    await registrationCode(asn);
    await expect(seatsFact(asn)).toContainText(fill(id['forum.seatsAsn'], { taken: 1, reserved: F.buka.reservedAsn }));
    // Residents' seats are untouched.
    await expect(seatsFact(asn)).toContainText(`Warga: ${residentsBefore} dari ${F.buka.capacity} kursi terisi`);
    // The forum appears among their registrations.
    await asn.goto('/forum');
    await expect(asn.locator('section[aria-labelledby="mine-title"] li', { hasText: F.buka.title })).toContainText(id['registration.status.registered']);

    // Staff of a unit that does not take part: a message, no button.
    const other = await pageAs(A.asnDishub, { javaScriptEnabled: false });
    await other.goto(forumPath('buka'));
    await expect(registrationBox(other)).toContainText(id['forum.err.unitNotParticipating']);
    await expect(registrationBox(other).getByRole('button')).toHaveCount(0);
    // Moderators run forums.
    const moderator = await pageAs(A.moderator, { javaScriptEnabled: false });
    await moderator.goto(forumPath('buka'));
    await expect(registrationBox(moderator)).toContainText(id['forum.err.staffRunForums']);
    // Visitors are asked to sign in, and come back here afterwards.
    const visitor = await pageAs(null, { javaScriptEnabled: false });
    await visitor.goto(forumPath('buka'));
    await expect(registrationBox(visitor).getByRole('link', { name: id['forum.signInToRegister'] })).toHaveAttribute('href', `/masuk?next=${encodeURIComponent(forumPath('buka'))}`);
  });
});

test('questions ahead: a registered resident asks (bad input first), the unit reads it, the moderator puts it on the agenda', async ({ pageAs }) => {
  const resident = await pageAs(A.wargaB, { javaScriptEnabled: false });
  await resident.goto(forumPath('tanya'));
  // Not registered yet: no question form.
  await expect(resident.locator('#questions')).toHaveCount(0);
  await submit(resident, registrationBox(resident).getByRole('button', { name: id['forum.register'], exact: true }));
  await expect(registrationBox(resident)).toContainText(id['forum.youAreRegistered']);
  const body = resident.locator('#f-body');
  await body.fill('Kenapa?');
  await resident.locator('#f-unit_id').selectOption({ label: 'Disdukcapil' });
  let r = await submit(resident, resident.getByRole('button', { name: id['forum.q.send'] }));
  expect(r.status()).toBe(422);
  await expectFieldError(resident, body, id['forum.err.questionBody']);
  await expect(body).toHaveValue('Kenapa?');
  await expect(resident.locator('#f-unit_id option:checked')).toHaveText('Disdukcapil');
  // The registration is untouched by the failed question.
  await expect(registrationBox(resident)).toContainText(id['forum.youAreRegistered']);

  const question = 'Kapan pencetakan KTP tanyaujiktp di kantor kecamatan dibuka lagi?';
  await body.fill(question);
  r = await submit(resident, resident.getByRole('button', { name: id['forum.q.send'] }));
  expect(r.status()).toBe(303);
  await expect(flash(resident)).toHaveText(id['forum.questionSent']);
  await expect(resident.locator('#questions li', { hasText: question }).locator('.badge')).toHaveText(id['question.status.submitted']);

  // Disdukcapil's staff would see it (the question is for their unit); Dinkes's staff do not; Dishub's have no page.
  const dinkes = await pageAs(A.asnDinkes, { javaScriptEnabled: false });
  await dinkes.goto(forumPath('tanya', '/pertanyaan'));
  await expect(dinkes.locator('main')).toContainText(fill(id['forum.questionsForYourUnit'], { unit: 'Dinkes' }));
  await expect(dinkes.getByText(question)).toHaveCount(0);
  const dishub = await pageAs(A.asnDishub, { javaScriptEnabled: false });
  expect((await dishub.goto(forumPath('tanya', '/pertanyaan')))?.status()).toBe(404);

  // The moderator puts it on the agenda; the public agenda and the asker see it.
  const mod = await pageAs(A.moderator, { javaScriptEnabled: false });
  await mod.goto(forumPath('tanya', '/agenda'));
  const card = mod.locator('li.card', { hasText: question });
  await expect(card).toContainText('Disdukcapil');
  r = await submit(mod, card.getByRole('button', { name: id['forum.selectQuestion'] }));
  expect(r.status()).toBe(303);
  await expect(mod.locator('ol.agenda li', { hasText: question })).toContainText('Disdukcapil');
  await resident.reload();
  await expect(resident.locator('section[aria-labelledby="agenda-title"] ol.agenda li', { hasText: question })).toHaveCount(1);
  await expect(resident.locator('#questions li', { hasText: question }).locator('.badge')).toHaveText(id['question.status.selected']);
});

test.describe('moderator forms refuse bad input next to the field and keep what was typed', () => {
  test('scheduling a forum', async ({ pageAs }) => {
    const page = await pageAs(A.moderator, { javaScriptEnabled: false });
    await page.goto('/forum/baru');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(id['forum.new']);
    const save = page.getByRole('button', { name: id['forum.create'] });
    const f = (name: string) => page.locator(`#f-${name}`);

    // Round 1: every field on its own is wrong.
    await f('title').fill('Abc');
    await f('description').fill('Deskripsi **uji** tetap ada.');
    await f('starts_at').fill('');
    await f('capacity').fill('0');
    await f('reserved_asn').fill('-1');
    await f('registration_opens_at').fill('');
    let r = await submit(page, save);
    expect(r.status()).toBe(422);
    await expectFieldError(page, f('title'), id['forum.err.title']);
    await expectFieldError(page, f('starts_at'), id['forum.err.dateTime']);
    await expectFieldError(page, f('capacity'), id['forum.err.capacity']);
    await expectFieldError(page, f('reserved_asn'), id['forum.err.reservedAsn']);
    await expectFieldError(page, f('registration_opens_at'), id['forum.err.dateTime']);
    await expect(page.locator('#f-unit_ids-error')).toHaveText(id['forum.err.units']);
    await expect(errorSummary(page).locator('a[href="#f-unit_ids"]')).toContainText(id['forum.err.units']);
    // In person without a venue: said now too, not only once the dates are fixed.
    await expectFieldError(page, f('venue'), id['forum.err.venueRequired']);
    await expect(page.locator('[aria-invalid="true"]')).toHaveCount(6);
    // The summary lists them in the order of the form.
    expect(await errorSummary(page).locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual(
      ['#f-title', '#f-starts_at', '#f-venue', '#f-capacity', '#f-reserved_asn', '#f-registration_opens_at', '#f-unit_ids'],
    );
    await expect(f('title')).toHaveValue('Abc');
    await expect(f('description')).toHaveValue('Deskripsi **uji** tetap ada.');
    await expect(f('capacity')).toHaveValue('0');
    await expect(f('reserved_asn')).toHaveValue('-1');

    // Round 2: fields fine alone, wrong together (order of times, online without a proper link).
    const title = `Forum Uji Jadwal ${Date.now().toString(36)} Kesehatan`;
    await f('title').fill(title);
    await f('starts_at').fill('2027-02-10T10:00');
    await f('ends_at').fill('2027-02-10T09:00');
    await f('capacity').fill('25');
    await f('reserved_asn').fill('2');
    await f('registration_opens_at').fill('2027-02-05T08:00');
    await f('registration_closes_at').fill('2027-02-01T08:00');
    await page.getByRole('radio', { name: id['forum.mode.hybrid'], exact: true }).check();
    await f('venue').fill('Aula Dinkes');
    await f('online_url').fill('zoom saja');
    // Units are grouped by sector in closed <details>: open Dinkes's group, then tick it.
    const dinkes = page.locator('label.choice').filter({ hasText: /^\s*Dinkes\s*$/ }).locator('input[name="unit_ids"]');
    await dinkes.locator('xpath=ancestor::details[1]/summary').click();
    await dinkes.check();
    r = await submit(page, save);
    expect(r.status()).toBe(422);
    await expectFieldError(page, f('ends_at'), id['forum.err.endsBeforeStart']);
    await expectFieldError(page, f('registration_closes_at'), id['forum.err.windowOrder']);
    await expectFieldError(page, f('online_url'), id['forum.err.onlineUrl']);
    await expect(page.locator('[aria-invalid="true"]')).toHaveCount(3);
    await expect(f('title')).toHaveValue(title);
    await expect(f('ends_at')).toHaveValue('2027-02-10T09:00');
    await expect(f('online_url')).toHaveValue('zoom saja');
    await expect(page.getByRole('radio', { name: id['forum.mode.hybrid'], exact: true })).toBeChecked();
    await expect(dinkes).toBeChecked();

    // Round 3: registration closing after the end; in person without a venue.
    await f('ends_at').fill('2027-02-10T12:00');
    await f('registration_closes_at').fill('2027-02-11T08:00');
    await page.getByRole('radio', { name: id['forum.mode.in_person'], exact: true }).check();
    await f('venue').fill('');
    r = await submit(page, save);
    expect(r.status()).toBe(422);
    await expectFieldError(page, f('registration_closes_at'), id['forum.err.windowAfterEnd']);
    await expectFieldError(page, f('venue'), id['forum.err.venueRequired']);

    // Corrected and published at once.
    await f('registration_closes_at').fill('2027-02-09T17:00');
    await f('venue').fill('Aula Dinas Kesehatan');
    await page.getByRole('checkbox', { name: id['forum.f.publishNow'] }).check();
    r = await submit(page, save);
    expect(r.status()).toBe(303);
    await expect(page).toHaveURL(/\/forum\/2027-02-10-forum-uji-jadwal-[a-z0-9]+-kesehatan$/);
    await expect(flash(page)).toHaveText(id['forum.created']);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
    await expect(page.locator('dl.facts')).toContainText('Aula Dinas Kesehatan');
    await expect(page.locator('dl.facts')).toContainText(fill(id['forum.seatsResidents'], { taken: 0, capacity: 25 }));
    await expect(page.locator('.prose strong')).toHaveText('uji');
    // Published: the public sees it.
    const visitor = await pageAs(null, { javaScriptEnabled: false });
    expect((await visitor.goto(new URL(page.url()).pathname))?.status()).toBe(200);
    await expect(visitor.getByRole('heading', { level: 1 })).toHaveText(title);
  });

  test('editing and cancelling a forum (the reason is required) tells its registrants', async ({ pageAs, adminPage }) => {
    const page = await pageAs(A.moderator, { javaScriptEnabled: false });
    await page.goto(forumPath('batal', '/ubah'));
    await expect(page.locator('main .badge').first()).toHaveText(id['forum.status.published']);

    // The edit form: a bad capacity is refused next to it.
    await page.locator('#f-capacity').fill('5001');
    let r = await submit(page, page.getByRole('button', { name: id['form.save'] }));
    expect(r.status()).toBe(422);
    await expectFieldError(page, page.locator('#f-capacity'), id['forum.err.capacity']);
    await expect(page.locator('#f-capacity')).toHaveValue('5001');
    await expect(page.locator('#f-title')).toHaveValue(F.batal.title);

    // Cancelling: a too-short reason is refused next to the field and kept.
    await page.goto(forumPath('batal', '/ubah'));
    const reason = page.locator('#f-reason');
    await reason.fill('abc');
    r = await submit(page, page.getByRole('button', { name: id['forum.cancelForum'] }));
    expect(r.status()).toBe(422);
    await expectFieldError(page, reason, id['forum.err.cancelReason']);
    await expect(reason).toHaveValue('abc');
    // Nothing changed.
    const visitor = await pageAs(null, { javaScriptEnabled: false });
    await visitor.goto(forumPath('batal'));
    await expect(visitor.locator('h1 .badge')).toHaveCount(0);

    const why = 'Aula dipakai untuk vaksinasi massal batalalasan.';
    await reason.fill(why);
    r = await submit(page, page.getByRole('button', { name: id['forum.cancelForum'] }));
    expect(r.status()).toBe(303);
    await expect(page).toHaveURL(new RegExp(`${forumPath('batal')}$`));
    await expect(flash(page)).toHaveText(id['forum.cancelledForumFlash']);
    await expect(page.locator('h1 .badge')).toHaveText(id['forum.status.cancelled']);
    await expect(page.locator('p.notice')).toHaveText(`${id['forum.cancelledNotice']} ${why}`);
    await visitor.reload();
    await expect(registrationBox(visitor)).toContainText(id['forum.err.cancelled']);
    // The registrant is told why.
    const body = await outboxBody(adminPage, A.wargaD.email, fill(id['email.forum.cancelled.subject'], { forum: F.batal.title }));
    expect(body).toContain(why);
    // A cancelled forum is no longer editable.
    await page.goto(forumPath('batal', '/ubah'));
    await expect(page.locator('main')).toContainText(id['forum.err.notEditable']);
    await expect(page.locator('#f-title')).toHaveCount(0);
  });

  test('adding an agenda item', async ({ pageAs }) => {
    const page = await pageAs(A.moderator, { javaScriptEnabled: false });
    const citedId = await publishedId(page, 'latuputtywarga');
    await page.goto(forumPath('draf', '/agenda'));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(id['forum.agenda']);
    const add = page.getByRole('button', { name: id['forum.agendaAdd'] });
    const title = page.locator('#f-title');
    const note = page.locator('#f-note');
    const ids = page.locator('#f-feedback_ids');

    await title.fill('ab');
    await note.fill('Catatan agenda tetap ada');
    await ids.fill('dua, tiga');
    let r = await submit(page, add);
    expect(r.status()).toBe(422);
    await expectFieldError(page, title, id['forum.err.agendaTitle']);
    await expect(title).toHaveValue('ab');
    await expect(note).toHaveValue('Catatan agenda tetap ada');
    await expect(ids).toHaveValue('dua, tiga');

    await title.fill('Antrean loket agendauji');
    r = await submit(page, add);
    expect(r.status()).toBe(422);
    await expectFieldError(page, ids, id['forum.err.feedbackIds']);
    await expect(ids).toHaveValue('dua, tiga');
    await expect(title).toHaveValue('Antrean loket agendauji');

    await ids.fill('99999999');
    r = await submit(page, add);
    expect(r.status()).toBe(422);
    await expectFieldError(page, ids, id['forum.err.feedbackNotCitable']);
    await expect(page.locator('ol.agenda')).toHaveCount(0);

    await ids.fill(`#${citedId}`);
    r = await submit(page, add);
    expect(r.status()).toBe(303);
    await expect(flash(page)).toHaveText(id['forum.agendaSaved']);
    const item = page.locator('ol.agenda li', { hasText: 'Antrean loket agendauji' });
    await expect(item).toHaveCount(1);
    await expect(item).toContainText(`#${citedId} Loket puskesmas Latuputtywarga lambat`);
    await expect(title).toHaveValue('');
  });

  test('minutes and commitments after the forum', async ({ pageAs }) => {
    const page = await pageAs(A.moderator, { javaScriptEnabled: false });
    const citedId = await publishedId(page, 'latuputtywarga');
    await page.goto(forumPath('lalu', '/notula'));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(id['forum.minutesAndCommitments']);
    await expect(page.locator('main')).toContainText(fill(id['forum.attendeesFromCheckIns'], { n: 1 }));

    // Minutes: too short.
    const minutes = page.locator('#f-minutes');
    await minutes.fill('Singkat sekali.');
    let r = await submit(page, page.getByRole('button', { name: id['forum.publishMinutes'] }));
    expect(r.status()).toBe(422);
    await expectFieldError(page, minutes, id['forum.err.minutes']);
    await expect(minutes).toHaveValue('Singkat sekali.');

    // Commitment: no unit, too short, a malformed date (a browser without a date picker).
    const unit = page.locator('#f-unit_id');
    const body = page.locator('#f-body');
    const due = page.locator('#f-due_on');
    const cites = page.locator('#f-feedback_ids');
    const addCommitment = page.getByRole('button', { name: id['forum.addCommitment'] });
    await body.fill('Segera');
    await due.evaluate((el) => ((el as HTMLInputElement).type = 'text'));
    await due.fill('31-12-2027');
    r = await submit(page, addCommitment);
    expect(r.status()).toBe(422);
    await expectFieldError(page, unit, id['forum.err.commitmentUnit']);
    await expectFieldError(page, body, id['forum.err.commitmentBody']);
    await expectFieldError(page, due, id['forum.err.dueOn']);
    await expect(body).toHaveValue('Segera');

    const text = 'Dinkes menambah dua petugas loket komitmenuji sebelum akhir bulan.';
    await unit.selectOption({ label: 'Dinkes' });
    await body.fill(text);
    await due.fill('2027-01-31');
    await cites.fill('satu');
    r = await submit(page, addCommitment);
    expect(r.status()).toBe(422);
    await expectFieldError(page, cites, id['forum.err.feedbackIds']);
    await expect(unit.locator('option:checked')).toHaveText('Dinkes');
    await expect(body).toHaveValue(text);
    await expect(due).toHaveValue('2027-01-31');

    await cites.fill('99999999');
    r = await submit(page, addCommitment);
    expect(r.status()).toBe(422);
    await expectFieldError(page, cites, id['forum.err.feedbackNotCitable']);
    await expect(page.locator('#commitments li.card')).toHaveCount(0);

    await cites.fill(String(citedId));
    r = await submit(page, addCommitment);
    expect(r.status()).toBe(303);
    await expect(flash(page)).toHaveText(id['forum.commitmentSaved']);
    // The due date reads as a date of the language, not as ISO.
    await expect(page.locator('#commitments li.card', { hasText: 'komitmenuji' })).toContainText(fill(id['forum.dueOn'], { date: '31 Januari 2027' }));

    // Minutes, now long enough: published with the attendee count from check-ins.
    await page.locator('#f-minutes').fill('Forum membahas antrean loket. Dinkes **berkomitmen** menambah petugas.');
    r = await submit(page, page.getByRole('button', { name: id['forum.publishMinutes'] }));
    expect(r.status()).toBe(303);
    await expect(flash(page)).toHaveText(id['forum.minutesSaved']);

    const visitor = await pageAs(null, { javaScriptEnabled: false });
    await visitor.goto(forumPath('lalu'));
    await expect(visitor.locator('h1 .badge')).toHaveText(id['forum.status.closed']);
    const section = visitor.locator('section[aria-labelledby="minutes-title"]');
    await expect(section.locator('.prose strong')).toHaveText('berkomitmen');
    await expect(section.locator('p.meta')).toContainText(fill(id['forum.attendeeCount'], { n: 1 }));
    const commitment = visitor.locator('section[aria-labelledby="commitments-title"] li.card', { hasText: 'komitmenuji' });
    await expect(commitment.getByRole('link', { name: 'Loket puskesmas Latuputtywarga lambat' })).toHaveAttribute('href', `/masukan/${citedId}`);
    await expect(commitment).toContainText(fill(id['forum.dueOn'], { date: '31 Januari 2027' }));
    // The commitment's status has one name: on the forum page and on the unit's page alike.
    await expect(commitment.locator('.badge')).toHaveText(id['commitment.status.open']);
    await visitor.goto('/unit/dinkes');
    await expect(visitor.locator('li', { hasText: 'komitmenuji' }).first()).toContainText(id['commitment.status.open']);
  });
});
