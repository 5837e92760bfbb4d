import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import sharp from 'sharp';
import { insertUser } from '../../src/server/accounts/queries.ts';
import type { RequestContext } from '../../src/server/accounts/service.ts';
import type { SessionUser } from '../../src/server/accounts/sessions.ts';
import type { Actor } from '../../src/server/audit/service.ts';
import { parseConfig } from '../../src/server/config.ts';
import type { Db } from '../../src/server/db/index.ts';
import type { Role, Sector, UserRow } from '../../src/server/db/schema.ts';
import { photoStore, type PhotoStore } from '../../src/server/feedback/photos.ts';
import { listBoard, parseBoardQuery } from '../../src/server/feedback/board.ts';
import { submitFeedback, type Submitted, type SubmissionInput } from '../../src/server/feedback/submission.ts';
import { newSubmissionKey } from '../../src/server/feedback/tracking-code.ts';
import type { FieldErrors, Result } from '../../src/server/forms.ts';
import { decideFeedback } from '../../src/server/moderation/service.ts';

/**
 * Helpers for the resident-feedback integration tests: request contexts with fresh client
 * addresses (so per-address rate limits never carry over between tests), users inserted
 * directly, submissions through the real service, photos generated with sharp, and a
 * board walker that follows the `next` cursor.
 */

export const PUBLIC_URL = 'http://localhost:4321';
const DEFAULT_CONFIG = parseConfig({});
export const SESSION_POLICY = DEFAULT_CONFIG.session;
/** The default handling rules (verify in 3 working days, answer in 5, flag threshold 3...). */
export const HANDLING_RULES = DEFAULT_CONFIG.handling;

/** The tracking code format: BD-XXXXX-XXXXX over 2-9 and A-Z without I, L, O, U, V. */
export const TRACKING_CODE_RE = /^BD-[2-9A-HJKMNP-TW-Z]{5}-[2-9A-HJKMNP-TW-Z]{5}$/;

const run = randomBytes(1)[0]!;
let seq = 0;

/** A fresh client address for each call. */
export function freshIp(): string {
  seq++;
  return `10.${run}.${(seq >> 8) & 255}.${seq & 255}`;
}

export function makeCtx(overrides: Partial<RequestContext> = {}): RequestContext {
  return {
    ip: freshIp(),
    userAgent: null,
    locale: 'id',
    sessionPolicy: SESSION_POLICY,
    publicUrl: PUBLIC_URL,
    rules: HANDLING_RULES,
    ...overrides,
  };
}

export function sha256Hex(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}

// ---- users

export interface TestUser {
  row: UserRow;
  user: SessionUser;
  actor: Actor;
}

export async function makeUser(db: Db, opts: { role?: Role; unitId?: number | null; displayName?: string } = {}): Promise<TestUser> {
  seq++;
  const role = opts.role ?? 'resident';
  const email = `${role}.${seq}.${run}.${randomBytes(3).toString('hex')}@contoh.id`;
  const row = await insertUser(db, {
    email,
    display_name: opts.displayName ?? `Warga ${seq}`,
    password_hash: null,
    role,
    unit_id: opts.unitId ?? null,
    disabled_at: null,
    password_changed_at: null,
    last_sign_in_at: null,
  });
  let unitShortName: string | null = null;
  let unitSlug: string | null = null;
  if (row.unit_id !== null) {
    const u = await db.selectFrom('units').select(['short_name', 'slug']).where('id', '=', row.unit_id).executeTakeFirstOrThrow();
    unitShortName = u.short_name;
    unitSlug = u.slug;
  }
  return {
    row,
    user: {
      id: row.id,
      email: row.email,
      displayName: row.display_name,
      role: row.role,
      unitId: row.unit_id,
      unitShortName,
      unitSlug,
      locale: row.locale,
    },
    actor: {
      id: row.id,
      label: `${row.display_name} <${row.email}>`,
      ip: '127.0.0.1',
    },
  };
}

// ---- reference data

