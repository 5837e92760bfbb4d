import { afterAll, beforeAll, expect, it } from 'vitest';
import { startCluster, startServer, type Cluster, type RunningServer } from './support/server.ts';

/**
 * Defect 1 of issue 15: with requests in flight, `pg_ctl -m fast stop` ended the process
 * (an 'error' event on a checked-out pg client had no listener). The real server process on a
 * PostgreSQL cluster of its own: the database is stopped under load, then started again.
 */
let cluster: Cluster;
let server: RunningServer;

beforeAll(async () => {
  cluster = startCluster();
  server = await startServer({ DATABASE_URL: cluster.url });
});

afterAll(async () => {
  await server?.stop();
  cluster?.remove();
});

const PAGES = ['/masukan', '/', '/masukan?q=jalan', '/forum'];

/** Keeps `n` clients requesting pages until `stop()`; records every outcome. */
function load(url: string, n: number) {
  const statuses: number[] = [];
  const byPath = new Map<string, Set<number>>();
  const errors: string[] = [];
  let running = true;
  const loops = Array.from({ length: n }, async (_, i) => {
    let k = i;
    while (running) {
      const path = PAGES[k++ % PAGES.length]!;
      try {
        const r = await fetch(url + path, { signal: AbortSignal.timeout(20_000) });
        await r.arrayBuffer();
        statuses.push(r.status);
        byPath.set(path, (byPath.get(path) ?? new Set()).add(r.status));
      } catch (e) {
        errors.push(`${path}: ${(e as Error).cause ? String((e as { cause: unknown }).cause) : (e as Error).message}`);
      }
    }
  });
  return {
    statuses,
    byPath,
    errors,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

it('PostgreSQL stopped under load: the process stays up, answers 503, and recovers when the database is back', async () => {
  const before = load(server.url, 8);
  await new Promise((r) => setTimeout(r, 1500));
  cluster.stopServer();
  await new Promise((r) => setTimeout(r, 1500));
  await before.stop();
  expect(server.child.exitCode, server.output()).toBeNull();
  // The process answered every request: nothing refused or cut off.
  expect(before.errors, server.output()).toEqual([]);
  expect(before.statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
  expect(before.statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);

  // While the database is down: 503 with Retry-After and a page saying so; health check 503.
  const down = await fetch(`${server.url}/masukan`);
  expect(down.status).toBe(503);
  expect(down.headers.get('retry-after')).toBeTruthy();
  expect(down.headers.get('content-type')).toMatch(/^text\/html/);
  expect(await down.text()).toContain('Layanan sementara tidak tersedia');
  expect((await fetch(`${server.url}/healthz`)).status).toBe(503);

  // Under load while down, still no crash.
  const during = load(server.url, 8);
  await new Promise((r) => setTimeout(r, 1000));
  await during.stop();
  expect(during.errors).toEqual([]);
  // The home page reads only reference data, which each process keeps for a minute
  // (src/server/reference/cache.ts): loaded before the outage, it is still served.
  expect(during.byPath.get('/')).toEqual(new Set([200]));
  for (const path of PAGES.filter((p) => p !== '/')) expect(during.byPath.get(path), path).toEqual(new Set([503]));
  expect(server.child.exitCode).toBeNull();

  cluster.startServer();
  let recovered = false;
  for (let i = 0; i < 50 && !recovered; i++) {
    const r = await fetch(`${server.url}/masukan`);
    await r.arrayBuffer();
    recovered = r.status === 200;
    if (!recovered) await new Promise((res) => setTimeout(res, 200));
  }
  expect(recovered, server.output()).toBe(true);
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  const after = load(server.url, 8);
  await new Promise((r) => setTimeout(r, 1000));
  await after.stop();
  expect(after.errors).toEqual([]);
  expect(new Set(after.statuses)).toEqual(new Set([200]));
  expect(server.child.exitCode).toBeNull();
});
