import { describe, expect, it } from 'vitest';
import {
  changePassword,
  createAdminAccount,
  passwordTokenIsValid,
  requestPasswordReset,
  resetPassword,
  confirmSignUp,
  signIn,
  signUp,
  signUpLinkIsValid,
} from '../../src/server/accounts/service.ts';
import { createSession, validateSessionToken } from '../../src/server/accounts/sessions.ts';
import {
  auditEntries,
  errorsOf,
  makeCtx,
  newestEmail,
  POLICY,
  PUBLIC_URL,
  sessionIdsOf,
  sha256Hex,
  signUpConfirmed,
  signUpTokenFromLink,
  startOfFreshWindow,
  strongPassword,
  tokenFromLink,
  uniqueEmail,
  valueOf,
} from '../support/accounts.ts';
import { describeEachDb } from '../support/db.ts';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

describeEachDb('accounts service', (get) => {
  const db = () => get().db;

  async function newResident(opts: { locale?: 'id' | 'en' } = {}) {
    const email = uniqueEmail('warga');
    const password = strongPassword();
    const ctx = makeCtx(opts.locale ? { locale: opts.locale } : {});
    const signed = valueOf(await signUpConfirmed(db(), ctx, { displayName: 'Nona Warga', email, password }));
    return { email, password, ctx, ...signed };
  }

  async function countUsers(email: string): Promise<number> {
    const r = await db().selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('email', '=', email).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  describe('signUp', () => {
    it('creates nothing but a request and an email with a link; the link creates a signed-in resident with a lowercased email; the session id is the SHA-256 of the token, which is stored nowhere', async () => {
      const local = uniqueEmail('Maria.Latuconsina').split('@')[0]!;
      const password = strongPassword();
      const ctx = makeCtx();
      const before = Date.now();
      expect(valueOf(await signUp(db(), ctx, { displayName: '  Maria Latuconsina ', email: `  ${local.toUpperCase()}@Contoh.ID `, password }))).toBeNull();
      const email = `${local.toLowerCase()}@contoh.id`;

      // No account until the link is used; the request keeps only a hash of the password and of the link's token.
      expect(await countUsers(email)).toBe(0);
      const mail = await newestEmail(db(), email, 'sign_up');
      expect(mail.subject).toBe('Selesaikan pendaftaran akun Baku Dengar');
      expect(mail.text_body).toContain('Halo Maria Latuconsina');
      const link = signUpTokenFromLink(mail.text_body);
      const pending = await db().selectFrom('sign_up_requests').selectAll().where('email', '=', email).execute();
      expect(pending).toHaveLength(1);
      expect(pending[0]).toMatchObject({ token_hash: sha256Hex(link), display_name: 'Maria Latuconsina', locale: 'id', used_at: null });
      expect(pending[0]!.password_hash).toMatch(/^\$argon2id\$/);
      expect(JSON.stringify(pending)).not.toContain(password);
      expect(pending[0]!.expires_at.getTime() - before).toBeGreaterThan(23 * HOUR);
      expect(pending[0]!.expires_at.getTime() - before).toBeLessThanOrEqual(DAY + 60_000);
      expect(await signUpLinkIsValid(db(), link)).toEqual({ email, displayName: 'Maria Latuconsina' });

      const r = valueOf(await confirmSignUp(db(), ctx, link));
      expect(r.user).toMatchObject({ email, display_name: 'Maria Latuconsina', role: 'resident', unit_id: null, locale: 'id', disabled_at: null });
      expect(r.user.password_hash).toBe(pending[0]!.password_hash);
      // The password typed in the form is the account's password.
      valueOf(await signIn(db(), makeCtx(), { email, password }));

      expect(r.token).toMatch(/^[a-z2-7]{32}$/);
      expect(r.session.id).toBe(sha256Hex(r.token));
      const rows = await db().selectFrom('sessions').selectAll().where('user_id', '=', r.user.id).orderBy('created_at').execute();
      expect(rows[0]).toMatchObject({ id: sha256Hex(r.token), ip: ctx.ip, user_agent: ctx.userAgent });
      expect(rows[0]!.created_at.getTime()).toBeGreaterThanOrEqual(before - 1000);

      // The raw tokens (session and link) are in no column of any table that could hold them.
      for (const table of ['sessions', 'users', 'audit_log', 'password_tokens', 'sign_up_requests'] as const) {
        const all = await db().selectFrom(table).selectAll().execute();
        expect(JSON.stringify(all), table).not.toContain(r.token);
        expect(JSON.stringify(all), table).not.toContain(link);
      }
      expect(JSON.stringify(await db().selectFrom('outbox').selectAll().execute())).not.toContain(r.token);

      const audit = await auditEntries(db(), 'user.sign_up', r.user.id);
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actor_id: r.user.id, ip: ctx.ip, object_type: 'user' });

      // The token works as a session right away.
      const v = await validateSessionToken(db(), POLICY, r.token);
      expect(v?.user).toMatchObject({ id: r.user.id, email, role: 'resident' });

      // The link works once.
      expect(await signUpLinkIsValid(db(), link)).toBeNull();
      expect(errorsOf(await confirmSignUp(db(), ctx, link))).toEqual({ _form: { key: 'err.tokenInvalid' } });
      expect(await countUsers(email)).toBe(1);
    });

    it('a taken email, whatever its case, gets the same answer as a new one; its owner is emailed links to sign in and reset, and no account or request is made', async () => {
      const { email, user } = await newResident();
      for (const variant of [email, email.toUpperCase(), ` ${email.replace(/^./, (c) => c.toUpperCase())} `]) {
        const before = await db().selectFrom('outbox').select((eb) => eb.fn.max('id').as('id')).executeTakeFirstOrThrow();
        const r = await signUp(db(), makeCtx(), { displayName: 'Orang Lain', email: variant, password: strongPassword() });
        expect(r, variant).toEqual({ ok: true, value: null });
        const mail = await newestEmail(db(), email, 'sign_up_exists');
        expect(Number(mail.id)).toBeGreaterThan(Number(before.id ?? 0));
        expect(mail.subject).toBe('Anda sudah punya akun Baku Dengar');
        expect(mail.text_body).toContain('Halo Nona Warga');
        expect(mail.text_body).toContain(`${PUBLIC_URL}/masuk`);
        expect(mail.text_body).toContain(`${PUBLIC_URL}/lupa-sandi`);
        expect(mail.text_body).not.toMatch(/\/daftar\//);
      }
      expect(await countUsers(email)).toBe(1);
      expect(await db().selectFrom('sign_up_requests').selectAll().where('email', '=', email).execute()).toEqual([]);
      expect(await auditEntries(db(), 'user.sign_up_existing', user.id)).toHaveLength(3);
    });

    it('two sign-ups with one new email, both links used at once: one account, and the other link gets err.emailTaken (not an exception)', async () => {
      const email = uniqueEmail('kembar');
      valueOf(await signUp(db(), makeCtx(), { displayName: 'Kembar Satu', email, password: strongPassword() }));
      const first = signUpTokenFromLink((await newestEmail(db(), email, 'sign_up')).text_body);
      valueOf(await signUp(db(), makeCtx(), { displayName: 'Kembar Dua', email: email.toUpperCase(), password: strongPassword() }));
      const second = signUpTokenFromLink((await newestEmail(db(), email, 'sign_up')).text_body);
      expect(second).not.toBe(first);
      const results = await Promise.all([confirmSignUp(db(), makeCtx(), first), confirmSignUp(db(), makeCtx(), second)]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      const refused = results.filter((r) => !r.ok);
      expect(refused).toHaveLength(1);
      expect(errorsOf(refused[0]!)).toEqual({ _form: { key: 'err.emailTaken' } });
      expect(await countUsers(email)).toBe(1);
    });

    it('an expired or malformed link creates nothing', async () => {
      const email = uniqueEmail('kedaluwarsa');
      valueOf(await signUp(db(), makeCtx(), { displayName: 'Terlambat', email, password: strongPassword() }));
      const link = signUpTokenFromLink((await newestEmail(db(), email, 'sign_up')).text_body);
      await db().updateTable('sign_up_requests').set({ expires_at: new Date(Date.now() - 1000) }).where('token_hash', '=', sha256Hex(link)).execute();
      expect(await signUpLinkIsValid(db(), link)).toBeNull();
      expect(errorsOf(await confirmSignUp(db(), makeCtx(), link))).toEqual({ _form: { key: 'err.tokenInvalid' } });
      for (const bad of ['', 'x', link.toUpperCase(), `${link}a`, "' or 1=1 --"]) {
        expect(errorsOf(await confirmSignUp(db(), makeCtx(), bad)), bad).toEqual({ _form: { key: 'err.tokenInvalid' } });
      }
      expect(await countUsers(email)).toBe(0);
      // The next sign-up forgets requests whose link expired.
      valueOf(await signUp(db(), makeCtx(), { displayName: 'Orang Lain', email: uniqueEmail('lain'), password: strongPassword() }));
      expect(await db().selectFrom('sign_up_requests').selectAll().where('token_hash', '=', sha256Hex(link)).execute()).toEqual([]);
    });

    it('refuses weak passwords: short, common (any case), or containing the email or its local part', async () => {
      const email = uniqueEmail('sandi.lemah');
      const local = email.split('@')[0]!;
      const cases: Array<[string, string]> = [
        ['', 'err.required'],
        ['pendek123', 'err.passwordShort'], // 9 characters
        ['password123', 'err.passwordCommon'],
        ['qwertyuiop', 'err.passwordCommon'],
        ['PassWord123', 'err.passwordCommon'],
        ['AmbonManise123', 'err.passwordCommon'],
        [`x${local}x`, 'err.passwordEmail'],
        [`${local.toUpperCase()}!!`, 'err.passwordEmail'],
        [`aku-${email}`, 'err.passwordEmail'],
        ['a'.repeat(129), 'err.passwordLong'],
      ];
      for (const [password, key] of cases) {
        const r = await signUp(db(), makeCtx(), { displayName: 'Sandi Lemah', email, password });
        expect(errorsOf(r).password?.key, password).toBe(key);
      }
      expect(await countUsers(email)).toBe(0);
    });

    it('validates the email and the display name', async () => {
      const good = { displayName: 'Nama Baik', email: uniqueEmail('valid'), password: strongPassword() };
      const cases: Array<[Record<string, unknown>, string, string]> = [
        [{ ...good, email: 'bukan-surel' }, 'email', 'err.email'],
        [{ ...good, email: 'dua@@contoh.id' }, 'email', 'err.email'],
        [{ ...good, email: '' }, 'email', 'err.required'],
        [{ ...good, displayName: 'x'.repeat(81) }, 'displayName', 'err.tooLong'],
        [{ ...good, displayName: undefined }, 'displayName', 'err.required'],
      ];
      for (const [input, field, key] of cases) {
        const errors = errorsOf(await signUp(db(), makeCtx(), input));
        expect(errors[field]?.key, JSON.stringify(input)).toBe(key);
      }
      expect(errorsOf(await signUp(db(), makeCtx(), { ...good, displayName: 'x'.repeat(81) })).displayName).toEqual({
        key: 'err.tooLong',
        params: { max: 80 },
      });
      expect(await countUsers(good.email)).toBe(0);
      // 80 characters is still fine.
      expect(valueOf(await signUpConfirmed(db(), makeCtx(), { ...good, displayName: 'x'.repeat(80) })).user.display_name).toBe('x'.repeat(80));
    });

    it('an empty (or blank) display name is reported as required', async () => {
      for (const displayName of ['', '   ']) {
        const r = await signUp(db(), makeCtx(), { displayName, email: uniqueEmail('kosong'), password: strongPassword() });
        expect(errorsOf(r).displayName, JSON.stringify(displayName)).toEqual({ key: 'err.required' });
      }
    });

    it('a one-character display name is too short', async () => {
      const r = await signUp(db(), makeCtx(), { displayName: 'A', email: uniqueEmail('pendek'), password: strongPassword() });
      expect(errorsOf(r).displayName).toEqual({ key: 'err.tooShort', params: { min: 2 } });
    });
  });

  describe('signIn', () => {
    it('accepts the right password (email in any case) and starts a new session', async () => {
      const u = await newResident();
      const ctx = makeCtx();
      const r = valueOf(await signIn(db(), ctx, { email: `  ${u.email.toUpperCase()} `, password: u.password }));
      expect(r.user.id).toBe(u.user.id);
      expect(r.token).not.toBe(u.token);
      expect(r.session.id).toBe(sha256Hex(r.token));
      expect(await sessionIdsOf(db(), u.user.id)).toEqual([u.session.id, r.session.id].sort());
      const row = await db().selectFrom('users').select('last_sign_in_at').where('id', '=', u.user.id).executeTakeFirstOrThrow();
      expect(row.last_sign_in_at).not.toBeNull();
      const session = await db().selectFrom('sessions').selectAll().where('id', '=', r.session.id).executeTakeFirstOrThrow();
      expect(session.ip).toBe(ctx.ip);
    });

    it('answers a wrong password and an unknown email with the identical error', async () => {
      const u = await newResident();
      const wrong = await signIn(db(), makeCtx(), { email: u.email, password: `${u.password}x` });
      const unknown = await signIn(db(), makeCtx(), { email: uniqueEmail('tidak.ada'), password: u.password });
      expect(errorsOf(wrong)).toEqual({ _form: { key: 'err.invalidCredentials' } });
      expect(unknown).toStrictEqual(wrong);
      expect(await sessionIdsOf(db(), u.user.id)).toEqual([u.session.id]);
    });

    it('refuses a disabled account after the right password, without creating a session', async () => {
      const u = await newResident();
      await db().updateTable('users').set({ disabled_at: new Date() }).where('id', '=', u.user.id).execute();
      await db().deleteFrom('sessions').where('user_id', '=', u.user.id).execute();
      const r = await signIn(db(), makeCtx(), { email: u.email, password: u.password });
      expect(errorsOf(r)).toEqual({ _form: { key: 'err.accountDisabled' } });
      expect(await sessionIdsOf(db(), u.user.id)).toEqual([]);
      // With a wrong password a disabled account is indistinguishable from any other failure.
      const wrong = await signIn(db(), makeCtx(), { email: u.email, password: 'salah-sekali-ini' });
      expect(errorsOf(wrong)).toEqual({ _form: { key: 'err.invalidCredentials' } });
    });

    it('validates input before anything else', async () => {
      expect(errorsOf(await signIn(db(), makeCtx(), { email: 'bukan-surel', password: 'x' })).email?.key).toBe('err.email');
      expect(errorsOf(await signIn(db(), makeCtx(), { email: uniqueEmail('x'), password: '' })).password?.key).toBe('err.required');
      expect(errorsOf(await signIn(db(), makeCtx(), null))).toBeTruthy();
    });

    it('gives staff shorter sessions than residents', async () => {
      const resident = await newResident();
      const adminEmail = uniqueEmail('admin.staf');
      const adminPassword = strongPassword();
      valueOf(await createAdminAccount(db(), { email: adminEmail, displayName: 'Admin Staf', password: adminPassword }, PUBLIC_URL));

      const t0 = Date.now();
      const r = valueOf(await signIn(db(), makeCtx(), { email: resident.email, password: resident.password }));
      const a = valueOf(await signIn(db(), makeCtx(), { email: adminEmail, password: adminPassword }));
      const t1 = Date.now();
      const near = (d: Date, offset: number) => {
        expect(d.getTime()).toBeGreaterThanOrEqual(t0 + offset - 1000);
        expect(d.getTime()).toBeLessThanOrEqual(t1 + offset + 1000);
      };
      near(r.session.expiresAt, 14 * DAY);
      near(r.session.absoluteExpiresAt, 30 * DAY);
      near(a.session.expiresAt, 4 * HOUR);
      near(a.session.absoluteExpiresAt, 12 * HOUR);
      const stored = await db().selectFrom('sessions').select(['id', 'expires_at', 'absolute_expires_at']).where('id', 'in', [r.session.id, a.session.id]).execute();
      const byId = new Map(stored.map((s) => [s.id, s]));
      expect(byId.get(a.session.id)!.expires_at.getTime()).toBe(a.session.expiresAt.getTime());
      expect(byId.get(a.session.id)!.absolute_expires_at.getTime()).toBeLessThan(byId.get(r.session.id)!.expires_at.getTime());
    });
  });

  describe('changePassword', () => {
    it('refuses a wrong current password and changes nothing', async () => {
      const u = await newResident();
      const { user } = (await validateSessionToken(db(), POLICY, u.token))!;
      const hashBefore = u.user.password_hash;
      const r = await changePassword(db(), makeCtx(), user, u.session.id, { currentPassword: 'bukan-sandi-lama', newPassword: strongPassword() });
      expect(errorsOf(r)).toEqual({ currentPassword: { key: 'err.currentPassword' } });
      const row = await db().selectFrom('users').select('password_hash').where('id', '=', u.user.id).executeTakeFirstOrThrow();
      expect(row.password_hash).toBe(hashBefore);
      expect(await sessionIdsOf(db(), u.user.id)).toEqual([u.session.id]);
    });

    it('applies the password rules to the new password', async () => {
      const u = await newResident();
      const { user } = (await validateSessionToken(db(), POLICY, u.token))!;
      const r = await changePassword(db(), makeCtx(), user, u.session.id, { currentPassword: u.password, newPassword: 'qwertyuiop' });
      expect(errorsOf(r)).toEqual({ newPassword: { key: 'err.passwordCommon' } });
    });

    it('sets the new password, ends every other session but the current one, and is audited', async () => {
      const u = await newResident();
      const other1 = await createSession(db(), POLICY, u.user, { ip: null, userAgent: 'hp lama' });
      const other2 = await createSession(db(), POLICY, u.user, { ip: null, userAgent: 'laptop' });
      const bystander = await newResident();
      expect(await sessionIdsOf(db(), u.user.id)).toHaveLength(3);

      const ctx = makeCtx();
      const { user } = (await validateSessionToken(db(), POLICY, u.token))!;
      const newPassword = strongPassword();
      valueOf(await changePassword(db(), ctx, user, u.session.id, { currentPassword: u.password, newPassword }));

      expect(await sessionIdsOf(db(), u.user.id)).toEqual([u.session.id]);
      expect(await validateSessionToken(db(), POLICY, other1.token)).toBeNull();
      expect(await validateSessionToken(db(), POLICY, other2.token)).toBeNull();
      expect(await validateSessionToken(db(), POLICY, u.token)).not.toBeNull();
      expect(await sessionIdsOf(db(), bystander.user.id)).toEqual([bystander.session.id]);

      const audit = await auditEntries(db(), 'user.password_change', u.user.id);
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actor_id: u.user.id, ip: ctx.ip });

      expect(errorsOf(await signIn(db(), makeCtx(), { email: u.email, password: u.password }))._form?.key).toBe('err.invalidCredentials');
      valueOf(await signIn(db(), makeCtx(), { email: u.email, password: newPassword }));
    });
  });

  describe('password reset', () => {
    /** The emails to `email` after its sign-up link (which every resident of these tests used). */
    async function outboxFor(email: string) {
      return db().selectFrom('outbox').selectAll().where('to_email', '=', email).where('template', '!=', 'sign_up').orderBy('id').execute();
    }

    it('for an unknown email answers ok and queues nothing', async () => {
      const before = await db().selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const tokensBefore = await db().selectFrom('password_tokens').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const email = uniqueEmail('tak.dikenal');
      const r = await requestPasswordReset(db(), makeCtx(), { email });
      expect(r).toEqual({ ok: true, value: null });
      expect(await outboxFor(email)).toEqual([]);
      const after = await db().selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const tokensAfter = await db().selectFrom('password_tokens').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(after.n)).toBe(Number(before.n));
      expect(Number(tokensAfter.n)).toBe(Number(tokensBefore.n));
    });

    it('for a known email queues exactly one email with a working link; the link sets the password once and ends every session', async () => {
      const u = await newResident();
      const extra = await createSession(db(), POLICY, u.user, { ip: null, userAgent: null });
      const ctx = makeCtx();
      const r = await requestPasswordReset(db(), ctx, { email: u.email.toUpperCase() });
      expect(r).toEqual({ ok: true, value: null });

      const mails = await outboxFor(u.email);
      expect(mails).toHaveLength(1);
      const mail = mails[0]!;
      expect(mail).toMatchObject({ template: 'password_reset', locale: 'id', status: 'pending', attempts: 0 });
      expect(mail.subject).toBe('Atur ulang kata sandi Baku Dengar');
      expect(mail.text_body).toContain(`${PUBLIC_URL}/atur-sandi/`);
      const token = tokenFromLink(mail.text_body);
      expect(mail.html_body).toContain(`<a href="${PUBLIC_URL}/atur-sandi/${token}">`);

      // Only the hash of the token is stored.
      const stored = await db().selectFrom('password_tokens').selectAll().where('user_id', '=', u.user.id).execute();
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({ token_hash: sha256Hex(token), purpose: 'reset', used_at: null });
      expect(JSON.stringify(stored)).not.toContain(token);
      const ttl = stored[0]!.expires_at.getTime() - Date.now();
      expect(ttl).toBeGreaterThan(HOUR - 60_000);
      expect(ttl).toBeLessThanOrEqual(HOUR);
      expect(await auditEntries(db(), 'user.password_reset_requested', u.user.id)).toHaveLength(1);

      expect(await passwordTokenIsValid(db(), token)).toBe('reset');

      const newPassword = strongPassword();
      valueOf(await resetPassword(db(), makeCtx(), token, { password: newPassword }));
      expect(await sessionIdsOf(db(), u.user.id)).toEqual([]);
      expect(await validateSessionToken(db(), POLICY, extra.token)).toBeNull();
      expect(await passwordTokenIsValid(db(), token)).toBeNull();
      expect(await auditEntries(db(), 'user.password_reset', u.user.id)).toHaveLength(1);

      expect(errorsOf(await resetPassword(db(), makeCtx(), token, { password: strongPassword() }))).toEqual({ _form: { key: 'err.tokenInvalid' } });

      valueOf(await signIn(db(), makeCtx(), { email: u.email, password: newPassword }));
      expect(errorsOf(await signIn(db(), makeCtx(), { email: u.email, password: u.password }))._form?.key).toBe('err.invalidCredentials');
    });

    it('using one link invalidates the other outstanding links of the account', async () => {
      const u = await newResident();
      await requestPasswordReset(db(), makeCtx(), { email: u.email });
      await requestPasswordReset(db(), makeCtx(), { email: u.email });
      const mails = await outboxFor(u.email);
      expect(mails).toHaveLength(2);
      const [first, second] = mails.map((m) => tokenFromLink(m.text_body));
      expect(first).not.toBe(second);
      expect(await passwordTokenIsValid(db(), first!)).toBe('reset');
      valueOf(await resetPassword(db(), makeCtx(), second!, { password: strongPassword() }));
      expect(await passwordTokenIsValid(db(), first!)).toBeNull();
      expect(errorsOf(await resetPassword(db(), makeCtx(), first!, { password: strongPassword() }))).toEqual({ _form: { key: 'err.tokenInvalid' } });
    });

    it('two simultaneous uses of one link: exactly one succeeds', async () => {
      const u = await newResident();
      await requestPasswordReset(db(), makeCtx(), { email: u.email });
      const token = tokenFromLink((await outboxFor(u.email))[0]!.text_body);
      const [p1, p2] = [strongPassword(), strongPassword()];
      const results = await Promise.all([resetPassword(db(), makeCtx(), token, { password: p1 }), resetPassword(db(), makeCtx(), token, { password: p2 })]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(errorsOf(results.find((r) => !r.ok)!)).toEqual({ _form: { key: 'err.tokenInvalid' } });
      expect(await auditEntries(db(), 'user.password_reset', u.user.id)).toHaveLength(1);
      // The password that won is the one of the successful call.
      const winner = results[0]!.ok ? p1 : p2;
      valueOf(await signIn(db(), makeCtx(), { email: u.email, password: winner }));
    });

    it('refuses an expired link and leaves the password alone', async () => {
      const u = await newResident();
      await requestPasswordReset(db(), makeCtx(), { email: u.email });
      const token = tokenFromLink((await outboxFor(u.email))[0]!.text_body);
      await db()
        .updateTable('password_tokens')
        .set({ expires_at: new Date(Date.now() - 1000) })
        .where('token_hash', '=', sha256Hex(token))
        .execute();
      expect(await passwordTokenIsValid(db(), token)).toBeNull();
      expect(errorsOf(await resetPassword(db(), makeCtx(), token, { password: strongPassword() }))).toEqual({ _form: { key: 'err.tokenInvalid' } });
      const row = await db().selectFrom('users').select('password_hash').where('id', '=', u.user.id).executeTakeFirstOrThrow();
      expect(row.password_hash).toBe(u.user.password_hash);
      expect(await sessionIdsOf(db(), u.user.id)).toEqual([u.session.id]);
    });

    it('refuses malformed and unknown tokens', async () => {
      for (const token of ['', 'abc', 'A'.repeat(32), '1'.repeat(32), 'a'.repeat(33), 'a'.repeat(32)]) {
        expect(await passwordTokenIsValid(db(), token), token).toBeNull();
        expect(errorsOf(await resetPassword(db(), makeCtx(), token, { password: strongPassword() })), token).toEqual({ _form: { key: 'err.tokenInvalid' } });
      }
    });

    it('applies the password rules on reset, without using up the link', async () => {
      const u = await newResident();
      await requestPasswordReset(db(), makeCtx(), { email: u.email });
      const token = tokenFromLink((await outboxFor(u.email))[0]!.text_body);
      expect(errorsOf(await resetPassword(db(), makeCtx(), token, { password: 'password123' }))).toEqual({ password: { key: 'err.passwordCommon' } });
      expect(errorsOf(await resetPassword(db(), makeCtx(), token, { password: u.email }))).toEqual({ password: { key: 'err.passwordEmail' } });
      expect(await passwordTokenIsValid(db(), token)).toBe('reset');
    });

    it('writes the email in the account language', async () => {
      const u = await newResident({ locale: 'en' });
      await requestPasswordReset(db(), makeCtx(), { email: u.email });
      const mail = (await outboxFor(u.email))[0]!;
      expect(mail.locale).toBe('en');
      expect(mail.subject).toBe('Reset your Baku Dengar password');
      tokenFromLink(mail.text_body);
    });

    it('queues nothing for a disabled account, and a link issued before disabling stops working', async () => {
      const u = await newResident();
      await requestPasswordReset(db(), makeCtx(), { email: u.email });
      const token = tokenFromLink((await outboxFor(u.email))[0]!.text_body);
      await db().updateTable('users').set({ disabled_at: new Date() }).where('id', '=', u.user.id).execute();
      expect(await requestPasswordReset(db(), makeCtx(), { email: u.email })).toEqual({ ok: true, value: null });
      expect(await outboxFor(u.email)).toHaveLength(1);
      expect(errorsOf(await resetPassword(db(), makeCtx(), token, { password: strongPassword() }))).toEqual({ _form: { key: 'err.tokenInvalid' } });
    });

    it('limits requests per account: the fourth within an hour is refused and queues nothing', async () => {
      const u = await newResident();
      await startOfFreshWindow(3600, 5_000);
      for (let i = 0; i < 3; i++) expect((await requestPasswordReset(db(), makeCtx(), { email: u.email })).ok).toBe(true);
      const r = await requestPasswordReset(db(), makeCtx(), { email: u.email });
      expect(errorsOf(r)._form?.key).toBe('err.rateLimited');
      expect(await outboxFor(u.email)).toHaveLength(3);
    });
  });

  describe('createAdminAccount', () => {
    it('without a password returns a one-time setup link that sets the password', async () => {
      const email = uniqueEmail('admin.baru');
      const r = valueOf(await createAdminAccount(db(), { email: email.toUpperCase() }, PUBLIC_URL));
      expect(r.user).toMatchObject({ email, role: 'admin', unit_id: null, password_hash: null, display_name: email.split('@')[0] });
      expect(r.setupLink).toMatch(new RegExp(`^${PUBLIC_URL}/atur-sandi/[a-z2-7]{32}$`));
      const token = tokenFromLink(r.setupLink!);
      expect(await passwordTokenIsValid(db(), token)).toBe('setup');
      const stored = await db().selectFrom('password_tokens').selectAll().where('user_id', '=', r.user.id).executeTakeFirstOrThrow();
      expect(stored).toMatchObject({ token_hash: sha256Hex(token), purpose: 'setup' });
      expect(stored.expires_at.getTime() - Date.now()).toBeGreaterThan(23 * HOUR);
      expect(await auditEntries(db(), 'user.create_admin', r.user.id)).toHaveLength(1);

      // No password yet: signing in fails like any wrong password.
      expect(errorsOf(await signIn(db(), makeCtx(), { email, password: strongPassword() }))._form?.key).toBe('err.invalidCredentials');

      const password = strongPassword();
      valueOf(await resetPassword(db(), makeCtx(), token, { password }));
      expect(await auditEntries(db(), 'user.password_setup', r.user.id)).toHaveLength(1);
      const signed = valueOf(await signIn(db(), makeCtx(), { email, password }));
      expect(signed.user.role).toBe('admin');
      expect(await passwordTokenIsValid(db(), token)).toBeNull();
    });

    it('with a password creates an admin who can sign in, and no link', async () => {
      const email = uniqueEmail('admin.sandi');
      const password = strongPassword();
      const r = valueOf(await createAdminAccount(db(), { email, displayName: 'Admin Kota', password }, PUBLIC_URL));
      expect(r.setupLink).toBeNull();
      expect(r.user).toMatchObject({ display_name: 'Admin Kota', role: 'admin' });
      expect(await db().selectFrom('password_tokens').select('token_hash').where('user_id', '=', r.user.id).execute()).toEqual([]);
      valueOf(await signIn(db(), makeCtx(), { email, password }));
    });

    it('refuses a common password or a taken email, creating nobody', async () => {
      const email = uniqueEmail('admin.lemah');
      expect(errorsOf(await createAdminAccount(db(), { email, password: 'password123' }, PUBLIC_URL))).toEqual({ password: { key: 'err.passwordCommon' } });
      expect(errorsOf(await createAdminAccount(db(), { email, password: 'pendek' }, PUBLIC_URL))).toEqual({ password: { key: 'err.passwordShort' } });
      expect(await countUsers(email)).toBe(0);
      const taken = await newResident();
      expect(errorsOf(await createAdminAccount(db(), { email: taken.email }, PUBLIC_URL))).toEqual({ email: { key: 'err.emailTaken' } });
      expect(errorsOf(await createAdminAccount(db(), { email: 'bukan-surel' }, PUBLIC_URL)).email?.key).toBe('err.email');
    });
  });
});