export async function unitByShortName(db: Db, shortName: string): Promise<{ id: number; sector: Sector }> {
  return db.selectFrom('units').select(['id', 'sector']).where('short_name', '=', shortName).executeTakeFirstOrThrow();
}

export async function areaByName(db: Db, name: string): Promise<{ id: number; kecamatan_code: string }> {
  return db.selectFrom('areas').select(['id', 'kecamatan_code']).where('name', '=', name).where('kind', '!=', 'kecamatan').executeTakeFirstOrThrow();
}

// ---- results

export function valueOf<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected success, got errors ${JSON.stringify(r.errors)}`);
  return r.value;
}

export function errorsOf(r: Result<unknown>): FieldErrors {
  if (r.ok) throw new Error(`expected a refusal, got success ${JSON.stringify(r.value)}`);
  return r.errors;
}

/** field → message key, for compact assertions. */
export function errorKeys(errors: FieldErrors): Record<string, string> {
  return Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, v.key]));
}

// ---- photos

export async function tempPhotos(): Promise<{
  store: PhotoStore;
  dir: string;
  files(): Promise<string[]>;
  cleanup(): Promise<void>;
}> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bd-fb-photos-'));
  return {
    store: photoStore(dir),
    dir,
    async files() {
      try {
        return (await fs.readdir(path.join(dir, 'uploads'))).sort();
      } catch {
        return [];
      }
    },
    cleanup: () => fs.rm(dir, { recursive: true, force: true }),
  };
}

/** An empty store for submissions without photos (never written to). */
export const NO_PHOTOS: PhotoStore = {
  save: () => Promise.reject(new Error('no photos expected')),
  remove: async () => {},
  read: async () => null,
};

const base = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: '#c00' } });

/** A JPEG carrying EXIF (artist, copyright) and GPS coordinates (Ambon). */
export function jpegWithExif(width = 64, height = 48): Promise<Buffer> {
  return base(width, height)
    .jpeg()
    .withExif({
      IFD0: { Copyright: 'x', Artist: 'Secret Person' },
      IFD3: {
        GPSLatitudeRef: 'S',
        GPSLatitude: '3/1 41/1 0/1',
        GPSLongitudeRef: 'E',
        GPSLongitude: '128/1 10/1 0/1',
      },
    })
    .toBuffer();
}

/** A JPEG whose EXIF orientation says "rotate 90°" (stored 64×48, shown 48×64). */
export function jpegRotated(): Promise<Buffer> {
  return base(64, 48).jpeg().withMetadata({ orientation: 6 }).toBuffer();
}

export function pngImage(width = 40, height = 30): Promise<Buffer> {
  return base(width, height).png().toBuffer();
}

export function webpImage(width = 50, height = 20): Promise<Buffer> {
  return base(width, height).webp().toBuffer();
}

export function asFile(data: Buffer | string, name: string, type: string): File {
  return new File([typeof data === 'string' ? data : new Uint8Array(data)], name, { type });
}

// ---- submissions

export interface SubmitOptions {
  user?: SessionUser | null;
  ctx?: RequestContext;
  files?: File[];
  photos?: PhotoStore;
}

/** A valid form for the given unit ('unsure' when omitted), with a fresh submission key. */
export function formInput(overrides: SubmissionInput = {}): SubmissionInput {
  return {
    kind: 'keluhan',
    unit: 'unsure',
    title: 'Antrean panjang di loket pelayanan',
    body: 'Saya menunggu lebih dari dua jam di loket tanpa nomor antrean yang jelas.',
    submissionKey: newSubmissionKey(),
    ...overrides,
  };
}

/** Submits through the real service and returns what it returned (fails the test on refusal). */
export async function submit(db: Db, overrides: SubmissionInput = {}, opts: SubmitOptions = {}): Promise<Submitted> {
  const r = await submitFeedback(db, opts.ctx ?? makeCtx(), opts.user ?? null, formInput(overrides), opts.files ?? [], opts.photos ?? NO_PHOTOS);
  return valueOf(r);
}

/** Publishes through the moderation service. */
export async function publish(db: Db, moderator: Actor, id: number): Promise<void> {
  valueOf(await decideFeedback(db, moderator, id, 'publish', null));
}

export async function submitPublished(db: Db, moderator: Actor, overrides: SubmissionInput = {}, opts: SubmitOptions = {}): Promise<Submitted> {
  const s = await submit(db, overrides, opts);
  await publish(db, moderator, s.feedbackId);
  return s;
}

export async function setCreatedAt(db: Db, id: number, at: string | Date): Promise<void> {
  // A string keeps microseconds ('2026-05-02T10:00:00.123456+09:00'); a Date has milliseconds.
  await sql`update feedback set created_at = ${typeof at === 'string' ? at : at.toISOString()}::timestamptz where id = ${id}`.execute(db);
}

export async function countRows(
  db: Db,
  table: 'feedback' | 'outbox' | 'feedback_photos' | 'feedback_supports' | 'feedback_flags' | 'feedback_ratings',
  where?: { column: string; value: unknown },
): Promise<number> {
  const r = where
    ? await sql<{
        n: number;
      }>`select count(*)::int as n from ${sql.table(table)} where ${sql.ref(where.column)} = ${where.value}`.execute(db)
    : await sql<{
        n: number;
      }>`select count(*)::int as n from ${sql.table(table)}`.execute(db);
  return r.rows[0]!.n;
}

// ---- board

export type BoardItem = Awaited<ReturnType<typeof listBoard>>['items'][number];

/** Walks the board from the first page following `next`, with the given URL parameters. */
export async function walkBoard(db: Db, params: Record<string, string> = {}, maxPages = 100): Promise<BoardItem[][]> {
  const pages: BoardItem[][] = [];
  let after: string | null = null;
  for (let i = 0; i < maxPages; i++) {
    const sp = new URLSearchParams(params);
    if (after) sp.set('setelah', after);
    const page = await listBoard(db, parseBoardQuery(sp));
    pages.push(page.items);
    if (!page.next) return pages;
    after = page.next;
  }
  throw new Error(`board did not end within ${maxPages} pages`);
}

export async function boardIds(db: Db, params: Record<string, string> = {}): Promise<number[]> {
  return (await walkBoard(db, params)).flat().map((i) => i.id);
}

/** Waits for the next fixed window when fewer than `needMs` remain in the current one. */
export async function startOfFreshWindow(windowSeconds: number, needMs: number): Promise<void> {
  const windowMs = windowSeconds * 1000;
  const left = windowMs - (Date.now() % windowMs);
  if (left < needMs) await new Promise((r) => setTimeout(r, left + 50));
}

/**
 * Every "table.column" (text, varchar, json, jsonb, tsvector; public schema) whose value
 * contains `needle`, case-insensitively, except in the listed tables.
 */
export async function columnsContaining(db: Db, needle: string, exceptTables: string[] = []): Promise<string[]> {
  const cols = await sql<{ table_name: string; column_name: string }>`
    select c.table_name, c.column_name
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
      and c.data_type in ('text', 'character varying', 'json', 'jsonb', 'tsvector')
    order by 1, 2`.execute(db);
  const hits: string[] = [];
  const pattern = `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  for (const { table_name, column_name } of cols.rows) {
    if (exceptTables.includes(table_name)) continue;
    const r = await sql<{
      n: number;
    }>`select count(*)::int as n from ${sql.table(table_name)} where ${sql.ref(column_name)}::text ilike ${pattern}`.execute(db);
    if (r.rows[0]!.n > 0) hits.push(`${table_name}.${column_name}`);
  }
  return hits;
}

/** The public tables that have at least one text-like column (to prove the search looked somewhere). */
export async function textColumnsOf(db: Db, table: string): Promise<string[]> {
  const r = await sql<{ column_name: string }>`
    select column_name from information_schema.columns
    where table_schema = 'public' and table_name = ${table} and data_type in ('text', 'character varying', 'json', 'jsonb', 'tsvector')
    order by 1`.execute(db);
  return r.rows.map((x) => x.column_name);
}
