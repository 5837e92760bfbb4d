import v8 from 'node:v8';
import type { PGlite } from '@electric-sql/pglite';

/** What the Kysely driver asks of the embedded database, in-process or across a thread. */
export type EngineOp = 'query' | 'begin' | 'commit' | 'rollback' | 'release';

export interface EngineResult {
  rows: unknown[];
  affectedRows?: number;
}

export const DATE_OID = 1082;

/**
 * Opens PGlite the way the app needs it: persisted in `dir` (in memory when undefined), pg_trgm
 * and btree_gin loaded, DATE columns as 'YYYY-MM-DD' strings (see ./index.ts). Used on the main thread and
 * inside the worker (./pglite-worker.ts), so it imports nothing from the app.
 */
export async function openPGlite(dir: string | undefined): Promise<PGlite> {
  baselineWasmOnly();
  const { PGlite } = await import('@electric-sql/pglite');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const { btree_gin } = await import('@electric-sql/pglite/contrib/btree_gin');
  // The options object form: with a positional undefined dataDir, PGlite ignores its options.
  const pglite = new PGlite({ dataDir: dir, extensions: { pg_trgm, btree_gin }, parsers: { [DATE_OID]: (v: string) => v } });
  await pglite.waitReady;
  return pglite;
}

/**
 * PGlite's postgres is one 9 MB WebAssembly module. V8 first compiles it with its baseline
 * compiler (Liftoff), then recompiles the functions that get hot with its optimizing compiler
 * (TurboFan) on background threads, and that recompilation (postgres's big functions: the
 * parser, the executor's interpreter) needs about 500 MB of transient memory within the first
 * seconds: on the city data set (bench/embedded.ts) the process peaked at ~910-970 MB with it
 * and at ~300 MB idle, 555-651 MB under load, without it (the budget is 768 MB), for ~1-1.5 ms
 * more CPU per board or search request (8.7-9.2 ms against 7.3-8.2: rendering dominates;
 * bench/results/2026-12-05-embedded-city-helper.md). So the embedded database runs on
 * baseline code only. The flags are process-wide and read when a
 * WebAssembly module is compiled, so they are set before PGlite compiles its module (V8 calls
 * changing flags after start-up unsupported in general; these take effect, as the benchmark
 * shows). Other WebAssembly in the process would run on baseline code too (correct, slower);
 * the server has none where it matters (argon2 is a native addon).
 */
function baselineWasmOnly(): void {
  v8.setFlagsFromString('--liftoff-only');
  v8.setFlagsFromString('--no-wasm-tier-up');
  v8.setFlagsFromString('--no-wasm-dynamic-tiering');
}

interface Job {
  session: number;
  op: EngineOp;
  sql: string;
  params: readonly unknown[];
  resolve: (r: EngineResult) => void;
  reject: (e: unknown) => void;
}

const EMPTY: EngineResult = { rows: [] };

/**
 * Runs statements on one PGlite instance for many logical sessions. PGlite is a single
 * connection, so a transaction must own it from BEGIN to COMMIT/ROLLBACK: while a session
 * has a transaction open, statements of other sessions wait in arrival order and run after
 * it ends; everything else runs one statement at a time in arrival order. (Kysely's own
 * PGlite driver shares one connection object between all callers, so a query issued by
 * another request while a transaction is open would run inside that transaction.)
 */
export class PGliteEngine {
  readonly #pglite: PGlite;
  readonly #queue: Job[] = [];
  #busy = false;
  #owner: number | null = null;
  #idle: (() => void)[] = [];
  #closing = false;

  constructor(pglite: PGlite) {
    this.#pglite = pglite;
  }

  submit(session: number, op: EngineOp, sql: string, params: readonly unknown[]): Promise<EngineResult> {
    if (this.#closing && session !== this.#owner) return Promise.reject(new Error('the embedded database is closing'));
    return new Promise((resolve, reject) => {
      this.#queue.push({ session, op, sql, params, resolve, reject });
      this.#pump();
    });
  }

  /**
   * Lets the running statement (and the open transaction's queued ones) finish, refuses the
   * rest, rolls back a transaction left open, then closes PGlite (flushing it to disk). The
   * server closes the database after its requests have ended; what is still queued then
   * belongs to requests whose clients gave up, and must not hold up the shutdown.
   */
  async close(): Promise<void> {
    this.#closing = true;
    for (let i = this.#queue.length - 1; i >= 0; i--) {
      const job = this.#queue[i]!;
      if (job.session === this.#owner) continue;
      this.#queue.splice(i, 1);
      job.reject(new Error('the embedded database is closing'));
    }
    if (this.#busy || this.#queue.length) await new Promise<void>((r) => this.#idle.push(r));
    if (this.#owner !== null) await this.#pglite.query('rollback').catch(() => {});
    if (!this.#pglite.closed) await this.#pglite.close();
  }

  #pump(): void {
    if (this.#busy) return;
    const owner = this.#owner;
    const i = owner === null ? (this.#queue.length ? 0 : -1) : this.#queue.findIndex((j) => j.session === owner);
    if (i < 0) {
      if (!this.#queue.length) for (const r of this.#idle.splice(0)) r();
      return;
    }
    const job = this.#queue.splice(i, 1)[0]!;
    this.#busy = true;
    this.#run(job).then(job.resolve, job.reject).finally(() => {
      this.#busy = false;
      this.#pump();
    });
  }

  async #run(job: Job): Promise<EngineResult> {
    switch (job.op) {
      case 'begin': {
        const r = await this.#query(job.sql, []);
        this.#owner = job.session;
        return r;
      }
      case 'commit':
      case 'rollback':
        try {
          return await this.#query(job.sql, []);
        } finally {
          if (this.#owner === job.session) this.#owner = null;
        }
      case 'release':
        // A session given back with its transaction still open (never by Kysely's own flow):
        // roll it back rather than leave every other session waiting.
        if (this.#owner === job.session) {
          this.#owner = null;
          await this.#pglite.query('rollback');
        }
        return EMPTY;
      default:
        return this.#query(job.sql, job.params);
    }
  }

  async #query(sql: string, params: readonly unknown[]): Promise<EngineResult> {
    const r = await this.#pglite.query(sql, params as unknown[], { rowMode: 'object' });
    return { rows: r.rows, affectedRows: r.affectedRows };
  }
}
