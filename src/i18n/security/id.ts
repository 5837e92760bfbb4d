/**
 * The request guard (src/server/http/request-guard.ts): answers to requests refused before any
 * page runs.
 * Indonesian: the source of the keys (security/en.ts must define exactly these).
 */
export const id = {
  'guard.badRequest.title': 'Permintaan tidak dapat diproses',
  'guard.control': 'Isian, alamat atau nama berkas memuat karakter kendali (misalnya NUL) yang tidak diizinkan. Hapus karakter itu lalu coba lagi.',
  'guard.date': 'Tanggal atau bulan "{value}" tidak ada di kalender. Tulis tanggal sebagai TTTT-BB-HH dan bulan sebagai TTTT-BB.',
  'guard.notForm': 'Isi permintaan bukan formulir yang dapat dibaca. Kirim formulir dari halaman situs ini.',
  'guard.unsupportedType': 'Halaman ini hanya menerima formulir (application/x-www-form-urlencoded atau multipart/form-data).',
  'guard.crossOrigin.title': 'Permintaan dari situs lain ditolak',
  'guard.crossOrigin': 'Perubahan hanya dapat dikirim dari halaman Baku Dengar sendiri. Buka halaman ini di situs Baku Dengar lalu kirim lagi.',
  'guard.unavailable.title': 'Layanan sementara tidak tersedia',
  'guard.unavailable': 'Basis data sedang tidak dapat dihubungi. Coba lagi sebentar lagi; yang sudah Anda kirim sebelumnya tidak hilang.',
  'guard.backHome': 'Kembali ke beranda',
};
