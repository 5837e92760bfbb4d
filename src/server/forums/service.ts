import { z } from 'zod';
import { formatDateTime } from '../../i18n/index.ts';
import type { SessionUser } from '../accounts/sessions.ts';
import { recordAudit, SYSTEM_ACTOR, type Actor } from '../audit/service.ts';
import type { Db } from '../db/index.ts';
import { COMMITMENT_STATUSES, FORUM_MODES, type CommitmentStatus, type ForumStatus } from '../db/schema.ts';
import { fail, parseIdList, validate, type FieldErrors, type Result } from '../forms.ts';
import { canViewAsStaff, isPublic } from '../feedback/permissions.ts';
import { renderMarkdown } from '../markdown.ts';
import { notifyReporter } from '../moderation/service.ts';
import { witDate } from '../calendar/working-days.ts';
import { forumSlug, oneMonthLater, parseWitLocal } from './codes.ts';
import { enqueueForumNotice } from './emails.ts';
import { canManageForums, canSeeUnitQuestions, canViewForum } from './permissions.ts';
import * as q from './queries.ts';
import { fillFreedSeats } from './registration.ts';

/**
 * Forums: scheduling and editing (moderators), the suggested agenda, questions sent ahead,
 * minutes, commitments and the attendees' survey. Seats live in registration.ts.
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

/** Upcoming (soonest first) and past (latest first) public forums; drafts too for moderators. */
export async function listForums(db: Db, user: SessionUser | null, now = new Date()) {
  const statuses: ForumStatus[] = canManageForums(user) ? ['draft', 'published', 'cancelled', 'closed'] : ['published', 'cancelled', 'closed'];
  const [upcoming, past] = await Promise.all([
    // A forum is upcoming until it has taken place (ended, minutes published or closed).
    q.selectForums(db, { statuses, order: 'asc', limit: 24, taken: { now, is: 'ahead' } }),
    q.selectForums(db, { statuses, order: 'desc', limit: 24, taken: { now, is: 'held' } }),
  ]);
  const units = await q.selectUnitsOfForums(db, [...upcoming, ...past].map((f) => f.id));
  const unitsOf = (id: number) => units.filter((u) => u.forum_id === id).map((u) => u.short_name);
  return { upcoming: upcoming.map((f) => ({ ...f, units: unitsOf(f.id) })), past: past.map((f) => ({ ...f, units: unitsOf(f.id) })) };
}

/** Forums starting in a WIT calendar month ("2026-12"). */
export function listForumsInMonth(db: Db, user: SessionUser | null, month: string) {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) return Promise.resolve([]);
  const from = parseWitLocal(`${m[1]}-${m[2]}-01T00:00`);
  if (!from) return Promise.resolve([]);
  const next = Number(m[2]) === 12 ? `${Number(m[1]) + 1}-01` : `${m[1]}-${String(Number(m[2]) + 1).padStart(2, '0')}`;
  const to = parseWitLocal(`${next}-01T00:00`)!;
  const statuses: ForumStatus[] = canManageForums(user) ? ['draft', 'published', 'cancelled', 'closed'] : ['published', 'cancelled', 'closed'];
  return q.selectForums(db, { from, to, statuses, order: 'asc', limit: 100 });
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
  return q.selectForums(db, { from: new Date(now.getTime() - 366 * 86400_000), statuses: ['published', 'cancelled', 'closed'], order: 'asc', limit: 500 });
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

/* ---------- scheduling ---------- */

const optionalText = (max: number) => z.string().trim().max(max).optional().transform((v) => (v ? v : null));

const forumSchema = z
  .object({
    title: z.string().trim().min(5, { message: 'forum.err.title' }).max(200),
    description: z.string().trim().max(20000).optional().default(''),
    starts_at: z.string().transform((v, c) => parseWitLocal(v) ?? (c.addIssue({ code: 'custom', message: 'forum.err.dateTime' }), z.NEVER)),
    ends_at: z.string().transform((v, c) => parseWitLocal(v) ?? (c.addIssue({ code: 'custom', message: 'forum.err.dateTime' }), z.NEVER)),
    venue: optionalText(200),
    address: optionalText(300),
    mode: z.enum(FORUM_MODES as [string, ...string[]], { message: 'forum.err.mode' }),
    online_url: optionalText(500),
    capacity: z.coerce.number({ message: 'forum.err.capacity' }).int({ message: 'forum.err.capacity' }).min(1, { message: 'forum.err.capacity' }).max(5000, { message: 'forum.err.capacity' }),
    reserved_asn: z.coerce.number({ message: 'forum.err.reservedAsn' }).int({ message: 'forum.err.reservedAsn' }).min(0, { message: 'forum.err.reservedAsn' }).max(500, { message: 'forum.err.reservedAsn' }),
    registration_opens_at: z.string().transform((v, c) => parseWitLocal(v) ?? (c.addIssue({ code: 'custom', message: 'forum.err.dateTime' }), z.NEVER)),
    registration_closes_at: z.string().transform((v, c) => parseWitLocal(v) ?? (c.addIssue({ code: 'custom', message: 'forum.err.dateTime' }), z.NEVER)),
    unit_ids: z.array(z.coerce.number().int().positive()).min(1, { message: 'forum.err.units' }).max(60),
  });

