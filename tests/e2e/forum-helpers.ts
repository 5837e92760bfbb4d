/**
 * Helpers shared by the forum browser tests (tests/e2e/forums*.spec.ts).
 */
import type { Locator, Page } from '@playwright/test';
import QRCode from 'qrcode';
import { SEED_FORUMS, type SeedForumRef } from './forum-fixtures.ts';
import { expect, id } from './test.ts';

/** What a registration code looks like: F-XXXX-XXXX from the 29-character alphabet. */
export const REG_CODE_RE = /^F-[2-9A-HJKMNP-TW-Z]{4}-[2-9A-HJKMNP-TW-Z]{4}$/;

export function forumPath(ref: SeedForumRef, sub = ''): string {
  return `/forum/${SEED_FORUMS[ref].slug}${sub}`;
}

/** The registration box of a forum page (swapped in place by htmx). */
export function registrationBox(page: Page): Locator {
  return page.locator('#registration');
}

/** The signed-in person's code in the registration box (asserts its format). */
export async function registrationCode(page: Page): Promise<string> {
  const code = registrationBox(page).locator('#registration-code');
  await expect(code).toHaveText(REG_CODE_RE);
  return (await code.textContent())!.trim();
}

/** The URL the QR code of a registration holds: the check-in page with the code filled in. */
export function checkInUrl(baseURL: string, slug: string, code: string): string {
  return `${baseURL}/forum/${slug}/checkin?kode=${encodeURIComponent(code)}`;
}

/**
 * Asserts that the registration box shows the QR code as inline SVG (no image, no script)
 * and that it encodes the check-in URL of `code`: the modules (path data) equal those of
 * the QR code of that URL made with the same library and options as the server.
 */
export async function expectQrFor(page: Page, baseURL: string, slug: string, code: string): Promise<void> {
  const figure = registrationBox(page).locator('figure.qr');
  await expect(figure.locator('svg')).toHaveCount(1);
  await expect(figure.locator('img, script')).toHaveCount(0);
  await expect(figure.locator('figcaption')).toHaveText(id['forum.qrCaption']);
  const shown = await figure.locator('svg path').evaluateAll((ps) => ps.map((p) => p.getAttribute('d')));
  const svg = await QRCode.toString(checkInUrl(baseURL, slug, code), { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  const expected = [...svg.matchAll(/ d="([^"]+)"/g)].map((m) => m[1]);
  expect(expected.length).toBeGreaterThan(0);
  expect(shown).toEqual(expected);
}

/**
 * The outbox entry (a `li.card` of /admin/surel, newest first) sent to `to` with `subject`,
 * looked for on the first few pages; its text body is returned (the entry is opened).
 */
export async function outboxBody(admin: Page, to: string, subject: string): Promise<string> {
  let url = '/admin/surel';
  for (let i = 0; i < 6; i++) {
    await admin.goto(url);
    await expect(admin.getByRole('heading', { level: 1 })).toHaveText(id['admin.outbox.title']);
    const item = admin.locator('li.card').filter({ has: admin.locator('summary', { hasText: to }) }).filter({ has: admin.locator('summary strong', { hasText: subject }) });
    if ((await item.count()) > 0) {
      const first = item.first();
      await first.locator('summary').click();
      const pre = first.locator('pre');
      await expect(pre).toBeVisible();
      return pre.innerText();
    }
    const next = admin.locator('a[rel="next"]');
    if ((await next.count()) === 0) break;
    url = `/admin/surel${await next.getAttribute('href')}`;
  }
  throw new Error(`no email "${subject}" to ${to} in the outbox`);
}

/** How many outbox entries to `to` carry `subject` (first few pages). */
export async function outboxCount(admin: Page, to: string, subject: string): Promise<number> {
  let url = '/admin/surel';
  let n = 0;
  for (let i = 0; i < 6; i++) {
    await admin.goto(url);
    n += await admin.locator('li.card').filter({ has: admin.locator('summary', { hasText: to }) }).filter({ has: admin.locator('summary strong', { hasText: subject }) }).count();
    const next = admin.locator('a[rel="next"]');
    if ((await next.count()) === 0) break;
    url = `/admin/surel${await next.getAttribute('href')}`;
  }
  return n;
}

/** "Warga: 1 dari 1 kursi terisi" and friends, as the forum page's facts show them. */
export function seatsFact(page: Page): Locator {
  return page.locator('dl.facts dt', { hasText: id['forum.seats'] }).locator('xpath=following-sibling::dd[1]');
}

/** A message with placeholders filled in. */
export function fill(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? `{${k}}`));
}
