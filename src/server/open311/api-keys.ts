import { z } from 'zod';
import type { SessionUser } from '../accounts/sessions.ts';
import { generateToken, hashToken } from '../accounts/tokens.ts';
import { recordAudit, type Actor } from '../audit/service.ts';
import type { Db } from '../db/index.ts';
import { fail, validate, type Result } from '../forms.ts';
import { canManageApiKeys } from './permissions.ts';
import * as q from './queries.ts';

/**
 * Open311 API keys. A key is `bd_` and 160 random bits (base32); the database keeps only its
 * SHA-256 (like sessions) and its first characters, so a leaked database leaks no key, and the
 * key is shown once, when it is created. Revoked keys stay listed (and audited), never deleted.
 */

const KEY_PREFIX = 'bd_';
const SHOWN_PREFIX_LENGTH = KEY_PREFIX.length + 6;

export interface ApiKeyClient {
  id: number;
  name: string;
  keyPrefix: string;
}

const createSchema = z.object({ name: z.string().trim().min(1).min(3).max(100) });

/** Creates a key; `user` null means the command line (`npm run apikey:create`). The key is in the result only. */
export async function createApiKey(
  db: Db,
  actor: Actor,
  user: SessionUser | null | 'cli',
  input: unknown,
): Promise<Result<{ id: number; name: string; key: string; keyPrefix: string }>> {
  if (user !== 'cli' && !canManageApiKeys(user)) return fail('_form', 'apikey.forbidden');
  const v = validate(createSchema, input);
  if (!v.ok) return v;
  const key = `${KEY_PREFIX}${generateToken()}`;
  const keyPrefix = key.slice(0, SHOWN_PREFIX_LENGTH);
  const row = await db.transaction().execute(async (trx) => {
    const r = await q.insertApiKey(trx, { name: v.value.name, key_hash: hashToken(key), key_prefix: keyPrefix, created_by: user === 'cli' ? null : user!.id });
    await recordAudit(trx, actor, 'api_key.create', { type: 'api_key', id: r.id }, { after: { name: r.name, key_prefix: keyPrefix } });
    return r;
  });
  return { ok: true, value: { id: row.id, name: row.name, key, keyPrefix } };
}

export async function listApiKeys(db: Db, user: SessionUser | null) {
  if (!canManageApiKeys(user)) return null;
  return q.selectApiKeys(db);
}

/** Revokes a key at once: the next request with it is refused (403). */
export async function revokeApiKey(db: Db, actor: Actor, user: SessionUser | null, id: number, now = new Date()): Promise<Result<{ name: string }>> {
  if (!canManageApiKeys(user)) return fail('_form', 'apikey.forbidden');
  return db.transaction().execute(async (trx) => {
    const k = await q.lockApiKey(trx, id);
    if (!k) return fail('_form', 'err.badRequest');
    if (k.revoked_at) return fail('_form', 'apikey.alreadyRevoked');
    await q.revokeApiKey(trx, id, user!.id, now);
    await recordAudit(trx, actor, 'api_key.revoke', { type: 'api_key', id }, { before: { name: k.name, key_prefix: k.key_prefix, revoked_at: null }, after: { revoked_at: now } });
    return { ok: true as const, value: { name: k.name } };
  });
}

/** The client behind a presented key, or null when the key is unknown or revoked. */
export async function authenticateApiKey(db: Db, presented: string | null | undefined, now = new Date()): Promise<ApiKeyClient | null> {
  if (!presented || presented.length > 200 || !presented.startsWith(KEY_PREFIX)) return null;
  const k = await q.findApiKeyByHash(db, hashToken(presented));
  if (!k || k.revoked_at) return null;
  await q.touchApiKey(db, k.id, now);
  return { id: k.id, name: k.name, keyPrefix: k.key_prefix };
}

/** Who acts, in the audit log, when a request comes with this key. */
export function apiKeyActor(client: ApiKeyClient, ip: string | null): Actor {
  return { id: null, label: `api key #${client.id} ${client.name} (${client.keyPrefix}…)`, ip };
}