export type ForumInput = Record<string, string | string[] | undefined>;

/**
 * The checks across fields (times in order, venue and link as the mode requires), on the
 * values as typed. They run whatever else is wrong: as a zod refinement they were skipped
 * whenever another field failed (an empty date, say), so the moderator learnt of a missing
 * venue only after fixing everything else. Each check runs when its own fields parse.
 */
function crossFieldErrors(input: ForumInput): FieldErrors {
  const text = (k: string) => (typeof input[k] === 'string' ? (input[k] as string).trim() : '');
  const at = (k: string) => parseWitLocal(text(k));
  const [starts, ends, opens, closes] = [at('starts_at'), at('ends_at'), at('registration_opens_at'), at('registration_closes_at')];
  const errors: FieldErrors = {};
  if (starts && ends && ends <= starts) errors.ends_at = { key: 'forum.err.endsBeforeStart' };
  if (opens && closes && closes <= opens) errors.registration_closes_at = { key: 'forum.err.windowOrder' };
  else if (closes && ends && closes > ends) errors.registration_closes_at = { key: 'forum.err.windowAfterEnd' };
  const mode = text('mode');
  if ((FORUM_MODES as readonly string[]).includes(mode)) {
    if (mode !== 'online' && !text('venue')) errors.venue = { key: 'forum.err.venueRequired' };
    if (mode !== 'in_person') {
      const url = text('online_url');
      if (!url) errors.online_url = { key: 'forum.err.onlineUrlRequired' };
      else if (!/^https?:\/\/[^\s/]+\.[^\s]+$/i.test(url)) errors.online_url = { key: 'forum.err.onlineUrl' };
    }
  }
  return errors;
}

async function validateForum(db: Db, input: ForumInput): Promise<Result<z.output<typeof forumSchema>>> {
  const v = validate(forumSchema, { ...input, unit_ids: toArray(input.unit_ids) });
  const cross = crossFieldErrors(input);
  if (!v.ok || Object.keys(cross).length > 0) {
    // A field's own message first; listed in the order of the form.
    const merged: FieldErrors = { ...cross, ...(v.ok ? {} : v.errors) };
    const order = Object.keys(forumSchema.shape);
    const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
    return { ok: false, errors: Object.fromEntries(Object.entries(merged).sort(([a], [b]) => rank(a) - rank(b))) };
  }
  const known = await q.selectActiveUnitIds(db, v.value.unit_ids);
  if (known.length !== new Set(v.value.unit_ids).size) return fail('unit_ids', 'forum.err.units');
  return v;
}

function toArray(v: string | string[] | undefined): string[] {
  if (Array.isArray(v)) return v;
  return v ? v.split(',').filter(Boolean) : [];
}

async function freeSlug(db: Db, base: string): Promise<string> {
  let slug = base.slice(0, 100);
  for (let i = 2; await q.slugExists(db, slug); i++) slug = `${base.slice(0, 96)}-${i}`;
  return slug;
}

/** Schedules a forum (as a draft, or published at once when `publish` is set). */
export async function createForum(db: Db, ctx: ForumContext, input: ForumInput): Promise<Result<{ id: number; slug: string }>> {
  if (!canManageForums(ctx.user)) return fail('_form', 'error.403.text');
  const v = await validateForum(db, input);
  if (!v.ok) return v;
  const f = v.value;
  return db.transaction().execute(async (trx) => {
    const slug = await freeSlug(trx, forumSlug(f.title, f.starts_at));
    const row = await q.insertForum(trx, {
      slug, title: f.title, description_md: f.description, description_html: renderMarkdown(f.description), starts_at: f.starts_at, ends_at: f.ends_at,
      venue: f.venue, address: f.address, mode: f.mode as q.ForumRow['mode'], online_url: f.mode === 'in_person' ? null : f.online_url, capacity: f.capacity,
      reserved_asn: f.reserved_asn, registration_opens_at: f.registration_opens_at, registration_closes_at: f.registration_closes_at,
      status: input.publish === '1' ? 'published' : 'draft', created_by: ctx.user.id,
    });
    await q.replaceForumUnits(trx, row.id, [...new Set(f.unit_ids)]);
    await recordAudit(trx, ctx.actor, 'forum.create', { type: 'forum', id: row.id }, { after: { slug, title: f.title, starts_at: f.starts_at } });
    return { ok: true, value: row };
  });
}

/** What a registrant's calendar shows: a change to these raises SEQUENCE and tells registrants. */
const CALENDAR_FIELDS = ['title', 'starts_at', 'ends_at', 'venue', 'address', 'mode', 'online_url'] as const;

/**
 * Edits a forum. Refused when the page was opened before someone else's change (`seen`),
 * or when capacity would drop below the seats already taken. A change of time or place
 * raises the calendar SEQUENCE and emails everyone registered or waitlisted (with the new
 * .ics); more seats seat waitlisted people in order.
 */
