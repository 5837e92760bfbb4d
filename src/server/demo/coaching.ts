import { recordAudit, type Actor } from '../audit/service.ts';
import { selectHolidayDates } from '../calendar/queries.ts';
import { witDate, workingDayDeadline } from '../calendar/working-days.ts';
import type { Db } from '../db/index.ts';
import type { CoachingKind, CoachingStatus, FeedbackKind, HandlingStatus, Sector } from '../db/schema.ts';
import { ensureFresh } from '../evaluation/refresh.ts';
import { measuresOf, periodEnd, periodLabel, periodStartOf } from '../evaluation/service.ts';
import { type Evidence } from '../evaluation/findings.ts';
import * as evalq from '../evaluation/queries.ts';
import { idempotencyHash, trackingCodeFor, trackingHash } from '../feedback/tracking-code.ts';
import { renderMarkdown } from '../markdown.ts';
import { rng } from './feedback.ts';

/**
 * The coaching and evaluation part of the demo (`npm run demo`): a year of feedback for a few
 * units shaped around coaching actions, so that the evaluation dashboard tells a visible story:
 *
 * - Disdukcapil: a finding about KTP-el queues, then a workshop (from that finding) about
 *   seven months ago; afterwards answers come on time and residents are more satisfied.
 * - Puskesmas Rijali: mentoring of the registration desk; clearly better afterwards.
 * - Dinkes: a seminar on health service standards that did not help (more late answers, lower
 *   satisfaction): it appears under "needs attention", with a finding that health staff still
 *   need more training (the programme's own example) and a planned follow-up IT-based training.
 * - DLHP: an IT-based training in progress now. Puskesmas Waihaong and Dinas PUPR get steady
 *   feedback, so the comparison units have enough items.
 *
 * Deterministic (seeded generator) and safe to run twice: it does nothing when its first
 * coaching action already exists.
 */

const DEMO_ACTOR: Actor = { id: null, label: 'npm run demo', ip: null };
const MARKER = 'Pelatihan pelayanan prima loket KTP-el';


interface Quality {
  complaints: number;
  onTime: number;
  satisfaction: number;
  reopen: number;
}

interface Story {
  unit: string;
  perMonth: number;
  /** days before now when the change happens (start of the coaching action); null = steady */
  changeAt: number | null;
  before: Quality;
  after: Quality;
}

const STORIES: Story[] = [
  { unit: 'Disdukcapil', perMonth: 16, changeAt: 200, before: { complaints: 0.7, onTime: 0.45, satisfaction: 2.6, reopen: 0.1 }, after: { complaints: 0.4, onTime: 0.95, satisfaction: 4.5, reopen: 0.02 } },
  { unit: 'Puskesmas Rijali', perMonth: 14, changeAt: 170, before: { complaints: 0.65, onTime: 0.5, satisfaction: 2.9, reopen: 0.08 }, after: { complaints: 0.45, onTime: 0.85, satisfaction: 4.1, reopen: 0.03 } },
  { unit: 'Dinkes', perMonth: 14, changeAt: 160, before: { complaints: 0.55, onTime: 0.62, satisfaction: 3.3, reopen: 0.06 }, after: { complaints: 0.66, onTime: 0.5, satisfaction: 2.7, reopen: 0.1 } },
  { unit: 'Puskesmas Waihaong', perMonth: 14, changeAt: null, before: { complaints: 0.55, onTime: 0.62, satisfaction: 3.5, reopen: 0.05 }, after: { complaints: 0.55, onTime: 0.62, satisfaction: 3.5, reopen: 0.05 } },
  { unit: 'Dinas PUPR', perMonth: 10, changeAt: null, before: { complaints: 0.6, onTime: 0.6, satisfaction: 3.4, reopen: 0.05 }, after: { complaints: 0.6, onTime: 0.65, satisfaction: 3.5, reopen: 0.05 } },
];

