import { z } from 'zod';
import { translator, type Locale } from '../../i18n/index.ts';
import { recordAudit, type Actor } from '../audit/service.ts';
import type { Db } from '../db/index.ts';
import type { Role } from '../db/schema.ts';
import { fail, validate, type Result } from '../forms.ts';
import { composeEmail, enqueueEmail } from '../notifications/service.ts';
import { canAdministerUsers } from './permissions.ts';
import * as q from './queries.ts';
import type { SessionUser } from './sessions.ts';
import { generateToken, hashToken } from './tokens.ts';

/** How long an emailed invitation's set-up link works (it is used once). */
export const INVITE_TTL_MS = 72 * 3600_000;

export const STAFF_ROLES = ['asn', 'moderator', 'admin'] as const satisfies readonly Role[];

const inviteSchema = z.object({
  email: z.string({ message: 'err.required' }).trim().toLowerCase().min(1).max(254).pipe(z.email({ message: 'err.email' })),
  displayName: z.string({ message: 'err.required' }).trim().min(1).min(2).max(80),
  role: z.enum(STAFF_ROLES, { message: 'err.invalidChoice' }),
  unitId: z
    .string()
    .trim()
    .optional()
    .refine((v) => !v || /^\d{1,9}$/.test(v), { message: 'err.invalidChoice' })
    .transform((v) => (v ? Number(v) : null)),
  locale: z.enum(['id', 'en']).optional().default('id'),
});

/**
 * An admin invites a staff member: the account is made with the role and unit the admin
 * chose and no password, and a one-time set-up link (the `setup` token of admin:create, set
 * at /atur-sandi/<token>) is emailed through the outbox. ASN need a unit; others have none.
 */
export async function inviteStaff(db: Db, admin: SessionUser, actor: Actor, input: unknown, publicUrl: string): Promise<Result<{ userId: string }>> {
  if (!canAdministerUsers(admin)) return fail('_form', 'error.403.text');
  const v = validate(inviteSchema, input);
  if (!v.ok) return v;
  const { email, displayName, role, unitId } = v.value;
  const locale = v.value.locale as Locale;
  if (role === 'asn' && unitId === null) return fail('unitId', 'err.unitRequired');
  if (role !== 'asn' && unitId !== null) return fail('unitId', 'err.unitNotAllowed');
  if (unitId !== null && !(await q.unitExists(db, unitId))) return fail('unitId', 'err.invalidChoice');
  if (await q.findUserByEmail(db, email)) return fail('email', 'err.emailTaken');
  return db.transaction().execute(async (trx) => {
    const user = await q.insertUser(trx, { email, display_name: displayName, password_hash: null, role, unit_id: unitId, locale, password_changed_at: null });
    const token = generateToken();
    await q.insertPasswordToken(trx, { token_hash: hashToken(token), user_id: user.id, purpose: 'setup', expires_at: new Date(Date.now() + INVITE_TTL_MS) });
    const t = translator(locale);
    const unit = unitId === null ? null : await q.selectUnitShortName(trx, unitId);
    await enqueueEmail(
      trx,
      email,
      locale,
      'staff_invite',
      composeEmail(locale, 'email.invite.subject', 'email.invite.body', {
        name: displayName,
        role: unit ? `${t(`role.${role}`)} (${unit.short_name})` : t(`role.${role}`),
        link: `${publicUrl}/atur-sandi/${token}`,
        hours: INVITE_TTL_MS / 3600_000,
      }),
    );
    await recordAudit(trx, actor, 'user.invite', { type: 'user', id: user.id }, { after: { email, role, unit_id: unitId } });
    return { ok: true as const, value: { userId: user.id } };
  });
}