export async function updateForum(db: Db, ctx: ForumContext, forumId: number, input: ForumInput): Promise<Result<{ slug: string; notified: number }> | null> {
  if (!canManageForums(ctx.user)) return null;
  const v = await validateForum(db, input);
  if (!v.ok) return v;
  const n = v.value;
  const now = ctx.now ?? new Date();
  return db.transaction().execute(async (trx) => {
    const f = await q.lockForum(trx, forumId);
    if (!f) return null;
    if (String(input.seen ?? '') !== f.updated_at.toISOString()) return fail('_form', 'forum.err.staleEdit');
    if (f.status === 'cancelled' || f.status === 'closed') return fail('_form', 'forum.err.notEditable');
    if (n.capacity < f.resident_taken) return fail('capacity', 'forum.err.capacityBelowTaken', { taken: f.resident_taken });
    if (n.reserved_asn < f.asn_taken) return fail('reserved_asn', 'forum.err.reservedBelowTaken', { taken: f.asn_taken });
    const next = {
      title: n.title, description_md: n.description, description_html: renderMarkdown(n.description), starts_at: n.starts_at, ends_at: n.ends_at,
      venue: n.venue, address: n.address, mode: n.mode, online_url: n.mode === 'in_person' ? null : n.online_url, capacity: n.capacity,
      reserved_asn: n.reserved_asn, registration_opens_at: n.registration_opens_at, registration_closes_at: n.registration_closes_at,
    };
    const same = (a: unknown, b: unknown) => (a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b);
    const calendarChanged = CALENDAR_FIELDS.some((k) => !same(f[k], next[k]));
    await q.updateForumRow(trx, f.id, { ...next, sequence: calendarChanged ? f.sequence + 1 : f.sequence });
    await q.replaceForumUnits(trx, f.id, [...new Set(n.unit_ids)]);
    await recordAudit(trx, ctx.actor, 'forum.update', { type: 'forum', id: f.id }, { before: pick(f), after: pick(next) });
    let notified = 0;
    if (f.status === 'published') {
      await fillFreedSeats(trx, f.id, now, ctx.publicUrl);
      const moved = !same(f.starts_at, n.starts_at) || !same(f.ends_at, n.ends_at) || f.venue !== n.venue || f.address !== n.address || f.mode !== n.mode || f.online_url !== next.online_url;
      if (moved) {
        const updated = (await q.selectForumById(trx, f.id))!;
        for (const r of await q.selectRegistrantsToNotify(trx, f.id)) {
          await enqueueForumNotice(trx, { email: r.email, locale: r.locale, seated: r.status === 'registered' }, updated, 'forum_changed', 'email.forum.changed.subject', 'email.forum.changed.body', ctx.publicUrl, {}, true);
          notified++;
        }
      }
    }
    return { ok: true, value: { slug: f.slug, notified } };
  });
}

function pick(f: Record<string, unknown>) {
  const out: Record<string, unknown> = {};
  for (const k of [...CALENDAR_FIELDS, 'capacity', 'reserved_asn', 'registration_opens_at', 'registration_closes_at']) out[k] = f[k];
  return out;
}

/** Publishes a draft (registration then follows its window) and invites the reporters of cited feedback. */
export async function publishForum(db: Db, ctx: ForumContext, forumId: number): Promise<Result<null> | null> {
  if (!canManageForums(ctx.user)) return null;
  return db.transaction().execute(async (trx) => {
    const f = await q.lockForum(trx, forumId);
    if (!f) return null;
    if (f.status !== 'draft') return fail('_form', 'forum.err.notDraft');
    await q.updateForumRow(trx, f.id, { status: 'published' });
    await recordAudit(trx, ctx.actor, 'forum.publish', { type: 'forum', id: f.id }, { before: { status: f.status }, after: { status: 'published' } });
    // Feedback cited while the forum was a draft: its reporters are invited now.
    const cited = [...new Set((await q.selectAgendaCitations(trx, f.id)).filter((c) => c.moderation_state === 'published').map((c) => c.id))];
    await inviteCited(trx, f, cited, ctx.publicUrl);
    return { ok: true, value: null };
  });
}

/** Cancels a forum: SEQUENCE raised, STATUS:CANCELLED in calendars, everyone registered told why. */
export async function cancelForum(db: Db, ctx: ForumContext, forumId: number, input: { reason?: string }): Promise<Result<{ notified: number }> | null> {
  if (!canManageForums(ctx.user)) return null;
  const reason = (input.reason ?? '').trim();
  if (reason.length < 5) return fail('reason', 'forum.err.cancelReason');
  if (reason.length > 1000) return fail('reason', 'err.tooLong', { max: 1000 });
  return db.transaction().execute(async (trx) => {
    const f = await q.lockForum(trx, forumId);
    if (!f) return null;
    if (f.status === 'cancelled' || f.status === 'closed') return fail('_form', 'forum.err.notEditable');
    // A draft was never announced: cancelling would publish it (as cancelled) in every calendar.
    if (f.status === 'draft') return fail('_form', 'forum.err.draftDelete');
    await q.updateForumRow(trx, f.id, { status: 'cancelled', cancel_reason: reason, sequence: f.sequence + 1 });
    await recordAudit(trx, ctx.actor, 'forum.cancel', { type: 'forum', id: f.id }, { before: { status: f.status }, after: { status: 'cancelled', reason } });
    let notified = 0;
    if (f.status === 'published') {
      const updated = (await q.selectForumById(trx, f.id))!;
      for (const r of await q.selectRegistrantsToNotify(trx, f.id)) {
        await enqueueForumNotice(trx, { email: r.email, locale: r.locale, seated: r.status === 'registered' }, updated, 'forum_cancelled', 'email.forum.cancelled.subject', 'email.forum.cancelled.body', ctx.publicUrl, { reason }, true);
        notified++;
      }
    }
    return { ok: true, value: { notified } };
  });
}

