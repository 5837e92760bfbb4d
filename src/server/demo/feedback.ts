import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { FeedbackKind, HandlingStatus, Sector } from '../db/schema.ts';
import { renderMarkdown } from '../markdown.ts';
import { idempotencyHash, trackingCodeFor, trackingHash } from '../feedback/tracking-code.ts';
import { selectHolidayDates } from '../calendar/queries.ts';

/**
 * The demo's "fixed" answer template. Its promise holds: once the unit marks the item
 * resolved, the reporter may reopen it on /lacak or /masukan/saya/<no> until the reopen
 * window after closing ends (tests/integration/everyday-reporter.test.ts).
 */
export const DEMO_TEMPLATE_RESOLVED =
  'Mohon maaf atas ketidaknyamanan ini. Masalah yang Bapak/Ibu sampaikan sudah diperbaiki dan kami tandai selesai. Jika masih terjadi, pilih "Buka kembali" di halaman Lacak (dengan kode pelacakan) atau di Masukan Saya (bila mengirim dengan akun), sampai 10 hari kerja setelah masukan ditutup.';
import { workingDayDeadline } from '../calendar/working-days.ts';
import { seededRandom } from '../evaluation/stats.ts';

/**
 * A few hundred realistic feedback items across units, areas, kinds and states, in
 * Indonesian, spread over the last twelve months. Deterministic (a seeded generator) and
 * idempotent: every item has a fixed submission key, so a second run adds nothing.
 */

interface Template {
  kind: FeedbackKind;
  sectors: Sector[];
  title: string;
  body: string;
}

