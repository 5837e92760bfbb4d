/**
 * Word lists for the benchmark data set: Indonesian feedback titles and sentences per sector
 * and kind, plus shared phrases (time, place, impact, request) and rarer detail words, so that
 * full-text search sees a realistic mix of very common words (jalan, petugas, mohon), middling
 * ones (drainase, angkot, blangko) and rare ones (talud, speedboat, rabies).
 *
 * Used only by bench/generate.ts, which composes them in SQL with random().
 */

export const SECTOR_ORDER = [
  'umum',
  'pendidikan',
  'kesehatan',
  'infrastruktur',
  'ketertiban',
  'sosial',
  'kependudukan',
  'lingkungan',
  'perhubungan',
  'perizinan',
  'keuangan',
  'kepegawaian',
  'kewilayahan',
] as const;
export type BenchSector = (typeof SECTOR_ORDER)[number];

export const KIND_ORDER = ['keluhan', 'saran', 'pertanyaan', 'apresiasi'] as const;

interface SectorText {
  keluhan: string[];
  saran: string[];
  pertanyaan: string[];
  apresiasi: string[];
  /** Body sentences describing the situation (any kind). */
  body: string[];
}

export const SECTOR_TEXT: Record<BenchSector, SectorText> = {
  umum: {
    keluhan: [
      'Informasi layanan di situs pemerintah kota tidak diperbarui',
      'Telepon pengaduan tidak pernah diangkat',
      'Pegawai kantor tidak ada di tempat pada jam kerja',
      'Harga bahan pokok di pasar naik tanpa pengawasan',
      'Bantuan alat tangkap nelayan tidak merata',
      'Pelatihan kerja tidak sesuai kebutuhan pencari kerja',
      'Lapangan olahraga kota tidak terawat',
    ],
    saran: [
      'Usul layanan pengaduan melalui WhatsApp',
      'Perlu pelatihan UMKM untuk ibu rumah tangga',
      'Usul perpustakaan keliling ke negeri-negeri',
      'Perlu pasar murah menjelang hari raya',
    ],
    pertanyaan: [
      'Cara mendapatkan bantuan modal usaha kecil',
      'Jadwal bursa kerja tahun ini',
      'Syarat peminjaman buku di perpustakaan daerah',
      'Ke mana melaporkan pungutan liar',
    ],
    apresiasi: ['Pelayanan kantor wali kota ramah dan cepat', 'Festival budaya tahun ini sangat meriah', 'Pelatihan UMKM sangat bermanfaat'],
    body: [
      'Kami sudah mencoba menghubungi kantor terkait tetapi tidak ada jawaban.',
      'Informasi yang tersedia di papan pengumuman sudah lama dan membingungkan.',
      'Banyak warga tidak tahu harus bertanya ke mana.',
      'Pegawai yang ada mengatakan pejabat yang berwenang sedang dinas luar.',
      'Nelayan di pesisir sangat membutuhkan perhatian pemerintah kota.',
      'Pelaku usaha kecil kesulitan mendapatkan modal dan pendampingan.',
    ],
  },
  pendidikan: {
    keluhan: [
      'Pungutan di sekolah negeri tanpa penjelasan',
      'Ruang kelas rusak dan atap bocor',
      'Guru sering tidak masuk mengajar',
      'Seragam sekolah wajib dibeli di koperasi sekolah',
      'Zonasi penerimaan murid baru tidak adil',
      'Dana BOS tidak transparan',
      'Toilet sekolah tidak layak dipakai',
    ],
    saran: ['Usul perpustakaan sekolah dibuka sampai sore', 'Perlu les gratis bagi murid kurang mampu', 'Usul transportasi antar jemput murid dari negeri pegunungan'],
    pertanyaan: [
      'Jadwal pendaftaran sekolah dasar tahun ajaran baru',
      'Syarat beasiswa bagi murid berprestasi',
      'Apakah ada zonasi untuk kelurahan kami',
      'Cara mengurus mutasi murid antar sekolah',
    ],
    apresiasi: ['Guru SD sangat sabar dan kreatif', 'Perpustakaan sekolah sekarang lengkap', 'Kegiatan literasi di sekolah berjalan baik'],
    body: [
      'Orang tua murid diminta membayar tanpa rincian penggunaan dana.',
      'Saat hujan air masuk ke ruang kelas dan murid dipulangkan lebih awal.',
      'Anak-anak kami harus belajar di ruang yang sempit dan panas.',
      'Komite sekolah tidak pernah mengundang orang tua untuk rapat.',
      'Murid dari negeri di pegunungan harus berjalan jauh ke sekolah.',
      'Kami mohon dinas pendidikan memeriksa langsung ke sekolah.',
      'Pengumuman hasil seleksi tidak dijelaskan kepada orang tua.',
    ],
  },
  kesehatan: {
    keluhan: [
      'Dokter tidak ada di puskesmas pada jam pelayanan',
      'Obat hipertensi sering kosong di apotek puskesmas',
      'Petugas pendaftaran kurang ramah kepada lansia',
      'Antrean di puskesmas sangat panjang',
      'Ambulans puskesmas tidak bisa dihubungi malam hari',
      'Pasien BPJS diminta membayar obat',
      'Ruang tunggu puskesmas sempit dan panas',
      'Hasil laboratorium terlalu lama keluar',
      'Fogging demam berdarah tidak dilakukan',
    ],
    saran: [
      'Usul antrean daring untuk pemeriksaan ibu hamil',
      'Perlu posyandu lansia di setiap RW',
      'Usul jam pelayanan puskesmas diperpanjang',
      'Perlu penyuluhan gizi untuk mencegah stunting',
    ],
    pertanyaan: [
      'Jadwal pemeriksaan gigi di puskesmas',
      'Apakah vaksin untuk anak tersedia setiap hari',
      'Cara mendaftar BPJS bagi warga tidak mampu',
      'Syarat rujukan ke rumah sakit',
    ],
    apresiasi: [
      'Imunisasi anak di posyandu berjalan tertib',
      'Bidan puskesmas sangat sigap menolong persalinan',
      'Pelayanan puskesmas sekarang jauh lebih cepat',
      'Perawat sangat ramah kepada pasien lansia',
    ],
    body: [
      'Pasien sudah menunggu sejak pagi tetapi dokter belum datang.',
      'Setiap bulan saya harus membeli sendiri obat karena stok kosong.',
      'Orang tua saya dibentak karena lupa membawa kartu BPJS.',
      'Ibu hamil harus menunggu lama di ruang tunggu yang sempit.',
      'Petugas tidak bisa memberi kepastian kapan pemeriksaan dilakukan.',
      'Nomor antrean habis sebelum pukul sembilan pagi.',
      'Beberapa warga di lingkungan kami terkena demam berdarah.',
      'Bidan dan kader posyandu bekerja dengan sangat baik.',
      'Kami berharap pelayanan kesehatan dasar lebih diperhatikan.',
    ],
  },
  infrastruktur: {
    keluhan: [
      'Jalan berlubang di depan sekolah belum diperbaiki',
      'Drainase tersumbat, banjir setiap hujan deras',
      'Lampu penerangan jalan mati',
      'Jalan rusak parah menuju permukiman',
      'Air PDAM tidak mengalir',
      'Jembatan kayu lapuk dan berbahaya',
      'Aspal baru sudah mengelupas',
      'Tembok penahan tanah retak dan hampir runtuh',
      'Saluran air meluap ke jalan',
      'Proyek galian dibiarkan terbuka',
    ],
    saran: [
      'Perlu trotoar di jalur menuju pasar',
      'Usul pembangunan talud di tepi sungai',
      'Usul penambahan lampu jalan di lorong',
      'Perlu perbaikan drainase sebelum musim hujan',
    ],
    pertanyaan: [
      'Kapan perbaikan jalan di lingkungan kami dimulai',
      'Siapa yang bertanggung jawab atas lampu jalan',
      'Apakah ada program bedah rumah tahun ini',
      'Cara mengajukan sambungan air bersih',
    ],
    apresiasi: ['Perbaikan jalan selesai tepat waktu', 'Drainase baru membuat lingkungan bebas banjir', 'Lampu jalan sudah menyala kembali'],
    body: [
      'Lubang besar di jalan sudah berbulan-bulan dan tergenang saat hujan.',
      'Saluran air di lorong kami tersumbat sampah dan lumpur.',
      'Setiap hujan deras air masuk ke rumah warga.',
      'Tiga tiang lampu jalan mati dan malam hari sangat gelap.',
      'Pengendara motor sering terjatuh karena jalan berlubang.',
      'Pekerjaan proyek ditinggalkan tanpa rambu pengaman.',
      'Air bersih hanya mengalir tengah malam dan tekanannya kecil.',
      'Tanah di tebing mulai longsor setiap musim hujan.',
      'Kontraktor tidak merapikan sisa material setelah pekerjaan selesai.',
    ],
  },
  ketertiban: {
    keluhan: [
      'Pedagang kaki lima menutup trotoar',
      'Parkir liar di depan pasar',
      'Suara musik keras sampai tengah malam',
      'Balap liar setiap malam minggu',
      'Bangunan liar di bantaran sungai',
      'Hidran kebakaran tidak berfungsi',
    ],
    saran: ['Usul patroli malam di lorong rawan', 'Perlu pelatihan pemadaman kebakaran untuk warga', 'Usul penataan lapak pedagang pasar'],
    pertanyaan: ['Nomor darurat pemadam kebakaran', 'Prosedur penertiban bangunan liar', 'Apakah ada jalur evakuasi tsunami di pesisir'],
    apresiasi: ['Pemadam kebakaran datang sangat cepat', 'Satpol PP menertibkan pasar dengan sopan', 'Simulasi bencana di sekolah sangat bermanfaat'],
    body: [
      'Trotoar di pusat kota penuh lapak sehingga pejalan kaki harus turun ke jalan.',
      'Petugas datang sebentar lalu keadaan kembali seperti semula.',
      'Warga merasa tidak aman keluar rumah pada malam hari.',
      'Saat kebakaran kecil petugas tiba kurang dari lima belas menit.',
      'Kendaraan diparkir di kedua sisi jalan sehingga macet setiap pagi.',
      'Kami sudah melapor ke ketua RT tetapi belum ada tindakan.',
    ],
  },
  sosial: {
    keluhan: [
      'Bantuan sosial tidak tepat sasaran',
      'Bantuan beras terlambat berbulan-bulan',
      'Lansia sebatang kara tidak terdata',
      'Data penerima bantuan tidak diperbarui',
      'Penyandang disabilitas sulit mengakses kantor layanan',
    ],
    saran: ['Usul pendataan ulang penerima bantuan', 'Perlu rumah singgah untuk anak jalanan', 'Usul layanan jemput bola bagi penyandang disabilitas'],
    pertanyaan: ['Cara mendaftarkan lansia ke program bantuan', 'Syarat mendapatkan kursi roda gratis', 'Kapan bantuan tunai dicairkan'],
    apresiasi: ['Pendamping sosial sangat membantu keluarga kami', 'Bantuan untuk korban kebakaran cepat disalurkan'],
    body: [
      'Beberapa keluarga mampu menerima bantuan sementara tetangga yang lansia tidak terdata.',
      'Nenek kami tinggal sendiri dan tidak punya penghasilan.',
      'Pendamping sosial jarang datang ke lingkungan kami.',
      'Kami sudah mengumpulkan berkas tetapi tidak ada kabar.',
      'Penyandang disabilitas harus naik tangga untuk sampai ke loket.',
    ],
  },
  kependudukan: {
    keluhan: [
      'Antrean perekaman KTP-el sangat lama',
      'Blangko KTP habis',
      'Akta kelahiran belum selesai',
      'Kartu keluarga salah cetak nama',
      'Sistem pelayanan kependudukan sering gangguan',
      'Petugas meminta biaya pengurusan dokumen',
      'Pindah domisili dipersulit',
    ],
    saran: ['Usul pelayanan KTP-el keliling ke kelurahan', 'Perlu loket khusus lansia di Disdukcapil', 'Usul layanan dokumen kependudukan secara daring'],
    pertanyaan: [
      'Syarat pindah domisili dari luar Maluku',
      'Berapa lama pembuatan akta kelahiran',
      'Cara memperbaiki data kartu keluarga',
      'Apakah pengurusan KTP-el dipungut biaya',
    ],
    apresiasi: ['Pelayanan akta kelahiran cepat dan ramah', 'Layanan KTP-el keliling sangat membantu', 'Petugas Disdukcapil sangat sabar'],
    body: [
      'Saya datang pukul delapan pagi dan baru dilayani siang hari.',
      'Nomor antrean tidak jelas dan tidak ada informasi berapa lama harus menunggu.',
      'Sudah tiga kali datang untuk mengambil KTP, selalu dikatakan blangko habis.',
      'Dokumen kami sudah lengkap tetapi diminta kembali minggu depan.',
      'Petugas menjelaskan dengan sabar dan dokumen selesai dalam satu hari.',
      'Sistem daring sering gangguan sehingga pendaftaran gagal.',
      'Kami tinggal jauh dan biaya transportasi ke kantor cukup mahal.',
    ],
  },
  lingkungan: {
    keluhan: [
      'Sampah tidak diangkut selama seminggu',
      'Tempat pembuangan sampah sementara penuh dan berbau',
      'Sampah plastik menumpuk di pantai',
      'Sungai tercemar limbah',
      'Pembakaran sampah di permukiman',
      'Pohon tumbang belum dibersihkan',
    ],
    saran: ['Jadwal pengangkutan sampah diumumkan di kelurahan', 'Usul bank sampah di setiap RW', 'Perlu penanaman pohon di sepanjang jalan'],
    pertanyaan: ['Jadwal truk sampah di lingkungan kami', 'Cara mengajukan tempat sampah untuk RT', 'Ke mana melaporkan pembuangan limbah ke sungai'],
    apresiasi: ['Petugas kebersihan pantai bekerja sangat rajin', 'Pengangkutan sampah sekarang tepat waktu', 'Bank sampah di kelurahan berjalan baik'],
    body: [
      'Tempat penampungan sementara sudah penuh dan berbau.',
      'Truk sampah tidak datang sejak Senin lalu.',
      'Warga sering tidak tahu kapan truk sampah datang.',
      'Sampah terbawa arus sungai sampai ke laut.',
      'Bau busuk tercium sampai ke rumah-rumah warga.',
      'Anak-anak bermain di dekat tumpukan sampah.',
      'Pantai sekarang jauh lebih bersih berkat petugas yang bekerja sejak pagi.',
    ],
  },
  perhubungan: {
    keluhan: [
      'Angkot tidak melewati trayek yang ditetapkan',
      'Tarif angkot dinaikkan sepihak',
      'Lampu lalu lintas mati',
      'Kemacetan parah di jam sekolah',
      'Halte rusak dan tidak ada atap',
      'Jadwal speedboat tidak menentu',
    ],
    saran: ['Rambu dilarang parkir di depan pasar', 'Usul zebra cross di depan sekolah', 'Usul bus sekolah gratis', 'Perlu petugas pengatur lalu lintas pada pagi hari'],
    pertanyaan: ['Tarif resmi angkot dalam kota', 'Cara mengurus izin trayek', 'Jadwal kapal ke Pulau Seram'],
    apresiasi: ['Petugas Dishub mengatur lalu lintas dengan baik', 'Terminal Mardika sekarang lebih tertib'],
    body: [
      'Angkot sering berbalik sebelum terminal sehingga penumpang harus berjalan jauh.',
      'Parkir liar membuat macet setiap pagi.',
      'Anak sekolah kesulitan menyeberang karena kendaraan melaju kencang.',
      'Sopir angkot meminta tarif lebih dari yang ditetapkan.',
      'Penumpang menunggu di pinggir jalan tanpa tempat berteduh.',
    ],
  },
  perizinan: {
    keluhan: ['Pengurusan izin usaha mikro berbelit', 'Izin mendirikan bangunan lama diproses', 'Sistem perizinan daring sering error'],
    saran: ['Usul pendampingan pengisian formulir izin daring', 'Perlu informasi biaya izin yang jelas'],
    pertanyaan: ['Syarat izin usaha mikro dan kecil', 'Berapa lama proses persetujuan bangunan gedung'],
    apresiasi: ['Pelayanan perizinan satu pintu sudah lebih cepat', 'Petugas membantu mengisi formulir izin daring'],
    body: [
      'Saya diminta bolak-balik ke tiga kantor untuk izin usaha kecil.',
      'Seharusnya cukup di satu pintu.',
      'Izin usaha saya selesai dalam tiga hari kerja.',
      'Tidak ada kejelasan biaya dan lama proses.',
    ],
  },
  keuangan: {
    keluhan: ['Tagihan pajak bumi dan bangunan salah luas tanah', 'Pembayaran retribusi pasar tanpa karcis', 'Denda pajak dikenakan padahal sudah membayar'],
    saran: ['Usul pembayaran pajak daerah lewat aplikasi', 'Perlu pengumuman jatuh tempo pajak'],
    pertanyaan: ['Cara membayar PBB secara daring', 'Syarat keringanan pajak bumi dan bangunan'],
    apresiasi: ['Pembayaran PBB di kantor pajak cepat'],
    body: [
      'Luas tanah di SPPT tidak sesuai sertifikat.',
      'Sudah melapor tetapi belum ada perbaikan.',
      'Petugas pasar menarik retribusi tanpa memberikan karcis.',
      'Kami ingin membayar tepat waktu tetapi informasinya kurang.',
    ],
  },
  kepegawaian: {
    keluhan: ['Pegawai bermain telepon saat melayani', 'Pegawai honorer melayani tanpa seragam dan tanda pengenal'],
    saran: ['Usul pelatihan pelayanan prima bagi ASN', 'Perlu penilaian kinerja pegawai oleh warga'],
    pertanyaan: ['Cara melaporkan perilaku pegawai yang tidak sopan'],
    apresiasi: ['ASN di loket pelayanan sangat profesional'],
    body: ['Pegawai tidak memperhatikan warga yang sedang antre.', 'Kami berharap ada pembinaan bagi pegawai yang melayani masyarakat.'],
  },
  kewilayahan: {
    keluhan: [
      'Surat keterangan di kantor kecamatan lama diproses',
      'Kantor kelurahan tutup pada jam kerja',
      'Lurah sulit ditemui',
      'Surat pengantar dipungut biaya',
    ],
    saran: ['Papan informasi layanan di kantor kecamatan', 'Usul pelayanan surat keterangan secara daring', 'Perlu musyawarah warga setiap bulan'],
    pertanyaan: ['Syarat surat keterangan domisili', 'Jam buka kantor kelurahan'],
    apresiasi: ['Pelayanan kantor kelurahan cepat dan ramah', 'Camat turun langsung menemui warga'],
    body: [
      'Surat keterangan domisili perlu seminggu.',
      'Petugas mengatakan pejabat yang menandatangani sedang dinas luar.',
      'Warga harus bolak-balik karena syarat tidak diumumkan.',
      'Kantor kelurahan sudah tutup pukul dua siang.',
    ],
  },
};