/** Deletes a draft (never public, so nobody registered or was told about it). */
export async function deleteDraftForum(db: Db, ctx: ForumContext, forumId: number): Promise<Result<null> | null> {
  if (!canManageForums(ctx.user)) return null;
  return db.transaction().execute(async (trx) => {
    const f = await q.lockForum(trx, forumId);
    if (!f) return null;
    if (f.status !== 'draft') return fail('_form', 'forum.err.notDraft');
    await q.deleteForum(trx, f.id);
    await recordAudit(trx, ctx.actor, 'forum.delete_draft', { type: 'forum', id: f.id }, { before: { slug: f.slug, title: f.title, starts_at: f.starts_at } });
    return { ok: true, value: null };
  });
}

/** Marks a forum that took place as closed (no more registrations; minutes may follow). */
export async function closeForum(db: Db, ctx: ForumContext, forumId: number): Promise<Result<null> | null> {
  if (!canManageForums(ctx.user)) return null;
  const now = ctx.now ?? new Date();
  return db.transaction().execute(async (trx) => {
    const f = await q.lockForum(trx, forumId);
    if (!f) return null;
    if (f.status !== 'published') return fail('_form', 'forum.err.notEditable');
    if (now < f.starts_at) return fail('_form', 'forum.err.notStartedYet');
    await q.updateForumRow(trx, f.id, { status: 'closed' });
    await recordAudit(trx, ctx.actor, 'forum.close', { type: 'forum', id: f.id }, { before: { status: f.status }, after: { status: 'closed' } });
    return { ok: true, value: null };
  });
}

/**
 * "Plan next month's forum": a draft copy one calendar month later (same wall-clock times,
 * same registration window relative to the start), with the same units and agenda titles.
 */
export async function planNextMonth(db: Db, ctx: ForumContext, forumId: number): Promise<Result<{ id: number; slug: string }> | null> {
  if (!canManageForums(ctx.user)) return null;
  return db.transaction().execute(async (trx) => {
    const f = await q.selectForumById(trx, forumId);
    if (!f) return null;
    const starts = oneMonthLater(f.starts_at);
    const shift = starts.getTime() - f.starts_at.getTime();
    const at = (d: Date) => new Date(d.getTime() + shift);
    const slug = await freeSlug(trx, forumSlug(f.title, starts));
    const row = await q.insertForum(trx, {
      slug, title: f.title, description_md: f.description_md, description_html: f.description_html, starts_at: starts, ends_at: at(f.ends_at),
      venue: f.venue, address: f.address, mode: f.mode, online_url: f.online_url, capacity: f.capacity, reserved_asn: f.reserved_asn,
      registration_opens_at: at(f.registration_opens_at), registration_closes_at: at(f.registration_closes_at), status: 'draft', copied_from: f.id, created_by: ctx.user.id,
    });
    await q.replaceForumUnits(trx, row.id, (await q.selectForumUnits(trx, f.id)).map((u) => u.id));
    for (const a of await q.selectAgenda(trx, f.id)) {
      if (a.question_id === null) await q.insertAgendaItem(trx, { forum_id: row.id, position: a.position, title: a.title, note: a.note, unit_id: a.unit_id, question_id: null });
    }
    await recordAudit(trx, ctx.actor, 'forum.plan_next', { type: 'forum', id: row.id }, { after: { copied_from: f.id, starts_at: starts } });
    return { ok: true, value: row };
  });
}

/* ---------- agenda ---------- */

/**
 * What moderators may put on the agenda: the participating units' most supported unresolved
 * published feedback since the previous forum, and the words that come up most often.
 */
export async function suggestAgenda(db: Db, forum: q.ForumRow, now = new Date()) {
  const unitIds = (await q.selectForumUnits(db, forum.id)).map((u) => u.id);
  // "Since the previous forum" means the last one that took place, never one still ahead.
  const prev = await q.selectPreviousForumStart(db, forum.starts_at, now);
  const since = prev?.starts_at ?? new Date(forum.starts_at.getTime() - 92 * 86400_000);
  const [recent, themes] = await Promise.all([q.selectAgendaCandidates(db, unitIds, since, 10), q.selectThemes(db, unitIds, since, 2000, 12)]);
  // Few new items since the last forum: older unresolved ones still deserve a hearing.
  const older = recent.length < 10 ? (await q.selectAgendaCandidates(db, unitIds, null, 10)).filter((o) => !recent.some((r) => r.id === o.id)) : [];
  const items = [...recent.map((r) => ({ ...r, older: false })), ...older.slice(0, 10 - recent.length).map((o) => ({ ...o, older: true }))];
  return { since, sinceForum: prev ? { title: prev.title, slug: prev.slug } : null, items, themes };
}

