import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { en } from '../../src/i18n/en.ts';
import { id } from '../../src/i18n/id.ts';
import { composeEmail } from '../../src/server/notifications/service.ts';

/**
 * Lock screens show email subjects: a tracking code (the reporter's private key) is never in
 * one, only in the body.
 */
describe('email subjects', () => {
  it('no subject of any language has a placeholder for a code', () => {
    for (const dict of [id, en] as Record<string, string>[]) {
      const subjects = Object.entries(dict).filter(([k]) => k.endsWith('.subject') || k.endsWith('Subject'));
      expect(subjects.length).toBeGreaterThan(10);
      for (const [k, v] of subjects) expect(`${k}: ${v}`).not.toMatch(/\{(code|trackingCode|tracking)\}/);
    }
  });

  it('the receipt carries the code in its body only', () => {
    const code = 'BD-ABCDE-FGHJK';
    for (const locale of ['id', 'en'] as const) {
      const e = composeEmail(locale, 'email.receipt.subject', 'email.receipt.body', { code, title: 'Lampu mati', link: 'http://x/lacak' });
      expect(e.subject).not.toContain(code);
      expect(e.text).toContain(code);
    }
  });

  it('no email module builds a subject from a code', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const n of readdirSync(dir)) {
        const p = path.join(dir, n);
        if (statSync(p).isDirectory()) walk(p);
        else if (/emails?[^/]*\.ts$|notifications\/.*\.ts$/.test(p)) files.push(p);
      }
    };
    walk('src/server');
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(readFileSync(f, 'utf8')).not.toMatch(/subject[^\n]*trackingCode/i);
  });
});
