/**
 * Strings of the request guard (src/server/http/request-guard.ts): answers to requests refused
 * before any page runs. Indonesian (the source of the keys) and English.
 */
export const securityId = {
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
} as const;

export const securityEn: Record<keyof typeof securityId, string> = {
  'guard.badRequest.title': 'The request could not be processed',
  'guard.control': 'A field, the address or a file name contains a control character (such as NUL) that is not allowed. Remove it and try again.',
  'guard.date': 'The date or month "{value}" does not exist in the calendar. Write dates as YYYY-MM-DD and months as YYYY-MM.',
  'guard.notForm': 'The body of the request is not a form that can be read. Send the form from a page of this site.',
  'guard.unsupportedType': 'This page accepts forms only (application/x-www-form-urlencoded or multipart/form-data).',
  'guard.crossOrigin.title': 'Request from another site refused',
  'guard.crossOrigin': "Changes can only be sent from Baku Dengar's own pages. Open this page on the Baku Dengar site and send it again.",
  'guard.unavailable.title': 'Service temporarily unavailable',
  'guard.unavailable': 'The database cannot be reached right now. Try again in a moment; nothing you sent earlier is lost.',
  'guard.backHome': 'Back to the home page',
};