const agendaSchema = z.object({
  title: z.string().trim().min(3, { message: 'forum.err.agendaTitle' }).max(200),
  note: optionalText(1000),
  unit_id: z.string().optional().transform((v) => (v && /^\d{1,9}$/.test(v) ? Number(v) : null)),
  feedback_ids: z.string().optional().default(''),
});


/**
 * Adds an agenda item, citing feedback (published only). Reporters of cited feedback are
 * invited by email once per forum (an anonymous reporter only through a contact email they gave).
 */
export async function addAgendaItem(db: Db, ctx: ForumContext, forumId: number, input: Record<string, string>): Promise<Result<{ id: number; invited: number }> | null> {
  if (!canManageForums(ctx.user)) return null;
  const v = validate(agendaSchema, input);
  if (!v.ok) return v;
  const ids = parseIdList(v.value.feedback_ids);
  if (!ids) return fail('feedback_ids', 'forum.err.feedbackIds');
  return db.transaction().execute(async (trx) => {
    const f = await q.lockForum(trx, forumId);
    if (!f) return null;
    if (f.status === 'cancelled' || f.status === 'closed') return fail('_form', 'forum.err.notEditable');
    // The form offers the participating units; anything else (an unknown id would break the foreign key) is refused.
    if (v.value.unit_id !== null && !(await q.selectForumUnits(trx, f.id)).some((u) => u.id === v.value.unit_id)) return fail('unit_id', 'forum.err.unitNotInForum');
    const citable = await q.selectCitableFeedback(trx, ids);
    if (citable.length !== ids.length) return fail('feedback_ids', 'forum.err.feedbackNotCitable');
    const item = await q.insertAgendaItem(trx, { forum_id: f.id, position: await q.nextAgendaPosition(trx, f.id), title: v.value.title, note: v.value.note, unit_id: v.value.unit_id, question_id: null });
    await q.insertAgendaCitations(trx, item.id, ids);
    const invited = f.status === 'published' ? await inviteCited(trx, f, ids, ctx.publicUrl) : 0;
    await recordAudit(trx, ctx.actor, 'forum.agenda_add', { type: 'forum', id: f.id }, { after: { item: item.id, title: v.value.title, feedback: ids } });
    return { ok: true, value: { id: item.id, invited } };
  });
}

async function inviteCited(trx: Db, f: q.ForumRow, feedbackIds: number[], publicUrl: string): Promise<number> {
  let n = 0;
  for (const id of feedbackIds) {
    if (!(await q.claimCitationInvite(trx, f.id, id))) continue;
    await notifyReporter(trx, id, 'forum_invite', 'email.forum.invite.subject', 'email.forum.invite.body', (t) => ({ forum: f.title, when: formatDateTime(f.starts_at, t('forum.localeTag') === 'en' ? 'en' : 'id'), forumLink: `${publicUrl}/forum/${f.slug}` }), publicUrl);
    n++;
  }
  return n;
}

export async function removeAgendaItem(db: Db, ctx: ForumContext, forumId: number, itemId: number): Promise<Result<null> | null> {
  if (!canManageForums(ctx.user)) return null;
  return db.transaction().execute(async (trx) => {
    const item = await q.selectAgendaItem(trx, forumId, itemId);
    if (!item) return null;
    await q.deleteAgendaItem(trx, item.id);
    if (item.question_id) await q.updateQuestion(trx, item.question_id, { status: 'submitted', position: null });
    await recordAudit(trx, ctx.actor, 'forum.agenda_remove', { type: 'forum', id: forumId }, { before: { item: item.id, title: item.title } });
    return { ok: true, value: null };
  });
}

/** Moves an item one place up or down (swaps positions with its neighbour). */
export async function moveAgendaItem(db: Db, ctx: ForumContext, forumId: number, itemId: number, dir: 'up' | 'down'): Promise<Result<null> | null> {
  if (!canManageForums(ctx.user)) return null;
  return db.transaction().execute(async (trx) => {
    const f = await q.lockForum(trx, forumId);
    if (!f) return null;
    const agenda = await q.selectAgenda(trx, forumId);
    const i = agenda.findIndex((a) => a.id === itemId);
    if (i < 0) return null;
    const j = dir === 'up' ? i - 1 : i + 1;
    if (j < 0 || j >= agenda.length) return { ok: true, value: null };
    const order = agenda.map((a) => a.id);
    [order[i], order[j]] = [order[j]!, order[i]!];
    for (const [k, id] of order.entries()) await q.setAgendaPosition(trx, id, k + 1);
    await recordAudit(trx, ctx.actor, 'forum.agenda_move', { type: 'forum', id: forumId }, { after: { item: itemId, dir, position: j + 1 } });
    return { ok: true, value: null };
  });
}

/* ---------- questions ahead ---------- */

