/**
 * Worker thread that owns the embedded database (PGLITE_MODE=worker, see ./pglite-thread.ts),
 * so that a slow statement runs beside the HTTP server instead of stalling it.
 * Messages in: { id, session, op, sql, params } and { close: true }; out: { ready } or
 * { startError }, { id, result } or { id, error }, and { closed }.
 * Imports nothing from the app but ./pglite-engine.ts (it runs as plain Node TypeScript).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openPGlite, PGliteEngine, type EngineOp } from './pglite-engine.ts';
import { serializeError } from './pglite-errors.ts';

interface Request {
  id: number;
  session: number;
  op: EngineOp;
  sql: string;
  params: unknown[];
}

const port = parentPort!;
const { dir } = workerData as { dir: string | undefined };

let engine: PGliteEngine;
try {
  engine = new PGliteEngine(await openPGlite(dir));
  port.postMessage({ ready: true });
} catch (e) {
  port.postMessage({ startError: serializeError(e) });
  port.close();
  throw e;
}

port.on('message', (m: Request | { close: true }) => {
  if ('close' in m) {
    void engine.close().then(
      () => {
        port.postMessage({ closed: true });
        port.close();
      },
      (e: unknown) => {
        port.postMessage({ closed: true, error: serializeError(e) });
        port.close();
      },
    );
    return;
  }
  engine.submit(m.session, m.op, m.sql, m.params).then(
    (result) => port.postMessage({ id: m.id, result }),
    (e: unknown) => port.postMessage({ id: m.id, error: serializeError(e) }),
  );
});
