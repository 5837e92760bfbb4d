/**
 * Everyday-use strings (one's own feedback, officers within a unit, bulk triage, staff
 * invitations), Indonesian (the source of the keys) and English. Spread into id.ts and en.ts.
 */
export const everydayId = {
  'mine.title': 'Masukan saya no. {id}',
  'mine.private': 'Halaman pribadi Anda: hanya Anda yang melihatnya, tanpa kode pelacakan.',
  'mine.publicPage': 'Lihat halaman publiknya.',
  'mine.rejectReason': 'Alasan ditolak',
  'mine.open': 'Buka',

  'event.officer': 'Petugas penanggung jawab diganti',
};

export const everydayEn: Record<keyof typeof everydayId, string> = {
  'mine.title': 'My feedback no. {id}',
  'mine.private': 'Your private page: only you see it, no tracking code needed.',
  'mine.publicPage': 'See its public page.',
  'mine.rejectReason': 'Reason for rejection',
  'mine.open': 'Open',

  'event.officer': 'Responsible officer changed',
};
