import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import sharp from 'sharp';
import { insertUser } from '../../src/server/accounts/queries.ts';
import { actorOf, type RequestContext } from '../../src/server/accounts/service.ts';
import type { SessionUser } from '../../src/server/accounts/sessions.ts';
import type { Actor } from '../../src/server/audit/service.ts';
import { selectHolidayDates } from '../../src/server/calendar/queries.ts';
import { parseConfig } from '../../src/server/config.ts';
import type { Db } from '../../src/server/db/index.ts';
import type { AuditRow, OutboxRow, Role, UserRow } from '../../src/server/db/schema.ts';
import { photoStore, type PhotoStore } from '../../src/server/feedback/photos.ts';
import { submitFeedback } from '../../src/server/feedback/submission.ts';
import { newSubmissionKey } from '../../src/server/feedback/tracking-code.ts';
import type { FieldErrors, Result } from '../../src/server/forms.ts';
import type { HandlingContext } from '../../src/server/handling/service.ts';
import { assignFeedback, publishFeedback, type ModerationContext } from '../../src/server/moderation/service.ts';

/**
 * Fixtures for the moderation and unit-inbox tests: people of every role, the contexts the
 * routes build for them, feedback submitted through the real service (or inserted directly
 * when a test needs specific timestamps), and snapshots of everything a refused call must
 * leave untouched.
 */

export const PUBLIC_URL = 'http://localhost:4321';
const CONFIG = parseConfig({});
export const RULES = CONFIG.handling;
export const SESSION_POLICY = CONFIG.session;

const run = randomBytes(2).toString('hex');
let seq = 0;

/** A fresh client address (so per-address rate limits never carry over). */
export function freshIp(): string {
  seq++;
  return `10.77.${(seq >> 8) & 255}.${seq & 255}`;
}

export function requestCtx(overrides: Partial<RequestContext> = {}): RequestContext {
  return { ip: freshIp(), userAgent: null, locale: 'id', sessionPolicy: SESSION_POLICY, publicUrl: PUBLIC_URL, rules: RULES, ...overrides };
}

// ---- people

export interface Person {
  row: UserRow;
  user: SessionUser;
  actor: Actor;
}

export async function person(db: Db, role: Role, opts: { unitId?: number | null; name?: string } = {}): Promise<Person> {
  seq++;
  const email = `${role}.${seq}.${run}@contoh.id`;
  const row = await insertUser(db, {
    email,
    display_name: opts.name ?? `${role} ${seq}`,
    password_hash: null,
    role,
    unit_id: opts.unitId ?? null,
    disabled_at: null,
    password_changed_at: null,
    last_sign_in_at: null,
  });
  const user: SessionUser = {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    role: row.role,
    unitId: row.unit_id,
    unitShortName: null,
    unitSlug: null,
    locale: row.locale,
  };
  return { row, user, actor: actorOf(user, '127.0.0.1') };
}

export function modCtx(p: Person, now?: Date): ModerationContext {
  return { actor: p.actor, rules: RULES, publicUrl: PUBLIC_URL, now };
}

export function handCtx(p: Person, now?: Date): HandlingContext {
  return { user: p.user, actor: p.actor, rules: RULES, publicUrl: PUBLIC_URL, now };
}

/**
 * The context of somebody not signed in. Routes never get this far without a user (the
 * inbox requires canOpenInbox); the services must still refuse it.
 */
export function anonymousHandCtx(now?: Date): HandlingContext {
  return { user: null as unknown as SessionUser, actor: { id: null, label: 'anonymous', ip: '127.0.0.1' }, rules: RULES, publicUrl: PUBLIC_URL, now };
}

export async function unitIdOf(db: Db, shortName: string): Promise<number> {
  return (await db.selectFrom('units').select('id').where('short_name', '=', shortName).executeTakeFirstOrThrow()).id;
}

export async function holidays(db: Db): Promise<Set<string>> {
  return selectHolidayDates(db, '2025-01-01', '2028-12-31');
}

// ---- results

export function valueOf<T>(r: Result<T> | null): T {
  if (r === null) throw new Error('expected success, got null (not visible to this person)');
  if (!r.ok) throw new Error(`expected success, got errors ${JSON.stringify(r.errors)}`);
  return r.value;
}

/** field → message key of a refused Result. */
export function errorKeys(r: Result<unknown> | null): Record<string, string> {
  if (r === null) throw new Error('expected a refusal with errors, got null');
  if (r.ok) throw new Error(`expected a refusal, got success ${JSON.stringify(r.value)}`);
  return Object.fromEntries(Object.entries(r.errors as FieldErrors).map(([k, v]) => [k, v.key]));
}

// ---- feedback

export interface NewFeedback {
  unitId?: number | null;
  author?: Person | null;
  anonymous?: boolean;
  confidential?: boolean;
  contactEmail?: string;
  contactPhone?: string;
  contactName?: string;
  officer?: string;
  title?: string;
  body?: string;
  location?: string;
  kecamatan?: string;
  area?: number;
  kind?: string;
  files?: File[];
  photos?: PhotoStore;
}

export interface Created {
  id: number;
  code: string;
}

const NO_PHOTOS: PhotoStore = {
  save: () => Promise.reject(new Error('no photos expected')),
  remove: async () => {},
  read: async () => null,
};

