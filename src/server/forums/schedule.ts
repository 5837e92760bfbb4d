import { z } from 'zod';
import { recordAudit } from '../audit/service.ts';
import type { Db } from '../db/index.ts';
import { changeLocked } from '../db/locked.ts';
import { FORUM_MODES } from '../db/schema.ts';
import { fail, optionalText, validate, type FieldErrors, type Result } from '../forms.ts';
import { renderMarkdown } from '../markdown.ts';
import { forumSlug } from './codes.ts';
import { oneMonthLater, parseWitLocal } from '../../domain/dates.ts';
import { inviteCited } from './agenda.ts';
import { enqueueForumNotice } from './emails.ts';
import { canManageForums } from './permissions.ts';
import * as q from './queries.ts';
import { fillFreedSeats } from './registration.ts';
import type { ForumContext } from './service.ts';

/**
 * Scheduling forums (moderators): create, edit, publish, cancel, delete a draft, close, and plan
 * the next month's forum from this one. Registered people hear of changes through the outbox.
 */

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
  return changeLocked(db, {
    lock: (trx) => q.lockForum(trx, forumId),
    seen: String(input.seen ?? ''),
    staleKey: 'forum.err.staleEdit',
    change: async (trx, f) => {
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
    },
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
