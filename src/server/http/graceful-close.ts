import type http from 'node:http';
import net, { type Socket } from 'node:net';

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
 * - a connection idle for `idleGraceMs` (a client with nothing more to send) is closed; the sweep
 *   repeats until none is left.
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
  const sweepMs = opts.sweepMs ?? 100;
  let closing = false;
  let drained: Promise<void> | null = null;
  // Per connection: requests in progress, and when it last became idle. A connection is closed
  // only once it has been idle for idleGraceMs on its own: a keep-alive client sends its next
  // request right after an answer, and closing a connection that has just become idle would
  // reset that request (it may already be in the kernel's buffer, unread).
  const busy = new Map<Socket, number>();
  const idleSince = new Map<Socket, number>();
  server.on('connection', (socket: Socket) => {
    idleSince.set(socket, Date.now());
    socket.once('close', () => {
      busy.delete(socket);
      idleSince.delete(socket);
    });
  });

  // A connection that looks idle may have its client's next request waiting, unread, in the
  // kernel: after the event loop was busy (rendering pages) for longer than the grace, the timers
  // phase (this sweep) runs before the poll phase that reads it. So the sweep only picks the
  // candidates; they are closed in the check phase (setImmediate), which comes after the poll
  // phase of the same loop turn: a request read meanwhile has made its socket busy (track) and
  // given it a new idle time, and it stays open.
  const sweep = () => {
    const now = Date.now();
    const due: Array<[Socket, number]> = [];
    for (const [socket, since] of idleSince) {
      if (!busy.get(socket) && now - since >= idleGraceMs) due.push([socket, since]);
    }
    if (due.length === 0) return;
    setImmediate(() => {
      for (const [socket, since] of due) {
        if (!busy.get(socket) && idleSince.get(socket) === since) socket.destroy();
      }
    });
  };

  return {
    get closing() {
      return closing;
    },
    track(req, res) {
      const socket = req.socket;
      busy.set(socket, (busy.get(socket) ?? 0) + 1);
      idleSince.delete(socket);
      // Node then ends the connection after this response, whatever the client asked for.
      if (closing && !res.headersSent) res.setHeader('Connection', 'close');
      res.once('close', () => {
        const n = (busy.get(socket) ?? 1) - 1;
        if (n > 0) busy.set(socket, n);
        else {
          busy.delete(socket);
          if (!socket.destroyed) idleSince.set(socket, Date.now());
        }
      });
    },
    drain() {
      drained ??= new Promise<void>((resolve) => {
        // net.Server's close: stop listening without http.Server's immediate closeIdleConnections().
        // Its callback runs once the last connection has closed. Deferred to the check phase so that
        // connections the kernel has already completed (accept backlog) are accepted first: closing
        // the listening socket would reset them, failing requests their clients already sent.
        setImmediate(() => {
          net.Server.prototype.close.call(server, () => resolve());
          // Only now do answers say `Connection: close` and idle connections get closed: a client
          // told so earlier could reconnect into the accept backlog before the listening socket
          // closes, and that connection (with its request) would be reset by the close.
          closing = true;
          const every = setInterval(sweep, sweepMs);
          server.once('close', () => clearInterval(every));
        });
      });
      return drained;
    },
  };
}
