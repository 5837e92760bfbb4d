import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { expect } from 'vitest';
import type { Db } from '../../src/server/db/index.ts';
import type { EmailAttachment, OutboxRow } from '../../src/server/db/schema.ts';
import { toWitLocal } from '../../src/domain/dates.ts';
import { createForum, publishForum, type ForumInput } from '../../src/server/forums/schedule.ts';
import { type ForumContext } from '../../src/server/forums/service.ts';
import { selectForumById, type ForumRow } from '../../src/server/forums/queries.ts';
import { errorKeys, person, PUBLIC_URL, unitIdOf, valueOf, wit, type Person } from './handling-fixtures.ts';

/**
 * Fixtures for the forum tests: people of every role with the context a route builds for
 * them, forums scheduled through the real service (createForum, then publishForum), form
 * values in WIT, and readers for registrations, counters, outbox rows and attachments.
 */

export { errorKeys, person, PUBLIC_URL, unitIdOf, valueOf, wit, type Person };

/** The code format printed on tickets and in emails. */
export const REG_CODE_RE = /^F-[2-9A-HJKMNP-TW-Z]{4}-[2-9A-HJKMNP-TW-Z]{4}$/;

export function fctx(p: Person, now?: Date): ForumContext {
  return { user: p.user, actor: p.actor, publicUrl: PUBLIC_URL, now };
}

const HOUR = 3600_000;
const DAY = 24 * HOUR;
let seq = 0;
const run = randomBytes(2).toString('hex');

export interface ForumSpec {
  title?: string;
  starts?: Date;
  /** Duration in hours (2 by default). */
  hours?: number;
  /** Registration opens this many days before the start (14 by default). */
  opensDaysBefore?: number;
  /** Registration closes this many hours before the start (0 by default: at the start). */
  closesHoursBefore?: number;
  capacity?: number | string;
  reserved?: number | string;
  mode?: string;
  venue?: string;
  address?: string;
  onlineUrl?: string;
  unitIds: number[];
  description?: string;
}

/** Form values for createForum/updateForum, as the ForumForm posts them (WIT datetime-local). */
export function forumForm(s: ForumSpec): ForumInput {
  seq++;
  const starts = s.starts ?? wit('2027-03-10T10:00');
  const ends = new Date(starts.getTime() + (s.hours ?? 2) * HOUR);
  const opens = new Date(starts.getTime() - (s.opensDaysBefore ?? 14) * DAY);
  const closes = new Date(starts.getTime() - (s.closesHoursBefore ?? 0) * HOUR);
  const mode = s.mode ?? 'in_person';
  return {
    title: s.title ?? `Forum Dialog Publik ${run} ${seq}`,
    description: s.description ?? 'Forum bulanan warga bersama *perangkat daerah*.',
    starts_at: toWitLocal(starts),
    ends_at: toWitLocal(ends),
    venue: s.venue ?? (mode === 'online' ? '' : 'Aula Balai Kota Ambon'),
    address: s.address ?? (mode === 'online' ? '' : 'Jl. Sultan Khairun No. 1'),
    mode,
    online_url: s.onlineUrl ?? (mode === 'in_person' ? '' : 'https://meet.ambon.go.id/forum'),
    capacity: String(s.capacity ?? 20),
    reserved_asn: String(s.reserved ?? 0),
    registration_opens_at: toWitLocal(opens),
    registration_closes_at: toWitLocal(closes),
    unit_ids: s.unitIds.map(String),
  };
}

/** Schedules (and by default publishes) a forum through the services; returns its row. */
export async function makeForum(db: Db, mod: Person, spec: ForumSpec, opts: { publish?: boolean } = {}): Promise<ForumRow> {
  const { id } = valueOf(await createForum(db, fctx(mod), forumForm(spec)));
  if (opts.publish !== false) valueOf(await publishForum(db, fctx(mod), id));
  return forumRow(db, id);
}

export async function forumRow(db: Db, id: number): Promise<ForumRow> {
  const f = await selectForumById(db, id);
  if (!f) throw new Error(`no forum ${id}`);
  return f;
}

/** The form of an existing forum (what the edit page shows), with `seen` = updated_at. */
export async function editForm(db: Db, id: number, changes: Partial<ForumInput> = {}): Promise<ForumInput> {
  const f = await forumRow(db, id);
  const units = await db.selectFrom('forum_units').select('unit_id').where('forum_id', '=', id).orderBy('unit_id').execute();
  return {
    title: f.title,
    description: f.description_md,
    starts_at: toWitLocal(f.starts_at),
    ends_at: toWitLocal(f.ends_at),
    venue: f.venue ?? '',
    address: f.address ?? '',
    mode: f.mode,
    online_url: f.online_url ?? '',
    capacity: String(f.capacity),
    reserved_asn: String(f.reserved_asn),
    registration_opens_at: toWitLocal(f.registration_opens_at),
    registration_closes_at: toWitLocal(f.registration_closes_at),
    unit_ids: units.map((u) => String(u.unit_id)),
    seen: f.updated_at.toISOString(),
    ...changes,
  };
}

