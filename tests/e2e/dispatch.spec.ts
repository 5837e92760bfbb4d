/**
 * How form routes dispatch, seen from HTTP: an `action` no form of ours sends is a 400 on every
 * page that dispatches actions, an object that does not exist is a 404, and input the person can
 * correct is a 422 with the form shown again. (The use cases behind them are tested at the
 * integration level; this checks the pages' answers through the shared responder.)
 */
import type { APIRequestContext } from '@playwright/test';
import { FORUM_ACCOUNTS, SEED_FORUMS } from './forum-fixtures.ts';
import { ACCOUNTS, type FixtureAccount, uniqueEmail } from './fixtures.ts';
import { clientAddress, expect, id, test } from './test.ts';

async function api(
  playwright: { request: { newContext: (o: object) => Promise<APIRequestContext> } },
  baseURL: string,
  storageState: object,
  who: string,
): Promise<APIRequestContext> {
  return playwright.request.newContext({
    baseURL,
    storageState,
    extraHTTPHeaders: { 'X-Forwarded-For': clientAddress('dispatch', who), Origin: baseURL },
  });
}

const forum = SEED_FORUMS.buka.slug;

test.describe('form dispatch', () => {
  test('an unknown action is a 400 on every page that dispatches actions', async ({ playwright, baseURL, sessionOf }) => {
    const mod = await api(playwright, baseURL!, await sessionOf(FORUM_ACCOUNTS.moderator), 'forum-mod');
    for (const path of [`/forum/${forum}/ubah`, `/forum/${forum}/checkin`, `/forum/${forum}/notula`]) {
      const r = await mod.post(path, { form: { action: 'no-such-action' }, maxRedirects: 0 });
      expect(r.status(), path).toBe(400);
    }
    // A malformed id in a form no person types is refused the same way.
    const r = await mod.post(`/forum/${forum}/checkin`, { form: { action: 'undo', id: '12abc' }, maxRedirects: 0 });
    expect(r.status()).toBe(400);
    await mod.dispose();

    const queue = await api(playwright, baseURL!, await sessionOf(ACCOUNTS.moderatorQueue), 'queue-mod');
    const m = await queue.post('/moderasi', { form: { action: 'no-such-action', id: '1', seen: new Date().toISOString() }, maxRedirects: 0 });
    expect(m.status()).toBe(400);
    await queue.dispose();
  });

  test('a forum that does not exist is a 404 for every action', async ({ playwright, baseURL, sessionOf }) => {
    const mod = await api(playwright, baseURL!, await sessionOf(FORUM_ACCOUNTS.moderator), 'forum-mod-404');
    for (const [path, action] of [
      ['/forum/tidak-ada-forum-ini/ubah', 'publish'],
      ['/forum/tidak-ada-forum-ini/checkin', 'walk_in'],
      ['/forum/tidak-ada-forum-ini/notula', 'minutes'],
    ] as const) {
      const r = await mod.post(path, { form: { action }, maxRedirects: 0 });
      expect(r.status(), path).toBe(404);
    }
    await mod.dispose();
  });

  test('input the person can correct is a 422 with the form shown again', async ({ playwright, baseURL, sessionOf }) => {
    const mod = await api(playwright, baseURL!, await sessionOf(FORUM_ACCOUNTS.moderator), 'forum-mod-422');
    const walkIn = await mod.post(`/forum/${forum}/checkin`, { form: { action: 'walk_in', name: '' }, maxRedirects: 0 });
    expect(walkIn.status()).toBe(422);
    expect(await walkIn.text()).toContain('name="name"');
    const commitment = await mod.post(`/forum/${forum}/notula`, { form: { action: 'commitment', body: '', unit_id: '' }, maxRedirects: 0 });
    expect(commitment.status()).toBe(422);
    await mod.dispose();
  });
});