const TITLES: Record<string, Record<FeedbackKind, string[]>> = {
  kependudukan: {
    keluhan: ['Antrean perekaman KTP-el sampai siang', 'Kartu keluarga belum selesai setelah dua minggu', 'Loket akta tutup sebelum jam layanan berakhir'],
    apresiasi: ['Petugas loket KTP-el sabar dan jelas', 'Akta kelahiran selesai dalam satu hari'],
    saran: ['Nomor antrean daring untuk perekaman KTP-el'],
    pertanyaan: ['Syarat mengganti KTP-el yang rusak'],
  },
  kesehatan: {
    keluhan: ['Menunggu dokter lebih dari dua jam', 'Petugas pendaftaran kurang ramah kepada lansia', 'Obat rutin kosong di apotek'],
    apresiasi: ['Bidan posyandu sangat membantu', 'Pelayanan imunisasi tertib dan ramah'],
    saran: ['Papan jadwal poli perlu diperbarui'],
    pertanyaan: ['Jadwal layanan pemeriksaan ibu hamil'],
  },
  infrastruktur: {
    keluhan: ['Jalan berlubang belum ditambal', 'Saluran air tersumbat di lorong'],
    apresiasi: ['Perbaikan jembatan kecil cepat selesai'],
    saran: ['Perlu trotoar menuju sekolah'],
    pertanyaan: ['Kapan pengaspalan jalan lingkungan dimulai?'],
  },
};

const ANSWER = 'Terima kasih atas masukan Bapak/Ibu. Petugas kami sudah menindaklanjuti dan akan menyampaikan perkembangannya di sini.';

function pickKind(rand: () => number, complaints: number): FeedbackKind {
  const r = rand();
  if (r < complaints) return 'keluhan';
  const rest = (r - complaints) / (1 - complaints);
  return rest < 0.4 ? 'apresiasi' : rest < 0.75 ? 'saran' : 'pertanyaan';
}

function score(rand: () => number, mean: number): number {
  return Math.min(5, Math.max(1, Math.round(mean + (rand() + rand() - 1) * 1.6)));
}

/** Adds `n` working days to a WIT date ('YYYY-MM-DD'). */
function workingDayAfter(from: Date, n: number, holidays: ReadonlySet<string>): Date {
  const end = workingDayDeadline(from, n, holidays);
  // 10:00 WIT that day
  return new Date(Date.parse(`${witDate(end)}T10:00:00+09:00`));
}