export const TIME_PHRASES = [
  'sejak tiga hari lalu',
  'sudah dua minggu',
  'setiap pagi',
  'sejak awal bulan',
  'hampir sebulan',
  'berulang kali',
  'setiap musim hujan',
  'sejak tahun lalu',
  'sejak Senin',
  'setiap akhir pekan',
];

export const PLACE_PHRASES = [
  'di depan Pasar Mardika',
  'dekat Terminal Mardika',
  'di Jl. A.Y. Patty',
  'di Jl. Sultan Babullah',
  'di lorong belakang gereja',
  'dekat Masjid Raya Al-Fatah',
  'di sekitar Gong Perdamaian',
  'di jalan menuju Pantai Natsepa',
  'dekat Lapangan Merdeka',
  'di kompleks perumahan',
  'di depan kantor kelurahan',
  'dekat Pelabuhan Yos Sudarso',
  'di Jl. Dr. Kayadoe',
  'di Jl. Diponegoro',
  'di tanjakan Karang Panjang',
  'dekat Jembatan Merah Putih',
];

export const IMPACT_SENTENCES = [
  'Warga sangat dirugikan karena harus datang berulang kali.',
  'Kondisi ini membahayakan anak-anak dan lansia.',
  'Kami sudah melapor ke ketua RT tetapi belum ada tindak lanjut.',
  'Banyak warga terpaksa mengeluarkan biaya tambahan.',
  'Pedagang di sekitar lokasi ikut terganggu.',
  'Hal ini sudah sering dikeluhkan di grup warga.',
  'Keadaan ini sudah berlangsung lama tanpa perbaikan.',
  'Kami khawatir akan terjadi kecelakaan.',
  'Warga lain di lingkungan kami mengalami hal yang sama.',
  'Tidak ada penjelasan dari petugas yang bertugas.',
];