/** The first number linked as `<prefix><number>` on a page (an item, a user…), to post to an object that exists. */
async function firstLinked(ctx: APIRequestContext, path: string, prefix: string, pattern = '\\d+'): Promise<string> {
  const html = await (await ctx.get(path)).text();
  const m = html.match(new RegExp(`href="${prefix.replace(/[/]/g, '\\/')}(${pattern})"`));
  expect(m, `a link ${prefix}… on ${path}`).not.toBeNull();
  return m![1]!;
}

test.describe('single-form and several-form pages answer through the shared responder', () => {
  test('an unknown action is a 400 with the page and its message, and changes nothing', async ({ playwright, baseURL, sessionOf }) => {
    const cases: Array<[FixtureAccount, string[]]> = [
      [ACCOUNTS.admin, ['/admin/libur', '/admin/api']],
      [ACCOUNTS.moderatorQueue, ['/moderasi/pembatasan', '/moderasi/tanda']],
      [ACCOUNTS.asnDinkesInbox, ['/kotak-masuk/templat']],
      [ACCOUNTS.resident, ['/akun/data', '/akun/whatsapp', `/forum/${forum}`]],
      [FORUM_ACCOUNTS.moderator, [`/forum/${forum}/agenda`]],
    ];
    for (const [account, paths] of cases) {
      const ctx = await api(playwright, baseURL!, await sessionOf(account), `unknown-${account.email}`);
      if (account === ACCOUNTS.admin) paths.push(`/admin/pengguna/${await firstLinked(ctx, '/admin/pengguna', '/admin/pengguna/', '[0-9a-f-]{36}')}`);
      if (account === ACCOUNTS.resident) paths.push(`/masukan/${await firstLinked(ctx, '/masukan', '/masukan/')}`);
      for (const path of paths) {
        const r = await ctx.post(path, { form: { action: 'no-such-action', intent: 'no-such-intent' }, maxRedirects: 0 });
        expect(r.status(), path).toBe(400);
        // Without the WhatsApp channel configured (as here), /akun/whatsapp shows no forms, so no message.
        if (path !== '/akun/whatsapp') expect(await r.text(), path).toContain(id['err.badRequest']);
      }
      await ctx.dispose();
    }
  });

  test('an id no form of ours sends is a 400, in any form that names one', async ({ playwright, baseURL, sessionOf }) => {
    const admin = await api(playwright, baseURL!, await sessionOf(ACCOUNTS.admin), 'malformed-admin');
    const revoke = await admin.post('/admin/api', { form: { action: 'revoke', id: '7abc' }, maxRedirects: 0 });
    expect(revoke.status()).toBe(400);
    await admin.dispose();
    const mod = await api(playwright, baseURL!, await sessionOf(FORUM_ACCOUNTS.moderator), 'malformed-agenda');
    for (const action of ['remove', 'up', 'select']) {
      const r = await mod.post(`/forum/${forum}/agenda`, { form: { action, id: '0' }, maxRedirects: 0 });
      expect(r.status(), action).toBe(400);
    }
    await mod.dispose();
    const asn = await api(playwright, baseURL!, await sessionOf(ACCOUNTS.asnDinkesInbox), 'malformed-template');
    const del = await asn.post('/kotak-masuk/templat', { form: { action: 'delete', id: '99999999999' }, maxRedirects: 0 });
    expect(del.status(), 'a template id beyond an integer column').toBe(400);
    await asn.dispose();
    const resident = await api(playwright, baseURL!, await sessionOf(ACCOUNTS.resident), 'malformed-subscription');
    const cancel = await resident.post('/langganan/saya', { form: { id: 'satu' }, maxRedirects: 0 });
    expect(cancel.status()).toBe(400);
    await resident.dispose();
  });

  test('an object that does not exist (or is not this person’s) is a 404', async ({ playwright, baseURL, sessionOf }) => {
    const resident = await api(playwright, baseURL!, await sessionOf(ACCOUNTS.resident), 'missing-resident');
    for (const [path, form] of [
      ['/masukan/999999999999', { intent: 'support' }],
      ['/masukan/saya/999999999999', { intent: 'info', text: 'Tambahan' }],
      ['/forum/tidak-ada-forum-ini', { action: 'register' }],
      ['/forum/tidak-ada-forum-ini/survei', { score: '5' }],
      ['/langganan/saya', { id: '999999999' }],
      ['/akun/data', { action: 'contact', feedbackId: '999999999999', contactName: 'X' }],
    ] as const) {
      const r = await resident.post(path, { form, maxRedirects: 0 });
      expect(r.status(), path).toBe(404);
    }
    await resident.dispose();
    const asn = await api(playwright, baseURL!, await sessionOf(ACCOUNTS.asnDinkesInbox), 'missing-asn');
    const inbox = await asn.post('/kotak-masuk/999999999999', { form: { action: 'note', text: 'Catatan' }, maxRedirects: 0 });
    expect(inbox.status()).toBe(404);
    await asn.dispose();
    const admin = await api(playwright, baseURL!, await sessionOf(ACCOUNTS.admin), 'missing-admin');
    const user = await admin.post('/admin/pengguna/00000000-0000-4000-8000-000000000000', { form: { action: 'disable' }, maxRedirects: 0 });
    expect(user.status()).toBe(404);
    await admin.dispose();
  });

  test('input the person can correct is a 422 with the message and what was typed', async ({ playwright, baseURL, sessionOf }) => {
    const admin = await api(playwright, baseURL!, await sessionOf(ACCOUNTS.admin), 'correctable-admin');
    const holiday = await admin.post('/admin/libur', { form: { action: 'save', date: 'bukan-tanggal', kind: 'lokal', nameId: 'Libur Uji Dispatch', nameEn: 'Dispatch Test Day' }, maxRedirects: 0 });
    expect(holiday.status()).toBe(422);
    const holidayHtml = await holiday.text();
    expect(holidayHtml).toContain(id['form.errorSummary']);
    expect(holidayHtml).toContain('value="Libur Uji Dispatch"');
    const key = await admin.post('/admin/api', { form: { action: 'create', name: '' }, maxRedirects: 0 });
    expect(key.status()).toBe(422);
    expect(await key.text()).toContain(id['form.errorSummary']);
    await admin.dispose();

    const asn = await api(playwright, baseURL!, await sessionOf(ACCOUNTS.asnDinkesInbox), 'correctable-asn');
    const template = await asn.post('/kotak-masuk/templat', { form: { action: 'create', title: '', body: 'Isi templat uji dispatch' }, maxRedirects: 0 });
    expect(template.status()).toBe(422);
    const templateHtml = await template.text();
    expect(templateHtml).toContain(id['form.errorSummary']);
    expect(templateHtml).toContain('Isi templat uji dispatch');
    await asn.dispose();

    const visitor = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { 'X-Forwarded-For': clientAddress('dispatch', 'correctable-visitor'), Origin: baseURL! } });
    const signUp = await visitor.post('/daftar', { form: { displayName: 'Nama Uji Dispatch', email: 'bukan-surel', password: 'x' }, maxRedirects: 0 });
    expect(signUp.status()).toBe(422);
    const signUpHtml = await signUp.text();
    expect(signUpHtml).toContain(id['err.email']);
    expect(signUpHtml).toContain('value="Nama Uji Dispatch"');
    await visitor.dispose();
  });

  test('a rate-limited post is a 429 with the message, the form kept', async ({ playwright, baseURL }) => {
    // Three reset links an hour per address asked for: the fourth is refused.
    const visitor = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { 'X-Forwarded-For': clientAddress('dispatch', 'reset-limit', Date.now()), Origin: baseURL! } });
    const email = uniqueEmail('dispatch.reset');
    for (let i = 0; i < 3; i++) expect((await visitor.post('/lupa-sandi', { form: { email }, maxRedirects: 0 })).status()).toBe(303);
    const refused = await visitor.post('/lupa-sandi', { form: { email }, maxRedirects: 0 });
    expect(refused.status()).toBe(429);
    const html = await refused.text();
    expect(html).toContain(id['err.rateLimited'].split('{')[0]!.trim());
    expect(html).toContain(`value="${email}"`);
    await visitor.dispose();
  });
});
