/**
 * Open-loop HTTP load at a fixed arrival rate, with latency measured from each request's
 * *scheduled* send time (so a slow server cannot slow the generator down and hide its own
 * queueing: no coordinated omission). Requests are spaced evenly (1000/rate ms apart) and
 * sent on keep-alive connections, opening more when all are busy.
 *
 * Why not autocannon for this: its rate limit gives each connection a quota per second and
 * sends the quota back to back at the start of each second, so "200 req/s" arrives as bursts;
 * bench/run.ts uses autocannon only for the closed-loop saturation check.
 */
import fs from 'node:fs';
import http from 'node:http';

export interface LoadResult {
  scheduled: number;
  completed: number;
  seconds: number;
  /** Latency from scheduled send to last byte, ms (what a user waits, queueing included). */
  latency: number[];
  /** Latency from actual send to last byte, ms. */
  service: number[];
  /** Each request's due time (ms since the epoch), in the order of `latency`. */
  due: number[];
  status: Record<string, number>;
  errors: Record<string, number>;
  /** 200 responses whose body did not pass the check. */
  badBody: number;
  bytes: number;
  cpu: CpuSample | null;
  maxInFlight: number;
}

/** CPU seconds used during the run by each party, and by the whole machine. */
export interface CpuSample {
  server: number;
  postgres: number;
  loadgen: number;
  /** Every process on the machine (from /proc/stat), ours included. */
  machine: number;
  wall: number;
}

export interface Processes {
  serverPid: number | null;
  postmasterPid: number | null;
}

const CLK_TCK = 100;

function procTimes(pid: number, withChildren: boolean): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields after ")" start at field 3; utime=14, stime=15, cutime=16, cstime=17
    const ut = Number(f[11]);
    const st = Number(f[12]);
    const cut = Number(f[13]);
    const cst = Number(f[14]);
    return (ut + st + (withChildren ? cut + cst : 0)) / CLK_TCK;
  } catch {
    return 0;
  }
}

function childrenOf(ppid: number): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[1]) === ppid) out.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return out;
}

/** CPU seconds used so far by PostgreSQL: the postmaster, its exited children, its live children. */
function postgresCpu(postmaster: number): number {
  let total = procTimes(postmaster, true);
  for (const c of childrenOf(postmaster)) total += procTimes(c, false);
  return total;
}

/** Busy CPU seconds of the whole machine since boot (user+nice+system+irq+softirq+steal). */
function machineCpu(): number {
  try {
    const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = f as [number, number, number, number, number, number, number, number];
    return (user + nice + system + irq + softirq + (steal ?? 0)) / CLK_TCK;
  } catch {
    return 0;
  }
}

function cpuNow(p: Processes) {
  const self = process.cpuUsage();
  return {
    machine: machineCpu(),
    server: p.serverPid ? procTimes(p.serverPid, true) : 0,
    postgres: p.postmasterPid ? postgresCpu(p.postmasterPid) : 0,
    loadgen: (self.user + self.system) / 1e6,
    wall: performance.now() / 1000,
  };
}

export async function openLoop(opts: {
  baseUrl: string;
  nextPath: () => string;
  rate: number;
  seconds: number;
  timeoutMs?: number;
  checkBody?: (body: string) => boolean;
  processes?: Processes;
}): Promise<LoadResult> {
  const base = new URL(opts.baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
  const total = Math.round(opts.rate * opts.seconds);
  const interval = 1000 / opts.rate;
  const r: LoadResult = { scheduled: total, completed: 0, seconds: 0, latency: [], service: [], due: [], status: {}, errors: {}, badBody: 0, bytes: 0, cpu: null, maxInFlight: 0 };
  let inFlight = 0;
  const pending = new Set<Promise<void>>();

  const fire = (scheduled: number) => {
    const path = opts.nextPath();
    const sent = performance.now();
    inFlight++;
    r.maxInFlight = Math.max(r.maxInFlight, inFlight);
    const p = new Promise<void>((resolve) => {
      const done = (err: string | null, status?: number, body?: string) => {
        const end = performance.now();
        inFlight--;
        r.completed++;
        if (err) r.errors[err] = (r.errors[err] ?? 0) + 1;
        else {
          r.status[String(status)] = (r.status[String(status)] ?? 0) + 1;
          if (status === 200 && opts.checkBody && !opts.checkBody(body ?? '')) r.badBody++;
        }
        r.latency.push(end - scheduled);
        r.due.push(performance.timeOrigin + scheduled);
        r.service.push(end - sent);
        resolve();
      };
      const req = http.request({ host: base.hostname, port: base.port, path, method: 'GET', agent, headers: { 'user-agent': 'baku-bench' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => {
          chunks.push(c);
          r.bytes += c.length;
        });
        res.on('end', () => done(null, res.statusCode, opts.checkBody ? Buffer.concat(chunks).toString('utf8') : ''));
        res.on('error', (e) => done(`response: ${e.message}`));
      });
      req.setTimeout(opts.timeoutMs ?? 10_000, () => req.destroy(new Error('timeout')));
      req.on('error', (e) => done(e.message === 'timeout' ? 'timeout' : `${(e as NodeJS.ErrnoException).code ?? e.message}`));
      req.end();
    });
    pending.add(p);
    void p.then(() => pending.delete(p));
  };

  const before = opts.processes ? cpuNow(opts.processes) : null;
  const t0 = performance.now() + 20;
  let k = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (k < total && t0 + k * interval <= now) {
        fire(t0 + k * interval);
        k++;
      }
      if (k >= total) return resolve();
      setTimeout(tick, Math.max(0, t0 + k * interval - performance.now() - 0.5));
    };
    tick();
  });
  await Promise.all([...pending]);
  r.seconds = (performance.now() - t0) / 1000;
  if (before && opts.processes) {
    const after = cpuNow(opts.processes);
    r.cpu = {
      server: after.server - before.server,
      postgres: after.postgres - before.postgres,
      loadgen: after.loadgen - before.loadgen,
      machine: after.machine - before.machine,
      wall: after.wall - before.wall,
    };
  }
  agent.destroy();
  return r;
}

/**
 * Waits (up to `maxSeconds`) until the machine is nearly idle — busy below `threshold` of all
 * cores over a 2 s window — so that a scenario does not start while other work (tests, a
 * browser) is running on a shared development machine. Returns the last busy share seen.
 */
export async function waitForQuiet(maxSeconds: number, threshold = 0.25): Promise<{ waited: number; busy: number }> {
  const cores = (await import('node:os')).availableParallelism();
  const t0 = performance.now();
  let busy: number;
  for (;;) {
    const a = machineCpu();
    const w = performance.now();
    await new Promise((r) => setTimeout(r, 2000));
    busy = (machineCpu() - a) / ((performance.now() - w) / 1000) / cores;
    const waited = (performance.now() - t0) / 1000;
    if (busy < threshold || waited >= maxSeconds) return { waited, busy };
  }
}
