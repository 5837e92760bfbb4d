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
  'event.assignedTo': 'Diteruskan ke {unit}',
  'event.officerTo': 'Diserahkan kepada petugas {name}',
  'event.officerNone': 'Ditarik dari petugas penanggung jawab',
  'officer.label': 'Petugas penanggung jawab',
  'officer.none': 'Belum ada',
  'officer.submit': 'Serahkan',
  'officer.done': 'Petugas penanggung jawab disimpan.',
  'officer.takenBack': 'Tidak diserahkan kepada siapa pun',
  'officer.filter': 'Petugas',
  'officer.filter.all': 'Semua',
  'officer.filter.mine': 'Untuk saya',
  'officer.filter.none': 'Belum diserahkan',
  'officer.col': 'Petugas',
  'officer.record': 'Masukan yang diserahkan kepadanya: {assigned}, sudah dijawab: {answered}',
  'err.officerNotInUnit': 'Pilih petugas aktif dari unit masukan ini.',
  'email.officer.subject': 'Masukan diserahkan kepada Anda',
  'email.officer.body': '{by} menyerahkan masukan "{title}" ({unit}) kepada Anda untuk ditangani.\n\nBuka: {link}',
};

export const everydayEn: Record<keyof typeof everydayId, string> = {
  'mine.title': 'My feedback no. {id}',
  'mine.private': 'Your private page: only you see it, no tracking code needed.',
  'mine.publicPage': 'See its public page.',
  'mine.rejectReason': 'Reason for rejection',
  'mine.open': 'Open',

  'event.officer': 'Responsible officer changed',
  'event.assignedTo': 'Forwarded to {unit}',
  'event.officerTo': 'Given to officer {name}',
  'event.officerNone': 'Taken back from the responsible officer',
  'officer.label': 'Responsible officer',
  'officer.none': 'Nobody yet',
  'officer.submit': 'Give',
  'officer.done': 'Responsible officer saved.',
  'officer.takenBack': 'Not given to anyone',
  'officer.filter': 'Officer',
  'officer.filter.all': 'All',
  'officer.filter.mine': 'Mine',
  'officer.filter.none': 'Not given to anyone',
  'officer.col': 'Officer',
  'officer.record': 'Feedback given to them: {assigned}, answered: {answered}',
  'err.officerNotInUnit': 'Choose an active officer of this feedback\'s unit.',
  'email.officer.subject': 'Feedback given to you',
  'email.officer.body': '{by} gave you the feedback "{title}" ({unit}) to handle.\n\nOpen: {link}',
};
