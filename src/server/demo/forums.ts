import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import { renderMarkdown } from '../markdown.ts';
import { forumSlug, newRegistrationCode } from '../forums/codes.ts';
import { oneMonthLater, parseWitLocal, toWitLocal } from '../../domain/dates.ts';
import * as q from '../forums/queries.ts';
import { DEMO_DOMAIN } from './index.ts';

/**
 * Demo forums: three past monthly forums with minutes, check-ins, commitments and survey
 * answers, the coming one with registrations and a waitlist, and a draft for the month after.
 * Written straight to the tables (no emails). Idempotent: skipped when demo forums exist.
 */

const TOPICS = [
  { title: 'Forum dialog layanan kesehatan dasar', units: ['Dinkes', 'Puskesmas Rijali', 'Puskesmas Waihaong'], venue: 'Aula Puskesmas Rijali' },
  { title: 'Forum dialog administrasi kependudukan', units: ['Disdukcapil', 'Kecamatan Sirimau'], venue: 'Aula Kantor Kecamatan Sirimau' },
  { title: 'Forum dialog kebersihan dan drainase kota', units: ['DLHP', 'Dinas PUPR'], venue: 'Balai Kota Ambon, Ruang Vlissingen' },
];

const COMMITMENTS: Record<string, string[]> = {
  Dinkes: ['Menyusun jadwal dokter jaga yang dipasang di setiap puskesmas dan diumumkan daring.', 'Pelatihan pelayanan ramah lansia bagi petugas pendaftaran puskesmas.'],
  'Puskesmas Rijali': ['Menambah satu loket pendaftaran pada jam 08.00–10.00.'],
  Disdukcapil: ['Membuka layanan perekaman KTP-el keliling di kelurahan dua kali sebulan.', 'Nomor antrean daring untuk perekaman KTP-el.'],
  'Kecamatan Sirimau': ['Memasang papan syarat dan lama layanan surat keterangan.'],
  DLHP: ['Mengumumkan jadwal pengangkutan sampah per kelurahan.'],
  'Dinas PUPR': ['Membersihkan drainase di tiga lorong yang paling sering banjir sebelum musim hujan.'],
};

async function demoResidents(db: Db, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 1; i <= n; i++) {
    const email = `peserta${i}@${DEMO_DOMAIN}`;
    const row = await db
      .insertInto('users')
      .values({ email, display_name: `Peserta Forum ${i}`, password_hash: null, role: 'resident', unit_id: null })
      .onConflict((oc) => oc.column('email').doUpdateSet({ display_name: sql`excluded.display_name` }))
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.push(row.id);
  }
  return ids;
}