const questionSchema = z.object({
  body: z.string().trim().min(10, { message: 'forum.err.questionBody' }).max(2000),
  unit_id: z.string().optional().transform((v) => (v && /^\d{1,9}$/.test(v) ? Number(v) : null)),
  feedback_id: z.string().optional().transform((v) => (v && /^\d{1,12}$/.test(v) ? Number(v) : null)),
});

export const MAX_QUESTIONS_PER_PERSON = 5;

/**
 * A registered (or waitlisted) person sends a question before the forum starts, for one of
 * the participating units, optionally citing their own feedback.
 */
export async function submitQuestion(db: Db, ctx: ForumContext, forumId: number, input: Record<string, string>): Promise<Result<{ id: number }> | null> {
  const v = validate(questionSchema, input);
  if (!v.ok) return v;
  const now = ctx.now ?? new Date();
  return db.transaction().execute(async (trx) => {
    const f = await q.lockForum(trx, forumId);
    if (!f || f.status === 'draft') return null;
    if (f.status !== 'published' || now >= f.starts_at) return fail('_form', 'forum.err.questionsClosed');
    const reg = await q.selectRegistration(trx, f.id, ctx.user.id);
    if (!reg || reg.status === 'cancelled') return fail('_form', 'forum.err.registerFirst');
    const unitIds = (await q.selectForumUnits(trx, f.id)).map((u) => u.id);
    if (v.value.unit_id !== null && !unitIds.includes(v.value.unit_id)) return fail('unit_id', 'forum.err.unitNotInForum');
    if (v.value.feedback_id !== null) {
      const own = await q.selectOwnFeedback(trx, ctx.user.id, 500);
      if (!own.some((o) => o.id === v.value.feedback_id)) return fail('feedback_id', 'forum.err.notYourFeedback');
    }
    if ((await q.countQuestionsBy(trx, f.id, ctx.user.id)) >= MAX_QUESTIONS_PER_PERSON) return fail('body', 'forum.err.tooManyQuestions', { max: MAX_QUESTIONS_PER_PERSON });
    const row = await q.insertQuestion(trx, { forum_id: f.id, user_id: ctx.user.id, unit_id: v.value.unit_id, feedback_id: v.value.feedback_id, body: v.value.body });
    await recordAudit(trx, ctx.actor, 'forum.question', { type: 'forum_question', id: row.id }, { after: { forum: f.id, unit: v.value.unit_id } });
    return { ok: true, value: row };
  });
}

/**
 * Questions a person may see: moderators all, a participating unit's staff theirs, a resident
 * their own. The feedback a question cites (the asker's own, maybe still pending, confidential
 * or about another unit) is named only to those who may open it: moderators, the asker, and
 * otherwise only when it is public or the viewer's unit's verified item.
 */
export async function questionsFor(db: Db, user: SessionUser, forum: q.ForumRow) {
  const unitIds = (await q.selectForumUnits(db, forum.id)).map((u) => u.id);
  if (canManageForums(user)) return q.selectQuestions(db, forum.id, {});
  const rows = canSeeUnitQuestions(user, unitIds) ? await q.selectQuestions(db, forum.id, { unitId: user.unitId! }) : await q.selectQuestions(db, forum.id, { userId: user.id });
  return rows.map((r) => {
    if (r.feedback_id === null || r.user_id === user.id) return r;
    const cited = { moderation_state: r.feedback_moderation_state ?? 'rejected', confidential: r.feedback_confidential ?? true, unit_id: r.feedback_unit_id };
    return isPublic(cited) || canViewAsStaff(user, cited) ? r : { ...r, feedback_id: null, feedback_title: null };
  });
}

export const ownFeedbackForQuestions = (db: Db, userId: string) => q.selectOwnFeedback(db, userId);

/** Selects a question onto the agenda (at the end; order with move) or declines it. */
export async function decideQuestion(db: Db, ctx: ForumContext, forumId: number, questionId: number, decision: 'select' | 'decline'): Promise<Result<null> | null> {
  if (!canManageForums(ctx.user)) return null;
  return db.transaction().execute(async (trx) => {
    const f = await q.lockForum(trx, forumId);
    const question = await q.selectQuestion(trx, forumId, questionId);
    if (!f || !question) return null;
    if (decision === 'decline') {
      await q.updateQuestion(trx, question.id, { status: 'declined', position: null });
    } else if (question.status !== 'selected') {
      const position = await q.nextAgendaPosition(trx, f.id);
      const title = question.body.length > 180 ? `${question.body.slice(0, 177)}…` : question.body;
      const item = await q.insertAgendaItem(trx, { forum_id: f.id, position, title, note: null, unit_id: question.unit_id, question_id: question.id });
      if (question.feedback_id) {
        const citable = await q.selectCitableFeedback(trx, [question.feedback_id]);
        if (citable.length) await q.insertAgendaCitations(trx, item.id, [question.feedback_id]);
      }
      await q.updateQuestion(trx, question.id, { status: 'selected', position });
    }
    await recordAudit(trx, ctx.actor, `forum.question_${decision}`, { type: 'forum_question', id: question.id });
    return { ok: true, value: null };
  });
}