const TEMPLATES: Template[] = [
  { kind: 'keluhan', sectors: ['kependudukan'], title: 'Antrean perekaman KTP-el sangat lama', body: 'Saya datang pukul 08.00 dan baru dilayani pukul 13.00. Nomor antrean tidak jelas dan tidak ada informasi berapa lama harus menunggu.' },
  { kind: 'keluhan', sectors: ['kependudukan'], title: 'Blangko KTP habis, warga diminta kembali bulan depan', body: 'Sudah tiga kali datang untuk mengambil KTP, selalu dikatakan blangko habis. Mohon kepastian kapan bisa diambil.' },
  { kind: 'pertanyaan', sectors: ['kependudukan'], title: 'Syarat pindah domisili dari luar Maluku', body: 'Dokumen apa saja yang perlu dibawa untuk pindah domisili ke Kota Ambon? Apakah bisa diurus secara daring?' },
  { kind: 'apresiasi', sectors: ['kependudukan'], title: 'Pelayanan akta kelahiran cepat dan ramah', body: 'Terima kasih kepada petugas loket akta. Akta anak saya selesai dalam satu hari dan petugas menjelaskan dengan sabar.' },
  { kind: 'keluhan', sectors: ['kesehatan'], title: 'Dokter tidak ada di puskesmas pada jam pelayanan', body: 'Pukul 10.00 pasien sudah menunggu tetapi dokter belum datang. Petugas tidak bisa memberi kepastian.' },
  { kind: 'keluhan', sectors: ['kesehatan'], title: 'Obat hipertensi sering kosong di apotek puskesmas', body: 'Setiap bulan saya harus membeli sendiri obat darah tinggi karena stok puskesmas kosong. Mohon perencanaan stok diperbaiki.' },
  { kind: 'keluhan', sectors: ['kesehatan'], title: 'Petugas pendaftaran kurang ramah kepada lansia', body: 'Orang tua saya dibentak karena lupa membawa kartu BPJS. Mohon petugas dilatih melayani lansia dengan sabar.' },
  { kind: 'saran', sectors: ['kesehatan'], title: 'Usul antrean daring untuk pemeriksaan ibu hamil', body: 'Ibu hamil harus menunggu lama di ruang tunggu yang sempit. Antrean lewat pesan singkat atau aplikasi akan sangat membantu.' },
  { kind: 'apresiasi', sectors: ['kesehatan'], title: 'Imunisasi anak di posyandu berjalan tertib', body: 'Bidan dan kader posyandu bekerja sangat baik. Jadwal jelas dan anak-anak dilayani dengan ramah.' },
  { kind: 'pertanyaan', sectors: ['kesehatan'], title: 'Jadwal pemeriksaan gigi di puskesmas', body: 'Hari apa saja poli gigi buka? Informasi di papan pengumuman sudah tidak terbaca.' },
  { kind: 'keluhan', sectors: ['infrastruktur'], title: 'Jalan berlubang di depan sekolah belum diperbaiki', body: 'Lubang besar di jalan depan sekolah sudah tiga bulan. Saat hujan tergenang dan membahayakan anak-anak yang menyeberang.' },
  { kind: 'keluhan', sectors: ['infrastruktur'], title: 'Drainase tersumbat, banjir setiap hujan deras', body: 'Saluran air di lorong kami tersumbat sampah dan lumpur. Setiap hujan deras air masuk ke rumah warga.' },
  { kind: 'keluhan', sectors: ['infrastruktur'], title: 'Lampu penerangan jalan mati sejak sebulan', body: 'Tiga tiang lampu jalan mati. Malam hari sangat gelap dan warga takut lewat.' },
  { kind: 'saran', sectors: ['infrastruktur'], title: 'Perlu trotoar di jalur menuju pasar', body: 'Pejalan kaki harus berjalan di badan jalan karena tidak ada trotoar. Usul dibangun trotoar dan zebra cross.' },
  { kind: 'keluhan', sectors: ['lingkungan'], title: 'Sampah tidak diangkut selama seminggu', body: 'Tempat penampungan sementara sudah penuh dan berbau. Truk sampah tidak datang sejak Senin lalu.' },
  { kind: 'saran', sectors: ['lingkungan'], title: 'Jadwal pengangkutan sampah diumumkan di kelurahan', body: 'Warga sering tidak tahu kapan truk datang. Usul jadwal ditempel di kantor kelurahan dan diumumkan di grup warga.' },
  { kind: 'apresiasi', sectors: ['lingkungan'], title: 'Petugas kebersihan pantai bekerja sangat rajin', body: 'Pantai sekarang jauh lebih bersih. Terima kasih kepada petugas yang bekerja sejak pagi.' },
  { kind: 'keluhan', sectors: ['perhubungan'], title: 'Angkot tidak melewati trayek yang ditetapkan', body: 'Angkot jurusan ini sering berbalik sebelum terminal sehingga penumpang harus berjalan jauh.' },
  { kind: 'saran', sectors: ['perhubungan'], title: 'Rambu dilarang parkir di depan pasar', body: 'Parkir liar membuat macet setiap pagi. Usul dipasang rambu dan ada petugas yang menertibkan.' },
  { kind: 'keluhan', sectors: ['pendidikan'], title: 'Pungutan di sekolah negeri tanpa penjelasan', body: 'Orang tua murid diminta membayar uang pembangunan tanpa rincian penggunaan. Mohon penjelasan resmi dari dinas.' },
  { kind: 'pertanyaan', sectors: ['pendidikan'], title: 'Jadwal pendaftaran sekolah dasar tahun ajaran baru', body: 'Kapan pendaftaran SD dibuka dan apakah ada zonasi untuk kelurahan kami?' },
  { kind: 'keluhan', sectors: ['perizinan'], title: 'Pengurusan izin usaha mikro berbelit', body: 'Saya diminta bolak-balik ke tiga kantor untuk izin usaha kecil. Seharusnya cukup di satu pintu.' },
  { kind: 'apresiasi', sectors: ['perizinan'], title: 'Pelayanan perizinan satu pintu sudah lebih cepat', body: 'Izin usaha saya selesai dalam tiga hari kerja. Petugas membantu mengisi formulir daring.' },
  { kind: 'keluhan', sectors: ['sosial'], title: 'Bantuan sosial tidak tepat sasaran', body: 'Beberapa keluarga mampu menerima bantuan sementara tetangga kami yang lansia dan sendirian tidak terdata.' },
  { kind: 'pertanyaan', sectors: ['sosial'], title: 'Cara mendaftarkan lansia ke program bantuan', body: 'Ke mana kami harus mendaftar agar nenek kami yang tinggal sendiri bisa masuk program bantuan?' },
  { kind: 'keluhan', sectors: ['kewilayahan'], title: 'Surat keterangan di kantor kecamatan lama diproses', body: 'Surat keterangan domisili perlu seminggu. Petugas mengatakan pejabat yang menandatangani sedang dinas luar.' },
  { kind: 'saran', sectors: ['kewilayahan'], title: 'Papan informasi layanan di kantor kecamatan', body: 'Usul dipasang papan syarat dan lama layanan untuk setiap jenis surat agar warga tidak bolak-balik.' },
  { kind: 'keluhan', sectors: ['ketertiban'], title: 'Pedagang kaki lima menutup trotoar', body: 'Trotoar di pusat kota penuh lapak sehingga pejalan kaki harus turun ke jalan.' },
  { kind: 'apresiasi', sectors: ['ketertiban'], title: 'Pemadam kebakaran datang sangat cepat', body: 'Saat kebakaran kecil di lorong kami, petugas Damkar tiba kurang dari lima belas menit. Terima kasih!' },
  { kind: 'keluhan', sectors: ['keuangan'], title: 'Tagihan pajak bumi dan bangunan salah luas tanah', body: 'Luas tanah di SPPT tidak sesuai sertifikat. Sudah melapor tetapi belum ada perbaikan.' },
];

