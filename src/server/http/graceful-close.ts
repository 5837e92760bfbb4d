import type http from 'node:http';
import net from 'node:net';

/**
 * Graceful stop of an http.Server under keep-alive traffic.
 *
 * `http.Server.close()` alone is not enough: it closes the connections idle at that instant
 * (racing clients that are just sending their next request on them: those requests fail) and
 * leaves busy keep-alive connections open, so clients keep sending requests on them until a
 * forced exit. Here, once `drain()` is called:
 * - the listening socket closes at once (new connections are refused, so a load balancer moves on);
 * - every response written from then on carries `Connection: close`, so each client's connection
 *   ends cleanly after the request it already sent;
 * - connections still idle after `idleGraceMs` (clients with nothing to send) are closed, and
 *   the sweep repeats until none is left.
 * `drain()` resolves when every connection has closed.
 */
export interface GracefulCloser {
  /** Call first thing in the request handler: marks the socket busy, adds Connection: close when stopping. */
  track(req: http.IncomingMessage, res: http.ServerResponse): void;
  drain(): Promise<void>;
  readonly closing: boolean;
}

export function gracefulCloser(server: http.Server, opts: { idleGraceMs?: number; sweepMs?: number } = {}): GracefulCloser {
  const idleGraceMs = opts.idleGraceMs ?? 1000;
  const sweepMs = opts.sweepMs ?? 200;
  let closing = false;
  let drained: Promise<void> | null = null;

  return {
    get closing() {
      return closing;
    },
    track(_req, res) {
      // Node then ends the connection after this response, whatever the client asked for.
      if (closing && !res.headersSent) res.setHeader('Connection', 'close');
    },
    drain() {
      closing = true;
      drained ??= new Promise<void>((resolve) => {
        // net.Server's close: stop listening without http.Server's immediate closeIdleConnections().
        // Its callback runs once the last connection has closed. Deferred to the check phase so that
        // connections the kernel has already completed (accept backlog) are accepted first: closing
        // the listening socket would reset them, failing requests their clients already sent.
        setImmediate(() => net.Server.prototype.close.call(server, () => resolve()));
        let every: NodeJS.Timeout | undefined;
        const grace = setTimeout(() => {
          server.closeIdleConnections();
          every = setInterval(() => server.closeIdleConnections(), sweepMs);
        }, idleGraceMs);
        server.once('close', () => {
          clearTimeout(grace);
          clearInterval(every);
        });
      });
      return drained;
    },
  };
}
