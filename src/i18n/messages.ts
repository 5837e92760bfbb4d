/**
 * The shape of a translation: exactly the keys of the Indonesian dictionary it translates, each a
 * string. `export const en: Messages<typeof id> = {…}` in a domain's en.ts makes a missing key, an
 * extra key or a misspelt one a compile error.
 */
export type Messages<Source> = { readonly [K in keyof Source]: string };