export async function seedDemoCoaching(db: Db, now = new Date()): Promise<{ actions: number; findings: number }> {
  const exists = await db.selectFrom('coaching_actions').select('id').where('title', '=', MARKER).executeTakeFirst();
  if (exists) return { actions: 0, findings: 0 };
  const rand = rng(4711);
  const units = await db.selectFrom('units').select(['id', 'short_name', 'sector']).execute();
  const unitOf = (s: string) => {
    const u = units.find((x) => x.short_name === s);
    if (!u) throw new Error(`demo: unknown unit ${s}`);
    return u;
  };
  const users = await db.selectFrom('users').select(['id', 'email', 'unit_id', 'role']).execute();
  const asnOf = (unitId: number) => users.filter((u) => u.role === 'asn' && u.unit_id === unitId);
  const coordinator = users.find((u) => u.email.startsWith('koordinator@')) ?? users.find((u) => u.role === 'moderator');
  const holidays = await selectHolidayDates(db, '2024-01-01', '2028-12-31');
  const day = 86400_000;
  const daysAgo = (n: number) => new Date(now.getTime() - n * day);
  const dateAgo = (n: number) => witDate(daysAgo(n));

  // ---- feedback shaped around the actions
  const byUnit = new Map<string, number[]>();
  for (const story of STORIES) {
    const unit = unitOf(story.unit);
    const titles = TITLES[unit.sector] ?? TITLES.kesehatan!;
    const ids: number[] = [];
    const total = Math.round((story.perMonth * 365) / 30);
    for (let i = 0; i < total; i++) {
      const age = 3 + Math.floor(rand() * 360);
      const q = story.changeAt !== null && age < story.changeAt ? story.after : story.before;
      const created = new Date(daysAgo(age).getTime() - Math.floor(rand() * 6) * 3600_000);
      const kind = pickKind(rand, q.complaints);
      const assigned = new Date(created.getTime() + 2 * 3600_000);
      const due = workingDayDeadline(assigned, 5, holidays);
      // Recent items may still be open; older ones were answered.
      const answered = age > 12 || rand() < 0.4;
      const onTime = rand() < q.onTime;
      const answerAt = answered ? workingDayAfter(assigned, onTime ? 1 + Math.floor(rand() * 4) : 6 + Math.floor(rand() * 7), holidays) : null;
      const answerAtPast = answerAt && answerAt < now ? answerAt : null;
      const reopened = !!answerAtPast && rand() < q.reopen;
      const status: HandlingStatus = !answerAtPast ? 'in_progress' : reopened ? 'reopened' : age > 25 ? (rand() < 0.85 ? 'closed' : 'resolved') : 'responded';
      const key = `demo-eval-${story.unit}-${String(i).padStart(4, '0')}-bakudengar`;
      const title = titles[kind][Math.floor(rand() * titles[kind].length)]!;
      const body = `${title}. Mohon ditindaklanjuti oleh ${unit.short_name}.`;
      const row = await db.transaction().execute(async (trx) => {
        const r = await trx
          .insertInto('feedback')
          .values({
            tracking_hash: trackingHash(trackingCodeFor(key)),
            idempotency_hash: idempotencyHash(key),
            kind,
            unit_id: unit.id,
            sector: unit.sector as Sector,
            title,
            body_md: body,
            body_html: renderMarkdown(body),
            anonymous: rand() < 0.3,
            moderation_state: 'published',
            status,
            created_at: created,
            updated_at: answerAtPast ?? created,
            published_at: new Date(created.getTime() + 3600_000),
            assigned_at: assigned,
            answer_due_at: due,
            closed_at: status === 'closed' ? new Date(Math.min(answerAtPast!.getTime() + 14 * day, now.getTime())) : null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await trx.insertInto('feedback_events').values([
          { feedback_id: r.id, kind: 'submitted', public: true, to_status: 'received', at: created },
          { feedback_id: r.id, kind: 'published', public: true, actor_id: coordinator?.id ?? null, actor_role: 'moderator', at: new Date(created.getTime() + 3600_000) },
        ]).execute();
        if (answerAtPast) {
          // As the handling service leaves an answered item: first answer set, deadline cleared.
          await trx.updateTable('feedback').set({ first_response_at: answerAtPast, responded_at: answerAtPast, answer_due_at: null }).where('id', '=', r.id).execute();
          await trx
            .insertInto('feedback_events')
            .values({ feedback_id: r.id, kind: 'response', public: true, actor_id: asnOf(unit.id)[0]?.id ?? null, actor_role: 'asn', from_status: 'assigned', to_status: 'responded', body_md: ANSWER, body_html: renderMarkdown(ANSWER), at: answerAtPast })
            .execute();
          if (reopened) await trx.insertInto('feedback_events').values({ feedback_id: r.id, kind: 'reopened', public: true, actor_role: 'reporter', from_status: 'closed', to_status: 'reopened', at: new Date(answerAtPast.getTime() + 3 * day) }).execute();
          if (rand() < 0.65) await trx.insertInto('feedback_ratings').values({ feedback_id: r.id, score: score(rand, q.satisfaction), comment: null }).execute();
        }
        return r;
      });
      ids.push(row.id);
    }
    byUnit.set(story.unit, ids);
  }
  await ensureFresh(db, 100_000);

  // ---- findings and actions
  const findingFor = async (unitName: string, startDate: string, title: string, body: string, cite: number[], createdAt: Date) => {
    const unit = unitOf(unitName);
    const kind = 'quarter' as const;
    const start = periodStartOf(kind, startDate);
    const end = periodEnd(kind, start);
    const sectorIds = units.filter((u) => u.sector === unit.sector).map((u) => u.id);
    const [own] = await evalq.selectSums(db, { from: start, to: end, unitIds: [unit.id] });
    const [sector] = await evalq.selectSums(db, { from: start, to: end, unitIds: sectorIds });
    const empty = { received: 0, keluhan: 0, apresiasi: 0, saran: 0, pertanyaan: 0, answered: 0, on_time: 0, resolved: 0, reopened: 0, rating_sum: 0, rating_count: 0, wd_hist: new Array(32).fill(0) };
    const evidence: Evidence = {
      period: { kind, start, end, label: periodLabel(kind, start) },
      unit: { id: unit.id, short_name: unit.short_name, sector: unit.sector },
      measures: measuresOf(own ?? empty),
      sector: measuresOf(sector ?? empty),
      feedback: cite,
      computed_at: createdAt.toISOString(),
    };
    return db.transaction().execute(async (trx) => {
      const id = await evalq.insertFinding(trx, { unit_id: unit.id, period_kind: kind, period_start: start, title, body_md: body, body_html: renderMarkdown(body), evidence, created_by: coordinator?.id ?? null }, cite);
      await trx.updateTable('evaluation_findings').set({ created_at: createdAt, updated_at: createdAt }).where('id', '=', id).execute();
      await recordAudit(trx, DEMO_ACTOR, 'finding.create', { type: 'evaluation_finding', id }, { after: { unit_id: unit.id, title } });
      return id;
    });
  };

  const action = async (a: { title: string; kind: CoachingKind; goal: string; units: string[]; startsAgo: number; endsAgo: number; status: CoachingStatus; findingId?: number; link?: number[]; reports?: Array<{ learned: string; changed: string }> }) => {
    const unitIds = a.units.map((u) => unitOf(u).id);
    return db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('coaching_actions')
        .values({
          kind: a.kind,
          title: a.title,
          goal_md: a.goal,
          goal_html: renderMarkdown(a.goal),
          starts_on: dateAgo(a.startsAgo),
          ends_on: dateAgo(a.endsAgo),
          status: a.status,
          completed_at: a.status === 'completed' ? new Date(Date.parse(`${dateAgo(a.endsAgo)}T16:00:00+09:00`)) : null,
          finding_id: a.findingId ?? null,
          created_by: coordinator?.id ?? null,
          created_at: daysAgo(a.startsAgo + 14),
          updated_at: daysAgo(Math.max(0, a.endsAgo)),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx.insertInto('coaching_action_units').values(unitIds.map((unit_id) => ({ action_id: row.id, unit_id }))).execute();
      const participants = unitIds.flatMap((id) => asnOf(id));
      if (participants.length) {
        await trx
          .insertInto('coaching_participants')
          .values(participants.map((p) => ({ action_id: row.id, user_id: p.id, attendance_confirmed_at: a.status === 'completed' ? daysAgo(a.endsAgo) : null, confirmed_by: a.status === 'completed' ? (coordinator?.id ?? null) : null })))
          .execute();
      }
      if (a.reports) {
        for (const [i, p] of participants.entries()) {
          const rep = a.reports[i % a.reports.length]!;
          await trx
            .insertInto('coaching_progress_reports')
            .values({ action_id: row.id, user_id: p.id, learned_md: rep.learned, learned_html: renderMarkdown(rep.learned), changed_md: rep.changed, changed_html: renderMarkdown(rep.changed), created_at: daysAgo(Math.max(0, a.endsAgo - 7)) })
            .execute();
        }
      }
      if (a.link?.length) await trx.insertInto('coaching_feedback_links').values(a.link.map((feedback_id) => ({ action_id: row.id, feedback_id, linked_by: coordinator?.id ?? null }))).execute();
      await recordAudit(trx, DEMO_ACTOR, 'coaching.create', { type: 'coaching_action', id: row.id }, { after: { title: a.title, units: a.units, status: a.status } });
      return row.id;
    });
  };

  /** Up to n complaints of the unit received between the given ages (days ago). */
  const complaints = async (unitName: string, fromAgo: number, toAgo: number, n: number) => {
    const rows = await db
      .selectFrom('feedback')
      .select('id')
      .where('id', 'in', byUnit.get(unitName) ?? [0])
      .where('kind', '=', 'keluhan')
      .where('created_at', '>=', daysAgo(fromAgo))
      .where('created_at', '<', daysAgo(toAgo))
      .orderBy('created_at')
      .limit(n)
      .execute();
    return rows.map((r) => r.id);
  };

  let actions = 0;
  let findings = 0;

  // Disdukcapil: finding → workshop → better.
  const dukcapilEvidence = await complaints('Disdukcapil', 300, 215, 4);
  const f1 = await findingFor(
    'Disdukcapil',
    dateAgo(240),
    'Antrean KTP-el lama dan jawaban sering terlambat',
    'Pada triwulan ini sebagian besar masukan untuk Disdukcapil adalah **keluhan antrean KTP-el**, dan kurang dari separuh dijawab tepat waktu.\n\nUsul: pelatihan pelayanan prima untuk petugas loket, termasuk cara memberi informasi antrean.',
    dukcapilEvidence,
    daysAgo(225),
  );
  findings++;
  await action({
    title: MARKER, kind: 'workshop', units: ['Disdukcapil'], startsAgo: 200, endsAgo: 196, status: 'completed', findingId: f1, link: dukcapilEvidence,
    goal: 'Petugas loket memberi informasi antrean yang jelas dan menjawab masukan warga dalam 5 hari kerja.',
    reports: [{ learned: 'Cara menjelaskan alur antrean dan memakai templat jawaban.', changed: 'Papan nomor antrean dipasang; masukan dijawab setiap pagi.' }],
  });
  actions++;

  // Puskesmas Rijali: mentoring → better.
  await action({
    title: 'Pendampingan komunikasi petugas pendaftaran Puskesmas Rijali', kind: 'mentoring', units: ['Puskesmas Rijali'], startsAgo: 170, endsAgo: 150, status: 'completed',
    link: await complaints('Puskesmas Rijali', 260, 175, 3),
    goal: 'Petugas pendaftaran melayani lansia dengan sabar dan menjawab masukan tepat waktu.',
    reports: [{ learned: 'Teknik komunikasi empatik dengan pasien lansia.', changed: 'Ada kursi prioritas dan petugas khusus untuk lansia.' }],
  });
  actions++;

  // Dinkes: seminar → no improvement → needs attention, finding, planned follow-up.
  await action({
    title: 'Seminar standar pelayanan kesehatan', kind: 'seminar', units: ['Dinkes'], startsAgo: 160, endsAgo: 158, status: 'completed',
    link: await complaints('Dinkes', 250, 165, 3),
    goal: 'Pegawai Dinas Kesehatan memahami standar pelayanan dan tenggat jawaban.',
    reports: [{ learned: 'Standar pelayanan minimal bidang kesehatan.', changed: 'Belum ada perubahan prosedur; menunggu pelatihan lanjutan.' }],
  });
  actions++;
  const dinkesEvidence = await complaints('Dinkes', 100, 10, 4);
  const f2 = await findingFor(
    'Dinkes',
    dateAgo(60),
    'ASN bidang kesehatan masih memerlukan pelatihan tambahan',
    'Sesudah seminar standar pelayanan, ketepatan waktu jawaban **turun** dan kepuasan warga tetap di bawah target. Keluhan tentang sikap petugas dan kekosongan obat masih banyak.\n\nSesuai program pembinaan: bila evaluasi menunjukkan ASN di bidang kesehatan masih memerlukan pelatihan tambahan, program disesuaikan. Usul: pelatihan berbasis TI untuk pelacakan dan penjawaban masukan, dengan pendampingan.',
    dinkesEvidence,
    daysAgo(20),
  );
  findings++;
  await action({
    title: 'Pelatihan tambahan penanganan masukan untuk ASN kesehatan', kind: 'it_training', units: ['Dinkes'], startsAgo: -14, endsAgo: -16, status: 'planned', findingId: f2, link: dinkesEvidence,
    goal: 'Tindak lanjut temuan evaluasi: ASN Dinas Kesehatan menjawab masukan dalam 5 hari kerja memakai sistem informasi, dengan pendampingan selama satu bulan.',
  });
  actions++;

  // DLHP: in progress now.
  await action({
    title: 'Pelatihan aplikasi pelaporan kinerja', kind: 'it_training', units: ['DLHP'], startsAgo: 10, endsAgo: -20, status: 'in_progress',
    goal: 'Pegawai DLHP melaporkan kinerja dan tindak lanjut masukan lewat aplikasi sistem informasi manajemen.',
  });
  actions++;

  return { actions, findings };
}
