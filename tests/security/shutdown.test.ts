import http from 'node:http';
import { expect, inject, it } from 'vitest';
import { startServer } from './support/server.ts';

/**
 * Defect 2 of issue 15: SIGTERM under keep-alive traffic. 20 clients reuse their connections
 * (Node's keep-alive agent); SIGTERM arrives mid-load. Every request the server accepted must be
 * answered (the ones after SIGTERM with `Connection: close`), the process must exit 0 on its own
 * before the 10 s forced exit (which exits 1). Once the listening socket is closed a client's next
 * connection is refused (ECONNREFUSED: the request never reached the process, and a load balancer
 * retries it elsewhere); anything else (reset, hang-up, 5xx) is a failed request.
 */
interface Outcome {
  client: number;
  status?: number;
  connection?: string;
  error?: string;
  afterSigterm: boolean;
}

function get(agent: http.Agent, url: string): Promise<{ status: number; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

it('SIGTERM under keep-alive load: in-flight requests answered with Connection: close, no failed request, exit 0 before the deadline', async () => {
  const server = await startServer({}, inject('templateDataDir'));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 20 });
  const outcomes: Outcome[] = [];
  let sigtermAt = 0;
  const clients = Array.from({ length: 20 }, async (_, i) => {
    const paths = ['/masukan', '/', '/forum', '/masukan?urut=dukungan'];
    for (let k = i; ; k++) {
      const afterSigterm = sigtermAt > 0;
      try {
        const r = await get(agent, server.url + paths[k % paths.length]);
        outcomes.push({ client: i, status: r.status, connection: r.connection, afterSigterm });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
        outcomes.push({ client: i, error: code, afterSigterm });
        if (code === 'ECONNREFUSED') return; // the server stopped listening: this client is done
      }
    }
  });
  // Steady load first: every client has had answers on its kept-alive connection. (Counting
  // answers overall is not enough: on a busy machine a few clients may still be connecting, and a
  // connection the kernel has completed but the server not yet accepted is reset when the
  // listening socket closes; that is no request in flight, and not what this test is about.)
  const answered = () => new Set(outcomes.filter((o) => o.status === 200).map((o) => o.client)).size;
  const warm = Date.now() + 120_000;
  while ((answered() < 20 || outcomes.filter((o) => o.status === 200).length < 40) && Date.now() < warm) await new Promise((r) => setTimeout(r, 100));
  expect(answered()).toBe(20);
  expect(outcomes.filter((o) => o.status === 200).length).toBeGreaterThanOrEqual(40);
  sigtermAt = Date.now();
  server.child.kill('SIGTERM');
  const code = await server.exited;
  const took = Date.now() - sigtermAt;
  await Promise.all(clients);
  agent.destroy();

  expect(code, server.output()).toBe(0);
  expect(took).toBeLessThan(10_000);
  const failed = outcomes.filter((o) => (o.error && o.error !== 'ECONNREFUSED') || (o.status !== undefined && o.status !== 200));
  expect(failed).toEqual([]);
  // Requests sent on open connections after SIGTERM were served, and told the connection closes.
  const servedAfter = outcomes.filter((o) => o.afterSigterm && o.status === 200);
  expect(servedAfter.length).toBeGreaterThan(0);
  expect(servedAfter.some((o) => o.connection === 'close')).toBe(true);
  // Every client ended with a refused new connection: nobody kept a connection open until a forced exit.
  expect(outcomes.filter((o) => o.error === 'ECONNREFUSED').length).toBe(20);
});

it('SIGTERM with only idle keep-alive connections: they are closed and the process exits 0 at once', async () => {
  const server = await startServer({}, inject('templateDataDir'));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 5 });
  await Promise.all(Array.from({ length: 5 }, () => get(agent, `${server.url}/`)));
  const sockets = Object.values(agent.freeSockets).flat();
  expect(sockets.length).toBe(5);
  const closed = Promise.all(sockets.map((s) => new Promise((r) => s!.once('close', r))));
  const t0 = Date.now();
  server.child.kill('SIGTERM');
  expect(await server.exited, server.output()).toBe(0);
  await closed;
  expect(Date.now() - t0).toBeLessThan(10_000);
  agent.destroy();
});
