import type { SessionUser } from '../accounts/sessions.ts';
import type { Actor } from '../audit/service.ts';
import type { Db } from '../db/index.ts';
import { FORUM_STATUSES, type ForumStatus } from '../../domain/vocabulary.ts';
import type { FieldErrors } from '../forms.ts';
import { witDate } from '../calendar/working-days.ts';
import { parseWitLocal } from '../../domain/dates.ts';
import { canManageForums, canViewForum } from './permissions.ts';
import * as q from './queries.ts';
import { cachedRead, isPresent } from '../db/read-cache.ts';

/**
 * Forums, reading: finding and listing forums, the month view, a forum's public details and the
 * moderators' lists. The use cases live by topic: schedule.ts (scheduling and editing), agenda.ts,
 * questions.ts (questions sent ahead), minutes.ts (minutes and commitments), survey.ts,
 * reminders.ts (background jobs); seats live in registration.ts.
 */

export interface ForumContext {
  user: SessionUser;
  actor: Actor;
  publicUrl: string;
  now?: Date;
}

export type { ForumRow } from './queries.ts';

/* ---------- reading ---------- */

export function findForumBySlug(db: Db, user: SessionUser | null, slug: string) {
  if (!/^[a-z0-9-]{1,120}$/.test(slug)) return Promise.resolve(null);
  return q.selectForumBySlug(db, slug).then((f) => (f && canViewForum(user, f) ? f : null));
}

/** The statuses the public lists: every one but drafts. */
const PUBLIC_FORUM_STATUSES: readonly ForumStatus[] = FORUM_STATUSES.filter((s) => s !== 'draft');

/** Upcoming (soonest first) and past (latest first) public forums; drafts too for moderators. */
export async function listForums(db: Db, user: SessionUser | null, now = new Date()) {
  const read = (statuses: readonly ForumStatus[]) => readForumLists(db, statuses, now);
  if (canManageForums(user)) return read(FORUM_STATUSES);
  // What everyone else sees is the same for all: kept in memory until a forum changes, and for
  // at most READ_CACHE_TTL_MS of the clock (a forum that ends moves to "held" that late).
  // A caller asking about another moment (tests, tools) reads the database.
  return isPresent(now) ? cachedRead(db, 'forums:list', () => read(PUBLIC_FORUM_STATUSES)) : read(PUBLIC_FORUM_STATUSES);
}

async function readForumLists(db: Db, statuses: readonly ForumStatus[], now: Date) {
  const [upcoming, past] = await Promise.all([
    // A forum is upcoming until it has taken place (ended, minutes published or closed).
    q.selectForumListWithUnits(db, { statuses, order: 'asc', limit: 24, taken: { now, is: 'ahead' } }),
    q.selectForumListWithUnits(db, { statuses, order: 'desc', limit: 24, taken: { now, is: 'held' } }),
  ]);
  return { upcoming, past };
}

/** Forums starting in a WIT calendar month ("2026-12"). */
export function listForumsInMonth(db: Db, user: SessionUser | null, month: string) {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) return Promise.resolve([]);
  const from = parseWitLocal(`${m[1]}-${m[2]}-01T00:00`);
  if (!from) return Promise.resolve([]);
  const next = Number(m[2]) === 12 ? `${Number(m[1]) + 1}-01` : `${m[1]}-${String(Number(m[2]) + 1).padStart(2, '0')}`;
  const to = parseWitLocal(`${next}-01T00:00`)!;
  const read = (statuses: readonly ForumStatus[]) => q.selectForumList(db, { from, to, statuses, order: 'asc', limit: 100 });
  if (canManageForums(user)) return read(FORUM_STATUSES);
  return cachedRead(db, `forums:month:${month}`, () => read(PUBLIC_FORUM_STATUSES));
}

/**
 * The month view of a WIT month ('YYYY-MM'; this month when missing or malformed): a
 * Monday-first grid of day numbers (null outside the month), the forums by day, and the
 * neighbouring months.
 */
export async function forumMonth(db: Db, user: SessionUser | null, param: string | null, now = new Date()) {
  const month = /^\d{4}-(0[1-9]|1[0-2])$/.test(param ?? '') ? param! : witDate(now).slice(0, 7);
  const [y, m] = month.split('-').map(Number) as [number, number];
  const shift = (d: number) => new Date(Date.UTC(y, m - 1 + d, 1)).toISOString().slice(0, 7);
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const firstWeekday = (new Date(Date.UTC(y, m - 1, 1)).getUTCDay() + 6) % 7;
  const cells: Array<number | null> = [...Array<null>(firstWeekday).fill(null), ...Array.from({ length: daysInMonth }, (_, i) => i + 1)];
  while (cells.length % 7) cells.push(null);
  const weeks = Array.from({ length: cells.length / 7 }, (_, i) => cells.slice(i * 7, i * 7 + 7));
  const forums = await listForumsInMonth(db, user, month);
  const byDay = new Map<number, typeof forums>();
  for (const f of forums) {
    const d = Number(witDate(f.starts_at).slice(8, 10));
    byDay.set(d, [...(byDay.get(d) ?? []), f]);
  }
  return { month, prev: shift(-1), next: shift(1), weeks, byDay, count: forums.length };
}

/** Every published (and cancelled, so calendars drop it) forum for the subscribable feed. */
export function listFeedForums(db: Db, now = new Date()) {
  return q.selectForums(db, { from: new Date(now.getTime() - 366 * 86400_000), statuses: PUBLIC_FORUM_STATUSES, order: 'asc', limit: 500 });
}

export const forumUnits = q.selectForumUnits;

/** The public parts of a forum page: units, agenda with cited feedback, commitments, counts. */
export async function forumDetails(db: Db, forum: q.ForumRow) {
  const [units, agenda, citations, commitments, waitlisted, attendees] = await Promise.all([
    q.selectForumUnits(db, forum.id),
    q.selectAgenda(db, forum.id),
    q.selectAgendaCitations(db, forum.id),
    q.selectCommitmentsOfForum(db, forum.id),
    q.countWaitlisted(db, forum.id),
    q.countCheckedIn(db, forum.id),
  ]);
  const commitmentCitations = await q.selectCommitmentCitations(db, commitments.map((c) => c.id));
  const publicFeedback = (c: { moderation_state: string; confidential: boolean }) => c.moderation_state === 'published' && !c.confidential;
  return {
    units,
    agenda: agenda.map((a) => ({ ...a, citations: citations.filter((c) => c.agenda_item_id === a.id && publicFeedback(c)) })),
    commitments: commitments.map((c) => ({ ...c, citations: commitmentCitations.filter((x) => x.commitment_id === c.id && publicFeedback(x)) })),
    waitlisted,
    attendees,
  };
}

/** Commitments given to a unit at forums, newest first (public: the unit's page shows them). */
export function listCommitmentsForUnit(db: Db, unitId: number, limit = 50) {
  return q.selectCommitmentsOfUnit(db, unitId, limit);
}

export const myForumRegistrations = q.selectMyRegistrations;
export const forumsAttendedBy = q.selectForumsAttendedBy;

/* ---------- lists for moderators ---------- */

export function listRegistrations(db: Db, forumId: number, search: { q?: string; code?: string | null }) {
  return q.selectRegistrations(db, forumId, { ...search, limit: 500 });
}

export const countAttendees = q.countCheckedIn;

export type { FieldErrors };
