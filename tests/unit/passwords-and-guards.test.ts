import { describe, expect, it } from 'vitest';
import { passwordProblem } from '../../src/server/accounts/passwords.ts';
import { clientIp } from '../../src/server/http/client-ip.ts';
import { safeNext } from '../../src/server/http/guards.ts';
import { securityHeaders } from '../../src/server/http/security-headers.ts';

describe('password policy', () => {
  it.each([
    ['short', 'pendek1', 'err.passwordShort'],
    ['common', 'password123', 'err.passwordCommon'],
    ['common, any case', 'QwertyUIOP', 'err.passwordCommon'],
    ['local common', 'ambonmanise', 'err.passwordCommon'],
    ['contains the email', 'xx-ona@contoh.id-xx', 'err.passwordEmail'],
    ['contains the local part', 'Ona12345678', 'err.passwordEmail'],
    ['too long', 'a'.repeat(129), 'err.passwordLong'],
  ])('refuses %s', (_label, pw, key) => {
    expect(passwordProblem(pw, 'ona@contoh.id')).toBe(key);
  });

  it('accepts a passphrase', () => {
    expect(passwordProblem('laut biru di teluk ambon', 'ona@contoh.id')).toBeNull();
  });
});

describe('safeNext', () => {
  it.each([
    ['/akun', '/akun'],
    ['/admin/pengguna?role=asn', '/admin/pengguna?role=asn'],
    ['//evil.example/x', '/'],
    ['/\\evil.example', '/'],
    // Browsers drop tabs and newlines from URLs: "/<TAB>/evil.example" is "//evil.example".
    ['/\t/evil.example/x', '/'],
    ['/\n/evil.example', '/'],
    ['/\r\n/evil.example', '/'],
    ['/x\\y', '/'],
    ['https://evil.example', '/'],
    ['', '/'],
    [null, '/'],
  ])('%s → %s', (input, expected) => {
    expect(safeNext(input)).toBe(expected);
  });
});

describe('client address', () => {
  const h = new Headers({ 'x-forwarded-for': '203.0.113.7, 10.0.0.1' });
  it('ignores X-Forwarded-For unless the proxy is trusted', () => {
    expect(clientIp(h, '127.0.0.1', false)).toBe('127.0.0.1');
    expect(clientIp(h, '127.0.0.1', true)).toBe('203.0.113.7');
    expect(clientIp(new Headers(), '127.0.0.1', true)).toBe('127.0.0.1');
  });
});

describe('security headers', () => {
  it('forbid framing and inline script; HSTS only over https', () => {
    const plain = securityHeaders(false);
    expect(plain['Content-Security-Policy']).toContain("default-src 'self'");
    expect(plain['Content-Security-Policy']).toContain("frame-ancestors 'none'");
    expect(plain['Content-Security-Policy']).not.toContain('unsafe-inline');
    expect(plain['X-Content-Type-Options']).toBe('nosniff');
    expect(plain['Strict-Transport-Security']).toBeUndefined();
    expect(securityHeaders(true)['Strict-Transport-Security']).toMatch(/max-age=\d+/);
  });
});
