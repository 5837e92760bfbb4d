import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { en } from '../../src/i18n/en.ts';
import { id } from '../../src/i18n/id.ts';
import { formatDateTime, translator } from '../../src/i18n/index.ts';

const i18nDir = new URL('../../src/i18n/', import.meta.url);
const domains = readdirSync(i18nDir, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

async function domainDictionaries(domain: string): Promise<{ id: Record<string, string>; en: Record<string, string> }> {
  const [ids, ens] = await Promise.all([import(new URL(`${domain}/id.ts`, i18nDir).href), import(new URL(`${domain}/en.ts`, i18nDir).href)]);
  return { id: ids.id as Record<string, string>, en: ens.en as Record<string, string> };
}

describe('i18n', () => {
  it('English defines exactly the Indonesian keys', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(id).sort());
  });

  it('no message is empty in either language', () => {
    const empty = (dict: Record<string, string>) => Object.keys(dict).filter((k) => typeof dict[k] !== 'string' || dict[k].trim() === '');
    expect(empty(id)).toEqual([]);
    expect(empty(en)).toEqual([]);
  });

  it('every domain folder has both languages with the same keys; each key lives in one domain; all are assembled', async () => {
    expect(domains.length).toBeGreaterThan(10);
    const owner = new Map<string, string>();
    for (const domain of domains) {
      const dicts = await domainDictionaries(domain);
      expect(Object.keys(dicts.en).sort(), domain).toEqual(Object.keys(dicts.id).sort());
      for (const key of Object.keys(dicts.id)) {
        expect(owner.get(key), `${key} in ${domain}`).toBeUndefined();
        owner.set(key, domain);
        expect(id[key as keyof typeof id], key).toBe(dicts.id[key]);
        expect(en[key as keyof typeof en], key).toBe(dicts.en[key]);
      }
    }
    expect([...owner.keys()].sort()).toEqual(Object.keys(id).sort());
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
