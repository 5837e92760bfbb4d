import { describe, expect, test } from 'vitest';
import { parseIdList } from '../../src/server/forms.ts';

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
