import { LRUCache } from 'lru-cache';
import type { Db } from './index.ts';
import { changeFeedOf, type ChangeFeed } from './changes.ts';

/**
 * Reads that public pages repeat for every visitor (a board page, the forum list, a unit's
 * scorecard), kept in this process's memory until the content may have changed.
 *
 * Contract:
 * - An entry is served only while the database's ChangeFeed (./changes.ts) is live and its
 *   epoch is the one taken *before* the read started: any content write committed since, by
 *   this process or (PostgreSQL) another one, makes every entry stale. A write committed while
 *   the read ran makes it stale as well, so a read never outlives a change it may have missed.
 * - And only for `ttlMs` (default READ_CACHE_TTL_MS) after the read: what depends on the clock
 *   rather than on writes (a forum that has ended, an item that has become overdue) is at most
 *   that late, and so is a change that reached the database by a path the feed does not see.
 * - Only what is the same for every visitor may be cached, under a key that names the use case
 *   and every argument the result depends on.
 * - Values are frozen (deeply): callers share them and must not change them.
 * - Inside a transaction (`trx` is not the root handle) or without a feed (READ_CACHE=off,
 *   scripts, benchmarks of the database path) every call reads the database.
 * Concurrent misses of one key share one read. A failed read is not kept.
 */
export const READ_CACHE_TTL_MS = 30_000;
/** Entries per database handle; the least recently used go first. A board page is ~10–20 kB. */
export const READ_CACHE_MAX_ENTRIES = 2000;

interface Entry {
  epoch: number;
  at: number;
  value: Promise<unknown>;
}

const CACHES = Symbol.for('baku-dengar.read-caches');

function cacheOf(db: Db): LRUCache<string, Entry> {
  const g = globalThis as { [CACHES]?: WeakMap<Db, LRUCache<string, Entry>> };
  const all = (g[CACHES] ??= new WeakMap());
  let cache = all.get(db);
  if (!cache) all.set(db, (cache = new LRUCache<string, Entry>({ max: READ_CACHE_MAX_ENTRIES })));
  return cache;
}

function fresh(feed: ChangeFeed, e: Entry, now: number, ttlMs: number): boolean {
  // A clock set back makes an entry look younger than it is: read again rather than keep it.
  return e.epoch === feed.epoch && now >= e.at && now - e.at < ttlMs;
}

/** `load()`'s value, from memory when a read of `key` since the last change is kept (see above). */
export function cachedRead<T>(db: Db, key: string, load: () => Promise<T>, opts: { ttlMs?: number } = {}): Promise<T> {
  const feed = changeFeedOf(db);
  if (!feed?.live) return load();
  const ttlMs = opts.ttlMs ?? READ_CACHE_TTL_MS;
  const cache = cacheOf(db);
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && fresh(feed, hit, now, ttlMs)) return hit.value as Promise<T>;
  const entry: Entry = { epoch: feed.epoch, at: now, value: load().then(deepFreeze) };
  cache.set(key, entry);
  entry.value.catch(() => {
    if (cache.get(key) === entry) cache.delete(key);
  });
  return entry.value as Promise<T>;
}

/**
 * Whether `now`, given to a use case, is the present (within a second): only then may a
 * clock-dependent read be cached under a key without the moment.
 */
export function isPresent(now: Date): boolean {
  return Math.abs(now.getTime() - Date.now()) < 1000;
}

/** Drops every entry of `db` (tests; a process that wants to start cold). */
export function clearReadCache(db: Db): void {
  cacheOf(db).clear();
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v) && !ArrayBuffer.isView(v)) {
    Object.freeze(v);
    if (v instanceof Map) {
      for (const [k, x] of v) {
        deepFreeze(k);
        deepFreeze(x);
      }
    }
    else if (v instanceof Set) for (const x of v) deepFreeze(x);
    else if (!(v instanceof Date)) for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}
