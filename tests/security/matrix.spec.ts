import fs from 'node:fs';
import path from 'node:path';
import type { APIRequestContext, APIResponse } from '@playwright/test';
import type { SessionUser } from '../../src/server/accounts/sessions.ts';
import type { Role } from '../../src/server/db/schema.ts';
import { ACCOUNTS } from '../e2e/fixtures.ts';
import { SEED_FORUMS } from '../e2e/forum-fixtures.ts';
import { clientAddress, expect, test } from '../e2e/test.ts';
import { fill, listRoutes, type Route } from './support/routes.ts';
import { ROOT } from './support/server.ts';

/**
 * The authorization matrix, generated: role × unit × route × object, with the routes read from
 * src/pages and each route's rule read from its own source (the named predicate it hands to
 * requireUser, or checks itself), evaluated for each role by importing that predicate. Nothing
 * about who may open what is written here by hand.
 */
const PERMISSION_MODULES = ['accounts', 'coaching', 'evaluation', 'feedback', 'forums', 'handling', 'moderation'];

async function loadPredicates(): Promise<Map<string, (u: SessionUser | null) => boolean>> {
  const m = new Map<string, (u: SessionUser | null) => boolean>();
  for (const d of PERMISSION_MODULES) {
    const mod = (await import(`../../src/server/${d}/permissions.ts`)) as Record<string, unknown>;
    for (const [name, fn] of Object.entries(mod)) if (typeof fn === 'function' && /^can[A-Z]/.test(name)) m.set(name, fn as (u: SessionUser | null) => boolean);
  }
  return m;
}

/** The route's single-argument access rule, from its source; null when the route is public or checks per object. */
function ruleOf(route: Route, predicates: Map<string, (u: SessionUser | null) => boolean>): { name: string; allows: (u: SessionUser | null) => boolean } | null {
  const src = fs.readFileSync(path.join(ROOT, route.file), 'utf8');
  const named = /requireUser\(Astro, (can\w+)\)/.exec(src) ?? /if \(!(can\w+)\((?:locals\.)?user\)\)/.exec(src);
  if (named) {
    const fn = predicates.get(named[1]!);
    if (fn && fn.length <= 1) return { name: named[1]!, allows: fn };
  }
  const inline = /requireUser\(Astro, \(u\) => (.+?)\);/.exec(src);
  if (inline && /^!!u && u\.role !== 'resident'$/.test(inline[1]!)) return { name: 'staff', allows: (u) => !!u && u.role !== 'resident' };
  return null;
}

const ROLES: { name: string; account: (typeof ACCOUNTS)[keyof typeof ACCOUNTS] | null; user: SessionUser | null }[] = [
  { name: 'anonymous', account: null, user: null },
  ...(
    [
      ['resident', ACCOUNTS.resident, 'resident', null],
      ['asn Dinkes', ACCOUNTS.asnDinkes, 'asn', 1],
      ['asn Disdukcapil', ACCOUNTS.asnDisdukcapil, 'asn', 2],
      ['moderator', ACCOUNTS.moderator, 'moderator', null],
      ['admin', ACCOUNTS.admin, 'admin', null],
    ] as const
  ).map(([name, account, role, unitId]) => ({
    name,
    account,
    user: { id: 'u', email: account.email, displayName: name, role: role as Role, unitId, unitShortName: null, unitSlug: null, locale: 'id' as const },
  })),
];

/** Objects each parameter is tried with: existing ones of the seed and one that does not exist. */
const OBJECTS: Record<string, string[]> = {
  id: ['1', '2', '3', '5', '8', '999999'],
  slug: [SEED_FORUMS.buka.slug, 'tidak-ada'],
  token: ['x'.repeat(43)],
  locale: ['en'],
  name: ['tidak-ada.webp'],
  userId: ['00000000-0000-0000-0000-000000000000'],
};

function urlsOf(route: Route): string[] {
  let urls = [route.pattern];
  for (const p of route.params) urls = urls.flatMap((u) => (OBJECTS[p] ?? ['1']).map((v) => u.replace(`[${p}]`, encodeURIComponent(v))));
  return urls.map((u) => fill({ ...route, pattern: u }, {}));
}

test('role × unit × route × object: each route answers as its own rule says, never 5xx, and no inbox item is open to two units', async ({ playwright, sessionOf, baseURL }) => {
  test.setTimeout(600_000);
  const predicates = await loadPredicates();
  const routes = listRoutes().filter((r) => r.methods === 'any' || r.methods.includes('GET'));
  const contexts: APIRequestContext[] = [];
  const problems: string[] = [];
  const inbox200 = new Map<string, string[]>();
  let requests = 0;
  for (const role of ROLES) {
    const ctx = await playwright.request.newContext({
      baseURL,
      storageState: role.account ? await sessionOf(role.account) : undefined,
      extraHTTPHeaders: { 'X-Forwarded-For': clientAddress('matrix', role.name) },
    });
    contexts.push(ctx);
    for (const route of routes) {
      // POST only (a GET is 404); the error pages answer their own status by design.
      if (['/keluar', '/403', '/404', '/500'].includes(route.pattern)) continue;
      const rule = ruleOf(route, predicates);
      for (const url of urlsOf(route)) {
        const r: APIResponse = await ctx.get(url, { maxRedirects: 0 });
        requests++;
        const s = r.status();
        const where = `${role.name} GET ${url} (${rule?.name ?? 'public/per-object'}) → ${s}`;
        if (s >= 500) problems.push(where);
        if (rule) {
          if (!role.user) {
            if (!(s === 303 && (r.headers()['location'] ?? '').startsWith('/masuk')) && s !== 403 && s !== 404) problems.push(`${where}: anonymous not sent to sign in`);
          } else if (!rule.allows(role.user)) {
            if (s === 200) problems.push(`${where}: allowed although ${rule.name} says no`);
          } else if (s === 403) {
            problems.push(`${where}: refused although ${rule.name} says yes`);
          }
        }
        if (route.pattern === '/kotak-masuk/[id]' && s === 200 && role.user?.role === 'asn') inbox200.set(url, [...(inbox200.get(url) ?? []), role.name]);
      }
    }
  }
  for (const c of contexts) await c.dispose();
  for (const [url, who] of inbox200) if (who.length > 1) problems.push(`${url} open to ${who.join(' and ')}`);
  expect(problems).toEqual([]);
  expect(requests).toBeGreaterThan(300);
});