/** An instant inside the registration window (an hour after it opens). */
export function regOpen(f: Pick<ForumRow, 'registration_opens_at'>): Date {
  return new Date(f.registration_opens_at.getTime() + HOUR);
}

export async function residents(db: Db, n: number): Promise<Person[]> {
  const out: Person[] = [];
  for (let i = 0; i < n; i++) out.push(await person(db, 'resident'));
  return out;
}

export function registrationsOf(db: Db, forumId: number) {
  return db.selectFrom('forum_registrations').selectAll().where('forum_id', '=', forumId).orderBy('queue_seq').execute();
}

export function registrationOf(db: Db, forumId: number, userId: string) {
  return db.selectFrom('forum_registrations').selectAll().where('forum_id', '=', forumId).where('user_id', '=', userId).executeTakeFirstOrThrow();
}

/** The forum's counters against what the registrations say. */
export async function expectCountersConsistent(db: Db, forumId: number): Promise<void> {
  const f = await forumRow(db, forumId);
  const r = await sql<{ pool: string; n: number }>`
    select pool, count(*)::int as n from forum_registrations where forum_id = ${forumId} and status = 'registered' group by pool`.execute(db);
  const n = (pool: string) => r.rows.find((x) => x.pool === pool)?.n ?? 0;
  expect({ resident_taken: f.resident_taken, asn_taken: f.asn_taken }).toEqual({ resident_taken: n('resident'), asn_taken: n('asn') });
  expect(f.resident_taken).toBeLessThanOrEqual(f.capacity);
  expect(f.asn_taken).toBeLessThanOrEqual(f.reserved_asn);
}

export function outboxTo(db: Db, to: string, template?: string): Promise<OutboxRow[]> {
  let q = db.selectFrom('outbox').selectAll().where('to_email', '=', to);
  if (template) q = q.where('template', '=', template);
  return q.orderBy('id').execute();
}

export function outboxOfTemplate(db: Db, template: string, afterId = 0): Promise<OutboxRow[]> {
  return db.selectFrom('outbox').selectAll().where('template', '=', template).where('id', '>', afterId).orderBy('id').execute();
}

export async function lastOutboxId(db: Db): Promise<number> {
  const r = await db.selectFrom('outbox').select('id').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return r?.id ?? 0;
}

export function attachmentsOf(m: OutboxRow): EmailAttachment[] {
  const a = m.attachments as unknown;
  if (a === null || a === undefined) return [];
  return (typeof a === 'string' ? JSON.parse(a) : a) as EmailAttachment[];
}

/** The text of the message's .ics attachment (fails when there is none). */
export function icsOf(m: OutboxRow): string {
  const ics = attachmentsOf(m).find((a) => a.filename.endsWith('.ics'));
  if (!ics) throw new Error(`no .ics attachment on outbox ${m.id} (${m.template})`);
  expect(ics.contentType).toMatch(/^text\/calendar/);
  return Buffer.from(ics.base64, 'base64').toString('utf8');
}

export function auditOfRegistration(db: Db, regId: number, action: string) {
  return db.selectFrom('audit_log').selectAll().where('object_type', '=', 'forum_registration').where('object_id', '=', String(regId)).where('action', '=', action).orderBy('id').execute();
}

export function auditOfForum(db: Db, forumId: number, action: string) {
  return db.selectFrom('audit_log').selectAll().where('object_type', '=', 'forum').where('object_id', '=', String(forumId)).where('action', '=', action).orderBy('id').execute();
}

let fb = 0;

/** Inserts a feedback row directly (published by default), optionally with a contact email. */
export async function insertFeedback(
  db: Db,
  o: {
    unitId: number | null;
    title?: string;
    moderation?: 'pending' | 'published' | 'rejected' | 'hidden';
    status?: 'received' | 'assigned' | 'in_progress' | 'responded' | 'resolved' | 'closed' | 'reopened';
    support?: number;
    createdAt?: Date;
    authorId?: string | null;
    anonymous?: boolean;
    confidential?: boolean;
    contactEmail?: string;
  },
): Promise<number> {
  fb++;
  const r = await db
    .insertInto('feedback')
    .values({
      tracking_hash: `forum-test-${run}-${fb}-${randomBytes(4).toString('hex')}`,
      kind: 'keluhan',
      unit_id: o.unitId,
      title: o.title ?? `Masukan forum ${fb}`,
      body_md: 'Isi masukan untuk uji forum.',
      body_html: '<p>Isi masukan untuk uji forum.</p>',
      moderation_state: o.moderation ?? 'published',
      status: o.status ?? 'assigned',
      support_count: o.support ?? 0,
      author_id: o.authorId ?? null,
      anonymous: o.anonymous ?? false,
      confidential: o.confidential ?? false,
      published_at: (o.moderation ?? 'published') === 'published' ? new Date() : null,
      ...(o.createdAt ? { created_at: o.createdAt } : {}),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (o.contactEmail) await db.insertInto('feedback_contacts').values({ feedback_id: r.id, name: null, email: o.contactEmail, phone: null }).execute();
  return r.id;
}

/** A unit by short name (seeded reference data). */
export const unitId = unitIdOf;