const RESPONSES = [
  'Terima kasih atas masukan Bapak/Ibu. Kami sudah menugaskan petugas untuk memeriksa di lapangan dan akan memberi kabar dalam minggu ini.',
  'Mohon maaf atas ketidaknyamanan ini. Mulai pekan depan kami menambah petugas di jam sibuk dan memasang papan informasi antrean.',
  'Masukan ini sudah kami bahas dalam rapat unit. Perbaikan dijadwalkan bulan depan; perkembangannya kami sampaikan di sini.',
  'Terima kasih. Hal ini sudah ditindaklanjuti dan petugas terkait sudah mengikuti pembinaan pelayanan prima.',
];

/** The demo's deterministic generator: evaluation's seeded mulberry32, so the demo is the same on every machine. */
export const rng = seededRandom;

export async function seedDemoFeedback(db: Db, count = 320, now = new Date()): Promise<number> {
  const rand = rng(2026);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const units = await db.selectFrom('units').select(['id', 'sector', 'kind', 'short_name']).execute();
  const areas = await db.selectFrom('areas').select(['id', 'kecamatan_code', 'kind']).where('kind', '!=', 'kecamatan').execute();
  const residents = await db.selectFrom('users').select('id').where('role', '=', 'resident').execute();
  const staff = await db.selectFrom('users').select(['id', 'unit_id', 'role']).where('role', 'in', ['asn', 'moderator']).execute();
  const moderator = staff.find((s) => s.role === 'moderator');
  const holidays = await selectHolidayDates(db, '2024-01-01', '2028-12-31');
  let added = 0;
  for (let i = 0; i < count; i++) {
    const tpl = pick(TEMPLATES);
    const candidates = units.filter((u) => tpl.sectors.includes(u.sector as Sector));
    const unit = rand() < 0.08 ? null : pick(candidates.length ? candidates : units);
    const area = rand() < 0.85 ? pick(areas) : null;
    const key = `demo-feedback-${String(i).padStart(5, '0')}-bakudengar`;
    const idem = idempotencyHash(key);
    const exists = await db.selectFrom('feedback').select('id').where('idempotency_hash', '=', idem).executeTakeFirst();
    if (exists) continue;
    const ageDays = Math.floor(rand() * 360) + 1;
    const created = new Date(now.getTime() - ageDays * 86400_000 - Math.floor(rand() * 8) * 3600_000);
    const r = rand();
    const moderation = r < 0.07 ? 'pending' : r < 0.11 ? 'rejected' : 'published';
    const confidential = rand() < 0.06;
    const anonymous = rand() < 0.25;
    // Older items are further along; recent ones are still being handled.
    const progress = moderation !== 'published' || !unit ? 0 : Math.min(5, Math.floor((ageDays / 60) * rand() * 3 + rand() * 2));
    const statuses: HandlingStatus[] = ['received', 'assigned', 'in_progress', 'responded', 'resolved', 'closed'];
    const status = moderation === 'pending' ? 'received' : statuses[progress]!;
    const author = residents.length && rand() < 0.5 ? pick(residents).id : null;
    await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('feedback')
        .values({
          tracking_hash: trackingHash(trackingCodeFor(key)),
          idempotency_hash: idem,
          kind: tpl.kind,
          unit_id: unit?.id ?? null,
          sector: (unit?.sector as Sector | undefined) ?? null,
          area_id: area?.id ?? null,
          kecamatan_code: area?.kecamatan_code ?? null,
          location_text: rand() < 0.5 ? pick(['Jl. A.Y. Patty', 'Jl. Sultan Babullah', 'Lorong Arab', 'dekat Pasar Mardika', 'depan kantor kelurahan', 'Jl. Dr. Kayadoe']) : null,
          occurred_on: new Date(created.getTime() - 86400_000).toISOString().slice(0, 10),
          title: tpl.title,
          body_md: tpl.body,
          body_html: renderMarkdown(tpl.body),
          anonymous,
          confidential,
          author_id: author,
          moderation_state: moderation,
          status,
          created_at: created,
          updated_at: created,
          published_at: moderation === 'published' ? new Date(created.getTime() + 86400_000) : null,
          verify_due_at: workingDayDeadline(created, 3, holidays),
          assigned_at: progress >= 1 ? new Date(created.getTime() + 86400_000) : null,
          answer_due_at: progress >= 1 && progress < 3 ? workingDayDeadline(new Date(created.getTime() + 86400_000), 5, holidays) : null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const at = (days: number) => new Date(created.getTime() + days * 86400_000);
      await trx.insertInto('feedback_events').values({ feedback_id: row.id, kind: 'submitted', public: true, to_status: 'received', at: created }).execute();
      if (moderation !== 'pending') {
        await trx.insertInto('feedback_events').values({ feedback_id: row.id, kind: moderation === 'published' ? 'published' : 'rejected', public: true, actor_id: moderator?.id ?? null, actor_role: 'moderator', at: at(1) }).execute();
      }
      const unitStaff = staff.find((s) => s.unit_id === unit?.id);
      for (let step = 1; step <= progress; step++) {
        const to = statuses[step]!;
        const when = at(1 + step * (2 + rand() * 4));
        if (to === 'responded') {
          const body = pick(RESPONSES);
          await trx
            .insertInto('feedback_events')
            .values({ feedback_id: row.id, kind: 'response', public: true, actor_id: unitStaff?.id ?? null, actor_role: 'asn', from_status: statuses[step - 1]!, to_status: to, body_md: body, body_html: renderMarkdown(body), at: when })
            .execute();
          await trx.updateTable('feedback').set({ responded_at: when, first_response_at: when }).where('id', '=', row.id).execute();
        } else {
          await trx.insertInto('feedback_events').values({ feedback_id: row.id, kind: 'status', public: true, actor_id: unitStaff?.id ?? moderator?.id ?? null, actor_role: 'asn', from_status: statuses[step - 1]!, to_status: to, at: when }).execute();
        }
        if (to === 'closed') await trx.updateTable('feedback').set({ closed_at: when }).where('id', '=', row.id).execute();
      }
      if (progress >= 3 && rand() < 0.6) {
        await trx.insertInto('feedback_ratings').values({ feedback_id: row.id, score: 1 + Math.floor(rand() * 5), comment: rand() < 0.4 ? pick(['Cukup membantu.', 'Belum ada perubahan nyata.', 'Terima kasih, sudah beres.', 'Jawaban terlalu umum.']) : null }).execute();
      }
      if (moderation === 'published' && !confidential) {
        const supporters = residents.filter((u) => u.id !== author && rand() < 0.3);
        for (const s of supporters) await trx.insertInto('feedback_supports').values({ feedback_id: row.id, user_id: s.id }).execute();
        const extra = Math.floor(rand() * rand() * 40);
        await trx.updateTable('feedback').set({ support_count: sql`${supporters.length + extra}` }).where('id', '=', row.id).execute();
      }
    });
    added++;
  }
  return added;
}

