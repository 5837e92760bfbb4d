/**
 * The accounts the e2e seed (tests/e2e/seed.ts) creates and the browser tests sign in with.
 * Plain data, no Playwright import: the seed runs under plain Node (type stripping), so
 * this file must stay erasable TypeScript (no enums, no parameter properties).
 *
 * Every test that changes an account (password, role, disabled) has an account of its
 * own, so tests can run in any order and in parallel. Mind the sign-in limit of 5 attempts
 * per account per minute (src/server/rate-limit/service.ts): a test that signs in often
 * gets its own account; the admin signs in once per worker (tests/e2e/test.ts, adminPage).
 */

/** Every e2e address is in this domain; the seed refuses a database holding others. */
export const E2E_EMAIL_DOMAIN = 'e2e.bakudengar.test';

export type FixtureRole = 'resident' | 'asn' | 'moderator' | 'admin';

export interface FixtureAccount {
  email: string;
  password: string;
  displayName: string;
  role: FixtureRole;
  /** Unit short name (db/seeds/units.csv) for ASN accounts. */
  unit: string | null;
}

function account(local: string, displayName: string, role: FixtureRole, password: string, unit: string | null = null): FixtureAccount {
  return { email: `${local}@${E2E_EMAIL_DOMAIN}`, password, displayName, role, unit };
}

