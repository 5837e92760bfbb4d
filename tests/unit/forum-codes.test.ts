import { describe, expect, test } from 'vitest';
import { witDate } from '../../src/server/calendar/working-days.ts';
import { forumSlug, newRegistrationCode, normalizeRegistrationCode } from '../../src/server/forums/codes.ts';
import { oneMonthLater, parseWitLocal, toWitLocal } from '../../src/domain/dates.ts';

describe('registration codes', () => {
  test('new codes have the F-XXXX-XXXX shape from the look-alike-free alphabet and differ', () => {
    const codes = new Set(Array.from({ length: 500 }, () => newRegistrationCode()));
    expect(codes.size).toBe(500);
    for (const c of codes) expect(c).toMatch(/^F-[2-9A-HJKMNP-TW-Z]{4}-[2-9A-HJKMNP-TW-Z]{4}$/);
  });

  test('typed codes are understood in any case and spacing; the QR URL gives its code', () => {
    expect(normalizeRegistrationCode(' f 7k3q x9fm ')).toBe('F-7K3Q-X9FM');
    expect(normalizeRegistrationCode('7K3QX9FM')).toBe('F-7K3Q-X9FM');
    expect(normalizeRegistrationCode('F-7K3Q-X9FM')).toBe('F-7K3Q-X9FM');
    expect(normalizeRegistrationCode('https://baku.example/forum/x/checkin?kode=F-7K3Q-X9FM')).toBe('F-7K3Q-X9FM');
    expect(normalizeRegistrationCode('https://baku.example/forum/x/checkin?a=1&kode=f-7k3q-x9fm#top')).toBe('F-7K3Q-X9FM');
  });

  test('malformed codes and look-alike letters are refused', () => {
    // A pasted URL with a broken escape (decodeURIComponent throws on it) is refused, not a 500.
    for (const bad of ['', 'F-7K3Q', 'F-7K3Q-X9FMX', 'F-0K3Q-X9FM', 'F-IK3Q-X9FM', 'F-7K3Q-X9FU', 'hello world', 'https://x/checkin?kode=%E0%A4%A', '?kode=%']) {
      expect(normalizeRegistrationCode(bad), bad).toBeNull();
    }
  });
});

describe('WIT times', () => {
  test('a datetime-local value is read as WIT (UTC+9) and written back unchanged', () => {
    const d = parseWitLocal('2026-12-10T10:00')!;
    expect(d.toISOString()).toBe('2026-12-10T01:00:00.000Z');
    expect(toWitLocal(d)).toBe('2026-12-10T10:00');
    // 08.00 WIT on the 1st is still the 31st in UTC; the WIT day is the 1st.
    expect(witDate(parseWitLocal('2027-01-01T08:00')!)).toBe('2027-01-01');
  });

  test('impossible dates and times are refused rather than rolled over', () => {
    for (const bad of ['2026-02-30T10:00', '2026-13-01T10:00', '2026-12-10T24:00', '2026-12-10 10:00', '2026-12-10T10:00:00', '']) {
      expect(parseWitLocal(bad), bad).toBeNull();
    }
  });

  test('one month later keeps the wall-clock time and clamps to the last day of the month', () => {
    expect(toWitLocal(oneMonthLater(parseWitLocal('2026-11-12T09:00')!))).toBe('2026-12-12T09:00');
    expect(toWitLocal(oneMonthLater(parseWitLocal('2027-01-31T09:00')!))).toBe('2027-02-28T09:00');
    expect(toWitLocal(oneMonthLater(parseWitLocal('2028-01-31T19:30')!))).toBe('2028-02-29T19:30');
    expect(toWitLocal(oneMonthLater(parseWitLocal('2026-12-15T08:00')!))).toBe('2027-01-15T08:00');
    // 07.00 WIT is the previous day in UTC: the month is still counted in WIT.
    expect(toWitLocal(oneMonthLater(parseWitLocal('2026-03-31T07:00')!))).toBe('2026-04-30T07:00');
  });

  test('slugs start with the WIT date and keep only plain words', () => {
    expect(forumSlug('Forum Dialog: Kesehatan & Puskesmas (Ambon)', parseWitLocal('2027-01-01T08:00')!)).toBe('2027-01-01-forum-dialog-kesehatan-puskesmas-ambon');
    expect(forumSlug('Pelayanan Dukcapil à la carte, édition spéciale, bagian kedua', parseWitLocal('2026-12-10T10:00')!)).toBe('2026-12-10-pelayanan-dukcapil-a-la-carte-edition');
  });
});
