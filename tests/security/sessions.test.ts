import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { signIn } from '../../src/server/accounts/service.ts';
import { signUpConfirmed } from '../support/accounts.ts';
import { validateSessionToken } from '../../src/server/accounts/sessions.ts';
import { createTestDb, DB_KINDS, type TestDb } from '../support/db.ts';
import { requestCtx, SESSION_POLICY } from '../support/handling-fixtures.ts';

/**
 * Sessions stored only as hashes: the database holds SHA-256(token) as the session id and no
 * column anywhere holds the token itself, so a leaked table (backup, dump) opens no session.
 */
let t: TestDb;
beforeAll(async () => {
  t = await createTestDb(DB_KINDS.at(-1)!);
});
afterAll(async () => {
  await t?.close();
});

it('the token is never stored; its SHA-256 is the id; the stored id does not work as a token', async () => {
  const email = `sesi.${Date.now()}@contoh.id`;
  const password = 'Kapal-laut-Banda-2026!x';
  const up = await signUpConfirmed(t.db, requestCtx(), { displayName: 'Warga Sesi', email, password });
  if (!up.ok) throw new Error(JSON.stringify(up.errors));
  const inn = await signIn(t.db, requestCtx(), { email, password });
  if (!inn.ok) throw new Error(JSON.stringify(inn.errors));
  for (const token of [up.value.token, inn.value.token]) {
    const rows = await t.db.selectFrom('sessions').selectAll().execute();
    const digestHex = createHash('sha256').update(token).digest('hex');
    const ids = rows.map((r) => r.id);
    expect(ids.some((id) => id === token)).toBe(false);
    expect(ids).toContain(digestHex);
    // Nowhere in the whole sessions table (any column) does the token appear.
    expect(JSON.stringify(rows)).not.toContain(token);
    // Nor in the audit log.
    expect(JSON.stringify(await t.db.selectFrom('audit_log').selectAll().execute())).not.toContain(token);
    expect(await validateSessionToken(t.db, SESSION_POLICY, token)).not.toBeNull();
  }
  // A stolen id (the hash) is not a token.
  const [row] = await t.db.selectFrom('sessions').select('id').limit(1).execute();
  expect(await validateSessionToken(t.db, SESSION_POLICY, row!.id)).toBeNull();
});
