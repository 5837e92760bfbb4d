import { beforeAll, describe, expect, it } from 'vitest';
import { inviteStaff } from '../../src/server/accounts/invite.ts';
import { passwordTokenIsValid, resetPassword, signIn } from '../../src/server/accounts/service.ts';
import { getFeedbackForStaff } from '../../src/server/feedback/service.ts';
import { similarFeedback } from '../../src/server/feedback/board.ts';
import { flagFeedback } from '../../src/server/moderation/flags.ts';
import { canMakeConfidential, canPublish } from '../../src/server/moderation/permissions.ts';
import { makeConfidential, publishFeedback, rejectFeedback } from '../../src/server/moderation/service.ts';
import { describeEachDb } from '../support/db.ts';
import { auditOf, errorKeys, feedbackRow, modCtx, outboxTo, person, requestCtx, submit, submitAssigned, unitIdOf, valueOf, type Person } from '../support/handling-fixtures.ts';

/** Defects of issue 11 fixed in the services: 2, 7, 11, 14, 16. */
describeEachDb('everyday: defects', (get) => {
  const db = () => get().db;
  let mod: Person;
  let admin: Person;
  let unitId: number;

  beforeAll(async () => {
    mod = await person(db(), 'moderator');
    admin = await person(db(), 'admin');
    unitId = await unitIdOf(db(), 'Dinkes');
  });

  it('2: the flag that reaches the threshold says the item is now hidden (the page then thanks on the board, not a 404)', async () => {
    const c = await submitAssigned(db(), mod, unitId);
    // Only established accounts' flags hide (issue 15): three residents whose accounts are a month old.
    const flaggers: Person[] = [];
    for (let i = 0; i < 3; i++) {
      const p = await person(db(), 'resident');
      await db().updateTable('users').set({ created_at: new Date(Date.now() - 30 * 86_400_000) }).where('id', '=', p.user.id).execute();
      flaggers.push(p);
    }
    const flag = (p: Person) => flagFeedback(db(), requestCtx(), p.user, c.id, { reason: 'spam' });
    expect(valueOf(await flag(flaggers[0]!))).toStrictEqual({ added: true });
    expect(valueOf(await flag(flaggers[1]!))).toStrictEqual({ added: true });
    expect(valueOf(await flag(flaggers[2]!))).toStrictEqual({ added: true, hidden: true });
    expect((await feedbackRow(db(), c.id)).moderation_state).toBe('hidden');
  });

  it('7: a rejected item can be neither published nor made confidential nor forwarded', async () => {
    const c = await submit(db());
    valueOf(await rejectFeedback(db(), modCtx(mod), c.id, null, { reason: 'spam' }));
    const f = await feedbackRow(db(), c.id);
    expect(canPublish(f)).toBe(false);
    expect(canMakeConfidential(f)).toBe(false);
    expect(errorKeys(await publishFeedback(db(), modCtx(mod), c.id, null))).toEqual({ _form: 'err.rejectedItem' });
    expect(errorKeys(await makeConfidential(db(), modCtx(mod), c.id, null))).toEqual({ _form: 'err.rejectedItem' });
    expect(await feedbackRow(db(), c.id)).toMatchObject({ moderation_state: 'rejected', confidential: false });
    expect(await auditOf(db(), c.id, 'feedback.publish')).toEqual([]);
  });

  it('11: moderators tell "ticked anonymous" from "no account, gave a name" and from "no account, no name"', async () => {
    const resident = await person(db(), 'resident', { name: 'Nona Anonim' });
    const ticked = await submit(db(), { author: resident, anonymous: true });
    const named = await submit(db(), { contactName: 'Bapak Tanpa Akun', contactEmail: 'tanpa.akun@contoh.id' });
    const nobody = await submit(db());
    const byAccount = await submit(db(), { author: resident });
    const kind = async (id: number) => (await getFeedbackForStaff(db(), id, mod.user))!.reporterKind;
    expect(await kind(ticked.id)).toBe('accountAnonymous');
    expect((await getFeedbackForStaff(db(), ticked.id, mod.user))!.reporterName).toBe('Nona Anonim');
    expect(await kind(named.id)).toBe('noAccountNamed');
    expect(await kind(nobody.id)).toBe('noAccount');
    expect(await kind(byAccount.id)).toBe('account');
    // ASN never learn any of this.
    valueOf(await publishFeedback(db(), modCtx(mod), ticked.id, null));
    const asn = await person(db(), 'asn', { unitId });
    await db().updateTable('feedback').set({ unit_id: unitId }).where('id', '=', ticked.id).execute();
    const asnView = (await getFeedbackForStaff(db(), ticked.id, asn.user))!;
    expect(asnView.reporterKind).toBeNull();
    expect(asnView.reporterName).toBeNull();
  });

  it('14: similar-feedback suggestions carry unit, date and number to tell identical titles apart', async () => {
    const a = await submitAssigned(db(), mod, unitId, { title: 'Lampu penerangan jalan padam total' });
    const b = await submitAssigned(db(), mod, await unitIdOf(db(), 'Dinas PUPR'), { title: 'Lampu penerangan jalan padam total' });
    const s = await similarFeedback(db(), { title: 'Lampu penerangan jalan padam' });
    const mine = s.filter((x) => x.id === a.id || x.id === b.id);
    expect(mine).toHaveLength(2);
    expect(new Set(mine.map((x) => x.unit_short_name))).toEqual(new Set(['Dinkes', 'Dinas PUPR']));
    for (const x of mine) expect(x.created_at).toBeInstanceOf(Date);
  });

  describe('16: admins invite staff', () => {
    it('creates the account with the chosen role and unit, emails a one-time set-up link, audits; the link sets the password once', async () => {
      const email = `undangan.${Date.now()}@contoh.id`;
      const r = valueOf(await inviteStaff(db(), admin.user, admin.actor, { email, displayName: 'Perawat Baru', role: 'asn', unitId: String(unitId) }, 'http://localhost:4321'));
      const u = await db().selectFrom('users').selectAll().where('id', '=', r.userId).executeTakeFirstOrThrow();
      expect(u).toMatchObject({ email, display_name: 'Perawat Baru', role: 'asn', unit_id: unitId, password_hash: null });
      const [mail] = await outboxTo(db(), email, 'staff_invite');
      expect(mail!.text_body).toContain('ASN (Dinkes)');
      const token = /\/atur-sandi\/([a-z2-7]{32})/.exec(mail!.text_body)![1]!;
      expect(mail!.subject).not.toContain(token);
      expect(await passwordTokenIsValid(db(), token)).toBe('setup');
      expect(await auditOf(db(), r.userId, 'user.invite')).toHaveLength(1);
      const password = 'Senja di Pantai Liang 2026!';
      valueOf(await resetPassword(db(), requestCtx(), token, { password }));
      expect(await passwordTokenIsValid(db(), token)).toBeNull();
      expect((await signIn(db(), requestCtx(), { email, password })).ok).toBe(true);
    });

    it('refuses non-admins, ASN without a unit, a unit for a moderator, residents, a taken address; nothing is created', async () => {
      const email = `tolak.${Date.now()}@contoh.id`;
      const base = { email, displayName: 'Seseorang', role: 'asn', unitId: String(unitId) };
      expect(errorKeys(await inviteStaff(db(), mod.user, mod.actor, base, 'http://x'))).toEqual({ _form: 'error.403.text' });
      expect(errorKeys(await inviteStaff(db(), admin.user, admin.actor, { ...base, unitId: '' }, 'http://x'))).toEqual({ unitId: 'err.unitRequired' });
      expect(errorKeys(await inviteStaff(db(), admin.user, admin.actor, { ...base, role: 'moderator' }, 'http://x'))).toEqual({ unitId: 'err.unitNotAllowed' });
      expect(errorKeys(await inviteStaff(db(), admin.user, admin.actor, { ...base, role: 'resident' }, 'http://x'))).toEqual({ role: 'err.invalidChoice' });
      expect(errorKeys(await inviteStaff(db(), admin.user, admin.actor, { ...base, email: 'bukan-surel' }, 'http://x'))).toEqual({ email: 'err.email' });
      expect(errorKeys(await inviteStaff(db(), admin.user, admin.actor, { ...base, email: mod.user.email }, 'http://x'))).toEqual({ email: 'err.emailTaken' });
      expect(await db().selectFrom('users').select('id').where('email', '=', email).execute()).toEqual([]);
      expect(await outboxTo(db(), email)).toEqual([]);
    });
  });
});