/** Flags on a few published items, and answer templates for the demo units. Idempotent. */
export async function seedDemoHandling(db: Db): Promise<{ flags: number; templates: number }> {
  const residents = await db.selectFrom('users').select('id').where('role', '=', 'resident').orderBy('email').execute();
  const targets = await db
    .selectFrom('feedback')
    .select('id')
    .where('moderation_state', '=', 'published')
    .where('confidential', '=', false)
    .where('idempotency_hash', 'is not', null)
    .orderBy('id')
    .limit(4)
    .execute();
  let flags = 0;
  const reasons = ['spam', 'personal_data', 'abusive', 'other'] as const;
  for (const [i, f] of targets.entries()) {
    for (const r of residents.slice(0, (i % 2) + 1)) {
      const added = await db
        .insertInto('feedback_flags')
        .values({ feedback_id: f.id, user_id: r.id, reporter_key: `user:${r.id}`, reason: reasons[i % reasons.length]!, note: i === 1 ? 'Ada nomor HP warga di uraian.' : null })
        .onConflict((oc) => oc.columns(['feedback_id', 'reporter_key']).where('resolved_at', 'is', null).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (added) flags++;
    }
  }
  const units = await db.selectFrom('units').select(['id', 'short_name']).where('short_name', 'in', ['Dinkes', 'Puskesmas Rijali', 'Disdukcapil', 'Dinas PUPR', 'DLHP', 'Kecamatan Sirimau']).execute();
  let templates = 0;
  for (const u of units) {
    const exists = await db.selectFrom('answer_templates').select('id').where('unit_id', '=', u.id).executeTakeFirst();
    if (exists) continue;
    await db
      .insertInto('answer_templates')
      .values([
        { unit_id: u.id, title: 'Terima kasih, sedang ditindaklanjuti', body_md: `Terima kasih atas masukan Bapak/Ibu. ${u.short_name} sudah menugaskan petugas untuk menindaklanjuti dan akan memberi kabar paling lambat dalam 5 hari kerja.` },
        { unit_id: u.id, title: 'Mohon maaf, sudah diperbaiki', body_md: DEMO_TEMPLATE_RESOLVED },
      ])
      .execute();
    templates += 2;
  }
  return { flags, templates };
}
