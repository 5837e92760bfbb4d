import { describe, expect, it } from 'vitest';
import type { SessionUser } from '../../src/server/accounts/sessions.ts';
import { canRegister, canSeeOnlineLink, type RegistrationView } from '../../src/server/forums/permissions.ts';

const now = new Date('2026-12-10T03:00:00Z');
const h = (n: number) => new Date(now.getTime() + n * 3600_000);
const open: RegistrationView = { status: 'published', ends_at: h(50), registration_opens_at: h(-24), registration_closes_at: h(40), reserved_asn: 5 };
const person = (role: SessionUser['role'], unitId: number | null = null) => ({ id: `u-${role}`, role, unitId }) as SessionUser;

describe('canRegister: the one rule the forum page and registerForForum share', () => {
  it.each([
    ['cancelled forum', { ...open, status: 'cancelled' as const }, person('resident'), null, 'forum.err.cancelled'],
    ['closed forum', { ...open, status: 'closed' as const }, person('resident'), null, 'forum.err.over'],
    ['draft', { ...open, status: 'draft' as const }, person('resident'), null, 'forum.err.over'],
    ['forum over', { ...open, ends_at: h(-1) }, person('resident'), null, 'forum.err.over'],
    ['window not open', { ...open, registration_opens_at: h(1) }, person('resident'), null, 'forum.err.notOpenYet'],
    ['window closed', { ...open, registration_closes_at: h(-1) }, person('resident'), null, 'forum.err.registrationClosed'],
    ['signed out', open, null, null, 'forum.signInToRegister'],
    ['ASN of another unit', open, person('asn', 9), null, 'forum.err.unitNotParticipating'],
    ['moderator', open, person('moderator'), null, 'forum.err.staffRunForums'],
    ['ASN when no seats are reserved', { ...open, reserved_asn: 0 }, person('asn', 1), null, 'forum.err.noAsnSeats'],
    ['already registered', open, person('resident'), { status: 'registered' as const }, 'forum.err.alreadyRegistered'],
    ['already waitlisted', open, person('resident'), { status: 'waitlisted' as const }, 'forum.err.alreadyRegistered'],
  ])('%s is refused with its reason', (_name, forum, user, existing, reason) => {
    expect(canRegister(forum, [1, 2], user, now, existing)).toEqual({ allowed: false, reason });
  });

  it('gives residents the residents\' pool, ASN of a participating unit theirs, and lets a cancelled registration come back', () => {
    expect(canRegister(open, [1, 2], person('resident'), now, null)).toEqual({ allowed: true, value: 'resident' });
    expect(canRegister(open, [1, 2], person('asn', 2), now, null)).toEqual({ allowed: true, value: 'asn' });
    expect(canRegister(open, [1, 2], person('resident'), now, { status: 'cancelled' })).toEqual({ allowed: true, value: 'resident' });
  });
});

describe('canSeeOnlineLink', () => {
  const online = { mode: 'online' as const, online_url: 'https://meet.example/x' };
  it('shows the link to seated people and to those who run forums only', () => {
    expect(canSeeOnlineLink(online, person('resident'), { status: 'registered' })).toBe(true);
    expect(canSeeOnlineLink(online, person('moderator'), null)).toBe(true);
    expect(canSeeOnlineLink(online, person('resident'), { status: 'waitlisted' })).toBe(false);
    expect(canSeeOnlineLink(online, null, null)).toBe(false);
    expect(canSeeOnlineLink({ mode: 'in_person', online_url: 'https://meet.example/x' }, person('moderator'), null)).toBe(false);
  });
});