export const REQUEST_SENTENCES = [
  'Mohon segera ditindaklanjuti.',
  'Mohon perhatian dari dinas terkait.',
  'Kami berharap ada kepastian waktu penyelesaian.',
  'Terima kasih atas perhatiannya.',
  'Mohon petugas turun langsung ke lapangan.',
  'Mohon ada pemberitahuan resmi kepada warga.',
  'Semoga pelayanan ke depan lebih baik.',
  'Kami siap membantu jika diperlukan.',
];

/** Rarer details: each appears in well under 1% of items, for selective searches. */
export const DETAIL_SENTENCES = [
  'Di lokasi ada talud yang retak.',
  'Jadwal speedboat ke Leihitu juga terganggu.',
  'Warga khawatir soal jalur evakuasi tsunami.',
  'Ada anjing liar dan warga takut rabies.',
  'Gorong-gorong di ujung jalan sudah ambruk.',
  'Hidran di dekat baileo tidak bisa dipakai.',
  'Nelayan tidak bisa menurunkan perahu di dermaga.',
  'Kebun cengkih dan pala warga ikut terdampak.',
  'Penjual papeda di pasar mengeluhkan hal yang sama.',
  'Ada warga pengguna kursi roda yang kesulitan lewat.',
  'Petugas tidak bisa berbahasa isyarat.',
  'Kapal feri dari Galala terlambat dua jam.',
  'Tiang listrik miring dan kabelnya menjuntai.',
  'Sumur warga ikut tercemar.',
  'Pohon sagu di tepi kali tumbang.',
  'Kasus stunting di lingkungan kami cukup banyak.',
  'Longsoran kecil menutup setengah badan jalan.',
  'Sasi di negeri kami sedang berlaku.',
  'Rumah ibadah di dekat lokasi juga terkena dampak.',
  'Ada jembatan gantung yang talinya mulai putus.',
];

