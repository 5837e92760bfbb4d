import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { NewUser, Role, SessionRow, UserRow, UserUpdate } from '../db/schema.ts';

// ---- users

export function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

export function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Locks the user row for the rest of the transaction (admin edits). */
export function findUserByIdForUpdate(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function insertUser(db: Db, u: NewUser): Promise<UserRow> {
  return db.insertInto('users').values(u).returningAll().executeTakeFirstOrThrow();
}

export async function updateUser(db: Db, id: string, patch: UserUpdate): Promise<void> {
  await db
    .updateTable('users')
    .set({ ...patch, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export interface UserListFilter {
  q?: string;
  role?: Role;
  unitId?: number;
  status?: 'active' | 'disabled';
  offset: number;
  limit: number;
}

export type UserListRow = Pick<UserRow, 'id' | 'email' | 'display_name' | 'role' | 'unit_id' | 'disabled_at' | 'created_at' | 'last_sign_in_at'> & {
  unit_short_name: string | null;
};

export async function selectUsers(db: Db, f: UserListFilter): Promise<{ rows: UserListRow[]; total: number }> {
  let q = db.selectFrom('users').leftJoin('units', 'units.id', 'users.unit_id');
  if (f.q) {
    const pattern = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where(sql<boolean>`(users.display_name || ' ' || users.email) ilike ${pattern}`);
  }
  if (f.role) q = q.where('users.role', '=', f.role);
  if (f.unitId) q = q.where('users.unit_id', '=', f.unitId);
  if (f.status === 'active') q = q.where('users.disabled_at', 'is', null);
  if (f.status === 'disabled') q = q.where('users.disabled_at', 'is not', null);
  const [rows, count] = await Promise.all([
    q
      .select([
        'users.id',
        'users.email',
        'users.display_name',
        'users.role',
        'users.unit_id',
        'users.disabled_at',
        'users.created_at',
        'users.last_sign_in_at',
        'units.short_name as unit_short_name',
      ])
      .orderBy('users.display_name')
      .orderBy('users.id')
      .offset(f.offset)
      .limit(f.limit)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

// ---- sessions

export async function insertSession(db: Db, s: Omit<SessionRow, 'created_at'> & { created_at: Date }): Promise<void> {
  await db.insertInto('sessions').values(s).execute();
}

export function findSessionWithUser(db: Db, sessionId: string) {
  return db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .leftJoin('units', 'units.id', 'users.unit_id')
    .select([
      'sessions.id as session_id',
      'sessions.created_at as session_created_at',
      'sessions.expires_at',
      'sessions.absolute_expires_at',
      'users.id as user_id',
      'users.email',
      'users.display_name',
      'users.role',
      'users.unit_id',
      'users.locale',
      'users.disabled_at',
      'units.short_name as unit_short_name',
      'units.slug as unit_slug',
    ])
    .where('sessions.id', '=', sessionId)
    .executeTakeFirst();
}

export async function updateSessionExpiry(db: Db, sessionId: string, expiresAt: Date): Promise<void> {
  await db.updateTable('sessions').set({ expires_at: expiresAt }).where('id', '=', sessionId).execute();
}

export async function deleteSession(db: Db, sessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

export async function deleteUserSessions(db: Db, userId: string, exceptSessionId?: string): Promise<number> {
  let q = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (exceptSessionId) q = q.where('id', '!=', exceptSessionId);
  const r = await q.executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function deleteExpiredSessions(db: Db, now: Date): Promise<number> {
  const r = await db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('absolute_expires_at', '<=', now)]))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

// ---- password tokens

export async function insertPasswordToken(
  db: Db,
  t: { token_hash: string; user_id: string; purpose: 'reset' | 'setup'; expires_at: Date },
): Promise<void> {
  await db.insertInto('password_tokens').values(t).execute();
}

/** Marks a token used, atomically: returns its user only if it was unused and unexpired. */
export async function consumePasswordToken(db: Db, tokenHash: string, now: Date): Promise<{ user_id: string; purpose: string } | undefined> {
  return db
    .updateTable('password_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning(['user_id', 'purpose'])
    .executeTakeFirst();
}

export function findValidPasswordToken(db: Db, tokenHash: string, now: Date) {
  return db
    .selectFrom('password_tokens')
    .select(['user_id', 'purpose'])
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

export async function invalidateUserPasswordTokens(db: Db, userId: string, now: Date): Promise<void> {
  await db.updateTable('password_tokens').set({ used_at: now }).where('user_id', '=', userId).where('used_at', 'is', null).execute();
}

// ---- sign-up requests (the account is made when the emailed link is used)

export async function insertSignUpRequest(
  db: Db,
  r: { token_hash: string; email: string; display_name: string; password_hash: string; locale: string; expires_at: Date },
): Promise<void> {
  await db.insertInto('sign_up_requests').values(r).execute();
}

/** Marks a sign-up request used, atomically: returns it only if it was unused and unexpired. */
export function consumeSignUpRequest(db: Db, tokenHash: string, now: Date) {
  return db
    .updateTable('sign_up_requests')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning(['email', 'display_name', 'password_hash', 'locale'])
    .executeTakeFirst();
}

export function findValidSignUpRequest(db: Db, tokenHash: string, now: Date) {
  return db
    .selectFrom('sign_up_requests')
    .select(['email', 'display_name'])
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/** Forgets requests whose link has expired or was used (they hold a name, an address and a hash). */
export async function deleteStaleSignUpRequests(db: Db, now: Date): Promise<void> {
  await db
    .deleteFrom('sign_up_requests')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('used_at', 'is not', null)]))
    .execute();
}

// ---- units (for forms)

export function selectUnitShortName(db: Db, unitId: number) {
  return db.selectFrom('units').select('short_name').where('id', '=', unitId).executeTakeFirst();
}

export function selectUnitOptions(db: Db) {
  return db.selectFrom('units').select(['id', 'short_name', 'name', 'sector']).where('active', '=', true).orderBy('sector').orderBy('short_name').execute();
}

export async function unitExists(db: Db, id: number): Promise<boolean> {
  return !!(await db.selectFrom('units').select('id').where('id', '=', id).executeTakeFirst());
}
