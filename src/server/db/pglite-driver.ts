import {
  CompiledQuery,
  PGliteAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
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
import type { EngineOp, EngineResult } from './pglite-engine.ts';

/** Where statements go: a PGliteEngine in this thread, or one in a worker thread. */
export interface EngineBackend {
  submit(session: number, op: EngineOp, sql: string, params: readonly unknown[]): Promise<EngineResult>;
  close(): Promise<void>;
}

/**
 * Kysely dialect over a PGliteEngine: each acquired connection is a logical session of the
 * engine, which keeps a transaction's statements together (see PGliteEngine).
 */
export class EngineDialect implements Dialect {
  readonly #backend: EngineBackend;
  constructor(backend: EngineBackend) {
    this.#backend = backend;
  }
  createAdapter(): DialectAdapter {
    return new PGliteAdapter();
  }
  createDriver(): Driver {
    return new EngineDriver(this.#backend);
  }
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }
  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }
}

let sessions = 0;

class EngineConnection implements DatabaseConnection {
  readonly session = ++sessions;
  inTransaction = false;
  readonly #backend: EngineBackend;
  constructor(backend: EngineBackend) {
    this.#backend = backend;
  }
  async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    return toResult<R>(await this.#backend.submit(this.session, 'query', q.sql, q.parameters));
  }
  async control(op: EngineOp, sql: string): Promise<EngineResult> {
    return this.#backend.submit(this.session, op, sql, []);
  }
  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('Streaming is not supported by the embedded database.');
  }
}

function toResult<R>(r: EngineResult): QueryResult<R> {
  return { rows: r.rows as R[], numAffectedRows: r.affectedRows != null ? BigInt(r.affectedRows) : undefined };
}

const quoteIdent = (s: string) => `"${s.replaceAll('"', '""')}"`;

class EngineDriver implements Driver {
  readonly #backend: EngineBackend;
  constructor(backend: EngineBackend) {
    this.#backend = backend;
  }
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return new EngineConnection(this.#backend);
  }
  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    let sql = 'begin';
    if (settings.isolationLevel || settings.accessMode) {
      sql = 'start transaction';
      if (settings.isolationLevel) sql += ` isolation level ${settings.isolationLevel}`;
      if (settings.accessMode) sql += ` ${settings.accessMode}`;
    }
    const c = connection as EngineConnection;
    await c.control('begin', sql);
    c.inTransaction = true;
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as EngineConnection;
    c.inTransaction = false;
    await c.control('commit', 'commit');
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as EngineConnection;
    c.inTransaction = false;
    await c.control('rollback', 'rollback');
  }
  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${quoteIdent(name)}`));
  }
  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to savepoint ${quoteIdent(name)}`));
  }
  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release savepoint ${quoteIdent(name)}`));
  }
  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const c = connection as EngineConnection;
    if (c.inTransaction) {
      c.inTransaction = false;
      await c.control('release', '');
    }
  }
  async destroy(): Promise<void> {
    await this.#backend.close();
  }
}