/** Submits through submitFeedback (pending, real clock). */
export async function submit(db: Db, o: NewFeedback = {}): Promise<Created> {
  const input: Record<string, string> = {
    kind: o.kind ?? 'keluhan',
    unit: o.unitId ? String(o.unitId) : 'unsure',
    title: o.title ?? 'Lampu jalan mati di depan pasar',
    body: o.body ?? 'Sudah dua minggu lampu jalan di depan pasar mati dan jalan jadi gelap.',
    submissionKey: newSubmissionKey(),
  };
  if (o.anonymous) input.anonymous = 'on';
  if (o.confidential) input.confidential = 'on';
  if (o.contactEmail) input.contactEmail = o.contactEmail;
  if (o.contactPhone) input.contactPhone = o.contactPhone;
  if (o.contactName) input.contactName = o.contactName;
  if (o.officer) input.officer = o.officer;
  if (o.location) input.location = o.location;
  if (o.kecamatan) input.kecamatan = o.kecamatan;
  if (o.area) input.area = String(o.area);
  const r = await submitFeedback(db, requestCtx(), o.author?.user ?? null, input, o.files ?? [], o.photos ?? NO_PHOTOS);
  const v = valueOf(r);
  return { id: v.feedbackId, code: v.trackingCode };
}

/** Submits, publishes and (when a unit is given) assigns, each step through the services. */
export async function submitAssigned(db: Db, mod: Person, unitId: number, o: NewFeedback = {}, now?: Date): Promise<Created> {
  const c = await submit(db, { ...o, unitId });
  valueOf(await publishFeedback(db, modCtx(mod, now), c.id, null));
  valueOf(await assignFeedback(db, modCtx(mod, now), c.id, null, { unitId: String(unitId) }));
  return c;
}

/** Inserts a feedback row directly (for specific timestamps and states). */
export async function insertFeedbackRow(
  db: Db,
  values: Partial<{
    unit_id: number | null;
    moderation_state: 'pending' | 'published' | 'rejected' | 'hidden';
    status: 'received' | 'assigned' | 'in_progress' | 'responded' | 'resolved' | 'closed' | 'reopened';
    title: string;
    created_at: Date;
    verify_due_at: Date | null;
    answer_due_at: Date | null;
    autoclose_at: Date | null;
    first_response_at: Date | null;
    author_id: string | null;
  }> = {},
): Promise<number> {
  seq++;
  const r = await db
    .insertInto('feedback')
    .values({
      tracking_hash: `test-${run}-${seq}-${randomBytes(4).toString('hex')}`,
      kind: 'keluhan',
      title: values.title ?? `Masukan langsung ${seq}`,
      body_md: 'Isi masukan yang disisipkan langsung.',
      body_html: '<p>Isi masukan yang disisipkan langsung.</p>',
      ...values,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export function feedbackRow(db: Db, id: number) {
  return db.selectFrom('feedback').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

export function eventsOf(db: Db, id: number) {
  return db.selectFrom('feedback_events').selectAll().where('feedback_id', '=', id).orderBy('id').execute();
}

export function auditOf(db: Db, id: number | string, action?: string): Promise<AuditRow[]> {
  let q = db.selectFrom('audit_log').selectAll().where('object_id', '=', String(id));
  if (action) q = q.where('action', '=', action);
  return q.orderBy('id').execute();
}

export function outboxTo(db: Db, to: string, template?: string): Promise<OutboxRow[]> {
  let q = db.selectFrom('outbox').selectAll().where('to_email', '=', to);
  if (template) q = q.where('template', '=', template);
  return q.orderBy('id').execute();
}

async function count(db: Db, table: string, column: string, value: unknown): Promise<number> {
  const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where ${sql.ref(column)} = ${value}`.execute(db);
  return r.rows[0]!.n;
}

/**
 * Everything a refused call on one feedback must leave as it was: the row itself (every
 * column but the generated search vector), its events, audit entries, redactions, flags,
 * supports, photos, the whole outbox and the templates.
 */
export async function snapshot(db: Db, id: number) {
  const { search: _search, ...row } = await feedbackRow(db, id);
  const outbox = await sql<{ n: number }>`select count(*)::int as n from outbox`.execute(db);
  const templates = await sql<{ n: number }>`select count(*)::int as n from answer_templates`.execute(db);
  return {
    row,
    events: await count(db, 'feedback_events', 'feedback_id', id),
    audit: await count(db, 'audit_log', 'object_id', String(id)),
    redactions: await count(db, 'feedback_redactions', 'feedback_id', id),
    openFlags: (await sql<{ n: number }>`select count(*)::int as n from feedback_flags where feedback_id = ${id} and resolved_at is null`.execute(db)).rows[0]!.n,
    supports: await count(db, 'feedback_supports', 'feedback_id', id),
    hiddenPhotos: (await sql<{ n: number }>`select count(*)::int as n from feedback_photos where feedback_id = ${id} and hidden`.execute(db)).rows[0]!.n,
    outbox: outbox.rows[0]!.n,
    templates: templates.rows[0]!.n,
  };
}

// ---- photos

export async function tempPhotoStore(): Promise<{ store: PhotoStore; cleanup(): Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bd-mod-photos-'));
  return { store: photoStore(dir), cleanup: () => fs.rm(dir, { recursive: true, force: true }) };
}

export async function pngFile(name = 'foto.png'): Promise<File> {
  const data = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#0a6' } })
    .png()
    .toBuffer();
  return new File([new Uint8Array(data)], name, { type: 'image/png' });
}

// ---- time

/** An instant given in WIT wall-clock time, e.g. wit('2026-03-13T10:00'). */
export function wit(local: string): Date {
  return new Date(`${local}${local.length === 16 ? ':00' : ''}+09:00`);
}

/** The end of a WIT calendar day: 23:59:59.999 WIT. */
export function endOfWitDay(date: string): Date {
  return new Date(`${date}T23:59:59.999+09:00`);
}
