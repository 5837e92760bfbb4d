/**
 * Coaching strings, Indonesian (the source of the keys) and English. Spread into the main
 * dictionaries in id.ts and en.ts; the English object must define every key.
 */
export const coachingId = {
  'nav.coaching': 'Pembinaan',
  'nav.myCoaching': 'Pembinaan saya',
} as const;

export const coachingEn: Record<keyof typeof coachingId, string> = {
  'nav.coaching': 'Coaching',
  'nav.myCoaching': 'My coaching',
};
