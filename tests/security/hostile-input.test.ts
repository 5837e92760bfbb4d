import { describe, expect, it, inject } from 'vitest';
import { signUpByEmail } from './support/mail.ts';

/**
 * Defect 4 of issue 15: 13 hostile inputs got a 500. Each now gets a clear 4xx from the one
 * input-normalisation layer (src/server/http/request-guard.ts), or, for redirect targets, a
 * safe redirect with a Latin-1 `Location`. Raw HTTP against the real server process.
 */
const origin = inject('serverUrl');

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FEEDBACK = {
  kind: 'keluhan',
  unit: '1',
  title: 'Jalan rusak di depan pasar',
  body: 'Lubang besar di jalan sejak bulan lalu, berbahaya bagi pengendara.',
  intent: 'submit',
};

async function post(path: string, body: BodyInit, contentType: string | null, headers: Record<string, string> = {}) {
  const h: Record<string, string> = { Origin: origin, ...headers };
  if (contentType) h['Content-Type'] = contentType;
  return fetch(origin + path, { method: 'POST', body, headers: h, redirect: 'manual' });
}

function multipart(boundary: string, parts: { name: string; value: string; filename?: string; type?: string }[]): string {
  return (
    parts
      .map(
        (p) =>
          `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}\r\n` +
          (p.type ? `Content-Type: ${p.type}\r\n` : '') +
          `\r\n${p.value}\r\n`,
      )
      .join('') + `--${boundary}--\r\n`
  );
}

async function expectClear4xx(r: Response, status: number, text: RegExp) {
  const body = await r.text();
  expect(r.status, body.slice(0, 300)).toBe(status);
  expect(r.headers.get('content-type')).toMatch(/^text\/html/);
  expect(body).toMatch(text);
}

