import type { SessionUser } from '../accounts/sessions.ts';
import { recordAudit, type Actor } from '../audit/service.ts';
import type { Db } from '../db/index.ts';
import type { SeatPool } from '../db/schema.ts';
import { fail, type Result } from '../forms.ts';
import { hit, RATE_RULES } from '../rate-limit/service.ts';
import { newRegistrationCode, normalizeRegistrationCode } from './codes.ts';
import { enqueueRegistrationEmail } from './emails.ts';
import { canCheckIn, canRegister } from './permissions.ts';
import * as q from './queries.ts';

/**
 * Seats, waitlist and check-in. Every function that changes seats locks the forum row first
 * (`lockForum`) and decides only after it holds the lock: free seats are read under the lock,
 * counters change in the same transaction, and the unique (forum, person) constraint backs
 * "once per person". Decidim's race (free seats checked before the lock) cannot happen here.
 * Emails go to the outbox in the same transaction.
 */

export interface SeatContext {
  user: SessionUser;
  actor: Actor;
  publicUrl: string;
  now?: Date;
}

export interface RegistrationOutcome {
  status: 'registered' | 'waitlisted';
  code: string;
  /** Place on the waitlist (1 = next), null when registered. */
  position: number | null;
}

type Locked = NonNullable<Awaited<ReturnType<typeof q.lockForum>>>;

const poolSize = (f: Locked, pool: SeatPool) => (pool === 'resident' ? f.capacity : f.reserved_asn);
const poolTaken = (f: Locked, pool: SeatPool) => (pool === 'resident' ? f.resident_taken : f.asn_taken);

async function insertWithFreshCode(trx: Db, v: Omit<Parameters<typeof q.insertRegistration>[1], 'code'>): Promise<{ id: number; code: string }> {
  for (let i = 0; i < 5; i++) {
    const code = newRegistrationCode();
    const r = await q.insertRegistration(trx, { ...v, code });
    if (r) return { id: r.id, code };
  }
  throw new Error('could not draw a free registration code');
}

/**
 * Takes a seat in the person's pool, or a place on its waitlist when the pool is full.
 * Refused (with a message for the form) outside the registration window, for a cancelled or
 * closed forum, for someone already registered or waitlisted, for anyone without a pool, and
 * (err.rateLimited) after RATE_RULES.forumRegisterPerAccount attempts in its window.
 * Returns null when the forum does not exist or is a draft (the route answers 404).
 */
export async function registerForForum(db: Db, ctx: SeatContext, forumId: number): Promise<Result<RegistrationOutcome> | null> {
  const now = ctx.now ?? new Date();
  const limit = await hit(db, [[RATE_RULES.forumRegisterPerAccount, ctx.user.id]], now);
  if (!limit.ok) return fail('_form', 'err.rateLimited', { seconds: limit.retryAfterSeconds });
  return db.transaction().execute(async (trx) => {
    const f = await q.lockForum(trx, forumId);
    if (!f || f.status === 'draft') return null;
    const unitIds = (await q.selectForumUnits(trx, f.id)).map((u) => u.id);
    const existing = await q.selectRegistration(trx, f.id, ctx.user.id);
    const decision = canRegister(f, unitIds, ctx.user, now, existing ?? null);
    if (!decision.allowed) return fail('_form', decision.reason);
    const pool = decision.value;

    const seat = poolTaken(f, pool) < poolSize(f, pool);
    const status = seat ? 'registered' : 'waitlisted';
    const queue_seq = await q.nextQueueSeq(trx);
    let id: number;
    let code: string;
    if (existing) {
      // Coming back after cancelling: the same row (unique per person), at the back of the line.
      await q.updateRegistration(trx, existing.id, { status, queue_seq, pool, unit_id: pool === 'asn' ? ctx.user.unitId : null, cancelled_at: null, promoted_at: null, created_at: now });
      id = existing.id;
      code = existing.code;
    } else {
      ({ id, code } = await insertWithFreshCode(trx, { forum_id: f.id, user_id: ctx.user.id, pool, unit_id: pool === 'asn' ? ctx.user.unitId : null, status, queue_seq }));
    }
    if (seat) await q.bumpSeats(trx, f.id, pool, 1);
    const position = seat ? null : await q.waitlistPosition(trx, f.id, pool, queue_seq);
    await recordAudit(trx, ctx.actor, seat ? 'forum.register' : 'forum.waitlist', { type: 'forum_registration', id }, { after: { forum: f.id, pool, status, position } });
    await enqueueRegistrationEmail(trx, { email: ctx.user.email, locale: ctx.user.locale }, f, { code, status, position }, status, ctx.publicUrl);
    return { ok: true, value: { status, code, position } };
  });
}