export const ACCOUNTS = {
  admin: account('admin', 'Admin Uji', 'admin', 'Teluk Ambon biru sekali 2026'),
  moderator: account('moderator', 'Moderator Uji', 'moderator', 'Pintu Kota di pagi hari 7'),
  asnDinkes: account('asn.dinkes', 'Perawat Dinkes Uji', 'asn', 'Puskesmas Waihaong buka pagi 8', 'Dinkes'),
  /** Signs in, never changes: 403 checks, wrong-password checks, duplicate sign-up. */
  resident: account('warga', 'Warga Uji Satu', 'resident', 'Pisang goreng dan kopi 1'),
  /** Switches the interface to English. */
  residentEnglish: account('warga.inggris', 'Warga Uji Bahasa', 'resident', 'Kenari dari Pulau Ambon 10'),
  /** Locked out on purpose by the per-account sign-in limit. */
  residentLocked: account('warga.terkunci', 'Warga Uji Terkunci', 'resident', 'Rujak natsepa manis pedas 3'),
  /** Resets the password through the emailed link. */
  residentReset: account('warga.lupa', 'Warga Uji Lupa', 'resident', 'Ikan kuah kuning hangat 4'),
  /** Asks for a reset link and posts the form once with a too-short password (no change). */
  residentResetForm: account('warga.tautan', 'Warga Uji Tautan', 'resident', 'Jalan kaki ke Karang Panjang 11'),
  /** Changes the password at /akun. */
  residentChange: account('warga.ganti', 'Warga Uji Ganti', 'resident', 'Papeda dan colo-colo 5'),
  /** Becomes an ASN of Dinkes in the admin test. */
  residentPromote: account('warga.naik', 'Warga Uji Naik Peran', 'resident', 'Gong perdamaian dunia 6'),
  /** Is disabled and enabled again in the admin test. */
  residentDisable: account('warga.nonaktif', 'Warga Uji Nonaktif', 'resident', 'Benteng Amsterdam tua 9'),

  // ---- feedback, moderation and inbox specs (tests/e2e/{feedback,moderation,inbox}-*.spec.ts).
  // These sign in through the API once per worker (tests/e2e/test.ts, `sessionOf`).
  /** Publishes and assigns in the feedback specs (anonymous, confidential, double submit). */
  moderatorFlow: account('moderator.alur', 'Moderator Alur', 'moderator', 'Kapal cepat ke Banda Neira 21'),
  /** Works the queue at /moderasi (moderation-queue spec). */
  moderatorQueue: account('moderator.antrean', 'Moderator Antrean', 'moderator', 'Angin timur di Teluk Baguala 22'),
  /** One item's page: redaction, contact, first of the two stale-edit moderators. */
  moderatorDetail: account('moderator.rinci', 'Moderator Rinci', 'moderator', 'Sagu lempeng dan teh manis 23'),
  /** The second moderator of the stale-edit test. */
  moderatorTwo: account('moderator.dua', 'Moderator Kedua', 'moderator', 'Cengkeh kering di halaman 24'),
  /** Answers in the feedback specs (anonymous label, confidential item, answer then rating). */
  asnDinkesFlow: account('asn.dinkes.alur', 'Bidan Dinkes Alur', 'asn', 'Posyandu Batu Merah ramai 25', 'Dinkes'),
  /** Works the inbox (inbox spec): start, answer, note, templates. */
  asnDinkesInbox: account('asn.dinkes.kotak', 'Perawat Dinkes Kotak', 'asn', 'Ambulans siaga di Passo 26', 'Dinkes'),
  asnDisdukcapil: account('asn.disdukcapil', 'Petugas Disdukcapil Uji', 'asn', 'Akta lahir selesai cepat 27', 'Disdukcapil'),
  /** Author of seeded published feedback (cannot support their own; named when not anonymous). */
  residentAuthor: account('warga.penulis', 'Nyong Penulis Uji', 'resident', 'Kole-kole di Pantai Namalatu 28'),
  /** Supports a seeded item. */
  residentSupporter: account('warga.pendukung', 'Warga Pendukung Uji', 'resident', 'Bambu gila dari Liang 29'),
  /** Flags a seeded item. */
  residentFlagger: account('warga.penanda', 'Warga Penanda Uji', 'resident', 'Sore di Pantai Santai 30'),
  /** Submits while signed in; the item appears in /masukan/saya. */
  residentSubmit: account('warga.kirim', 'Warga Pengirim Uji', 'resident', 'Roti kenari hangat pagi 31'),
  /** Submits anonymously and by name (anonymous spec). */
  residentAnon: account('warga.anonim', 'Nona Rahasia Uji', 'resident', 'Lagu Ambon manise merdu 32'),
  /** Submits one form twice (double-submit spec). */
  residentDouble: account('warga.ganda', 'Warga Ganda Uji', 'resident', 'Dua kali klik tetap satu 33'),
  /** Only give supports in the seed (never sign in). */
  residentSeedSupporter1: account('warga.dukung1', 'Pendukung Satu', 'resident', 'Dukungan pertama di seed 34'),
  residentSeedSupporter2: account('warga.dukung2', 'Pendukung Dua', 'resident', 'Dukungan kedua di seed 35'),
  residentSeedSupporter3: account('warga.dukung3', 'Pendukung Tiga', 'resident', 'Dukungan ketiga di seed 36'),

  // ---- everyday use (tests/e2e/everyday.spec.ts).
  /** Manages their own feedback from /masukan/saya. */
  residentMine: account('warga.saya', 'Warga Punya Akun', 'resident', 'Pantai Natsepa di hari Minggu 41'),
  /** Triages several items at once at /moderasi. */
  moderatorBulk: account('moderator.massal', 'Moderator Massal', 'moderator', 'Banyak masukan sekaligus pagi 42'),
  /** Gives items to officers of Dinkes and resolves them. */
  asnDinkesOfficer: account('asn.dinkes.petugas', 'Kepala Seksi Dinkes', 'asn', 'Petugas jaga malam Waihaong 43', 'Dinkes'),
  /** The three flaggers whose third flag hides an item. */
  residentFlagA: account('warga.tanda.a', 'Penanda A', 'resident', 'Tanda pertama untuk moderator 44'),
  residentFlagB: account('warga.tanda.b', 'Penanda B', 'resident', 'Tanda kedua untuk moderator 45'),
  residentFlagC: account('warga.tanda.c', 'Penanda C', 'resident', 'Tanda ketiga untuk moderator 46'),
} as const satisfies Record<string, FixtureAccount>;

export type AccountName = keyof typeof ACCOUNTS;

/** A fresh address for accounts the tests create through the sign-up form. */
export function uniqueEmail(prefix: string): string {
  const rand = Math.random().toString(36).slice(2, 10);
  return `${prefix}.${Date.now().toString(36)}${rand}@${E2E_EMAIL_DOMAIN}`;
}

// ---- seeded feedback

export type SeedKind = 'keluhan' | 'apresiasi' | 'saran' | 'pertanyaan';

/**
 * Feedback the e2e seed stores through the real use cases (submitFeedback, then
 * publishFeedback / assignFeedback), before the server starts. Each has a fixed submission
 * key, so its tracking code is known to the tests: trackingCodeFor(submissionKey).
 * Titles carry a distinctive word, so a test finds an item by searching the board (or the
 * moderation queue) for it; ids are never assumed.
 */
