import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { actorOf, changeUserRole, listUsers, setUserDisabled, signIn, USER_PAGE_SIZE } from '../../src/server/accounts/service.ts';
import { createSession, validateSessionToken } from '../../src/server/accounts/sessions.ts';
import type { Actor } from '../../src/server/audit/service.ts';
import {
  auditEntries,
  errorsOf,
  insertUserRow,
  json,
  makeCtx,
  POLICY,
  sessionIdsOf,
  sessionUserOf,
  strongPassword,
  uniqueEmail,
  uniqueIp,
  unitId,
  valueOf,
  signUpConfirmed,
} from '../support/accounts.ts';
import { describeEachDb } from '../support/db.ts';

describeEachDb('user administration', (get) => {
  const db = () => get().db;

  async function newAdmin(): Promise<{ actor: Actor; id: string; label: string }> {
    const row = await insertUserRow(db(), { role: 'admin', displayName: 'Admin Kota' });
    const actor = actorOf(sessionUserOf(row), uniqueIp());
    return { actor, id: row.id, label: `Admin Kota <${row.email}>` };
  }

  async function withSessions(role: 'resident' | 'moderator' = 'resident') {
    const user = await insertUserRow(db(), { role });
    const s1 = await createSession(db(), POLICY, user, { ip: null, userAgent: null });
    const s2 = await createSession(db(), POLICY, user, { ip: null, userAgent: null });
    return { user, tokens: [s1.token, s2.token] };
  }

  describe('changeUserRole', () => {
    it('asn needs a unit; other roles refuse one; nothing changes on refusal', async () => {
      const { actor } = await newAdmin();
      const target = await withSessions();
      const dindik = String(await unitId(db(), 'Dindik'));
      expect(errorsOf(await changeUserRole(db(), actor, target.user.id, { role: 'asn', unitId: '' }))).toEqual({ unitId: { key: 'err.unitRequired' } });
      expect(errorsOf(await changeUserRole(db(), actor, target.user.id, { role: 'asn', unitId: '  ' }))).toEqual({ unitId: { key: 'err.unitRequired' } });
      expect(errorsOf(await changeUserRole(db(), actor, target.user.id, { role: 'moderator', unitId: dindik }))).toEqual({ unitId: { key: 'err.unitNotAllowed' } });
      expect(errorsOf(await changeUserRole(db(), actor, target.user.id, { role: 'admin', unitId: dindik }))).toEqual({ unitId: { key: 'err.unitNotAllowed' } });
      expect(errorsOf(await changeUserRole(db(), actor, target.user.id, { role: 'asn', unitId: '999999' }))).toEqual({ unitId: { key: 'err.invalidChoice' } });
      expect(errorsOf(await changeUserRole(db(), actor, target.user.id, { role: 'asn', unitId: 'abc' })).unitId).toBeDefined();
      expect(errorsOf(await changeUserRole(db(), actor, target.user.id, { role: 'superadmin', unitId: '' }))).toEqual({ role: { key: 'err.invalidChoice' } });

      const row = await db().selectFrom('users').select(['role', 'unit_id']).where('id', '=', target.user.id).executeTakeFirstOrThrow();
      expect(row).toEqual({ role: 'resident', unit_id: null });
      expect(await sessionIdsOf(db(), target.user.id)).toHaveLength(2);
      expect(await auditEntries(db(), 'user.role_change', target.user.id)).toEqual([]);
    });

    it('resident → asn with a unit: saved, every session of the target ends, audited with before/after, actor and ip', async () => {
      const admin = await newAdmin();
      const target = await withSessions();
      const bystander = await withSessions();
      const dindik = await unitId(db(), 'Dindik');

      const r = valueOf(await changeUserRole(db(), admin.actor, target.user.id, { role: 'asn', unitId: ` ${dindik} ` }));
      expect(r).toMatchObject({ id: target.user.id, role: 'asn', unit_id: dindik });
      const row = await db().selectFrom('users').select(['role', 'unit_id']).where('id', '=', target.user.id).executeTakeFirstOrThrow();
      expect(row).toEqual({ role: 'asn', unit_id: dindik });

      expect(await sessionIdsOf(db(), target.user.id)).toEqual([]);
      for (const t of target.tokens) expect(await validateSessionToken(db(), POLICY, t)).toBeNull();
      expect(await sessionIdsOf(db(), bystander.user.id)).toHaveLength(2);

      const audit = await auditEntries(db(), 'user.role_change', target.user.id);
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actor_id: admin.id, actor_label: admin.label, ip: admin.actor.ip, object_type: 'user', object_id: target.user.id });
      expect(json(audit[0]!.before)).toEqual({ role: 'resident', unit_id: null });
      expect(json(audit[0]!.after)).toEqual({ role: 'asn', unit_id: dindik });

      // And back to moderator (the unit goes).
      valueOf(await changeUserRole(db(), admin.actor, target.user.id, { role: 'moderator', unitId: '' }));
      const audits = await auditEntries(db(), 'user.role_change', target.user.id);
      expect(audits).toHaveLength(2);
      expect(json(audits[1]!.before)).toEqual({ role: 'asn', unit_id: dindik });
      expect(json(audits[1]!.after)).toEqual({ role: 'moderator', unit_id: null });
    });

    it('the same role and unit again is a no-op: no audit entry, sessions kept', async () => {
      const { actor } = await newAdmin();
      const target = await withSessions('moderator');
      valueOf(await changeUserRole(db(), actor, target.user.id, { role: 'moderator', unitId: '' }));
      expect(await sessionIdsOf(db(), target.user.id)).toHaveLength(2);
      expect(await auditEntries(db(), 'user.role_change', target.user.id)).toEqual([]);
    });

    it('an admin cannot change their own role', async () => {
      const admin = await newAdmin();
      expect(errorsOf(await changeUserRole(db(), admin.actor, admin.id, { role: 'moderator', unitId: '' }))).toEqual({ _form: { key: 'err.selfChange' } });
      const row = await db().selectFrom('users').select('role').where('id', '=', admin.id).executeTakeFirstOrThrow();
      expect(row.role).toBe('admin');
    });

    it('an unknown target is refused', async () => {
      const { actor } = await newAdmin();
      const r = await changeUserRole(db(), actor, '00000000-0000-4000-8000-000000000000', { role: 'moderator', unitId: '' });
      expect(errorsOf(r)).toEqual({ _form: { key: 'err.badRequest' } });
    });

    it('the database itself refuses an asn without a unit, and a unit on another role', async () => {
      await expect(insertUserRow(db(), { role: 'asn', unitId: null })).rejects.toThrow(/users_asn_unit/);
      await expect(insertUserRow(db(), { role: 'moderator', unitId: await unitId(db(), 'Dindik') })).rejects.toThrow(/users_asn_unit/);
      const asn = await insertUserRow(db(), { role: 'asn', unitId: await unitId(db(), 'Dindik') });
      await expect(db().updateTable('users').set({ unit_id: null }).where('id', '=', asn.id).execute()).rejects.toThrow(/users_asn_unit/);
      await expect(db().updateTable('users').set({ role: 'admin' }).where('id', '=', asn.id).execute()).rejects.toThrow(/users_asn_unit/);
    });

    it('the database refuses a mixed-case email and an unknown role', async () => {
      await expect(insertUserRow(db(), { email: `Besar.${randomBytes(3).toString('hex')}@contoh.id` })).rejects.toThrow(/check constraint/);
      // Cast: the type system already forbids it; the database must too.
      await expect(insertUserRow(db(), { role: 'root' as 'admin' })).rejects.toThrow(/check constraint/);
    });
  });

  describe('setUserDisabled', () => {
    it('disabling ends every session, refuses sign-in after the right password, and is audited; enabling restores sign-in', async () => {
      const admin = await newAdmin();
      const email = uniqueEmail('nonaktif');
      const password = strongPassword();
      const signed = valueOf(await signUpConfirmed(db(), makeCtx(), { displayName: 'Akan Nonaktif', email, password }));
      const extra = await createSession(db(), POLICY, signed.user, { ip: null, userAgent: null });

      valueOf(await setUserDisabled(db(), admin.actor, signed.user.id, true));
      const row = await db().selectFrom('users').select('disabled_at').where('id', '=', signed.user.id).executeTakeFirstOrThrow();
      expect(row.disabled_at).toBeInstanceOf(Date);
      expect(await sessionIdsOf(db(), signed.user.id)).toEqual([]);
      expect(await validateSessionToken(db(), POLICY, signed.token)).toBeNull();
      expect(await validateSessionToken(db(), POLICY, extra.token)).toBeNull();
      expect(errorsOf(await signIn(db(), makeCtx(), { email, password }))).toEqual({ _form: { key: 'err.accountDisabled' } });

      const audit = await auditEntries(db(), 'user.disable', signed.user.id);
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actor_id: admin.id, ip: admin.actor.ip });
      expect(json(audit[0]!.before)).toEqual({ disabled_at: null });
      expect((json(audit[0]!.after) as { disabled_at: unknown }).disabled_at).toEqual(expect.any(String));

      // Disabling twice changes nothing more.
      valueOf(await setUserDisabled(db(), admin.actor, signed.user.id, true));
      expect(await auditEntries(db(), 'user.disable', signed.user.id)).toHaveLength(1);

      valueOf(await setUserDisabled(db(), admin.actor, signed.user.id, false));
      const enabled = await db().selectFrom('users').select('disabled_at').where('id', '=', signed.user.id).executeTakeFirstOrThrow();
      expect(enabled.disabled_at).toBeNull();
      expect(await auditEntries(db(), 'user.enable', signed.user.id)).toHaveLength(1);
      const again = valueOf(await signIn(db(), makeCtx(), { email, password }));
      expect(await validateSessionToken(db(), POLICY, again.token)).not.toBeNull();
    });

    it('an admin cannot disable themselves; an unknown target is refused', async () => {
      const admin = await newAdmin();
      expect(errorsOf(await setUserDisabled(db(), admin.actor, admin.id, true))).toEqual({ _form: { key: 'err.selfChange' } });
      expect(errorsOf(await setUserDisabled(db(), admin.actor, '00000000-0000-4000-8000-000000000000', true))).toEqual({ _form: { key: 'err.badRequest' } });
    });
  });

  describe('listUsers', () => {
    // A tag unique to this suite keeps other tests' users out of every filtered list.
    const tag = `Zq${randomBytes(3).toString('hex')}`;

    async function population() {
      const dindik = await unitId(db(), 'Dindik');
      const dinkes = (await db().selectFrom('units').select('id').where('short_name', '!=', 'Dindik').orderBy('id').executeTakeFirstOrThrow()).id;
      const make = (name: string, extra: Parameters<typeof insertUserRow>[1] = {}) =>
        insertUserRow(db(), { displayName: `${name} ${tag}`, email: uniqueEmail(name.toLowerCase().replace(/\W+/g, '.')), ...extra });
      return {
        dindik,
        dinkes,
        yohana: await make('Yohana Pattikawa'),
        ahmad: await make('Ahmad Tuasikal', { role: 'asn', unitId: dindik }),
        maria: await make('Maria Sahetapy', { role: 'asn', unitId: dinkes }),
        rudi: await make('Rudi Latumahina', { role: 'moderator', disabled: true }),
        pct: await make('Persen 100% Siap', { email: uniqueEmail(`under_${tag.toLowerCase()}`) }),
      };
    }

    let pop: Awaited<ReturnType<typeof population>> | undefined;
    const ensure = async () => (pop ??= await population());

    it('filters by part of the name, case-insensitively, and by part of the email', async () => {
      const p = await ensure();
      const names = async (q: string) => (await listUsers(db(), { q })).users.map((u) => u.id).sort();
      expect(await names(`yohana pattikawa ${tag.toUpperCase()}`)).toEqual([p.yohana.id]);
      expect(await names(`TUASIK`)).toContain(p.ahmad.id);
      expect(await names(`tuasikal ${tag}`)).toEqual([p.ahmad.id]);
      expect(await names(tag.toLowerCase())).toEqual([p.yohana.id, p.ahmad.id, p.maria.id, p.rudi.id, p.pct.id].sort());
      expect(await names(p.maria.email.split('@')[0]!.toUpperCase())).toEqual([p.maria.id]);
      expect(await names(`${tag} zzz-tidak-ada`)).toEqual([]);
    });

    it('treats % and _ in the search as ordinary characters', async () => {
      const p = await ensure();
      expect((await listUsers(db(), { q: `100% Siap ${tag}` })).users.map((u) => u.id)).toEqual([p.pct.id]);
      expect((await listUsers(db(), { q: `% siap ${tag}` })).users.map((u) => u.id)).toEqual([p.pct.id]);
      // "%" must not match any run of characters.
      expect((await listUsers(db(), { q: `Persen%${tag}` })).total).toBe(0);
      expect((await listUsers(db(), { q: `under_${tag}` })).users.map((u) => u.id)).toEqual([p.pct.id]);
      // "_" must not match any single character (Yohana's email has "yohana.pattikawa.").
      expect((await listUsers(db(), { q: p.yohana.email.split('@')[0]!.replace('.', '_') })).total).toBe(0);
      expect((await listUsers(db(), { q: p.yohana.email.split('@')[0]! })).total).toBe(1);
    });

    it('filters by role, unit and status, combined with the search', async () => {
      const p = await ensure();
      const ids = async (f: Parameters<typeof listUsers>[1]) => (await listUsers(db(), { q: tag, ...f })).users.map((u) => u.id).sort();
      expect(await ids({ role: 'asn' })).toEqual([p.ahmad.id, p.maria.id].sort());
      expect(await ids({ role: 'moderator' })).toEqual([p.rudi.id]);
      expect(await ids({ role: 'admin' })).toEqual([]);
      expect(await ids({ unitId: p.dindik })).toEqual([p.ahmad.id]);
      expect(await ids({ role: 'asn', unitId: p.dinkes })).toEqual([p.maria.id]);
      expect(await ids({ status: 'disabled' })).toEqual([p.rudi.id]);
      expect(await ids({ status: 'active' })).toEqual([p.yohana.id, p.ahmad.id, p.maria.id, p.pct.id].sort());

      const asn = (await listUsers(db(), { q: tag, unitId: p.dindik })).users[0]!;
      expect(asn).toMatchObject({ role: 'asn', unit_id: p.dindik, unit_short_name: 'Dindik', email: p.ahmad.email });
      expect(asn).not.toHaveProperty('password_hash');
    });

    it('pages by 50, ordered by name, with the total of all matches', async () => {
      const pageTag = `Pg${randomBytes(3).toString('hex')}`;
      const n = USER_PAGE_SIZE + 5;
      expect(USER_PAGE_SIZE).toBe(50);
      await db()
        .insertInto('users')
        .values(
          Array.from({ length: n }, (_, i) => ({
            email: `halaman.${i}.${pageTag.toLowerCase()}@contoh.id`,
            display_name: `${pageTag} ${String(i).padStart(3, '0')}`,
            role: 'resident' as const,
            password_hash: null,
            unit_id: null,
            disabled_at: null,
            password_changed_at: null,
            last_sign_in_at: null,
          })),
        )
        .execute();
      const p1 = await listUsers(db(), { q: pageTag });
      expect(p1).toMatchObject({ total: n, page: 1, pages: 2 });
      expect(p1.users).toHaveLength(50);
      expect(p1.users[0]!.display_name).toBe(`${pageTag} 000`);
      expect(p1.users[49]!.display_name).toBe(`${pageTag} 049`);
      const p2 = await listUsers(db(), { q: pageTag, page: 2 });
      expect(p2).toMatchObject({ total: n, page: 2, pages: 2 });
      expect(p2.users.map((u) => u.display_name)).toEqual(['050', '051', '052', '053', '054'].map((s) => `${pageTag} ${s}`));
      const beyond = await listUsers(db(), { q: pageTag, page: 3 });
      expect(beyond.users).toEqual([]);
      expect(beyond.total).toBe(n);
      expect((await listUsers(db(), { q: pageTag, page: 0 })).page).toBe(1);
      expect((await listUsers(db(), { q: `${pageTag} 05` })).total).toBe(5);
    });
  });
});
