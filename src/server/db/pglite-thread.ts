import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EngineBackend } from './pglite-driver.ts';
import type { EngineOp, EngineResult } from './pglite-engine.ts';
import { deserializeError, type SerializedError } from './pglite-errors.ts';

type Reply =
  | { ready: true }
  | { startError: SerializedError }
  | { id: number; result: EngineResult }
  | { id: number; error: SerializedError }
  | { closed: true; error?: SerializedError };

/**
 * The worker's source file, resolved at run time (not `new URL(…, import.meta.url)`, which a
 * bundler would rewrite). The server opens the database from the unbundled sources
 * (server/main.ts → src/server/app.ts); a bundled copy of this module finds no file here.
 */
export function pgliteWorkerFile(): string | null {
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'pglite-worker.ts');
  return fs.existsSync(file) ? file : null;
}

/**
 * Starts the embedded database in a worker thread (./pglite-worker.ts) and returns a backend
 * that forwards statements to it. The worker keeps the process alive only while statements
 * are in flight, like a socket would.
 */
export async function startPGliteThread(dir: string | undefined): Promise<EngineBackend> {
  const file = pgliteWorkerFile();
  if (!file) throw new Error('pglite-worker.ts not found next to pglite-thread.ts');
  const worker = new Worker(file, { workerData: { dir } });
  const pending = new Map<number, { resolve: (r: EngineResult) => void; reject: (e: unknown) => void }>();
  let nextId = 0;
  let onClosed: ((e?: SerializedError) => void) | null = null;
  let failure: Error | null = null;

  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (m: Reply) => {
      if ('ready' in m) return resolve();
      if ('startError' in m) return reject(deserializeError(m.startError));
      if ('closed' in m) return onClosed?.(m.error);
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (pending.size === 0) worker.unref();
      if ('error' in m) p.reject(deserializeError(m.error));
      else p.resolve(m.result);
    });
    const fail = (e: Error) => {
      failure = e;
      reject(e);
      for (const p of pending.values()) p.reject(e);
      pending.clear();
      onClosed?.();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the embedded database thread exited (code ${code})`)));
  });
  await ready;
  worker.unref();

  return {
    submit(session: number, op: EngineOp, sql: string, params: readonly unknown[]): Promise<EngineResult> {
      if (failure) return Promise.reject(failure);
      const id = ++nextId;
      if (pending.size === 0) worker.ref();
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, session, op, sql, params });
      });
    },
    async close(): Promise<void> {
      if (failure) return;
      failure = new Error('the embedded database is closed');
      worker.ref();
      const closed = new Promise<SerializedError | undefined>((resolve) => (onClosed = resolve));
      worker.postMessage({ close: true });
      const error = await closed;
      await worker.terminate();
      if (error) throw deserializeError(error);
    },
  };
}
