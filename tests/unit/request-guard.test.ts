import { describe, expect, it } from 'vitest';
import { safeNext } from '../../src/server/http/guards.ts';
import { encodePathForLocation, hasControlAny, hasControlInText, impossibleDate, isFormContentType } from '../../src/server/http/input.ts';
import { isValidDate, isValidMonth } from '../../src/domain/dates.ts';
import { checkForm, checkUrl, isDatabaseUnavailable, isSameOriginRequest, originExemption, ORIGIN_EXEMPTIONS } from '../../src/server/http/request-guard.ts';

describe('input rules', () => {
  it('control characters: NUL and friends refused; tab/newline allowed in text only', () => {
    expect(hasControlInText('a\u0000b')).toBe(true);
    expect(hasControlInText('a\u001bb')).toBe(true);
    expect(hasControlInText('a\u007fb')).toBe(true);
    expect(hasControlInText('baris\r\n\tdua')).toBe(false);
    expect(hasControlAny('foto\t.jpg')).toBe(true);
    expect(hasControlAny('foto.jpg')).toBe(false);
  });

  it('months and dates must exist', () => {
    for (const m of ['2026-13', '0000-00', '2026-00', '1899-12', '2201-01']) expect(isValidMonth(m), m).toBe(false);
    for (const m of ['2026-01', '2026-12', '1900-01']) expect(isValidMonth(m), m).toBe(true);
    for (const d of ['2025-02-31', '2025-02-29', '2026-04-31', '0000-00-00', '2026-01-00', '2026-1-01']) expect(isValidDate(d), d).toBe(false);
    for (const d of ['2024-02-29', '2026-12-31', '2026-01-01']) expect(isValidDate(d), d).toBe(true);
    expect(impossibleDate('2026-13')).toBe('2026-13');
    expect(impossibleDate('2025-02-31')).toBe('2025-02-31');
    expect(impossibleDate('2026-05-05T24:00')).toBe('2026-05-05T24:00');
    expect(impossibleDate('2026-05-05T23:59')).toBeNull();
    expect(impossibleDate('jalan rusak 2026-13 kali')).toBeNull();
    expect(impossibleDate('08123456789')).toBeNull();
  });

  it('form content types', () => {
    expect(isFormContentType('application/x-www-form-urlencoded; charset=UTF-8')).toBe(true);
    expect(isFormContentType('multipart/form-data; boundary=x')).toBe(true);
    expect(isFormContentType('application/json')).toBe(false);
    expect(isFormContentType('text/plain')).toBe(false);
    expect(isFormContentType(null)).toBe(false);
  });

  it('redirect targets: same-site paths only, Latin-1-safe', () => {
    expect(safeNext('/ταυτότητα')).toBe('/%CF%84%CE%B1%CF%85%CF%84%CF%8C%CF%84%CE%B7%CF%84%CE%B1');
    expect(safeNext('/。x')).toBe('/%E3%80%82x');
    expect(safeNext('/masukan?q=50%25')).toBe('/masukan?q=50%25');
    expect(safeNext('/a b')).toBe('/a%20b');
    expect(safeNext('//evil.example')).toBe('/');
    expect(safeNext('/\\evil.example')).toBe('/');
    expect(safeNext('https://evil.example')).toBe('/');
    expect(safeNext('/\u0000x')).toBe('/');
    expect(encodePathForLocation('/\ud800x')).toBeNull();
    expect(safeNext('/\ud800x')).toBe('/');
    // Every result can be a header value.
    for (const n of ['/ταυτότητα', '/。x', '/😀']) expect(() => new Headers({ Location: safeNext(n) })).not.toThrow();
  });
});

describe('request guard', () => {
  it('URL checks', () => {
    expect(checkUrl(new URL('http://h/masukan?q=a%00b'))?.status).toBe(400);
    expect(checkUrl(new URL('http://h/masukan/%00'))?.status).toBe(400);
    expect(checkUrl(new URL('http://h/masukan/%E0%A4%A'))?.status).toBe(400);
    expect(checkUrl(new URL('http://h/masukan?dari=2026-13'))?.params).toEqual({ value: '2026-13' });
    expect(checkUrl(new URL('http://h/masukan?dari=2026-01&q=jalan'))).toBeNull();
  });

  it('form checks: values and file names; dates are left to the form (a field error, not this page)', () => {
    const f = (entries: [string, string | File][]) => {
      const fd = new FormData();
      for (const [k, v] of entries) fd.append(k, v);
      return fd;
    };
    expect(checkForm(f([['title', 'a\u0000']]))?.message).toBe('guard.control');
    expect(checkForm(f([['occurredOn', '2025-02-31']]))).toBeNull();
    expect(checkForm(f([['photos', new File(['x'], 'a\u0000.jpg')]]))?.message).toBe('guard.control');
    expect(checkForm(f([['title', 'Jalan\r\nrusak'], ['photos', new File(['x'], 'foto jalan.jpg')]]))).toBeNull();
  });

  it('same origin: Origin must match; without it, Sec-Fetch-Site must say same-origin; neither → refused', () => {
    const o = 'https://bakudengar.ambon.go.id';
    expect(isSameOriginRequest(new Headers({ Origin: o }), o)).toBe(true);
    expect(isSameOriginRequest(new Headers({ Origin: 'https://evil.example' }), o)).toBe(false);
    expect(isSameOriginRequest(new Headers({ Origin: 'null' }), o)).toBe(false);
    expect(isSameOriginRequest(new Headers({ Origin: 'https://evil.example', 'Sec-Fetch-Site': 'same-origin' }), o)).toBe(false);
    expect(isSameOriginRequest(new Headers({ 'Sec-Fetch-Site': 'same-origin' }), o)).toBe(true);
    expect(isSameOriginRequest(new Headers({ 'Sec-Fetch-Site': 'same-site' }), o)).toBe(false);
    expect(isSameOriginRequest(new Headers({ 'Sec-Fetch-Site': 'cross-site' }), o)).toBe(false);
    expect(isSameOriginRequest(new Headers(), o)).toBe(false);
  });

  it('the exemption list: webhooks, Open311 POST, one-click unsubscribe; nothing else', () => {
    expect(ORIGIN_EXEMPTIONS.map((e) => e.path)).toEqual(['/webhooks/', '/open311/v2/requests', '/langganan/berhenti/']);
    expect(originExemption('/webhooks/whatsapp', 'POST')?.rawBody).toBe(true);
    expect(originExemption('/open311/v2/requests.json', 'POST')).not.toBeNull();
    expect(originExemption('/open311/v2/requests/12.json', 'POST')).toBeNull();
    expect(originExemption('/open311/v2/requests', 'DELETE')).toBeNull();
    expect(originExemption('/langganan/berhenti/abc', 'POST')).not.toBeNull();
    expect(originExemption('/keluar', 'POST')).toBeNull();
    expect(originExemption('/webhooksx', 'POST')).toBeNull();
  });

  it('database-unavailable errors are told from bugs', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('x', { cause: new Error('Connection terminated unexpectedly') }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError('undefined is not a function'))).toBe(false);
  });
});
