import type { Page } from '@playwright/test';
import { ACCOUNTS } from '../e2e/fixtures.ts';
import { clientAddress, expect, test } from '../e2e/test.ts';
import { signUpLink } from '../e2e/sign-up-helpers.ts';
import { XSS_PAYLOADS } from './support/xss-payloads.ts';

/**
 * Stored and reflected XSS through the fields that take resident and staff text, rendered in
 * Chromium where a resident, a moderator and the public see them. Any script that runs opens a
 * dialog or fetches an "xss-probe" URL; any markup injection that the CSP stops raises a
 * securitypolicyviolation; any dangerous attribute that survives is found in the DOM.
 */
const run = (process.env.E2E_RUN_ID ?? 'run').slice(0, 6);

interface Watch {
  problems: string[];
}

async function watch(page: Page): Promise<Watch> {
  const w: Watch = { problems: [] };
  page.on('dialog', async (d) => {
    w.problems.push(`dialog on ${page.url()}: ${d.message()}`);
    await d.dismiss();
  });
  page.on('console', (m) => {
    if (/securitypolicyviolation|Content Security Policy/i.test(m.text())) w.problems.push(`CSP on ${page.url()}: ${m.text()}`);
  });
  page.on('request', (r) => {
    // The payload's own URL (a query the test navigates to) is not a probe: its path or host is.
    const u = new URL(r.url());
    if (/xss-probe/.test(u.hostname + u.pathname)) w.problems.push(`probe request from ${page.url()}: ${r.url()}`);
  });
  // Init scripts run whatever the CSP says: report every violation the page raises.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`securitypolicyviolation ${e.violatedDirective} ${e.blockedURI}`));
  });
  return w;
}

/** Dangerous attributes or URLs anywhere in the document that come from a payload. */
async function dangerousMarkup(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const el of Array.from(document.querySelectorAll('*'))) {
      for (const a of Array.from(el.attributes)) {
        const n = a.name.toLowerCase();
        const v = a.value;
        if (n.startsWith('on')) out.push(`${el.tagName} ${n}=${v}`);
        // Our own templates lazy-load fragments of the site (`/…/fragmen/…`, e.g. the subscriptions on /akun) with
        // a load trigger; an injected trigger points anywhere else.
        const ownFragment = /^\/[a-z0-9/-]*\/fragmen\/[a-z0-9-]+$/.test(el.getAttribute('data-hx-get') ?? el.getAttribute('hx-get') ?? '');
        if ((n.startsWith('hx-') || n.startsWith('data-hx-')) && /xss|1337|keluar.*load|load/i.test(`${v}`) && n.includes('trigger') && !ownFragment) out.push(`${el.tagName} ${n}=${v}`);
        if ((n.startsWith('hx-') || n.startsWith('data-hx-')) && /xss-probe|alert/.test(v)) out.push(`${el.tagName} ${n}=${v}`);
        if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'srcdoc'].includes(n) && /^\s*(javascript|vbscript|data:text\/html)/i.test(v.replace(/[\s\u0000-\u001f]/g, '')))
          out.push(`${el.tagName} ${n}=${v}`);
      }
      if (['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED', 'BASE', 'META'].includes(el.tagName) && /1337|xss/i.test(el.outerHTML)) out.push(el.outerHTML.slice(0, 120));
    }
    return out;
  });
}

