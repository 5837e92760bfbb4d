import { ACCOUNTS } from './fixtures.ts';
import { expect, id, test } from './test.ts';

test.use({ javaScriptEnabled: false });

test('who may open moderation and the inbox: visitors sign in, residents and ASN get 403 where not theirs', async ({ pageAs }) => {
  // A visitor is sent to sign in, and back afterwards.
  const visitor = await pageAs(null, { javaScriptEnabled: false });
  for (const path of ['/moderasi', '/moderasi/tanda', '/kotak-masuk']) {
    await visitor.goto(path);
    await expect(visitor).toHaveURL(`/masuk?next=${encodeURIComponent(path)}`);
    await expect(visitor.getByText(id['auth.signIn.required'])).toBeVisible();
  }

  // A resident: 403 for moderation and the inbox, and the links are not in the menu.
  const resident = await pageAs(ACCOUNTS.residentFlagger, { javaScriptEnabled: false });
  for (const path of ['/moderasi', '/moderasi/1', '/moderasi/tenggat', '/kotak-masuk', '/kotak-masuk/templat']) {
    const r = await resident.goto(path);
    expect(r?.status(), `resident at ${path}`).toBe(403);
    await expect(resident.getByRole('heading', { level: 1 })).toHaveText(id['error.403.title']);
  }
  const nav = resident.getByRole('navigation', { name: id['nav.main'] });
  await expect(nav.getByRole('link', { name: id['nav.moderation'] })).toHaveCount(0);
  await expect(nav.getByRole('link', { name: id['inbox.title'] })).toHaveCount(0);

  // ASN staff: 403 for moderation, their inbox opens.
  const asn = await pageAs(ACCOUNTS.asnDisdukcapil, { javaScriptEnabled: false });
  for (const path of ['/moderasi', '/moderasi/tanda', '/moderasi/1']) {
    const r = await asn.goto(path);
    expect(r?.status(), `ASN at ${path}`).toBe(403);
    await expect(asn.getByRole('heading', { level: 1 })).toHaveText(id['error.403.title']);
  }
  const inbox = await asn.goto('/kotak-masuk');
  expect(inbox?.status()).toBe(200);
  await expect(asn.getByRole('heading', { level: 1 })).toHaveText(id['inbox.title']);
  await expect(asn.getByRole('navigation', { name: id['nav.main'] }).getByRole('link', { name: id['nav.moderation'] })).toHaveCount(0);

  // A moderator: both.
  const mod = await pageAs(ACCOUNTS.moderatorQueue, { javaScriptEnabled: false });
  expect((await mod.goto('/moderasi'))?.status()).toBe(200);
  expect((await mod.goto('/kotak-masuk'))?.status()).toBe(200);
});
