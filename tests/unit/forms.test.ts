import { describe, expect, test } from 'vitest';
import { calendarDate, parseId, parseIdList, readForm, validate } from '../../src/server/forms.ts';

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

describe('parseId', () => {
  test('a positive integer without leading zeros, up to 15 digits', () => {
    expect(parseId('1')).toBe(1);
    expect(parseId('999999999999999')).toBe(999999999999999);
    for (const bad of ['', '0', '012', '-1', '1.0', '1e3', ' 7', '12abc', '1000000000000000', undefined, null, 12]) expect(parseId(bad), String(bad)).toBeNull();
  });

  test('an integer column takes no id beyond its range', () => {
    expect(parseId('2147483647', 'integer')).toBe(2147483647);
    expect(parseId('2147483648', 'integer')).toBeNull();
    expect(parseId('2147483648')).toBe(2147483648);
  });
});

describe('readForm', () => {
  const post = (body: FormData | URLSearchParams) => new Request('http://localhost/x', { method: 'POST', body });

  test('text fields, last value wins; repeated fields are lists only where declared', async () => {
    const body = new URLSearchParams([['title', 'a'], ['unit_ids', '3'], ['unit_ids', '4'], ['unit_ids', '3'], ['unit_ids', ''], ['title', 'b']]);
    const form = await readForm(post(body), { lists: ['unit_ids', 'item'] });
    expect(form.values).toEqual({ title: 'b', unit_ids: '' });
    expect(form.lists).toEqual({ unit_ids: ['3', '4'], item: [] });
  });

  test('files only where declared; the request can still be read afterwards', async () => {
    const body = new FormData();
    body.append('body', 'teks');
    body.append('photos', new File(['x'], 'a.jpg', { type: 'image/jpeg' }));
    body.append('photos', new File([], '', { type: 'application/octet-stream' }));
    const request = post(body);
    const form = await readForm(request, { files: ['photos'] });
    // A part without a file name (what a browser sends when none was chosen) arrives as an empty text field.
    expect(form.values).toEqual({ body: 'teks', photos: '' });
    expect(form.files.photos.map((f) => [f.name, f.size])).toEqual([['a.jpg', 1]]);
    expect(request.bodyUsed).toBe(false);
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
