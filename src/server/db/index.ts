import fs from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, type Dialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';
import { log } from '../log.ts';
import { ChangeFeed, ChangeTrackingDialect, listenForChanges, registerChangeFeed } from './changes.ts';
import { EngineDialect, type EngineBackend } from './pglite-driver.ts';
import { DATE_OID, openPGlite, PGliteEngine } from './pglite-engine.ts';
import { pgliteWorkerFile, startPGliteThread } from './pglite-thread.ts';

export type Db = Kysely<Database>;
export type DbKind = 'postgres' | 'pglite';
/** Where the embedded database runs: on the main thread, or in a worker thread beside it. */
export type PgliteMode = 'main' | 'worker';
export const PGLITE_MODES: readonly PgliteMode[] = ['main', 'worker'];
export const DEFAULT_PGLITE_MODE: PgliteMode = 'worker';

export interface DbHandle {
  db: Db;
  kind: DbKind;
  /** Closes the pool or the embedded database (and releases its data-dir lock). */
  close(): Promise<void>;
}

// Both drivers return the same JavaScript types: bigint ids and counts as numbers (they stay
// far below 2^53), and calendar dates (DATE) as 'YYYY-MM-DD' strings, never shifted by a
// time zone.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(DATE_OID, (v) => v);

/**
 * Opens the database: a pg.Pool when `databaseUrl` is set, otherwise an embedded PGlite
 * persisted in `dataDir/pglite` (or in memory when `dataDir` is null, for tests), run on the
 * main thread or in a worker thread (`pgliteMode`, else PGLITE_MODE, else the default).
 * With `readCache`, the handle gets a ChangeFeed (./changes.ts), which lets ./read-cache.ts keep
 * reads in memory; on PostgreSQL that opens one more connection, which listens for the writes
 * of other processes.
 */
export async function openDb(opts: { databaseUrl?: string; dataDir: string | null; poolSize?: number; pgliteMode?: PgliteMode; readCache?: boolean }): Promise<DbHandle> {
  // The embedded database has no other writer than this process: its feed is live at once.
  const feed = opts.readCache ? new ChangeFeed(!opts.databaseUrl) : null;
  const tracked = (d: Dialect): Dialect => (feed ? new ChangeTrackingDialect(d, feed) : d);
  const withFeed = (db: Db) => {
    if (feed) registerChangeFeed(db, feed);
    return db;
  };
  if (opts.databaseUrl) {
    // Idle connections stay open for 5 minutes (pg's default is 10 s): a new one costs 5–15 ms
    // to open and its first board query 5–15 ms more while the backend loads the catalog
    // entries of feedback's indexes (measured on a million items), so closing them between
    // bursts of traffic put that on the next burst's requests.
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10, idleTimeoutMillis: 300_000 });
    // An idle connection dropped by the server (restart, failover) must not crash the process:
    // the pool discards it and opens a new one on the next query.
    pool.on('error', (e) => log.warn('idle database connection lost', { error: e.message }));
    // A connection checked out by a request or a transaction can be ended by the server too
    // (`pg_ctl stop`: 57P01). pg then emits 'error' on the client, and an 'error' event
    // without a listener ends the process. The query in flight rejects on its own (the
    // request answers 503, see src/server/http/db-unavailable.ts); the pool drops the
    // broken client when it is released.
    pool.on('connect', (client) => {
      client.on('error', (e) => log.warn('database connection lost', { error: e.message, code: (e as { code?: string }).code }));
    });
    const db = withFeed(new Kysely<Database>({ dialect: tracked(new PostgresDialect({ pool })) }));
    const stopListening = feed ? listenForChanges(opts.databaseUrl, feed) : async () => {};
    return {
      db,
      kind: 'postgres',
      close: async () => {
        await stopListening();
        await db.destroy();
      },
    };
  }
  let release = () => {};
  let dir: string | undefined;
  if (opts.dataDir) {
    dir = path.join(opts.dataDir, 'pglite');
    fs.mkdirSync(dir, { recursive: true });
    release = lockDataDir(opts.dataDir);
  }
  let mode = opts.pgliteMode ?? pgliteModeFromEnv(process.env.PGLITE_MODE);
  if (mode === 'worker' && !pgliteWorkerFile()) {
    log.warn('the embedded database thread is not available in this build; running it on the main thread');
    mode = 'main';
  }
  let backend: EngineBackend;
  try {
    if (mode === 'worker') backend = await startPGliteThread(dir);
    else {
      const engine = new PGliteEngine(await openPGlite(dir));
      backend = { submit: (...a) => engine.submit(...a), close: () => engine.close() };
    }
  } catch (e) {
    release();
    throw e;
  }
  const db = withFeed(new Kysely<Database>({ dialect: tracked(new EngineDialect(backend)) }));
  return {
    db,
    kind: 'pglite',
    close: async () => {
      // Statements already sent finish, then PGlite flushes and closes (also when Kysely never
      // initialised its driver, whose destroy would then do nothing).
      await db.destroy();
      await backend.close();
      release();
    },
  };
}

/** PGLITE_MODE as the config validates it (src/server/config.ts); unset means the default. */
export function pgliteModeFromEnv(v: string | undefined): PgliteMode {
  if (!v) return DEFAULT_PGLITE_MODE;
  if (!(PGLITE_MODES as readonly string[]).includes(v)) throw new Error(`PGLITE_MODE must be one of ${PGLITE_MODES.join(', ')}`);
  return v as PgliteMode;
}

/**
 * The embedded database is a single-process store: a second process opening the same
 * folder would corrupt it. A pid file, created exclusively, refuses that with a clear message.
 * A pid file left by a process that is gone (killed, or the forced exit after a shutdown that
 * took too long) is taken over. The file is removed on close and, as a last resort, when the
 * process exits by any other path (process.exit included); only a kill -9 or a crash of the
 * machine leaves it behind, and the next start takes it over as above.
 */
export function lockDataDir(dataDir: string): () => void {
  const lockFile = path.join(dataDir, 'pglite.pid');
  const own = String(process.pid);
  for (let attempt = 0; ; attempt++) {
    try {
      fs.writeFileSync(lockFile, own, { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let holder: string;
    try {
      holder = fs.readFileSync(lockFile, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue; // released meanwhile
      throw e;
    }
    const pid = Number(holder);
    if (holder === own) break; // this process, reopening after a close that did not release
    // An empty file is another process between creating and writing it (in use), unless it is
    // older than that takes.
    const starting = !holder && Date.now() - fs.statSync(lockFile).mtimeMs < 10_000;
    if (starting || (pid && isAlive(pid)) || attempt >= 3) {
      throw new Error(
        `The embedded database in ${dataDir} is in use by process ${holder || '(starting)'}. ` +
          'Stop that process first, or set DATABASE_URL to use a PostgreSQL server that several processes can share.',
      );
    }
    fs.rmSync(lockFile, { force: true });
  }
  const release = () => {
    process.off('exit', release);
    try {
      if (fs.readFileSync(lockFile, 'utf8') === own) fs.unlinkSync(lockFile);
    } catch {
      /* already gone */
    }
  };
  process.on('exit', release);
  return release;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