export const OFFICER_NAMES = ['Bpk. Latuconsina', 'Ibu Pattinama', 'Bpk. Tuhumury', 'Ibu Sahetapy', 'Bpk. Marasabessy', 'Ibu Wattimena', 'Bpk. Tanasale', 'Ibu Soumokil'];

/**
 * How often feedback lands on each unit, relative (default 1). Population services and
 * streets get most of it; small offices little.
 */
export const UNIT_WEIGHTS: Record<string, number> = {
  Disdukcapil: 14,
  'Dinas PUPR': 14,
  DLHP: 11,
  Dishub: 7,
  Dindik: 6,
  Dinsos: 6,
  'Satpol PP': 5,
  Dinkes: 4,
  'Dinas PRKP': 4,
  DPMPTSP: 3,
  BPPRD: 3,
  Damkar: 1.5,
  BPBD: 1.5,
  'Kecamatan Sirimau': 3,
  'Kecamatan Nusaniwe': 2.5,
  'Kecamatan Teluk Ambon Baguala': 2,
  'Kecamatan Teluk Ambon': 1.5,
  'Kecamatan Leitimur Selatan': 0.8,
  Setda: 0.6,
  Setwan: 0.3,
  Inspektorat: 0.4,
  BKPSDM: 0.8,
  Kesbangpol: 0.3,
};
/** Puskesmas get this weight each. */
export const PUSKESMAS_WEIGHT = 0.8;

