import { describe, expect, it } from 'vitest';
import { changePassword, signIn, signUp } from '../../src/server/accounts/service.ts';
import { validateSessionToken } from '../../src/server/accounts/sessions.ts';
import { hit, pruneRateLimits, RATE_RULES, type RateRule } from '../../src/server/rate-limit/service.ts';
import { errorsOf, makeCtx, POLICY, signUpConfirmed, startOfFreshWindow, strongPassword, uniqueEmail, uniqueIp, valueOf } from '../support/accounts.ts';
import { describeEachDb } from '../support/db.ts';

describeEachDb('rate limits', (get) => {
  const db = () => get().db;

  /** Counts of a key's windows, newest first. */
  async function counts(key: string): Promise<number[]> {
    const rows = await db().selectFrom('rate_limits').select('count').where('key', '=', key).orderBy('window_start', 'desc').execute();
    return rows.map((r) => r.count);
  }

  describe('hit (fixed windows in the database)', () => {
    const rule = (name: string): RateRule => ({ name, limit: 3, windowSeconds: 60 });
    const T = new Date('2026-12-01T10:00:15.000Z'); // 15 s into a minute window

    it('allows the limit, refuses beyond it with the seconds left in the window, and starts afresh in the next window', async () => {
      const r = rule('test:basic');
      for (let i = 0; i < 3; i++) expect(await hit(db(), [[r, 'a']], T)).toEqual({ ok: true });
      expect(await hit(db(), [[r, 'a']], T)).toEqual({ ok: false, retryAfterSeconds: 45 });
      expect(await hit(db(), [[r, 'a']], new Date(T.getTime() + 44_500))).toEqual({ ok: false, retryAfterSeconds: 1 });
      // Another subject has its own counter.
      expect(await hit(db(), [[r, 'b']], T)).toEqual({ ok: true });
      // The next window.
      expect(await hit(db(), [[r, 'a']], new Date('2026-12-01T10:01:00.000Z'))).toEqual({ ok: true });
      expect(await counts('test:basic:a')).toEqual([1, 5]);
      expect(await counts('test:basic:b')).toEqual([1]);
    });

    it('with several rules, one over its limit refuses, and every rule is counted', async () => {
      const short = rule('test:multi-short');
      const long: RateRule = { name: 'test:multi-long', limit: 100, windowSeconds: 3600 };
      for (let i = 0; i < 3; i++) expect((await hit(db(), [[short, 'x'], [long, 'x']], T)).ok).toBe(true);
      expect(await hit(db(), [[short, 'x'], [long, 'x']], T)).toEqual({ ok: false, retryAfterSeconds: 45 });
      expect(await counts('test:multi-short:x')).toEqual([4]);
      expect(await counts('test:multi-long:x')).toEqual([4]);
    });

    it('concurrent hits are all counted (no lost updates)', async () => {
      const r: RateRule = { name: 'test:concurrent', limit: 10, windowSeconds: 60 };
      const results = await Promise.all(Array.from({ length: 25 }, () => hit(db(), [[r, 's']], T)));
      expect(results.filter((x) => x.ok)).toHaveLength(10);
      expect(await counts('test:concurrent:s')).toEqual([25]);
    });

    it('pruneRateLimits drops windows older than a day and keeps recent ones', async () => {
      const r = rule('test:prune');
      const now = new Date('2026-12-10T12:00:30.000Z');
      await hit(db(), [[r, 'old']], new Date(now.getTime() - 25 * 3600_000));
      await hit(db(), [[r, 'recent']], new Date(now.getTime() - 23 * 3600_000));
      expect(await pruneRateLimits(db(), now)).toBeGreaterThanOrEqual(1);
      expect(await counts('test:prune:old')).toEqual([]);
      expect(await counts('test:prune:recent')).toEqual([1]);
    });
  });

  describe('sign-in', () => {
    it('the 6th attempt within a minute for one account is refused, even from other addresses and with the right password', async () => {
      const email = uniqueEmail('target');
      const password = strongPassword();
      valueOf(await signUpConfirmed(db(), makeCtx(), { displayName: 'Sasaran Serangan', email, password }));

      await startOfFreshWindow(60, 8_000);
      for (let i = 0; i < 5; i++) {
        const r = await signIn(db(), makeCtx(), { email, password: `salah-${i}-${password}` });
        expect(errorsOf(r), `attempt ${i + 1}`).toEqual({ _form: { key: 'err.invalidCredentials' } });
      }
      const sixth = errorsOf(await signIn(db(), makeCtx(), { email: email.toUpperCase(), password }));
      expect(sixth._form?.key).toBe('err.rateLimited');
      const seconds = Number(sixth._form?.params?.seconds);
      expect(seconds).toBeGreaterThanOrEqual(1);
      expect(seconds).toBeLessThanOrEqual(60);

      expect(await counts(`${RATE_RULES.signInPerAccount.name}:${email}`)).toEqual([6]);
      // Other accounts are unaffected.
      const other = uniqueEmail('bebas');
      expect(errorsOf(await signIn(db(), makeCtx(), { email: other, password }))).toEqual({ _form: { key: 'err.invalidCredentials' } });
      expect(await counts(`${RATE_RULES.signInPerAccount.name}:${other}`)).toEqual([1]);
    });

    it('the 21st attempt within a minute from one address is refused, across different accounts', async () => {
      const email = uniqueEmail('korban.ip');
      const password = strongPassword();
      valueOf(await signUpConfirmed(db(), makeCtx(), { displayName: 'Korban Alamat', email, password }));
      const ip = uniqueIp();

      await startOfFreshWindow(60, 10_000);
      for (let i = 0; i < 20; i++) {
        const r = await signIn(db(), makeCtx({ ip }), { email: uniqueEmail(`tebak${i}`), password: 'tebak-tebakan-saja' });
        expect(errorsOf(r), `attempt ${i + 1}`).toEqual({ _form: { key: 'err.invalidCredentials' } });
      }
      const r21 = errorsOf(await signIn(db(), makeCtx({ ip }), { email, password }));
      expect(r21._form?.key).toBe('err.rateLimited');
      expect(Number(r21._form?.params?.seconds)).toBeGreaterThanOrEqual(1);
      expect(await counts(`${RATE_RULES.signInPerAddress.name}:${ip}`)).toEqual([21]);

      // The same account from another address is fine.
      valueOf(await signIn(db(), makeCtx(), { email, password }));
    });
  });

  describe('sign-up and password change', () => {
    it('the 11th sign-up attempt within an hour from one address is refused and creates nobody', async () => {
      const ip = uniqueIp();
      const taken = uniqueEmail('sudah.ada');
      await startOfFreshWindow(3600, 20_000);
      valueOf(await signUpConfirmed(db(), makeCtx({ ip }), { displayName: 'Yang Pertama', email: taken, password: strongPassword() }));
      // Attempts for a registered address count like any other (they get the same answer).
      for (let i = 0; i < 9; i++) {
        const email = i % 3 === 0 ? taken.toUpperCase() : uniqueEmail(`lagi${i}`);
        expect(await signUp(db(), makeCtx({ ip }), { displayName: 'Lagi', email, password: strongPassword() }), `attempt ${i + 2}`).toEqual({ ok: true, value: null });
      }
      const fresh = uniqueEmail('kesebelas');
      const r = errorsOf(await signUp(db(), makeCtx({ ip }), { displayName: 'Kesebelas', email: fresh, password: strongPassword() }));
      expect(r._form?.key).toBe('err.rateLimited');
      expect(await db().selectFrom('users').select('id').where('email', '=', fresh).execute()).toEqual([]);
      expect(await db().selectFrom('sign_up_requests').select('email').where('email', '=', fresh).execute()).toEqual([]);
      expect(await db().selectFrom('outbox').select('id').where('to_email', '=', fresh).execute()).toEqual([]);
      expect(await counts(`${RATE_RULES.signUpPerAddress.name}:${ip}`)).toEqual([11]);
    });

    it('the 6th sign-up within an hour for one address is refused, even from other addresses, and sends no sixth email', async () => {
      const email = uniqueEmail('kotak.surat');
      await startOfFreshWindow(3600, 20_000);
      for (let i = 0; i < 5; i++) {
        expect(await signUp(db(), makeCtx(), { displayName: 'Banjir Surel', email: i % 2 ? email.toUpperCase() : email, password: strongPassword() }), `attempt ${i + 1}`).toEqual({ ok: true, value: null });
      }
      const sixth = errorsOf(await signUp(db(), makeCtx(), { displayName: 'Banjir Surel', email, password: strongPassword() }));
      expect(sixth._form?.key).toBe('err.rateLimited');
      expect(await db().selectFrom('outbox').select('id').where('to_email', '=', email).execute()).toHaveLength(5);
      expect(await counts(`${RATE_RULES.signUpPerEmail.name}:${email}`)).toEqual([6]);
    });

    it('the 6th password change attempt within five minutes is refused, even with the right current password', async () => {
      const email = uniqueEmail('ganti.sandi');
      const password = strongPassword();
      const signed = valueOf(await signUpConfirmed(db(), makeCtx(), { displayName: 'Ganti Sandi', email, password }));
      const { user } = (await validateSessionToken(db(), POLICY, signed.token))!;
      await startOfFreshWindow(300, 8_000);
      for (let i = 0; i < 5; i++) {
        const r = await changePassword(db(), makeCtx(), user, signed.session.id, { currentPassword: 'bukan-yang-ini', newPassword: strongPassword() });
        expect(errorsOf(r)).toEqual({ currentPassword: { key: 'err.currentPassword' } });
      }
      const r = await changePassword(db(), makeCtx(), user, signed.session.id, { currentPassword: password, newPassword: strongPassword() });
      expect(errorsOf(r)._form?.key).toBe('err.rateLimited');
      valueOf(await signIn(db(), makeCtx(), { email, password }));
    });
  });
});