test('stored XSS: every payload in every feedback field, rendered to the moderator, the author and the public', async ({ pageAs, request, baseURL }) => {
  test.setTimeout(600_000);
  expect(XSS_PAYLOADS.length).toBeGreaterThanOrEqual(50);
  const moderator = await pageAs(ACCOUNTS.moderator);
  const modWatch = await watch(moderator);

  // Items of ~8 payloads: the body takes them all (Markdown), the short fields one each.
  const chunks: string[][] = [];
  for (let i = 0; i < XSS_PAYLOADS.length; i += 8) chunks.push(XSS_PAYLOADS.slice(i, i + 8));
  const titles: string[] = [];
  for (const [i, chunk] of chunks.entries()) {
    const marker = `XSS${run}n${i}`;
    const short = chunk.find((p) => p.length <= 100) ?? '<b>x</b>';
    const title = `${marker} ${short}`.slice(0, 150);
    titles.push(marker);
    const r = await request.post('/masukan/baru', {
      headers: { Origin: baseURL!, 'X-Forwarded-For': clientAddress('xss', run, i) },
      form: {
        submissionKey: `xss-${run}-${i}-aaaaaaaaaaaaaaaaaaaa`,
        kind: 'keluhan',
        unit: '1',
        title,
        body: `Laporan uji keamanan ${marker}.\n\n${chunk.join('\n\n')}`.slice(0, 5000),
        location: chunk.filter((p) => p.length <= 200)[1] ?? short,
        officer: chunk.filter((p) => p.length <= 120)[2] ?? short,
        contactName: chunk.filter((p) => p.length <= 100)[3] ?? short,
        contactEmail: `xss.${i}@contoh.id`,
        website: '',
        intent: 'submit',
      },
      maxRedirects: 0,
    });
    expect(r.status(), `${marker}: ${(await r.text()).slice(0, 500)}`).toBe(303);
  }

  // The moderator finds each item in the queue, reads it (with the contact shown) and publishes it.
  await moderator.goto('/moderasi');
  const ids: number[] = [];
  for (const marker of titles) {
    const link = moderator.locator('a[href^="/moderasi/"]', { hasText: marker }).first();
    const href = await link.getAttribute('href');
    expect(href, marker).toMatch(/^\/moderasi\/\d+$/);
    ids.push(Number(href!.split('/').pop()));
  }
  expect(await dangerousMarkup(moderator)).toEqual([]);
  for (const id of ids) {
    await moderator.goto(`/moderasi/${id}`);
    await moderator.locator('button[value="contact"]').click();
    await moderator.waitForLoadState('load');
    expect(await dangerousMarkup(moderator), `/moderasi/${id}`).toEqual([]);
    await moderator.goto(`/moderasi/${id}`);
    await moderator.locator('form:has(button[value="publish"]) button[value="publish"]').click();
    await moderator.waitForLoadState('load');
  }

  // The public: each item's page and the board searched for them; a resident signed in too.
  const visitor = await pageAs(null);
  const resident = await pageAs(ACCOUNTS.resident);
  for (const page of [visitor, resident]) {
    const w = await watch(page);
    for (const id of ids) {
      const r = await page.goto(`/masukan/${id}`);
      expect(r?.status(), `/masukan/${id}`).toBe(200);
      await page.waitForLoadState('load');
      expect(await dangerousMarkup(page), `/masukan/${id}`).toEqual([]);
    }
    await page.goto(`/masukan?q=${encodeURIComponent(titles[0]!)}`);
    await expect(page.locator('main')).toContainText(titles[0]!);
    expect(await dangerousMarkup(page)).toEqual([]);
    await page.waitForTimeout(300);
    expect(w.problems).toEqual([]);
  }
  expect(modWatch.problems).toEqual([]);
});

test('reflected: every payload in the search, the preview and the similar-feedback fragment', async ({ pageAs }) => {
  test.setTimeout(600_000);
  const page = await pageAs(null);
  const w = await watch(page);
  for (const p of XSS_PAYLOADS) {
    const q = encodeURIComponent(p);
    for (const url of [`/masukan?q=${q}`, `/masukan/fragmen/pratinjau?body=${q}`, `/masukan/fragmen/serupa?title=${q}&unit=1`]) {
      const r = await page.goto(url);
      expect(r?.status(), url).toBeLessThan(500);
      expect(await dangerousMarkup(page), url).toEqual([]);
    }
  }
  await page.waitForTimeout(300);
  expect(w.problems).toEqual([]);
});

test('stored XSS in a display name (sign-up), shown on the emailed link\'s page, the account page and the header', async ({ newContext, baseURL, adminPage }) => {
  for (const [i, p] of XSS_PAYLOADS.filter((x) => x.length <= 80).slice(0, 3).entries()) {
    const context = await newContext({ extraHTTPHeaders: { 'X-Forwarded-For': clientAddress('xss-name', run, i) } });
    const page = await context.newPage();
    const w = await watch(page);
    await page.goto('/daftar');
    await page.locator('input[name="displayName"]').fill(p);
    await page.locator('input[name="email"]').fill(`xss.nama.${run}.${i}@contoh.id`);
    await page.locator('input[name="password"]').fill('Kapal-laut-Banda-2026!x');
    await page.locator('form[method="post"] button[type="submit"]').last().click();
    await page.waitForURL(/\/daftar\/terkirim$/);
    // The confirmation page shows the name before the account exists.
    await page.goto(await signUpLink(adminPage, `xss.nama.${run}.${i}@contoh.id`));
    expect(await dangerousMarkup(page)).toEqual([]);
    await page.locator('form[method="post"] button[type="submit"]').last().click();
    await page.waitForURL((u) => u.pathname === '/');
    const r = await page.goto('/akun');
    expect(r?.status()).toBe(200);
    expect(new URL(page.url()).origin).toBe(baseURL);
    expect(await dangerousMarkup(page)).toEqual([]);
    await page.waitForTimeout(200);
    expect(w.problems).toEqual([]);
  }
});
