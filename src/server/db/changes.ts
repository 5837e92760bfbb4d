import {
  type CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import pg from 'pg';
import { log } from '../log.ts';

/**
 * Knowing when the data that public pages show may have changed, so that a process can keep
 * what it read (./read-cache.ts) until then.
 *
 * A `ChangeFeed` has an `epoch` that moves whenever the content may have changed:
 * - a statement of this process wrote a content table (one that is not in CHURN_TABLES):
 *   at once after an autocommitted statement, at the commit of a transaction
 *   (`ChangeTrackingDialect`, which sees every statement of the Kysely instance);
 * - another process committed such a write (PostgreSQL only): every content table has a
 *   trigger that calls `pg_notify('bd_content', '')` (migration 2026-12-05T130000), and each
 *   process LISTENs on a connection of its own. The embedded database is one process's alone,
 *   so its feed needs no listener.
 * While the listener is not connected (starting, or its connection lost) the feed is not
 * `live` and nothing may be served from memory; it moves the epoch on each loss and on each
 * reconnection, so nothing read before is trusted after.
 *
 * Not seen: writes made by a function called from a SELECT (none in this codebase) on the
 * embedded database. Readers bound their trust by a time-to-live as well (read-cache.ts).
 */
export const CONTENT_CHANNEL = 'bd_content';

/**
 * Tables written often and never shown on the cached pages: their writes do not move the epoch
 * and they have no notifying trigger. A table added by a migration is content unless listed
 * here (its migration adds the trigger; tests/integration/read-cache.test.ts checks the two
 * agree).
 */
export const CHURN_TABLES: ReadonlySet<string> = new Set([
  'sessions',
  'rate_limits',
  'audit_log',
  'outbox',
  'job_runs',
  'password_tokens',
  'alert_tokens',
  'alert_events',
  'alert_items',
  'api_keys',
  'open311_tokens',
  'whatsapp_inbox',
  'whatsapp_contacts',
  'sign_up_requests',
  'kysely_migration',
  'kysely_migration_lock',
]);

export class ChangeFeed {
  #epoch = 0;
  #live: boolean;
  #waiters: Array<() => void> = [];
  #tokens = new Map<string, () => void>();
  constructor(live: boolean) {
    this.#live = live;
  }
  /** Moves on every change that may concern what was read (see above). */
  get epoch(): number {
    return this.#epoch;
  }
  /** False while changes by other processes could go unseen: read from the database then. */
  get live(): boolean {
    return this.#live;
  }
  changed(): void {
    this.#epoch++;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
  setLive(live: boolean): void {
    this.#live = live;
    this.changed();
  }
  /** Resolves at the next change (tests and tools: "another process wrote; wait until it is seen"). */
  nextChange(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
  /**
   * A notification on CONTENT_CHANNEL. A `sync:<token>` payload carries no change: a process sends
   * one (`select pg_notify('bd_content', 'sync:…')`) to learn, when it comes back, that every
   * notification committed before it has been heard (notifications arrive in commit order).
   */
  heard(payload: string): void {
    if (!payload.startsWith('sync:')) return this.changed();
    this.#tokens.get(payload)?.();
    this.#tokens.delete(payload);
  }
  /** Resolves when the `sync:` notification `token` is heard (see `heard`). */
  whenHeard(token: string): Promise<void> {
    return new Promise((resolve) => this.#tokens.set(token, resolve));
  }
}

const FEEDS = Symbol.for('baku-dengar.change-feeds');

/** The feed of a root database handle (not of a transaction); undefined when it has none. */
export function changeFeedOf(db: Kysely<any>): ChangeFeed | undefined {
  return (globalThis as { [FEEDS]?: WeakMap<object, ChangeFeed> })[FEEDS]?.get(db);
}

export function registerChangeFeed(db: Kysely<any>, feed: ChangeFeed): void {
  const g = globalThis as { [FEEDS]?: WeakMap<object, ChangeFeed> };
  (g[FEEDS] ??= new WeakMap()).set(db, feed);
}

// Statements that write, with their target table. Kysely quotes identifiers; hand-written SQL
// may not. `do update set` (an upsert's conflict branch) and `for [no key] update` (row locks)
// name no table.
const WRITE_TARGET = /(?<!\bdo\s+|\bfor\s+(?:no\s+key\s+)?)\b(?:insert\s+into|update|delete\s+from|merge\s+into|truncate(?:\s+table)?|copy)\s+(?:only\s+)?(?:"?public"?\.)?"?([a-z_][a-z0-9_]*)"?/gi;
const DDL = /^\s*(?:create|alter|drop|comment)\b/i;
const TOP_LEVEL_WRITE = /^\s*(?:insert|update|delete|merge)\b/i;

/**
 * Whether a statement may have changed content: it writes a table outside CHURN_TABLES, or
 * changes the schema. A statement whose own command is the write and that touched no row
 * (`affectedRows` 0) changed nothing; for others (a write inside WITH) the count is the
 * outer SELECT's, so it says nothing.
 */
export function writesContent(sql: string, affectedRows: bigint | undefined): boolean {
  if (DDL.test(sql)) return true;
  let content = false;
  for (const m of sql.matchAll(WRITE_TARGET)) if (!CHURN_TABLES.has(m[1]!.toLowerCase())) content = true;
  if (!content) return false;
  return !(affectedRows === 0n && TOP_LEVEL_WRITE.test(sql));
}

/** A dialect whose driver reports content writes to `feed` (see the file's comment). */
export class ChangeTrackingDialect implements Dialect {
  readonly #inner: Dialect;
  readonly #feed: ChangeFeed;
  constructor(inner: Dialect, feed: ChangeFeed) {
    this.#inner = inner;
    this.#feed = feed;
  }
  createAdapter(): DialectAdapter {
    return this.#inner.createAdapter();
  }
  createDriver(): Driver {
    return new ChangeTrackingDriver(this.#inner.createDriver(), this.#feed);
  }
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return this.#inner.createIntrospector(db);
  }
  createQueryCompiler(): QueryCompiler {
    return this.#inner.createQueryCompiler();
  }
}

class TrackedConnection implements DatabaseConnection {
  inTransaction = false;
  wrote = false;
  readonly inner: DatabaseConnection;
  readonly feed: ChangeFeed;
  constructor(inner: DatabaseConnection, feed: ChangeFeed) {
    this.inner = inner;
    this.feed = feed;
  }
  async executeQuery<R>(q: CompiledQuery, options?: Parameters<DatabaseConnection['executeQuery']>[1]): Promise<QueryResult<R>> {
    const result = await this.inner.executeQuery<R>(q, options);
    if (writesContent(q.sql, result.numAffectedRows)) this.#wroteContent();
    return result;
  }
  streamQuery<R>(q: CompiledQuery, chunkSize: number, options?: Parameters<DatabaseConnection['streamQuery']>[2]): AsyncIterableIterator<QueryResult<R>> {
    // Streams are reads (exports); a write through one still counts, at its start.
    if (writesContent(q.sql, undefined)) this.#wroteContent();
    return this.inner.streamQuery<R>(q, chunkSize, options);
  }
  /** A content write: a change now, or at the commit of the transaction it is part of. */
  #wroteContent(): void {
    if (this.inTransaction) this.wrote = true;
    else this.feed.changed();
  }
}

class ChangeTrackingDriver implements Driver {
  readonly inner: Driver;
  readonly feed: ChangeFeed;
  constructor(inner: Driver, feed: ChangeFeed) {
    this.inner = inner;
    this.feed = feed;
  }
  init(): Promise<void> {
    return this.inner.init();
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    return new TrackedConnection(await this.inner.acquireConnection(), this.feed);
  }
  async beginTransaction(c: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const t = c as TrackedConnection;
    await this.inner.beginTransaction(t.inner, settings);
    t.inTransaction = true;
    t.wrote = false;
  }
  async commitTransaction(c: DatabaseConnection): Promise<void> {
    const t = c as TrackedConnection;
    try {
      await this.inner.commitTransaction(t.inner);
    } finally {
      // A failed COMMIT may still have committed (connection lost after the server did it).
      if (t.wrote) this.feed.changed();
      t.inTransaction = false;
      t.wrote = false;
    }
  }
  async rollbackTransaction(c: DatabaseConnection): Promise<void> {
    const t = c as TrackedConnection;
    t.inTransaction = false;
    t.wrote = false;
    await this.inner.rollbackTransaction(t.inner);
  }
  async savepoint(c: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.inner.savepoint!((c as TrackedConnection).inner, name, compile);
  }
  async rollbackToSavepoint(c: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.inner.rollbackToSavepoint!((c as TrackedConnection).inner, name, compile);
  }
  async releaseSavepoint(c: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.inner.releaseSavepoint!((c as TrackedConnection).inner, name, compile);
  }
  async releaseConnection(c: DatabaseConnection): Promise<void> {
    const t = c as TrackedConnection;
    // Released inside a transaction (the driver rolls it back): nothing was committed.
    t.inTransaction = false;
    t.wrote = false;
    await this.inner.releaseConnection(t.inner);
  }
  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

/**
 * Listens for other processes' content writes on a connection of its own, reconnecting after a
 * loss (1 s, doubling up to 30 s). Returns a function that stops it.
 */
export function listenForChanges(connectionString: string, feed: ChangeFeed): () => Promise<void> {
  let client: pg.Client | null = null;
  let stopped = false;
  let delay = 1000;
  let timer: NodeJS.Timeout | null = null;

  const lost = (reason: string) => {
    if (client) {
      client.removeAllListeners();
      // Errors of a connection being dropped must not reach the process as unhandled.
      client.on('error', () => {});
      void client.end().catch(() => {});
      client = null;
    }
    if (feed.live) log.warn('change listener lost; pages read from the database until it is back', { reason });
    feed.setLive(false);
    if (stopped) return;
    timer = setTimeout(connect, delay);
    timer.unref();
    delay = Math.min(delay * 2, 30_000);
  };

  const connect = () => {
    timer = null;
    if (stopped) return;
    const c = new pg.Client({ connectionString });
    client = c;
    c.on('error', (e) => lost(e.message));
    c.on('end', () => {
      if (client === c) lost('connection ended');
    });
    c.on('notification', (n) => feed.heard(n.payload ?? ''));
    c.connect()
      .then(() => c.query(`listen ${CONTENT_CHANNEL}`))
      .then(() => {
        if (client !== c || stopped) return;
        // The socket must not keep the process alive: the pool's connections decide that.
        (c as unknown as { connection?: { stream?: { unref?: () => void } } }).connection?.stream?.unref?.();
        delay = 1000;
        feed.setLive(true);
      })
      .catch((e: Error) => {
        if (client === c) lost(e.message);
      });
  };

  connect();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    const c = client;
    client = null;
    feed.setLive(false);
    if (c) {
      c.removeAllListeners();
      c.on('error', () => {});
      await c.end().catch(() => {});
    }
  };
}