export interface SeedFeedback {
  submissionKey: string;
  kind: SeedKind;
  /** Unit short name (db/seeds/units.csv), or null for "not sure". */
  unit: string | null;
  kecamatan?: string;
  /** A kelurahan/desa/negeri of that kecamatan (db/seeds/areas.csv). */
  area?: string;
  title: string;
  body: string;
  anonymous?: boolean;
  confidential?: boolean;
  author?: AccountName;
  contact?: { name?: string; email?: string; phone?: string };
  /** Published by a moderator (otherwise it waits in the queue). */
  publish?: boolean;
  /** Assigned to this unit (short name) after publication. */
  assign?: string;
  /** Supported by these accounts. */
  supporters?: readonly AccountName[];
  /** Closed this many days ago (status closed, closed_at set directly). */
  closedDaysAgo?: number;
}

function seedKey(ref: string): string {
  return `e2e-seed-${ref}`.padEnd(24, '0').replace(/[^A-Za-z0-9_-]/g, '-');
}

/** How many published Dishub items the board pagination test pages through (page size 20). */
export const BULK_COUNT = 26;
/** Distinctive word in every bulk item's title. */
export const BULK_WORD = 'haltekoridor';

/** Published Dishub suggestions for paging, stored first (oldest), before SEED_FEEDBACK. */
export const SEED_BULK: SeedFeedback[] = [];
for (let i = 1; i <= BULK_COUNT; i++) {
  const n = String(i).padStart(2, '0');
  SEED_BULK.push({
    submissionKey: seedKey(`bulk${n}`),
    kind: 'saran',
    unit: 'Dishub',
    kecamatan: 'Sirimau',
    title: `Halte ${BULK_WORD} nomor ${n} perlu atap`,
    body: `Halte bus nomor ${n} di jalan utama belum beratap, penumpang kehujanan saat menunggu angkot.`,
    publish: true,
  });
}

