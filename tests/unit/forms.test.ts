import { describe, expect, test } from 'vitest';
import { calendarDate, parseIdList, validate } from '../../src/server/forms.ts';

describe('parseIdList', () => {
  test('reads numbers separated by commas, semicolons or spaces, with or without #, once each', () => {
    expect(parseIdList('12, #40 41; 7, 12')).toEqual([12, 40, 41, 7]);
    expect(parseIdList('')).toEqual([]);
    expect(parseIdList('  ')).toEqual([]);
  });

  test('anything that is not a number makes the whole list invalid', () => {
    for (const bad of ['dua belas', '12, 4x', 'nomor 12', '1.5', '-3', '1234567890123']) expect(parseIdList(bad), bad).toBeNull();
  });
});

describe('calendarDate', () => {
  test('takes a real day, trimmed', () => {
    expect(validate(calendarDate(), ' 2024-02-29 ')).toEqual({ ok: true, value: '2024-02-29' });
  });

  test('refuses impossible or malformed days with the given translated message', () => {
    for (const bad of ['2025-02-31', '2025-02-29', '2026-13-01', '0000-00-00', '2026-1-5', '', 'besok']) {
      const r = validate(calendarDate('coaching.err.date'), bad);
      expect(r.ok, bad).toBe(false);
      if (!r.ok) expect(Object.values(r.errors)[0]?.key, bad).toBe('coaching.err.date');
    }
    const missing = validate(calendarDate(), undefined);
    expect(missing.ok).toBe(false);
  });
});