/** Share of feedback per kecamatan (by Kemendagri code), roughly by population. */
export const KECAMATAN_WEIGHTS: Record<string, number> = {
  '81.71.01': 0.25, // Nusaniwe
  '81.71.02': 0.35, // Sirimau
  '81.71.03': 0.2, // Teluk Ambon Baguala
  '81.71.04': 0.14, // Teluk Ambon
  '81.71.05': 0.06, // Leitimur Selatan
};

/**
 * Words the search scenario rotates through, with a label of how common we expect them to be
 * (the run reports the real match counts).
 */
export const SEARCH_TERMS: { q: string; label: string }[] = [
  { q: 'jalan', label: 'common' },
  { q: 'sampah', label: 'common' },
  { q: 'petugas', label: 'common' },
  { q: 'pelayanan', label: 'common (stemmed: layan)' },
  { q: 'puskesmas', label: 'common' },
  { q: 'antrean', label: 'common' },
  { q: 'mohon', label: 'very common' },
  { q: 'drainase', label: 'medium' },
  { q: 'blangko', label: 'medium' },
  { q: 'angkot', label: 'medium' },
  { q: 'bantuan sosial', label: 'medium, two words' },
  { q: 'obat', label: 'medium' },
  { q: 'lampu jalan mati', label: 'medium, three words' },
  { q: '"akta kelahiran"', label: 'phrase' },
  { q: 'melayani', label: 'stemmed' },
  { q: 'talud', label: 'rare' },
  { q: 'speedboat', label: 'rare' },
  { q: 'rabies', label: 'rare' },
  { q: 'Hukurila', label: 'rare (area name)' },
  { q: 'Latuconsina', label: 'rare (officer name)' },
  { q: 'kapibara', label: 'no match' },
  { q: 'sampah -pantai', label: 'negation' },
];
