import { expect, it } from 'vitest';
import { hashToken } from '../../src/server/accounts/tokens.ts';
import { authenticateApiKey, createApiKey, listApiKeys, revokeApiKey } from '../../src/server/open311/api-keys.ts';
import { canManageApiKeys } from '../../src/server/open311/permissions.ts';
import { describeEachDb } from '../support/db.ts';
import { errorKeys, person, unitIdOf, valueOf } from '../support/handling-fixtures.ts';

describeEachDb('Open311 API keys', (get) => {
  const db = () => get().db;

  it('an admin creates a key: shown once, stored as its SHA-256 with a short prefix, audited', async () => {
    const admin = await person(db(), 'admin');
    const k = valueOf(await createApiKey(db(), admin.actor, admin.user, { name: '  Aplikasi Lapor Ambon  ' }));
    expect(k.key).toMatch(/^bd_[a-z2-7]{32}$/);
    expect(k.name).toBe('Aplikasi Lapor Ambon');
    const row = await db().selectFrom('api_keys').selectAll().where('id', '=', k.id).executeTakeFirstOrThrow();
    expect(row.key_hash).toBe(hashToken(k.key));
    expect(row.key_prefix).toBe(k.key.slice(0, 9));
    expect(JSON.stringify(row)).not.toContain(k.key);
    expect(row.created_by).toBe(admin.user.id);
    const audit = await db().selectFrom('audit_log').selectAll().where('action', '=', 'api_key.create').where('object_id', '=', String(k.id)).execute();
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0]!.after)).not.toContain(k.key);
    expect(await authenticateApiKey(db(), k.key)).toMatchObject({ id: k.id, name: 'Aplikasi Lapor Ambon' });
    const used = await db().selectFrom('api_keys').select('last_used_at').where('id', '=', k.id).executeTakeFirstOrThrow();
    expect(used.last_used_at).not.toBeNull();
  });

  it('the command line creates keys too (no creating account), with its own audit actor', async () => {
    const k = valueOf(await createApiKey(db(), { id: null, label: 'cli:ops', ip: null }, 'cli', { name: 'Mitra dari CLI' }));
    const row = await db().selectFrom('api_keys').selectAll().where('id', '=', k.id).executeTakeFirstOrThrow();
    expect(row.created_by).toBeNull();
    const audit = await db().selectFrom('audit_log').selectAll().where('action', '=', 'api_key.create').where('object_id', '=', String(k.id)).executeTakeFirstOrThrow();
    expect(audit.actor_label).toBe('cli:ops');
  });

  it('only admins may create, list or revoke keys', async () => {
    const admin = await person(db(), 'admin');
    const k = valueOf(await createApiKey(db(), admin.actor, admin.user, { name: 'Kunci tetap' }));
    const unitId = await unitIdOf(db(), 'Dinas PUPR');
    for (const p of [await person(db(), 'moderator'), await person(db(), 'asn', { unitId }), await person(db(), 'resident')]) {
      expect(canManageApiKeys(p.user)).toBe(false);
      expect(errorKeys(await createApiKey(db(), p.actor, p.user, { name: 'Kunci gelap' }))).toEqual({ _form: 'apikey.forbidden' });
      expect(await listApiKeys(db(), p.user)).toBeNull();
      expect(errorKeys(await revokeApiKey(db(), p.actor, p.user, k.id))).toEqual({ _form: 'apikey.forbidden' });
    }
    expect(errorKeys(await createApiKey(db(), admin.actor, null, { name: 'Kunci gelap' }))).toEqual({ _form: 'apikey.forbidden' });
    expect(canManageApiKeys(admin.user)).toBe(true);
    expect(await db().selectFrom('api_keys').select('id').where('name', '=', 'Kunci gelap').execute()).toEqual([]);
    expect(await authenticateApiKey(db(), k.key)).not.toBeNull();
  });

  it('a name is required (3 to 100 characters)', async () => {
    const admin = await person(db(), 'admin');
    expect(errorKeys(await createApiKey(db(), admin.actor, admin.user, { name: ' ' }))).toEqual({ name: 'err.required' });
    expect(errorKeys(await createApiKey(db(), admin.actor, admin.user, { name: 'ab' }))).toEqual({ name: 'err.tooShort' });
    expect(errorKeys(await createApiKey(db(), admin.actor, admin.user, { name: 'x'.repeat(101) }))).toEqual({ name: 'err.tooLong' });
  });

  it('revoking: audited, the key stops working at once, listed as revoked, not twice', async () => {
    const admin = await person(db(), 'admin');
    const k = valueOf(await createApiKey(db(), admin.actor, admin.user, { name: 'Kunci dicabut' }));
    valueOf(await revokeApiKey(db(), admin.actor, admin.user, k.id));
    expect(await authenticateApiKey(db(), k.key)).toBeNull();
    const listed = (await listApiKeys(db(), admin.user))!.find((x) => x.id === k.id)!;
    expect(listed.revoked_at).not.toBeNull();
    expect(listed.revoked_by_name).toBe(admin.user.displayName);
    expect(errorKeys(await revokeApiKey(db(), admin.actor, admin.user, k.id))).toEqual({ _form: 'apikey.alreadyRevoked' });
    expect(errorKeys(await revokeApiKey(db(), admin.actor, admin.user, 999999))).toEqual({ _form: 'err.badRequest' });
    const audit = await db().selectFrom('audit_log').select('action').where('object_type', '=', 'api_key').where('object_id', '=', String(k.id)).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['api_key.create', 'api_key.revoke']);
  });

  it('malformed or unknown keys authenticate nobody', async () => {
    for (const k of [null, undefined, '', 'bd_', 'x'.repeat(300), 'bd_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa']) expect(await authenticateApiKey(db(), k)).toBeNull();
  });
});