export const SEED_FEEDBACK = {
  /** Found by searching "pelayanan" (Indonesian stemming: melayani ~ pelayanan). */
  melayani: {
    submissionKey: seedKey('melayani'),
    kind: 'keluhan',
    unit: 'Dinkes',
    kecamatan: 'Sirimau',
    area: 'Batu Merah',
    title: 'Loket puskesmas Latuputtywarga lambat',
    body: 'Petugas loket tidak **melayani** warga dengan sabar; Ibu Latuputtywarga menunggu tiga jam.',
    publish: true,
    assign: 'Dinkes',
  },
  /** A title the "similar feedback" suggestion finds. */
  antreanKtp: {
    submissionKey: seedKey('antreanKtp'),
    kind: 'keluhan',
    unit: 'Disdukcapil',
    kecamatan: 'Nusaniwe',
    area: 'Benteng',
    title: 'Antrean KTP elektronik di Disdukcapil sangat lama',
    body: 'Sejak pagi antrean perekaman KTP elektronik tidak bergerak, nomor antrean habis jam sembilan.',
    publish: true,
    assign: 'Disdukcapil',
  },
  /** Praise, Dinkes, Nusaniwe; by a named (not anonymous) author. */
  apresiasi: {
    submissionKey: seedKey('apresiasi'),
    kind: 'apresiasi',
    unit: 'Dinkes',
    kecamatan: 'Nusaniwe',
    area: 'Benteng',
    title: 'Bidan posyandu kenariharum sangat membantu',
    body: 'Bidan di posyandu datang tepat waktu dan menjelaskan imunisasi dengan jelas kepada para ibu.',
    author: 'residentAuthor',
    publish: true,
    assign: 'Dinkes',
  },
  /** A question in Leitimur Selatan, not assigned (status received). */
  pertanyaan: {
    submissionKey: seedKey('pertanyaan'),
    kind: 'pertanyaan',
    unit: null,
    kecamatan: 'Leitimur Selatan',
    area: 'Hutumury',
    title: 'Jadwal mobil sampah hutumurytanya',
    body: 'Kapan jadwal pengangkutan sampah di negeri kami? Sudah dua minggu tidak ada pengangkutan.',
    publish: true,
  },
  /** The most supported item (sort "Paling banyak didukung"). */
  populer: {
    submissionKey: seedKey('populer'),
    kind: 'keluhan',
    unit: 'Dinas PUPR',
    kecamatan: 'Teluk Ambon Baguala',
    area: 'Passo',
    title: 'Jalan berlubang populerpasso di depan pasar',
    body: 'Lubang besar di jalan depan pasar Passo membahayakan pengendara motor, terutama malam hari.',
    publish: true,
    assign: 'Dinas PUPR',
    supporters: ['residentSeedSupporter1', 'residentSeedSupporter2', 'residentSeedSupporter3'],
  },
  /** Supported in the support test; its author may not support it. */
  dukung: {
    submissionKey: seedKey('dukung'),
    kind: 'keluhan',
    unit: 'Dinas PUPR',
    kecamatan: 'Teluk Ambon',
    area: 'Poka',
    title: 'Lampu jalan dukungpoka mati sebulan',
    body: 'Lampu penerangan jalan di Poka sudah sebulan mati, jalan gelap dan rawan.',
    author: 'residentAuthor',
    publish: true,
    supporters: ['residentSeedSupporter1'],
  },
  /** Flagged in the flag test. */
  tanda: {
    submissionKey: seedKey('tanda'),
    kind: 'saran',
    unit: 'Dishub',
    kecamatan: 'Teluk Ambon',
    title: 'Tambah trayek angkot tandawayame',
    body: 'Usul agar ada trayek angkot langsung dari Wayame ke pusat kota pada jam sekolah.',
    publish: true,
  },
  /** Published and confidential: never on the board, in search or on its public page. */
  rahasia: {
    submissionKey: seedKey('rahasia'),
    kind: 'keluhan',
    unit: 'Dinkes',
    kecamatan: 'Sirimau',
    title: 'Dugaan pungutan rahasiasirimau di puskesmas',
    body: 'Ada pungutan tanpa kuitansi saat berobat; saya tidak ingin ini ditayangkan.',
    confidential: true,
    publish: true,
    assign: 'Dinkes',
  },
  /** Dinkes: answered in the inbox, then rated by its reporter (tracking spec). */
  nilai: {
    submissionKey: seedKey('nilai'),
    kind: 'keluhan',
    unit: 'Dinkes',
    kecamatan: 'Nusaniwe',
    title: 'Obat nilaiwainitu sering kosong di apotek puskesmas',
    body: 'Obat hipertensi sering kosong di apotek puskesmas, kami disuruh membeli di luar.',
    contact: { email: 'pelapor.nilai@e2e.bakudengar.test' },
    publish: true,
    assign: 'Dinkes',
  },
  /** Closed yesterday: its reporter may reopen it. */
  tutupBaru: {
    submissionKey: seedKey('tutupBaru'),
    kind: 'keluhan',
    unit: 'Dinkes',
    kecamatan: 'Sirimau',
    title: 'Antrean BPJS tutupbaru di rumah sakit',
    body: 'Antrean pendaftaran BPJS sangat panjang setiap Senin pagi.',
    publish: true,
    assign: 'Dinkes',
    closedDaysAgo: 1,
  },
  /** Closed 30 days ago (more than 20 working days): too late to reopen. */
  tutupLama: {
    submissionKey: seedKey('tutupLama'),
    kind: 'keluhan',
    unit: 'Dinkes',
    kecamatan: 'Sirimau',
    title: 'Ruang tunggu tutuplama tanpa kipas',
    body: 'Ruang tunggu puskesmas panas sekali karena kipas angin rusak.',
    publish: true,
    assign: 'Dinkes',
    closedDaysAgo: 30,
  },
  /** Inbox spec, with JavaScript: start, answer, note. */
  kotakJs: {
    submissionKey: seedKey('kotakJs'),
    kind: 'keluhan',
    unit: 'Dinkes',
    kecamatan: 'Teluk Ambon',
    title: 'Puskesmas kotakjsrumahtiga tutup lebih awal',
    body: 'Puskesmas Rumah Tiga sudah tutup jam sebelas padahal jadwalnya sampai jam dua.',
    author: 'residentAuthor',
    publish: true,
    assign: 'Dinkes',
  },
  /** Inbox spec, without JavaScript: template, answer. */
  kotakNoJs: {
    submissionKey: seedKey('kotakNoJs'),
    kind: 'pertanyaan',
    unit: 'Dinkes',
    kecamatan: 'Teluk Ambon',
    title: 'Syarat vaksin kotaknojs untuk haji',
    body: 'Apa saja syarat vaksin meningitis untuk calon jemaah haji di puskesmas?',
    publish: true,
    assign: 'Dinkes',
  },
  /** Another unit's item: a Dinkes ASN gets 404 for it. */
  lainUnit: {
    submissionKey: seedKey('lainUnit'),
    kind: 'keluhan',
    unit: 'Disdukcapil',
    kecamatan: 'Sirimau',
    title: 'Akta kelahiran lainunit belum jadi',
    body: 'Akta kelahiran anak saya belum jadi setelah tiga minggu, padahal dijanjikan satu minggu.',
    publish: true,
    assign: 'Disdukcapil',
  },
  // ---- pending: the moderation specs work on these.
  modTayangJs: {
    submissionKey: seedKey('modTayangJs'),
    kind: 'saran',
    unit: 'Dishub',
    title: 'Antrean modtayangjs terminal Mardika',
    body: 'Usul penataan antrean angkot di terminal Mardika supaya tertib.',
  },
  modTayangNoJs: {
    submissionKey: seedKey('modTayangNoJs'),
    kind: 'saran',
    unit: 'Dishub',
    title: 'Rambu modtayangnojs dekat sekolah',
    body: 'Perlu rambu dilarang parkir di depan sekolah dasar pada jam masuk.',
  },
  modTolak: {
    submissionKey: seedKey('modTolak'),
    kind: 'keluhan',
    unit: null,
    title: 'Jalan nasional modtolak rusak',
    body: 'Jalan nasional lintas pulau rusak berat dan belum diperbaiki.',
  },
  modTeruskan: {
    submissionKey: seedKey('modTeruskan'),
    kind: 'keluhan',
    unit: null,
    title: 'Antrean modteruskan imunisasi',
    body: 'Antrean imunisasi di posyandu terlalu panjang, perlu petugas tambahan.',
  },
  modBasi: {
    submissionKey: seedKey('modBasi'),
    kind: 'keluhan',
    unit: null,
    title: 'Sumur modbasi tercemar',
    body: 'Air sumur warga berbau setelah banjir, mohon diperiksa.',
  },
  /** Published; redacted on its moderation page. */
  modSamar: {
    submissionKey: seedKey('modSamar'),
    kind: 'keluhan',
    unit: 'Disdukcapil',
    title: 'Petugas modsamar minta uang',
    body: 'Petugas bernama Pak Rudi Samarmata meminta uang pelicin, nomor HP saya 0812 9999 1111.',
    publish: true,
  },
  /** Pending with contact details (the contact button, audit log). */
  modKontak: {
    submissionKey: seedKey('modKontak'),
    kind: 'pertanyaan',
    unit: 'Dinkes',
    title: 'Jam buka modkontak puskesmas',
    body: 'Mohon informasi jam buka puskesmas pada hari Sabtu.',
    contact: { name: 'Yohana Kontakuji', email: 'yohana.kontak@e2e.bakudengar.test', phone: '0812 3456 7890' },
  },

  // ---- everyday use (tests/e2e/everyday.spec.ts)
  /** residentMine's published Dinkes item: resolved by the unit, then reopened from the account. */
  everydayMine: {
    submissionKey: seedKey('everydayMine'),
    kind: 'keluhan',
    unit: 'Dinkes',
    title: 'Keran air everydaysaya bocor di puskesmas',
    body: 'Keran di ruang tunggu puskesmas bocor dan lantai licin sejak seminggu.',
    author: 'residentMine',
    publish: true,
    assign: 'Dinkes',
  },
  /** residentMine's item still waiting for moderators. */
  everydayMinePending: {
    submissionKey: seedKey('everydayMinePending'),
    kind: 'saran',
    unit: null,
    title: 'Usul everydaytunggu taman baca',
    body: 'Mohon dibangun taman baca kecil di dekat kantor kelurahan untuk anak-anak.',
    author: 'residentMine',
  },
  /** Pending items the bulk triage tests publish, reject and leave stale. */
  everydayBulkA: { submissionKey: seedKey('everydayBulkA'), kind: 'keluhan', unit: null, title: 'Selokan everydaymassal satu tersumbat', body: 'Selokan di ujung gang tersumbat sampah plastik.' },
  everydayBulkB: { submissionKey: seedKey('everydayBulkB'), kind: 'keluhan', unit: null, title: 'Selokan everydaymassal dua tersumbat', body: 'Selokan di depan sekolah tersumbat lumpur.' },
  everydayJsA: { submissionKey: seedKey('everydayJsA'), kind: 'saran', unit: null, title: 'Iklan everydayjsmassal satu', body: 'Jual obat kuat murah hubungi nomor ini sekarang juga.' },
  everydayJsB: { submissionKey: seedKey('everydayJsB'), kind: 'saran', unit: null, title: 'Iklan everydayjsmassal dua', body: 'Pinjaman cepat tanpa jaminan cair dalam satu jam.' },
  /** Published; flagged by three people, the third of whom hides it. */
  everydayFlag: {
    submissionKey: seedKey('everydayFlag'),
    kind: 'keluhan',
    unit: 'Dinkes',
    title: 'Komentar everydaytanda kasar',
    body: 'Isi yang akan dilaporkan oleh tiga warga berbeda.',
    publish: true,
    assign: 'Dinkes',
  },
} as const satisfies Record<string, SeedFeedback>;

export type SeedRef = keyof typeof SEED_FEEDBACK;