/* ---------- after the forum ---------- */

/** Publishes (or re-publishes) the minutes; the attendee count is taken from the check-ins. */
export async function publishMinutes(db: Db, ctx: ForumContext, forumId: number, input: { minutes?: string; seen?: string }): Promise<Result<{ attendees: number }> | null> {
  if (!canManageForums(ctx.user)) return null;
  const text = (input.minutes ?? '').trim();
  if (text.length < 20) return fail('minutes', 'forum.err.minutes');
  if (text.length > 50000) return fail('minutes', 'err.tooLong', { max: 50000 });
  const now = ctx.now ?? new Date();
  return db.transaction().execute(async (trx) => {
    const f = await q.lockForum(trx, forumId);
    if (!f) return null;
    if (f.status === 'draft' || f.status === 'cancelled') return fail('_form', 'forum.err.notEditable');
    if (now < f.starts_at) return fail('_form', 'forum.err.notStartedYet');
    if (input.seen !== undefined && input.seen !== f.updated_at.toISOString()) return fail('_form', 'forum.err.staleEdit');
    const attendees = await q.countCheckedIn(trx, f.id);
    await q.updateForumRow(trx, f.id, { minutes_md: text, minutes_html: renderMarkdown(text), minutes_published_at: f.minutes_published_at ?? now, attendee_count: attendees, status: 'closed' });
    await recordAudit(trx, ctx.actor, 'forum.minutes', { type: 'forum', id: f.id }, { after: { attendees } });
    return { ok: true, value: { attendees } };
  });
}

const commitmentSchema = z.object({
  unit_id: z.string().regex(/^\d{1,9}$/, { message: 'forum.err.commitmentUnit' }).transform(Number),
  body: z.string().trim().min(10, { message: 'forum.err.commitmentBody' }).max(5000),
  due_on: z
    .string()
    .optional()
    .transform((v, c) => {
      if (!v) return null;
      // Date.parse rolls 2027-02-30 over to 2 March and accepts year 0; PostgreSQL refuses both (a 500).
      const t = /^\d{4}-\d{2}-\d{2}$/.test(v) && v >= '2000-01-01' && v <= '2999-12-31' ? Date.parse(v) : Number.NaN;
      if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== v) return (c.addIssue({ code: 'custom', message: 'forum.err.dueOn' }), z.NEVER);
      return v;
    }),
  feedback_ids: z.string().optional().default(''),
});

/** Records a commitment a unit made at the forum, citing feedback (published only). */
export async function addCommitment(db: Db, ctx: ForumContext, forumId: number, input: Record<string, string>): Promise<Result<{ id: number }> | null> {
  if (!canManageForums(ctx.user)) return null;
  const v = validate(commitmentSchema, input);
  if (!v.ok) return v;
  const ids = parseIdList(v.value.feedback_ids);
  if (!ids) return fail('feedback_ids', 'forum.err.feedbackIds');
  return db.transaction().execute(async (trx) => {
    const f = await q.lockForum(trx, forumId);
    if (!f) return null;
    if (f.status === 'draft' || f.status === 'cancelled') return fail('_form', 'forum.err.notEditable');
    const unitIds = (await q.selectForumUnits(trx, f.id)).map((u) => u.id);
    if (!unitIds.includes(v.value.unit_id)) return fail('unit_id', 'forum.err.unitNotInForum');
    if ((await q.selectCitableFeedback(trx, ids)).length !== ids.length) return fail('feedback_ids', 'forum.err.feedbackNotCitable');
    const row = await q.insertCommitment(trx, { forum_id: f.id, unit_id: v.value.unit_id, body_md: v.value.body, body_html: renderMarkdown(v.value.body), due_on: v.value.due_on });
    await q.insertCommitmentCitations(trx, row.id, ids);
    await recordAudit(trx, ctx.actor, 'forum.commitment_add', { type: 'forum_commitment', id: row.id }, { after: { forum: f.id, unit: v.value.unit_id, feedback: ids } });
    return { ok: true, value: row };
  });
}

export async function setCommitmentStatus(db: Db, ctx: ForumContext, forumId: number, commitmentId: number, status: string): Promise<Result<null> | null> {
  if (!canManageForums(ctx.user)) return null;
  if (!COMMITMENT_STATUSES.includes(status as CommitmentStatus)) return fail('status', 'err.invalidChoice');
  return db.transaction().execute(async (trx) => {
    const c = await q.selectCommitment(trx, commitmentId);
    if (!c || c.forum_id !== forumId) return null;
    await q.updateCommitmentStatus(trx, c.id, status as CommitmentStatus);
    await recordAudit(trx, ctx.actor, 'forum.commitment_status', { type: 'forum_commitment', id: c.id }, { before: { status: c.status }, after: { status } });
    return { ok: true, value: null };
  });
}

/* ---------- satisfaction survey ---------- */

const surveySchema = z.object({
  score: z.string().regex(/^[1-5]$/, { message: 'forum.err.score' }).transform(Number),
  comment: optionalText(2000),
});

