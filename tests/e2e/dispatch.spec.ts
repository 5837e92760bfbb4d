/**
 * How form routes dispatch, seen from HTTP: an `action` no form of ours sends is a 400 on every
 * page that dispatches actions, an object that does not exist is a 404, and input the person can
 * correct is a 422 with the form shown again. (The use cases behind them are tested at the
 * integration level; this checks the pages' answers through the shared responder.)
 */
import type { APIRequestContext } from '@playwright/test';
import { FORUM_ACCOUNTS, SEED_FORUMS } from './forum-fixtures.ts';
import { ACCOUNTS } from './fixtures.ts';
import { clientAddress, expect, test } from './test.ts';

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
