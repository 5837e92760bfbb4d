import { ACCOUNTS } from '../e2e/fixtures.ts';
import { clientAddress, expect, test } from '../e2e/test.ts';

/**
 * No user enumeration: sign-in, sign-up and password reset answer an existing and an unknown address
 * the same way (status, page, cookies). The work is the same too (sign-in runs one Argon2
 * verification either way: verifyPassword's dummy hash; reset queues or skips an email inside the
 * same request shape; sign-up hashes the password and queues one email either way) — measured by
 * bench, never asserted with timers here.
 */
const normalise = (html: string, email: string) =>
  html
    .replaceAll(email, 'EMAIL')
    .replace(/name="submissionKey" value="[^"]*"/g, '')
    .replace(/<meta name="csrf[^>]*>/g, '');

test('sign-in: an existing address with a wrong password and an unknown address get the same answer', async ({ request, baseURL }) => {
  const known = ACCOUNTS.residentEnglish.email;
  const unknown = `tidak.ada.${Date.now()}@contoh.id`;
  const answers = [];
  for (const [i, email] of [known, unknown].entries()) {
    const r = await request.post('/masuk', {
      headers: { Origin: baseURL!, 'X-Forwarded-For': clientAddress('enum-signin', i, Date.now()) },
      form: { email, password: 'salah-sekali-sandinya-9', next: '/' },
      maxRedirects: 0,
    });
    answers.push({ status: r.status(), cookies: (r.headersArray().filter((h) => h.name.toLowerCase() === 'set-cookie').map((h) => h.value.split('=')[0])), body: normalise(await r.text(), email) });
  }
  expect(answers[0]!.status).toBe(422);
  expect(answers[1]).toEqual(answers[0]);
});

test('password reset: an existing and an unknown address get the same answer', async ({ request, baseURL }) => {
  const known = ACCOUNTS.residentEnglish.email;
  const unknown = `tidak.ada.${Date.now()}@contoh.id`;
  const answers = [];
  for (const [i, email] of [known, unknown].entries()) {
    const r = await request.post('/lupa-sandi', {
      headers: { Origin: baseURL!, 'X-Forwarded-For': clientAddress('enum-reset', i, Date.now()) },
      form: { email },
      maxRedirects: 0,
    });
    const location = r.headers()['location'] ?? null;
    const body = location ? '' : normalise(await r.text(), email);
    answers.push({ status: r.status(), location, body });
  }
  expect(answers[0]!.status).toBeLessThan(500);
  expect(answers[1]).toEqual(answers[0]);
});

test('sign-up: a registered and a new address get the same answer (status, redirect, cookies, page), also when the form is refused', async ({ request, baseURL }) => {
  const known = ACCOUNTS.residentEnglish.email;
  const unknown = `baru.${Date.now()}@contoh.id`;
  const answer = async (i: number, form: Record<string, string>, email: string) => {
    const headers = { Origin: baseURL!, 'X-Forwarded-For': clientAddress('enum-signup', i, Date.now()) };
    const r = await request.post('/daftar', { headers, form, maxRedirects: 0 });
    const location = r.headers()['location'] ?? null;
    const cookies = r.headersArray().filter((h) => h.name.toLowerCase() === 'set-cookie').map((h) => h.value.split('=')[0]);
    const body = location ? '' : normalise(await r.text(), email);
    // The page the browser goes on to.
    const next = location ? await request.get(location, { headers, maxRedirects: 0 }) : null;
    return { status: r.status(), location, cookies, body, next: next && { status: next.status(), body: normalise(await next.text(), email) } };
  };
  const accepted = [];
  const refused = [];
  for (const [i, email] of [known, unknown].entries()) {
    accepted.push(await answer(i, { displayName: 'Orang Baru', email, password: 'Laut Banda yang dalam 11' }, email));
    refused.push(await answer(i + 10, { displayName: 'Orang Baru', email, password: 'pendek' }, email));
  }
  expect(accepted[0]).toMatchObject({ status: 303, location: '/daftar/terkirim', cookies: [] });
  expect(accepted[0]!.next?.status).toBe(200);
  expect(accepted[1]).toEqual(accepted[0]);
  expect(refused[0]!.status).toBe(422);
  expect(refused[1]).toEqual(refused[0]);
});