/**
 * Frees the seat (or waitlist place) of a registration and, when a seat was freed, gives it
 * to the first waitlisted person of the same pool in the same transaction, and tells them.
 */
async function cancelLocked(trx: Db, actor: Actor, f: Locked, reg: NonNullable<Awaited<ReturnType<typeof q.selectRegistrationById>>>, now: Date, publicUrl: string) {
  await q.updateRegistration(trx, reg.id, { status: 'cancelled', cancelled_at: now, checked_in_at: null, checked_in_by: null });
  await recordAudit(trx, actor, 'forum.cancel_registration', { type: 'forum_registration', id: reg.id }, { before: { status: reg.status }, after: { status: 'cancelled' } });
  if (reg.status !== 'registered') return;
  await q.bumpSeats(trx, f.id, reg.pool, -1);
  // Once the forum is over, nobody is promoted into it.
  if (f.status !== 'published' || now >= f.ends_at) return;
  await promoteNext(trx, f, reg.pool, now, publicUrl);
}

/** Seats the first waitlisted person of a pool (caller holds the lock and has a free seat). */
async function promoteNext(trx: Db, f: Locked, pool: SeatPool, now: Date, publicUrl: string): Promise<boolean> {
  const next = await q.selectFirstWaitlisted(trx, f.id, pool);
  if (!next) return false;
  await q.updateRegistration(trx, next.id, { status: 'registered', promoted_at: now });
  await q.bumpSeats(trx, f.id, pool, 1);
  await recordAudit(trx, { id: null, label: 'system', ip: null }, 'forum.promote', { type: 'forum_registration', id: next.id }, { before: { status: 'waitlisted' }, after: { status: 'registered' } });
  if (next.user_id) {
    const who = await q.selectUserContact(trx, next.user_id);
    if (who) await enqueueRegistrationEmail(trx, { email: who.email, locale: who.locale }, f, { code: next.code, status: 'registered', position: null }, 'promoted', publicUrl);
  }
  return true;
}

/** Cancels the signed-in person's own registration or waitlist place. */
export async function cancelMyRegistration(db: Db, ctx: SeatContext, forumId: number): Promise<Result<null> | null> {
  const now = ctx.now ?? new Date();
  return db.transaction().execute(async (trx) => {
    const f = await q.lockForum(trx, forumId);
    if (!f || f.status === 'draft') return null;
    const reg = await q.selectRegistration(trx, f.id, ctx.user.id);
    if (!reg || reg.status === 'cancelled') return fail('_form', 'forum.err.notRegistered');
    if (now >= f.starts_at) return fail('_form', 'forum.err.alreadyStarted');
    await cancelLocked(trx, ctx.actor, f, reg, now, ctx.publicUrl);
    return { ok: true, value: null };
  });
}

/** A moderator cancels someone's registration (e.g. on request by phone). */
export async function cancelRegistrationAsModerator(db: Db, ctx: SeatContext, forumId: number, registrationId: number): Promise<Result<null> | null> {
  if (!canCheckIn(ctx.user)) return null;
  const now = ctx.now ?? new Date();
  return db.transaction().execute(async (trx) => {
    const f = await q.lockForum(trx, forumId);
    if (!f) return null;
    const reg = await q.selectRegistrationById(trx, registrationId);
    if (!reg || reg.forum_id !== f.id) return null;
    if (reg.status === 'cancelled') return fail('_form', 'forum.err.notRegistered');
    await cancelLocked(trx, ctx.actor, f, reg, now, ctx.publicUrl);
    return { ok: true, value: null };
  });
}

/**
 * After the forum's seats grew (capacity raised by an edit): seats waitlisted people in order
 * while seats are free. The caller holds the forum lock.
 */
export async function fillFreedSeats(trx: Db, forumId: number, now: Date, publicUrl: string): Promise<number> {
  let promoted = 0;
  for (const pool of ['resident', 'asn'] as const) {
    for (;;) {
      const f = (await q.lockForum(trx, forumId))!;
      if (f.status !== 'published' || poolTaken(f, pool) >= poolSize(f, pool)) break;
      if (!(await promoteNext(trx, f, pool, now, publicUrl))) break;
      promoted++;
    }
  }
  return promoted;
}

/** Check-in opens the day before the forum and stays open until a day after it ends. */
export function checkInOpen(f: { starts_at: Date; ends_at: Date; status: string }, now: Date): boolean {
  return f.status !== 'draft' && f.status !== 'cancelled' && now.getTime() >= f.starts_at.getTime() - 86400_000 && now.getTime() <= f.ends_at.getTime() + 86400_000;
}