describe('the 13 hostile inputs of the report, and neighbours', () => {
  it('1. NUL in a text field of a form (urlencoded)', async () => {
    await expectClear4xx(await post('/masukan/baru', form({ ...FEEDBACK, title: 'Jalan\u0000rusak' }), 'application/x-www-form-urlencoded'), 400, /karakter kendali/);
  });
  it('2. NUL in a text field of a multipart form', async () => {
    const b = 'b0undary';
    const body = multipart(b, Object.entries({ ...FEEDBACK, body: 'Lubang besar\u0000 di jalan sejak bulan lalu.' }).map(([name, value]) => ({ name, value })));
    await expectClear4xx(await post('/masukan/baru', body, `multipart/form-data; boundary=${b}`), 400, /karakter kendali/);
  });
  it('3. NUL in the board search query', async () => {
    await expectClear4xx(await fetch(`${origin}/masukan?q=jalan%00rusak`), 400, /karakter kendali/);
  });
  it('4. NUL in the similar-suggestion query', async () => {
    await expectClear4xx(await fetch(`${origin}/masukan/fragmen/serupa?title=jalan%00rusak&unit=1`), 400, /karakter kendali/);
  });
  it('5. NUL in a photo file name', async () => {
    const b = 'ph0to';
    const body = multipart(b, [
      ...Object.entries(FEEDBACK).map(([name, value]) => ({ name, value })),
      { name: 'photos', filename: 'foto\u0000.jpg', type: 'image/jpeg', value: 'not really a jpeg' },
    ]);
    await expectClear4xx(await post('/masukan/baru', body, `multipart/form-data; boundary=${b}`), 400, /karakter kendali/);
  });
  it('6. an impossible month on the board: dari=2026-13', async () => {
    await expectClear4xx(await fetch(`${origin}/masukan?dari=2026-13`), 400, /2026-13/);
  });
  it('7. an impossible month on the board: dari=0000-00', async () => {
    await expectClear4xx(await fetch(`${origin}/masukan?dari=0000-00`), 400, /0000-00/);
  });
  it('8. an impossible month on the board: sampai=2026-00', async () => {
    await expectClear4xx(await fetch(`${origin}/masukan?sampai=2026-00`), 400, /2026-00/);
  });
  it('9. an impossible date in the form: occurredOn=2025-02-31 gets the form back (422), the message next to the field, what was typed kept', async () => {
    for (const occurredOn of ['2025-02-31', '0000-00-00']) {
      const r = await post('/masukan/baru', form({ ...FEEDBACK, occurredOn }), 'application/x-www-form-urlencoded');
      const body = await r.text();
      expect(r.status, body.slice(0, 300)).toBe(422);
      expect(body).toMatch(/<span class="error" id="f-occurredOn-error">Tanggal tidak sah\.<\/span>/);
      expect(body).toMatch(new RegExp(`<input[^>]*id="f-occurredOn"[^>]*value="${occurredOn}"|<input[^>]*value="${occurredOn}"[^>]*id="f-occurredOn"`));
      expect(body).toMatch(/<input[^>]*aria-invalid="true"[^>]*>/);
      expect(body).toContain(FEEDBACK.title);
    }
  });
  it('10. a multipart body with the wrong boundary', async () => {
    const body = multipart('actual', Object.entries(FEEDBACK).map(([name, value]) => ({ name, value })));
    await expectClear4xx(await post('/masukan/baru', body, 'multipart/form-data; boundary=announced'), 400, /bukan formulir/);
  });
  it('11. a JSON body sent to a form route', async () => {
    await expectClear4xx(await post('/masukan/baru', JSON.stringify(FEEDBACK), 'application/json'), 415, /hanya menerima formulir/);
    await expectClear4xx(await post('/masuk', JSON.stringify({ email: 'a@b.c', password: 'x' }), 'application/json'), 415, /hanya menerima formulir/);
  });
  it('12. /bahasa/en?next=/%E3%80%82x: a safe redirect with a Latin-1 Location', async () => {
    const r = await fetch(`${origin}/bahasa/en?next=/%E3%80%82x`, { redirect: 'manual' });
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('/%E3%80%82x');
  });
  it('13. signing in with next=/ταυτότητα: a safe redirect with a Latin-1 Location', async () => {
    const email = `warga.${Date.now()}@contoh.id`;
    const password = 'Kapal-laut-Banda-2026!x';
    const up = await signUpByEmail(origin, { displayName: 'Warga Uji', email, password });
    expect(up.status, await up.clone().text()).toBe(303);
    const page = await fetch(`${origin}/masuk?next=${encodeURIComponent('/ταυτότητα')}`);
    expect(page.status).toBe(200);
    const r = await post('/masuk', form({ email, password, next: '/ταυτότητα' }), 'application/x-www-form-urlencoded');
    expect(r.status, await r.clone().text()).toBe(303);
    expect(r.headers.get('location')).toBe(`/${encodeURIComponent('ταυτότητα')}`);
  });
  it('control characters in a path or a parameter name, and DEL, are refused too; tab and newline in text are not', async () => {
    await expectClear4xx(await fetch(`${origin}/masukan/1%00`), 400, /karakter kendali/);
    await expectClear4xx(await fetch(`${origin}/masukan?q%01=x`), 400, /karakter kendali/);
    await expectClear4xx(await fetch(`${origin}/masukan?q=a%7Fb`), 400, /karakter kendali/);
    const ok = await fetch(`${origin}/masukan/fragmen/pratinjau?body=${encodeURIComponent('baris satu\n\tbaris dua')}`);
    expect(ok.status).toBe(200);
  });
  it('a real month and date pass', async () => {
    expect((await fetch(`${origin}/masukan?dari=2026-01&sampai=2026-12`)).status).toBe(200);
    const r = await post('/masukan/baru', form({ ...FEEDBACK, occurredOn: '2024-02-29', unit: '999999' }), 'application/x-www-form-urlencoded');
    // Reaches the page (which then judges the fields): not refused by the guard.
    expect([303, 422]).toContain(r.status);
  });
});
