import { describe, expect, it } from 'vitest';
import { isWorkingDay, nthWorkingDayAfter, witDate, workingDayDeadline, workingDaysBetween } from '../../src/server/calendar/working-days.ts';

// 2026: 16 Feb (Mon) cuti bersama Imlek, 17 Feb (Tue) Imlek; 18–24 Mar Nyepi and Idul Fitri days.
const holidays = new Set(['2026-02-16', '2026-02-17', '2026-03-18', '2026-03-19', '2026-03-20', '2026-03-21', '2026-03-22', '2026-03-23', '2026-03-24']);

describe('working days (WIT)', () => {
  it('uses the WIT calendar date', () => {
    expect(witDate(new Date('2026-02-12T14:59:00Z'))).toBe('2026-02-12'); // 23:59 WIT
    expect(witDate(new Date('2026-02-12T15:00:00Z'))).toBe('2026-02-13'); // 00:00 WIT next day
  });

  it('skips weekends and holidays', () => {
    expect(isWorkingDay('2026-02-14', holidays)).toBe(false); // Saturday
    expect(isWorkingDay('2026-02-16', holidays)).toBe(false); // cuti bersama
    expect(isWorkingDay('2026-02-18', holidays)).toBe(true);
    // Friday 13 Feb + 3 working days: Wed 18, Thu 19, Fri 20.
    expect(nthWorkingDayAfter(new Date('2026-02-13T01:00:00Z'), 3, holidays)).toBe('2026-02-20');
    // Tuesday 17 Mar + 1: the whole of 18–24 Mar is off, so Wednesday 25 Mar.
    expect(nthWorkingDayAfter(new Date('2026-03-17T01:00:00Z'), 1, holidays)).toBe('2026-03-25');
  });

  it('deadlines end at midnight WIT', () => {
    const d = workingDayDeadline(new Date('2026-02-13T01:00:00Z'), 3, holidays);
    expect(d.toISOString()).toBe('2026-02-20T14:59:59.999Z');
  });

  it('counts working days between two instants', () => {
    expect(workingDaysBetween(new Date('2026-02-13T01:00:00Z'), new Date('2026-02-13T08:00:00Z'), holidays)).toBe(0);
    expect(workingDaysBetween(new Date('2026-02-13T01:00:00Z'), new Date('2026-02-20T08:00:00Z'), holidays)).toBe(3);
    expect(workingDaysBetween(new Date('2026-03-13T01:00:00Z'), new Date('2026-03-27T08:00:00Z'), holidays)).toBe(5);
  });
});
