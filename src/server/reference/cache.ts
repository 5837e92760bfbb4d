import type { Db } from '../db/index.ts';

/**
 * Reference data (units, areas, and what is derived from them only) kept in each process's
 * memory, so that public pages do not read it from the database on every view.
 *
 * Staleness contract: units and areas are written by one path only, `seedReferenceData`
 * (db/seeds, when a process starts); there is no edit screen for them. The process that writes
 * them drops its cached copies at once (`invalidateReferenceData`, called after the seed's
 * transaction); any other process on the same database (several app processes behind nginx)
 * reads them again at most `REFERENCE_TTL_MS` after it last loaded them. A load that failed is
 * not kept. Whatever is cached here must be derived from units and areas alone: a new place
 * that writes them must call `invalidateReferenceData` after its commit.
 *
 * Entries are per database handle (a test's database never sees another's) and kept on
 * globalThis: the Node entry point (server/main.ts, which runs the seed) and the bundled Astro
 * server load separate copies of this module but must share one cache.
 */
export const REFERENCE_TTL_MS = 60_000;

interface Entry {
  at: number;
  value: Promise<unknown>;
}

const CACHE_KEY = Symbol.for('baku-dengar.reference-cache');

function entriesOf(db: Db): Map<string, Entry> {
  const g = globalThis as { [CACHE_KEY]?: WeakMap<Db, Map<string, Entry>> };
  const all = (g[CACHE_KEY] ??= new WeakMap());
  let entries = all.get(db);
  if (!entries) all.set(db, (entries = new Map()));
  return entries;
}

/**
 * The value `load` resolves to for `db`, loaded at most once per `REFERENCE_TTL_MS` per process
 * (concurrent callers share one load). `name` identifies what is loaded; one name, one loader.
 */
export function cachedReference<T>(db: Db, name: string, load: (db: Db) => Promise<T>): Promise<T> {
  const entries = entriesOf(db);
  const now = Date.now();
  const hit = entries.get(name);
  // A clock set back makes an entry look younger than it is: reload rather than keep it longer.
  if (hit && now >= hit.at && now - hit.at < REFERENCE_TTL_MS) return hit.value as Promise<T>;
  const entry: Entry = { at: now, value: load(db) };
  entries.set(name, entry);
  entry.value.catch(() => {
    if (entries.get(name) === entry) entries.delete(name);
  });
  return entry.value as Promise<T>;
}

/** Drops this process's cached reference data for `db` (every handle when none is given). */
export function invalidateReferenceData(db?: Db): void {
  const g = globalThis as { [CACHE_KEY]?: WeakMap<Db, Map<string, Entry>> };
  if (!db) delete g[CACHE_KEY];
  else g[CACHE_KEY]?.delete(db);
}