export async function seedDemoForums(db: Db, now = new Date()): Promise<{ forums: number; registrations: number }> {
  const existing = await db.selectFrom('forums').select('id').where('slug', 'like', '%-demo').executeTakeFirst();
  if (existing) return { forums: 0, registrations: 0 };
  const units = new Map((await db.selectFrom('units').select(['id', 'short_name']).execute()).map((u) => [u.short_name, u.id]));
  const moderator = await db.selectFrom('users').select('id').where('email', '=', `moderator@${DEMO_DOMAIN}`).executeTakeFirst();
  const asn = await db.selectFrom('users').select(['id', 'unit_id']).where('role', '=', 'asn').where('email', 'like', `%@${DEMO_DOMAIN}`).execute();
  const named = await db.selectFrom('users').select('id').where('email', 'like', `warga%@${DEMO_DOMAIN}`).execute();
  const residents = [...named.map((u) => u.id), ...(await demoResidents(db, 30))];
  let forums = 0;
  let registrations = 0;

  // The 12th of each month, 09.00–12.00 WIT, from two months back to two ahead.
  const thisMonth = toWitLocal(now).slice(0, 7);
  let start = parseWitLocal(`${thisMonth}-12T09:00`)!;
  for (let i = 0; i < 2; i++) start = new Date(start.getTime() - 31 * 86400_000);
  start = parseWitLocal(`${toWitLocal(start).slice(0, 7)}-12T09:00`)!;

  for (let m = 0; m < 5; m++, start = oneMonthLater(start)) {
    const topic = TOPICS[m % TOPICS.length]!;
    const past = start.getTime() + 3 * 3600_000 < now.getTime();
    const draft = m === 4;
    const ends = new Date(start.getTime() + 3 * 3600_000);
    const capacity = past ? 40 : 12;
    const description = `Forum bulanan antara warga dan ASN **${topic.units.join(', ')}**.\n\nBawa pertanyaan Anda, atau kirim lebih dahulu lewat halaman ini setelah mendaftar.`;
    const f = await q.insertForum(db, {
      slug: `${forumSlug(topic.title, start)}-demo`, title: topic.title, description_md: description, description_html: renderMarkdown(description),
      starts_at: start, ends_at: ends, venue: topic.venue, address: 'Kota Ambon', mode: m === 1 ? 'hybrid' : 'in_person',
      online_url: m === 1 ? 'https://meet.example.org/baku-dengar-forum' : null, capacity, reserved_asn: 6,
      registration_opens_at: new Date(start.getTime() - 30 * 86400_000), registration_closes_at: new Date(start.getTime() - 3600_000),
      status: draft ? 'draft' : past ? 'closed' : 'published', created_by: moderator?.id ?? null,
    });
    forums++;
    const unitIds = topic.units.map((u) => units.get(u)).filter((x): x is number => x !== undefined);
    await q.replaceForumUnits(db, f.id, unitIds);

    // Agenda: the most supported open feedback of these units.
    const cited = (await q.selectAgendaCandidates(db, unitIds, null, 12)).filter((c, i, all) => all.findIndex((x) => x.title === c.title) === i).slice(0, 3);
    let pos = 1;
    for (const c of cited) {
      const item = await q.insertAgendaItem(db, { forum_id: f.id, position: pos++, title: c.title, note: null, unit_id: c.unit_id, question_id: null });
      await q.insertAgendaCitations(db, item.id, [c.id]);
    }
    await q.insertAgendaItem(db, { forum_id: f.id, position: pos, title: 'Tanya jawab terbuka', note: null, unit_id: null, question_id: null });
    if (draft) continue;

    // Registrations: past forums fill most seats; the coming one is full with a waitlist.
    const taking = past ? residents.slice(0, 26 + m) : residents.slice(0, capacity + 4);
    let taken = 0;
    for (const [i, userId] of taking.entries()) {
      const seat = taken < capacity;
      const came = past && seat && i % 5 !== 4;
      await q.insertRegistration(db, {
        forum_id: f.id, user_id: userId, pool: 'resident', unit_id: null, status: seat ? 'registered' : 'waitlisted', queue_seq: await q.nextQueueSeq(db),
        code: newRegistrationCode(), checked_in_at: came ? new Date(start.getTime() + (i % 30) * 60_000 - 20 * 60_000) : null, checked_in_by: came ? (moderator?.id ?? null) : null,
      });
      if (seat) taken++;
      registrations++;
    }
    await q.bumpSeats(db, f.id, 'resident', taken);
    let asnTaken = 0;
    for (const a of asn.filter((x) => x.unit_id !== null && unitIds.includes(x.unit_id))) {
      await q.insertRegistration(db, { forum_id: f.id, user_id: a.id, pool: 'asn', unit_id: a.unit_id, status: 'registered', queue_seq: await q.nextQueueSeq(db), code: newRegistrationCode(), checked_in_at: past ? start : null, checked_in_by: past ? (moderator?.id ?? null) : null });
      asnTaken++;
      registrations++;
    }
    await q.bumpSeats(db, f.id, 'asn', asnTaken);
    if (!past) continue;

    const attendees = await q.countCheckedIn(db, f.id);
    const minutes = `## Ringkasan\n\nForum dihadiri ${attendees} orang. Warga menyampaikan keluhan tentang ${cited.map((c) => c.title.toLowerCase()).join('; ') || 'layanan unit'}.\n\n## Tanggapan unit\n\n${topic.units.map((u) => `- **${u}** menjelaskan langkah perbaikan dan menyepakati komitmen di bawah.`).join('\n')}\n\n## Tindak lanjut\n\nKomitmen dipantau setiap bulan di halaman unit.`;
    await q.updateForumRow(db, f.id, { minutes_md: minutes, minutes_html: renderMarkdown(minutes), minutes_published_at: ends, attendee_count: attendees, survey_sent_at: ends, reminder_sent_at: new Date(start.getTime() - 86400_000) });
    for (const [ui, u] of topic.units.entries()) {
      for (const [ci, text] of (COMMITMENTS[u] ?? []).entries()) {
        const unit = units.get(u);
        if (!unit) continue;
        const c = await q.insertCommitment(db, { forum_id: f.id, unit_id: unit, body_md: text, body_html: renderMarkdown(text), due_on: toWitLocal(new Date(start.getTime() + 60 * 86400_000)).slice(0, 10) });
        const status = m === 0 ? (ci === 0 ? 'done' : 'in_progress') : ui === 0 && ci === 0 ? 'in_progress' : 'open';
        await q.updateCommitmentStatus(db, c.id, status);
        const cite = cited.filter((x) => x.unit_id === unit).map((x) => x.id);
        await q.insertCommitmentCitations(db, c.id, cite);
      }
    }
    const present = await db.selectFrom('forum_registrations').select('id').where('forum_id', '=', f.id).where('checked_in_at', 'is not', null).where('pool', '=', 'resident').execute();
    const comments = ['Forumnya bermanfaat, petugas mau mendengar.', 'Waktu tanya jawab terlalu singkat.', 'Semoga komitmennya benar-benar dijalankan.', null, null];
    for (const [i, r] of present.slice(0, 12).entries()) {
      await q.insertSurveyResponse(db, { registration_id: r.id, forum_id: f.id, score: [5, 4, 4, 3, 5, 2, 4][i % 7]!, comment: comments[i % comments.length] ?? null });
    }
  }
  return { forums, registrations };
}
