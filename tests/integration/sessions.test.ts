import { describe, expect, it } from 'vitest';
import { deleteExpiredSessions } from '../../src/server/accounts/queries.ts';
import { signOut } from '../../src/server/accounts/service.ts';
import { createSession, invalidateUserSessions, validateSessionToken } from '../../src/server/accounts/sessions.ts';
import type { Role } from '../../src/server/db/schema.ts';
import { insertUserRow, POLICY, sessionIdsOf, sha256Hex, unitId } from '../support/accounts.ts';
import { describeEachDb } from '../support/db.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const T0 = new Date('2026-12-01T00:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

describeEachDb('sessions', (get) => {
  const db = () => get().db;

  async function start(role: Role = 'resident', now = T0) {
    const unit = role === 'asn' ? await unitId(db(), 'Dindik') : null;
    const user = await insertUserRow(db(), { role, unitId: unit });
    const s = await createSession(db(), POLICY, user, { ip: '10.9.9.9', userAgent: 'x'.repeat(500) }, now);
    return { user, ...s };
  }

  async function storedExpiry(id: string): Promise<Date | undefined> {
    const r = await db().selectFrom('sessions').select('expires_at').where('id', '=', id).executeTakeFirst();
    return r?.expires_at;
  }

  it('the default policy is 14 d / 30 d for residents and 4 h / 12 h for staff', () => {
    expect(POLICY).toEqual({
      residentIdleSeconds: 14 * 86400,
      residentAbsoluteSeconds: 30 * 86400,
      staffIdleSeconds: 4 * 3600,
      staffAbsoluteSeconds: 12 * 3600,
    });
  });

  it('stores only the SHA-256 of the token, and validation returns the user with their unit', async () => {
    const s = await start('asn');
    expect(s.session.id).toBe(sha256Hex(s.token));
    const row = await db().selectFrom('sessions').selectAll().where('id', '=', s.session.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ user_id: s.user.id, ip: '10.9.9.9' });
    expect(row.user_agent).toHaveLength(300);
    expect(row.created_at.getTime()).toBe(T0.getTime());

    const v = await validateSessionToken(db(), POLICY, s.token, at(MINUTE));
    expect(v).not.toBeNull();
    expect(v!.refreshed).toBe(false);
    expect(v!.session).toEqual({ id: s.session.id, userId: s.user.id, expiresAt: at(4 * HOUR), absoluteExpiresAt: at(12 * HOUR) });
    expect(v!.user).toEqual({
      id: s.user.id,
      email: s.user.email,
      displayName: s.user.display_name,
      role: 'asn',
      unitId: s.user.unit_id,
      unitShortName: 'Dindik',
      unitSlug: 'dindik',
      locale: 'id',
    });
  });

  it('staff roles get shorter idle and absolute lifetimes than residents', async () => {
    const resident = await start('resident');
    expect(resident.session.expiresAt).toEqual(at(14 * DAY));
    expect(resident.session.absoluteExpiresAt).toEqual(at(30 * DAY));
    for (const role of ['asn', 'moderator', 'admin'] as const) {
      const staff = await start(role);
      expect(staff.session.expiresAt, role).toEqual(at(4 * HOUR));
      expect(staff.session.absoluteExpiresAt, role).toEqual(at(12 * HOUR));
      expect(staff.session.expiresAt.getTime()).toBeLessThan(resident.session.expiresAt.getTime());
      expect(staff.session.absoluteExpiresAt.getTime()).toBeLessThan(resident.session.absoluteExpiresAt.getTime());
      expect(await storedExpiry(staff.session.id)).toEqual(at(4 * HOUR));
      // Still alive just before the idle limit, gone at it.
      const probe = await createSession(db(), POLICY, staff.user, { ip: null, userAgent: null }, T0);
      expect(await validateSessionToken(db(), POLICY, probe.token, at(4 * HOUR - 1))).not.toBeNull();
      expect(await validateSessionToken(db(), POLICY, staff.token, at(4 * HOUR))).toBeNull();
    }
  });

  it('ends after the idle period: validation returns null and deletes the row', async () => {
    const s = await start();
    const alive = await createSession(db(), POLICY, s.user, { ip: null, userAgent: null }, T0);
    expect(await validateSessionToken(db(), POLICY, alive.token, at(14 * DAY - 1000))).not.toBeNull();
    expect(await validateSessionToken(db(), POLICY, s.token, at(14 * DAY))).toBeNull();
    expect(await storedExpiry(s.session.id)).toBeUndefined();
    // Once deleted it stays gone, even if asked with an earlier clock.
    expect(await validateSessionToken(db(), POLICY, s.token, at(DAY))).toBeNull();
  });

  it('slides: a validation in the first half of the idle period changes nothing, one past half extends it', async () => {
    const s = await start();
    const early = await validateSessionToken(db(), POLICY, s.token, at(3 * DAY));
    expect(early!.refreshed).toBe(false);
    expect(early!.session.expiresAt).toEqual(at(14 * DAY));
    expect(await storedExpiry(s.session.id)).toEqual(at(14 * DAY));

    const late = await validateSessionToken(db(), POLICY, s.token, at(8 * DAY));
    expect(late!.refreshed).toBe(true);
    expect(late!.session.expiresAt).toEqual(at(22 * DAY));
    expect(await storedExpiry(s.session.id)).toEqual(at(22 * DAY));

    // Valid beyond the original expiry, thanks to the extension.
    const beyond = await validateSessionToken(db(), POLICY, s.token, at(15 * DAY));
    expect(beyond).not.toBeNull();
    expect(beyond!.refreshed).toBe(false);
  });

  it('never extends past the absolute limit, which ends the session even with constant activity', async () => {
    const s = await start();
    let latest = s.session.expiresAt;
    for (let d = 1; d < 30; d++) {
      const v = await validateSessionToken(db(), POLICY, s.token, at(d * DAY));
      expect(v, `day ${d}`).not.toBeNull();
      expect(v!.session.expiresAt.getTime()).toBeLessThanOrEqual(at(30 * DAY).getTime());
      expect(v!.session.absoluteExpiresAt).toEqual(at(30 * DAY));
      latest = v!.session.expiresAt;
    }
    expect(latest).toEqual(at(30 * DAY));
    expect(await storedExpiry(s.session.id)).toEqual(at(30 * DAY));
    expect(await validateSessionToken(db(), POLICY, s.token, at(30 * DAY - 1))).not.toBeNull();
    expect(await validateSessionToken(db(), POLICY, s.token, at(30 * DAY))).toBeNull();
    expect(await storedExpiry(s.session.id)).toBeUndefined();
  });

  it('staff sessions slide within their own limits and end at 12 hours despite activity', async () => {
    const s = await start('moderator');
    const v = await validateSessionToken(db(), POLICY, s.token, at(3 * HOUR));
    expect(v!.refreshed).toBe(true);
    expect(v!.session.expiresAt).toEqual(at(7 * HOUR));
    for (let h = 4; h < 12; h++) expect(await validateSessionToken(db(), POLICY, s.token, at(h * HOUR)), `hour ${h}`).not.toBeNull();
    expect(await storedExpiry(s.session.id)).toEqual(at(12 * HOUR));
    expect(await validateSessionToken(db(), POLICY, s.token, at(12 * HOUR))).toBeNull();
  });

  it('a malformed or unknown token resolves to null and leaves real sessions alone', async () => {
    const s = await start();
    const unknown = 'a'.repeat(32);
    for (const token of ['', 'pendek', s.token.toUpperCase(), `${s.token}a`, s.token.slice(1), s.session.id, '0189'.repeat(8), unknown]) {
      expect(await validateSessionToken(db(), POLICY, token, at(MINUTE)), token).toBeNull();
    }
    expect(await validateSessionToken(db(), POLICY, s.token, at(MINUTE))).not.toBeNull();
  });

  it('a session of a disabled account resolves to null and is deleted', async () => {
    const s = await start();
    await db().updateTable('users').set({ disabled_at: T0 }).where('id', '=', s.user.id).execute();
    expect(await validateSessionToken(db(), POLICY, s.token, at(MINUTE))).toBeNull();
    expect(await sessionIdsOf(db(), s.user.id)).toEqual([]);
  });

  it('signOut ends one session; invalidateUserSessions ends all (or all but one) of one user only', async () => {
    const a = await start();
    const a2 = await createSession(db(), POLICY, a.user, { ip: null, userAgent: null }, T0);
    const a3 = await createSession(db(), POLICY, a.user, { ip: null, userAgent: null }, T0);
    const b = await start();

    await signOut(db(), a.session.id);
    expect(await validateSessionToken(db(), POLICY, a.token, at(MINUTE))).toBeNull();
    expect(await sessionIdsOf(db(), a.user.id)).toEqual([a2.session.id, a3.session.id].sort());

    expect(await invalidateUserSessions(db(), a.user.id, a3.session.id)).toBe(1);
    expect(await sessionIdsOf(db(), a.user.id)).toEqual([a3.session.id]);
    expect(await invalidateUserSessions(db(), a.user.id)).toBe(1);
    expect(await sessionIdsOf(db(), a.user.id)).toEqual([]);
    expect(await sessionIdsOf(db(), b.user.id)).toEqual([b.session.id]);
  });

  it('a deleted user takes their sessions along (cascade)', async () => {
    const s = await start();
    await db().deleteFrom('users').where('id', '=', s.user.id).execute();
    expect(await storedExpiry(s.session.id)).toBeUndefined();
    expect(await validateSessionToken(db(), POLICY, s.token, at(MINUTE))).toBeNull();
  });

  describe('pruning (background worker)', () => {
    it('deleteExpiredSessions removes idle-expired and absolutely-expired sessions only', async () => {
      const base = new Date('2031-01-01T00:00:00.000Z'); // later than every other session of this suite
      const fresh = await start('resident', base);
      const idle = await start('resident', new Date(base.getTime() - 15 * DAY));
      const staffOld = await start('admin', new Date(base.getTime() - 13 * HOUR));
      // Expires later than absolute would allow: only the absolute limit catches it.
      const stretched = await start('resident', new Date(base.getTime() - 31 * DAY));
      await db().updateTable('sessions').set({ expires_at: new Date(base.getTime() + DAY) }).where('id', '=', stretched.session.id).execute();

      const deleted = await deleteExpiredSessions(db(), base);
      expect(deleted).toBeGreaterThanOrEqual(3);
      const left = await db()
        .selectFrom('sessions')
        .select('id')
        .where('id', 'in', [fresh.session.id, idle.session.id, staffOld.session.id, stretched.session.id])
        .execute();
      expect(left.map((r) => r.id)).toEqual([fresh.session.id]);
    });
  });
});

describe('session helpers', () => {
  it('sha256Hex matches a known vector', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
