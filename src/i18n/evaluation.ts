/**
 * Evaluation strings, Indonesian (the source of the keys) and English. Spread into the main
 * dictionaries in id.ts and en.ts; the English object must define every key.
 */
export const evaluationId = {
  'nav.evaluation': 'Evaluasi',
} as const;

export const evaluationEn: Record<keyof typeof evaluationId, string> = {
  'nav.evaluation': 'Evaluation',
};
