import { ACCOUNTS } from '../e2e/fixtures.ts';
import { SEED_FORUMS } from '../e2e/forum-fixtures.ts';
import { clientAddress, expect, test } from '../e2e/test.ts';
import { listRoutes } from './support/routes.ts';

/**
 * Hostile input in every form and filter: the forms are found on the pages themselves (for
 * each role), every field is filled with hostile values, and every filter parameter of every
 * page gets them too. Nothing may answer 5xx. Accounts of their own, so that no other spec's
 * session is touched; sign-out and account deletion are left out (they would end the session).
 */
const HOSTILE: string[] = [
  'a\u0000b',
  "' OR 1=1 --",
  '2026-13',
  '0000-00-00',
  '9'.repeat(400),
  '-1',
  '\ud800',
  '𝕏'.repeat(3000),
  '../../../../etc/passwd',
  '1e309',
  '\u0000',
  '"; DROP TABLE feedback; --',
  '%00%27%22',
  'NaN',
  '<script>alert(1337)</script>',
  '{"$gt":""}',
  ' ',
  '',
];
const FILTER_PARAMS = ['q', 'dari', 'sampai', 'jenis', 'status', 'sektor', 'unit', 'kecamatan', 'urut', 'setelah', 'halaman', 'bulan', 'id', 'next', 'title', 'area', 'body'];
const SKIP_ACTIONS = /\/keluar|\/akun|\/admin\/pengguna/;

test('every form of every page, for each role, with hostile values: never 5xx', async ({ playwright, sessionOf, baseURL }) => {
  test.setTimeout(900_000);
  const problems: string[] = [];
  const roles = [null, ACCOUNTS.residentSubmit, ACCOUNTS.asnDinkesInbox, ACCOUNTS.moderatorQueue];
  const pages = listRoutes()
    .filter((r) => r.methods === 'any' && !['/403', '/404', '/500'].includes(r.pattern))
    .map((r) => r.pattern.replace('[id]', '1').replace('[slug]', SEED_FORUMS.buka.slug).replace('[userId]', '1').replace('[token]', 'x'.repeat(43)));
  let posts = 0;
  for (const [ri, account] of roles.entries()) {
    const api = await playwright.request.newContext({
      baseURL,
      storageState: account ? await sessionOf(account) : undefined,
      extraHTTPHeaders: { Origin: baseURL!, 'X-Forwarded-For': clientAddress('fuzz', ri) },
    });
    for (const path of pages) {
      const r = await api.get(path, { maxRedirects: 0 });
      if (r.status() >= 500) problems.push(`GET ${path} → ${r.status()}`);
      if (r.status() !== 200) continue;
      const html = await r.text();
      const forms = [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)];
      for (const [, attrs, inner] of forms) {
        const method = /method="post"/i.test(attrs!) ? 'POST' : 'GET';
        const action = /action="([^"]*)"/.exec(attrs!)?.[1]?.replace(/&amp;/g, '&') || path;
        if (SKIP_ACTIONS.test(action)) continue;
        const names = [...new Set([...inner!.matchAll(/<(?:input|select|textarea|button)\b[^>]*\bname="([^"]+)"/g)].map((m) => m[1]!))];
        const fixed = Object.fromEntries([...inner!.matchAll(/<input\b[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
        const buttons = [...inner!.matchAll(/<button\b[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!] as const);
        // Forms get the first ten (one of each kind); filters get them all.
        for (const hostile of HOSTILE.slice(0, 10)) {
          const data: Record<string, string> = {};
          for (const n of names) data[n] = n in fixed && !/seen|id/.test(n) ? fixed[n]! : hostile;
          if (buttons[0] && hostile.length % 2 === 0) data[buttons[0][0]] = buttons[0][1];
          const res =
            method === 'POST'
              ? await api.post(action, { form: data, maxRedirects: 0 }).catch((e: Error) => ({ status: () => 0, e }))
              : await api.get(`${action}${action.includes('?') ? '&' : '?'}${new URLSearchParams(data)}`, { maxRedirects: 0 }).catch(() => ({ status: () => 0 }));
          posts++;
          const s = res.status();
          if (s >= 500 || s === 0) problems.push(`${account?.email ?? 'anonymous'} ${method} ${action} ${JSON.stringify(hostile).slice(0, 20)} → ${s}`);
        }
      }
      for (const hostile of HOSTILE) {
        const qs = new URLSearchParams(FILTER_PARAMS.map((p) => [p, hostile]));
        const g = await api.get(`${path}?${qs}`, { maxRedirects: 0 }).catch(() => ({ status: () => 0 }));
        if (g.status() >= 500 || g.status() === 0) problems.push(`${account?.email ?? 'anonymous'} GET ${path} filters ${JSON.stringify(hostile).slice(0, 20)} → ${g.status()}`);
      }
    }
    await api.dispose();
  }
  expect(problems).toEqual([]);
  expect(posts).toBeGreaterThan(200);
});
