/**
 * Forums strings, Indonesian (the source of the keys) and English. Spread into the main
 * dictionaries in id.ts and en.ts; the English object must define every key.
 */
export const forumsId = {
  'nav.forums': 'Forum dialog',
} as const;

export const forumsEn: Record<keyof typeof forumsId, string> = {
  'nav.forums': 'Dialogue forums',
};