/** Whether the person attended (checked in) and has or has not answered the survey yet. */
export async function surveyState(db: Db, forum: q.ForumRow, userId: string) {
  const reg = await q.selectRegistration(db, forum.id, userId);
  if (!reg?.checked_in_at) return { attended: false as const };
  const answer = await q.selectSurveyResponse(db, reg.id);
  return { attended: true as const, registrationId: reg.id, answer: answer ?? null };
}

/** An attendee rates the forum once (1–5 and a comment), after it started. */
export async function submitSurvey(db: Db, ctx: ForumContext, forumId: number, input: Record<string, string>): Promise<Result<null> | null> {
  const v = validate(surveySchema, input);
  if (!v.ok) return v;
  const now = ctx.now ?? new Date();
  return db.transaction().execute(async (trx) => {
    const f = await q.selectForumById(trx, forumId);
    if (!f || f.status === 'draft') return null;
    if (now < f.starts_at) return fail('_form', 'forum.err.notStartedYet');
    const reg = await q.selectRegistration(trx, f.id, ctx.user.id);
    if (!reg?.checked_in_at) return fail('_form', 'forum.err.attendeesOnly');
    const r = await q.insertSurveyResponse(trx, { registration_id: reg.id, forum_id: f.id, score: v.value.score, comment: v.value.comment });
    if (!r) return fail('_form', 'forum.err.surveyDone');
    await recordAudit(trx, ctx.actor, 'forum.survey', { type: 'forum', id: f.id });
    return { ok: true, value: null };
  });
}

/** Survey results for moderators: count, mean, distribution and comments (no names). */
export async function surveyResults(db: Db, forumId: number) {
  const rows = await q.selectSurveyResults(db, forumId);
  const distribution = [1, 2, 3, 4, 5].map((s) => rows.filter((r) => r.score === s).length);
  const mean = rows.length ? rows.reduce((a, r) => a + r.score, 0) / rows.length : null;
  return { count: rows.length, mean, distribution, comments: rows.filter((r) => r.comment).map((r) => r.comment!) };
}

/* ---------- lists for moderators ---------- */

export function listRegistrations(db: Db, forumId: number, search: { q?: string; code?: string | null }) {
  return q.selectRegistrations(db, forumId, { ...search, limit: 500 });
}

export const countAttendees = q.countCheckedIn;

/* ---------- background jobs ---------- */

/**
 * The day-before reminder to everyone registered or waitlisted: sent once per forum, from
 * 09.00 WIT on the day before (or as soon as the worker runs after that), never after the start.
 */
export async function sendForumReminders(db: Db, publicUrl: string, now = new Date()): Promise<number> {
  // Due from 09.00 WIT on the day before the forum (or at once if the worker runs later, even
  // on the day itself), until the forum starts.
  const dueFrom = (startsAt: Date) => new Date(parseWitLocal(`${witDate(startsAt)}T09:00`)!.getTime() - 86400_000);
  const candidates = (await q.selectForumsDueReminder(db, now, new Date(now.getTime() + 48 * 3600_000))).filter((f) => now >= dueFrom(f.starts_at));
  let sent = 0;
  for (const { id } of candidates) {
    sent += await db.transaction().execute(async (trx) => {
      if (!(await q.claimReminder(trx, id, now))) return 0;
      const f = (await q.selectForumById(trx, id))!;
      let n = 0;
      for (const r of await q.selectRegistrantsToNotify(trx, id)) {
        const waitlisted = r.status === 'waitlisted';
        const position = waitlisted ? Number(r.place) : '';
        await enqueueForumNotice(trx, { email: r.email, locale: r.locale }, f, 'forum_reminder', waitlisted ? 'email.forum.reminderWaitlisted.subject' : 'email.forum.reminder.subject', waitlisted ? 'email.forum.reminderWaitlisted.body' : 'email.forum.reminder.body', publicUrl, { code: r.code, position });
        n++;
      }
      await recordAudit(trx, SYSTEM_ACTOR, 'forum.reminders', { type: 'forum', id }, { after: { emails: n } });
      return n;
    });
  }
  return sent;
}

/** After a forum ends, its attendees are asked once for the satisfaction survey. */
export async function sendForumSurveys(db: Db, publicUrl: string, now = new Date()): Promise<number> {
  let sent = 0;
  for (const { id } of await q.selectForumsDueSurvey(db, now, new Date(now.getTime() - 14 * 86400_000))) {
    sent += await db.transaction().execute(async (trx) => {
      if (!(await q.claimSurvey(trx, id, now))) return 0;
      const f = (await q.selectForumById(trx, id))!;
      const attendees = await q.selectAttendeesWithEmail(trx, id);
      for (const a of attendees) {
        await enqueueForumNotice(trx, { email: a.email, locale: a.locale }, f, 'forum_survey', 'email.forum.survey.subject', 'email.forum.survey.body', publicUrl, { surveyLink: `${publicUrl}/forum/${f.slug}/survei` });
      }
      await recordAudit(trx, SYSTEM_ACTOR, 'forum.surveys', { type: 'forum', id }, { after: { emails: attendees.length } });
      return attendees.length;
    });
  }
  return sent;
}

export type { FieldErrors };
