import type { Locator } from '@playwright/test';
import { ACCOUNTS } from './fixtures.ts';
import { clientAddress, expect, feedbackIdOn, flash, id, submit, submitFeedbackForm, test, uniqueWord } from './test.ts';

/**
 * Words that sit next to each other in the markup (a time and a badge, a status and a button)
 * are separated by a space in the text itself, not only by CSS margins: screen readers, copy
 * and paste, and search read the text. Checked on textContent, whitespace collapsed.
 */
async function texts(l: Locator): Promise<string[]> {
  const norm = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();
  // textContent (what is in the document) and innerText (what is rendered: a space at the start
  // of an inline-block badge is dropped there).
  return [norm(await l.textContent()), norm(await l.innerText())];
}

test('a moderator sees "WIT Anonim" and "WIT Disembunyikan otomatis", not words run together', async ({ pageAs, playwright, sessionOf, baseURL }) => {
  const resident = await pageAs(ACCOUNTS.residentAnon);
  const word = uniqueWord('spasi');
  await resident.goto('/masukan/baru');
  await submitFeedbackForm(resident, { kind: 'keluhan', unit: 'unsure', title: `Loket ${word} tutup siang`, body: 'Loket tutup jam dua belas siang padahal jadwalnya sampai jam tiga sore.', anonymous: true });

  const mod = await pageAs(ACCOUNTS.moderatorQueue, { javaScriptEnabled: false });
  const itemId = await feedbackIdOn(mod, '/moderasi', word);
  await mod.goto(`/moderasi/${itemId}`);
  const meta = mod.locator('main p.meta').first();
  for (const t of await texts(meta)) expect(t).toMatch(new RegExp(`WIT ${id['detail.anonymous']}( |$)`));
  const r = await submit(mod, mod.getByRole('button', { name: id['mod.publish'], exact: true }));
  expect(r.status()).toBe(303);
  await expect(flash(mod)).toHaveText(id['mod.published']);

  // Three established accounts flag it (the default threshold): it is hidden automatically.
  for (const [n, who] of [ACCOUNTS.residentFlagA, ACCOUNTS.residentFlagB, ACCOUNTS.residentFlagC].entries()) {
    const flagger = await playwright.request.newContext({ baseURL, storageState: await sessionOf(who) });
    const f = await flagger.post(`/masukan/${itemId}`, {
      headers: { Origin: baseURL!, 'X-Forwarded-For': clientAddress('spacing-flag', word, n) },
      form: { intent: 'flag', reason: 'spam' },
      maxRedirects: 0,
    });
    expect(f.status(), `flag ${n}`).toBe(303);
    await flagger.dispose();
  }
  await mod.goto('/moderasi/tanda');
  const card = mod.locator('li.card', { has: mod.getByRole('link', { name: new RegExp(word) }) });
  for (const t of await texts(card.locator('p.meta'))) expect(t).toMatch(new RegExp(`WIT ${id['mod.flags.hiddenAuto']}$`));
});

test('the board separates the status badge from the number and the date from the supports', async ({ pageAs }) => {
  const page = await pageAs(null);
  await page.goto('/masukan');
  const meta = page.locator('#board-results .board-item p.meta').first();
  for (const t of await texts(meta)) {
    expect(t).toMatch(/\p{L} No\. \d+ · /u);
    expect(t).toMatch(/\d{4} · /);
  }
});
