/**
 * Strings of the request guard (src/server/http/request-guard.ts): answers to requests refused
 * before any page runs; and of sign-up by emailed link (/daftar, src/server/accounts/service.ts),
 * whose answer does not tell whether an address is registered. Indonesian (the source of the
 * keys) and English.
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
  'auth.signUp.sent.title': 'Periksa surel Anda',
  'auth.signUp.sent':
    'Kami sudah mengirim surel ke alamat yang Anda tulis. Buka tautan di dalamnya dalam 24 jam untuk menyelesaikan pendaftaran. Jika surel belum tiba dalam beberapa menit, periksa folder spam.',
  'auth.signUp.confirm.title': 'Aktifkan akun warga',
  'auth.signUp.confirm.lead': 'Akun warga atas nama {name} dengan alamat surel {email} akan dibuat, dan Anda langsung masuk.',
  'auth.signUp.confirm.submit': 'Aktifkan akun',
  'email.signUp.subject': 'Selesaikan pendaftaran akun Baku Dengar',
  'email.signUp.body':
    'Halo {name},\n\nSeseorang (semoga Anda) mendaftarkan alamat surel ini di Baku Dengar. Untuk membuat akun, buka tautan berikut dalam 24 jam:\n\n{link}\n\nJika Anda tidak mendaftar, abaikan surel ini; tidak ada akun yang dibuat.',
  'email.signUpExists.subject': 'Anda sudah punya akun Baku Dengar',
  'email.signUpExists.body':
    'Halo {name},\n\nSeseorang (semoga Anda) mencoba mendaftar di Baku Dengar dengan alamat surel ini, padahal alamat ini sudah punya akun. Tidak ada akun baru yang dibuat.\n\nMasuk: {signIn}\nLupa kata sandi? Atur ulang di sini: {reset}\n\nJika bukan Anda yang mencoba mendaftar, abaikan surel ini; akun Anda tidak berubah.',
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
  'auth.signUp.sent.title': 'Check your email',
  'auth.signUp.sent':
    'We have sent an email to the address you gave. Open the link in it within 24 hours to finish signing up. If no email arrives within a few minutes, look in your spam folder.',
  'auth.signUp.confirm.title': 'Activate your resident account',
  'auth.signUp.confirm.lead': 'A resident account for {name} with the email address {email} will be created, and you will be signed in.',
  'auth.signUp.confirm.submit': 'Activate account',
  'email.signUp.subject': 'Finish creating your Baku Dengar account',
  'email.signUp.body':
    'Hello {name},\n\nSomeone (hopefully you) signed up at Baku Dengar with this email address. To create the account, open this link within 24 hours:\n\n{link}\n\nIf you did not sign up, ignore this email; no account is created.',
  'email.signUpExists.subject': 'You already have a Baku Dengar account',
  'email.signUpExists.body':
    'Hello {name},\n\nSomeone (hopefully you) tried to sign up at Baku Dengar with this email address, which already has an account. No new account was created.\n\nSign in: {signIn}\nForgot your password? Reset it here: {reset}\n\nIf it was not you, ignore this email; your account has not changed.',
};
