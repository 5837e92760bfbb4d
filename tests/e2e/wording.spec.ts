import { expect, id, test } from './test.ts';

/** The outbox shows each email's delivery state in the interface's language. */
test('/admin/surel names the delivery state of an email in words, not "logged"', async ({ adminPage: page }) => {
  await page.goto('/admin/surel');
  const badges = page.locator('main details summary .badge[class*="outbox-"]');
  expect(await badges.count()).toBeGreaterThan(0);
  const texts = new Set(await badges.allTextContents());
  const labels = new Set(['pending', 'sending', 'sent', 'logged', 'failed'].map((s) => id[`outbox.status.${s}` as keyof typeof id]));
  for (const t of texts) expect(labels, `badge "${t}"`).toContain(t);
  expect(texts).not.toContain('logged');
});
