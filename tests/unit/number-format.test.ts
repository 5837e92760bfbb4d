import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { en } from '../../src/i18n/en.ts';
import { id } from '../../src/i18n/id.ts';
import type { OutboxStatus } from '../../src/server/db/schema.ts';
import { formatDecimal } from '../../src/server/evaluation/present.ts';

function pages(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? pages(p) : p.endsWith('.astro') ? [p] : [];
  });
}

describe('numbers and statuses as people read them', () => {
  it('pages format decimals per locale (Intl), never with toFixed ("4.0 dari 5")', () => {
    const offenders = [...pages('src/pages'), ...pages('src/components'), ...pages('src/layouts')].filter((f) => /\.toFixed\(/.test(fs.readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
    expect(formatDecimal(4, 'id', 1)).toBe('4,0');
    expect(formatDecimal(4, 'en', 1)).toBe('4.0');
  });

  it('every outbox status has a label in both languages', () => {
    // A Record of the type: the compiler fails this file when a status is added without it.
    const all: Record<OutboxStatus, true> = { pending: true, sending: true, sent: true, logged: true, failed: true };
    for (const s of Object.keys(all) as OutboxStatus[]) {
      expect(id[`outbox.status.${s}`], s).toBeTruthy();
      expect(en[`outbox.status.${s}`], s).toBeTruthy();
    }
  });
});