export type CheckInOutcome = { name: string; code: string; already: boolean; promoted: boolean };

/**
 * Checks in a registration by its code (typed, or read from the QR code). A waitlisted
 * person who came is seated only when a seat of their pool is free; capacity never breaks.
 */
export async function checkInByCode(db: Db, ctx: SeatContext, forumId: number, input: string): Promise<Result<CheckInOutcome> | null> {
  if (!canCheckIn(ctx.user)) return null;
  const now = ctx.now ?? new Date();
  const code = normalizeRegistrationCode(input);
  if (!code) return fail('code', 'forum.err.codeFormat');
  return db.transaction().execute(async (trx) => {
    const f = await q.lockForum(trx, forumId);
    if (!f) return null;
    if (!checkInOpen(f, now)) return fail('code', 'forum.err.checkInClosed');
    const reg = await q.selectRegistrationByCode(trx, f.id, code);
    if (!reg) return fail('code', 'forum.err.codeUnknown');
    const name = reg.display_name ?? reg.walk_in_name ?? '';
    if (reg.status === 'cancelled') return fail('code', 'forum.err.registrationCancelled', { name });
    if (reg.checked_in_at) return { ok: true, value: { name, code, already: true, promoted: false } };
    let promoted = false;
    if (reg.status === 'waitlisted') {
      if (poolTaken(f, reg.pool) >= poolSize(f, reg.pool)) return fail('code', 'forum.err.waitlistedNoSeat', { name });
      await q.bumpSeats(trx, f.id, reg.pool, 1);
      promoted = true;
    }
    await q.updateRegistration(trx, reg.id, { status: 'registered', checked_in_at: now, checked_in_by: ctx.user.id, ...(promoted ? { promoted_at: now } : {}) });
    await recordAudit(trx, ctx.actor, 'forum.check_in', { type: 'forum_registration', id: reg.id }, { after: { forum: f.id, promoted } });
    return { ok: true, value: { name, code, already: false, promoted } };
  });
}

/** Records a walk-in (no account): takes a free residents' seat, or is refused when there is none. */
export async function recordWalkIn(db: Db, ctx: SeatContext, forumId: number, input: { name?: string }): Promise<Result<{ code: string }> | null> {
  if (!canCheckIn(ctx.user)) return null;
  const name = (input.name ?? '').trim();
  if (name.length < 2) return fail('name', 'forum.err.walkInName');
  if (name.length > 120) return fail('name', 'err.tooLong', { max: 120 });
  const now = ctx.now ?? new Date();
  return db.transaction().execute(async (trx) => {
    const f = await q.lockForum(trx, forumId);
    if (!f) return null;
    if (!checkInOpen(f, now)) return fail('name', 'forum.err.checkInClosed');
    if (f.resident_taken >= f.capacity) return fail('name', 'forum.err.walkInFull');
    const queue_seq = await q.nextQueueSeq(trx);
    const r = await insertWithFreshCode(trx, { forum_id: f.id, user_id: null, walk_in_name: name, pool: 'resident', unit_id: null, status: 'registered', queue_seq, checked_in_at: now, checked_in_by: ctx.user.id });
    await q.bumpSeats(trx, f.id, 'resident', 1);
    await recordAudit(trx, ctx.actor, 'forum.walk_in', { type: 'forum_registration', id: r.id }, { after: { forum: f.id } });
    return { ok: true, value: { code: r.code } };
  });
}

/** Undoes a check-in made by mistake (the seat stays taken). */
export async function undoCheckIn(db: Db, ctx: SeatContext, forumId: number, registrationId: number): Promise<Result<null> | null> {
  if (!canCheckIn(ctx.user)) return null;
  return db.transaction().execute(async (trx) => {
    const f = await q.lockForum(trx, forumId);
    const reg = await q.selectRegistrationById(trx, registrationId);
    if (!f || !reg || reg.forum_id !== f.id) return null;
    if (!reg.checked_in_at) return { ok: true, value: null };
    await q.updateRegistration(trx, reg.id, { checked_in_at: null, checked_in_by: null });
    await recordAudit(trx, ctx.actor, 'forum.undo_check_in', { type: 'forum_registration', id: reg.id });
    return { ok: true, value: null };
  });
}

/** The signed-in person's registration for a forum, with their waitlist place. */
export async function myRegistration(db: Db, forumId: number, userId: string) {
  const reg = await q.selectRegistration(db, forumId, userId);
  if (!reg || reg.status === 'cancelled') return null;
  const position = reg.status === 'waitlisted' ? await q.waitlistPosition(db, forumId, reg.pool, reg.queue_seq) : null;
  return { ...reg, position };
}
