import { expect, test } from 'vitest';
import { exportRange } from '../../src/server/evaluation/service.ts';

const now = new Date('2026-11-27T12:00:00Z');

test('the export range reads WIT days, both inclusive', () => {
  expect(exportRange('2026-10-01', '2026-10-31', now)).toEqual({ from: new Date('2026-09-30T15:00:00Z'), to: new Date('2026-10-31T15:00:00Z') });
});

test('missing or malformed days fall back to the last 365 days up to now', () => {
  for (const [dari, sampai] of [[null, null], ['', ''], ['2026-13-01', 'kemarin'], ['01-10-2026', '2026/10/31']] as const) {
    expect(exportRange(dari, sampai, now), `${dari} ${sampai}`).toEqual({ from: new Date(now.getTime() - 365 * 86400_000), to: now });
  }
  expect(exportRange('2026-10-01', null, now)).toEqual({ from: new Date('2026-09-30T15:00:00Z'), to: now });
});
