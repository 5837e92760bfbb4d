/**
 * The URL to link a file of public/ by: its content-hashed copy in a build (cached for a
 * year, see src/build/hashed-assets.ts), the file itself in `astro dev` and tests.
 */
declare const __HASHED_ASSETS__: Record<string, string> | undefined;

const map: Record<string, string> = typeof __HASHED_ASSETS__ === 'object' && __HASHED_ASSETS__ ? __HASHED_ASSETS__ : {};

export function asset(url: string): string {
  return map[url] ?? url;
}
