import { describe, expect, it } from 'vitest';
import { en } from '../../src/i18n/en.ts';
import { id } from '../../src/i18n/id.ts';
import { formatDateTime, translator } from '../../src/i18n/index.ts';

describe('i18n', () => {
  it('English defines exactly the Indonesian keys', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(id).sort());
  });

  it('every placeholder of a message exists in both languages', () => {
    const ph = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(id) as (keyof typeof id)[]) expect(ph(en[key]), key).toEqual(ph(id[key]));
  });

  it('fills placeholders', () => {
    expect(translator('en')('err.rateLimited', { seconds: 42 })).toBe('Too many attempts. Wait 42 seconds and try again.');
    expect(translator('id')('err.tooLong', { max: 80 })).toContain('80');
  });

  it('formats times in WIT (UTC+9)', () => {
    const d = new Date('2026-11-27T10:00:00Z');
    expect(formatDateTime(d, 'en')).toMatch(/19:00.*WIT$/);
    expect(formatDateTime(d, 'id')).toMatch(/19\.00.*WIT$/);
  });
});
