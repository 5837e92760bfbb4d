import { sql } from 'kysely';
import { XMLParser } from 'fast-xml-parser';
import type { Db } from '../../src/server/db/index.ts';
import { answer, addNote, resolve } from '../../src/server/handling/service.ts';
import { publishFeedback, rejectFeedback } from '../../src/server/moderation/service.ts';
import { createApiKey } from '../../src/server/open311/api-keys.ts';
import { render, type Format, type Open311Outcome } from '../../src/server/open311/format.ts';
import type { Open311Context } from '../../src/server/open311/service.ts';
import { handCtx, modCtx, person, PUBLIC_URL, requestCtx, submit, submitAssigned, unitIdOf, valueOf, type Person } from './handling-fixtures.ts';

/**
 * The world the Open311 and feed tests read: public items of two units (one answered with a
 * pin, a visible and a hidden photo, a private note and full contact details; one closed),
 * and items that must never appear (pending, confidential, rejected, hidden, and one older
 * than 90 days that only a service_request_id list may fetch).
 */

export const JURISDICTION = 'localhost';
/** Contact and private data given with items: none of it may ever leave the API or a feed. */
export const SECRETS = {
  email: 'rahasia.pelapor@contoh.id',
  phone: '+62 812 3456 7890',
  name: 'Nona Pelapor Rahasia',
  officer: 'Pak Petugas Tersebut',
  note: 'Catatan internal jangan tampil',
};

export function o311Ctx(db: Db, locale: 'id' | 'en' = 'en'): Open311Context {
  return { db, request: requestCtx({ locale }), jurisdictionId: JURISDICTION };
}

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false, isArray: (name) => ['service', 'request', 'attribute', 'value', 'error', 'endpoint', 'format', 'entry', 'link'].includes(name) });

/** The outcome rendered to an HTTP response and read back: status, text, parsed body. */
export async function call(format: Format, outcome: Open311Outcome | Promise<Open311Outcome>) {
  const res = render(format, await outcome);
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', headers: res.headers, text, body: format === 'json' ? JSON.parse(text) : xml.parse(text) };
}

export function parseXml(text: string) {
  return xml.parse(text);
}

export interface World {
  mod: Person;
  admin: Person;
  asnA: Person;
  unitA: number;
  unitB: number;
  slugA: string;
  slugB: string;
  kecamatanA: string;
  answered: number;
  closed: number;
  pending: number;
  confidential: number;
  rejected: number;
  hidden: number;
  old: number;
  answerText: string;
  visiblePhoto: string;
  key: string;
}

export async function buildWorld(db: Db): Promise<World> {
  const unitA = await unitIdOf(db, 'Dinas PUPR');
  const unitB = await unitIdOf(db, 'Dinsos');
  const slug = async (id: number) => (await db.selectFrom('units').select('slug').where('id', '=', id).executeTakeFirstOrThrow()).slug;
  const area = await db.selectFrom('areas').select(['id', 'code', 'kecamatan_code']).where('kind', '!=', 'kecamatan').orderBy('code').executeTakeFirstOrThrow();
  const mod = await person(db, 'moderator');
  const admin = await person(db, 'admin');
  const asnA = await person(db, 'asn', { unitId: unitA });

  const answered = (
    await submitAssigned(db, mod, unitA, {
      title: 'Jalan berlubang di depan sekolah',
      body: 'Lubang besar di jalan depan SD, berbahaya untuk anak-anak.',
      contactEmail: SECRETS.email,
      contactPhone: SECRETS.phone,
      contactName: SECRETS.name,
      officer: SECRETS.officer,
      location: 'Jl. Sultan Hasanudin',
      area: area.id,
    })
  ).id;
  await db.updateTable('feedback').set({ latitude: -3.6954321, longitude: 128.1816789 }).where('id', '=', answered).execute();
  const answerText = 'Tim kami menambal lubang itu pada hari Senin.';
  valueOf(await addNote(db, handCtx(asnA), answered, { text: SECRETS.note }));
  valueOf(await answer(db, handCtx(asnA), answered, { text: answerText }));
  await db
    .insertInto('feedback_photos')
    .values([
      { feedback_id: answered, file_name: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.webp', mime: 'image/webp', width: 10, height: 10, bytes: 10, hidden: true },
      { feedback_id: answered, file_name: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.webp', mime: 'image/webp', width: 10, height: 10, bytes: 10 },
    ])
    .execute();

  const closed = (await submitAssigned(db, mod, unitB, { title: 'Bantuan sosial belum cair', body: 'Sudah tiga bulan bantuan belum diterima keluarga kami.' })).id;
  valueOf(await answer(db, handCtx(mod), closed, { text: 'Bantuan sudah dicairkan.' }));
  valueOf(await resolve(db, handCtx(mod), closed));

  const pending = (await submit(db, { unitId: unitA, title: 'Masukan yang belum diverifikasi' })).id;
  const confidential = (await submitAssigned(db, mod, unitA, { confidential: true, title: 'Masukan rahasia tentang pungli' })).id;
  const rejected = (await submit(db, { unitId: unitA, title: 'Masukan yang ditolak moderator' })).id;
  valueOf(await rejectFeedback(db, modCtx(mod), rejected, null, { reason: 'spam' }));
  const hidden = (await submitAssigned(db, mod, unitA, { title: 'Masukan yang disembunyikan' })).id;
  await db.updateTable('feedback').set({ moderation_state: 'hidden' }).where('id', '=', hidden).execute();
  const old = (await submit(db, { unitId: unitA, title: 'Masukan lama sekali' })).id;
  valueOf(await publishFeedback(db, modCtx(mod), old, null));
  await db.updateTable('feedback').set({ created_at: new Date(Date.now() - 92 * 86_400_000) }).where('id', '=', old).execute();

  const key = valueOf(await createApiKey(db, admin.actor, admin.user, { name: 'Aplikasi Mitra Uji' })).key;
  return {
    mod,
    admin,
    asnA,
    unitA,
    unitB,
    slugA: await slug(unitA),
    slugB: await slug(unitB),
    kecamatanA: area.kecamatan_code,
    answered,
    closed,
    pending,
    confidential,
    rejected,
    hidden,
    old,
    answerText,
    visiblePhoto: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.webp',
    key,
  };
}

/** `count` published items with a unit, inserted in one statement (for the 1,000 limit). */
export async function bulkPublished(db: Db, unitId: number, count: number): Promise<void> {
  await sql`insert into feedback (tracking_hash, kind, unit_id, title, body_md, body_html, moderation_state, published_at, created_at)
    select 'bulk-' || g || '-' || md5(random()::text), 'saran', ${unitId}, 'Saran massal ' || g, 'Isi saran.', '<p>Isi saran.</p>', 'published', now(), now() - (g || ' seconds')::interval
    from generate_series(1, ${count}) g`.execute(db);
}

export { PUBLIC_URL };
