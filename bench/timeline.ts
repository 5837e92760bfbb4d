/**
 * `bench/run.ts --diagnose`: lays each HTTP scenario's slow requests beside what the machine was
 * doing at that moment, in 500 ms slices: the server's event-loop delay, GC pauses and CPU
 * (bench/probe.ts), PostgreSQL's log (checkpoints, autovacuum, statements over 50 ms, lock waits)
 * and the server's own warnings (slow background jobs). Only slices with a slow request or an
 * event are listed; the totals say how much of the tail falls where.
 */
import fs from 'node:fs';
import type pg from 'pg';
import type { LoadResult } from './load.ts';
import { ms, percentile } from './lib.ts';

const SLICE_MS = 500;
const SLOW_MS = 50;

/** What PostgreSQL logs in a diagnosed run (the bench's own cluster only: ALTER SYSTEM persists). */
export async function enablePostgresLog(pool: pg.Pool): Promise<void> {
  for (const [k, v] of [
    ['log_checkpoints', 'on'],
    ['log_autovacuum_min_duration', '0'],
    ['log_min_duration_statement', '50'],
    ['log_lock_waits', 'on'],
    ['log_temp_files', '0'],
    ['log_timezone', 'UTC'],
    ['log_line_prefix', '%m [%p] %a: '],
  ])
    await pool.query(`alter system set ${k} = '${v}'`);
  await pool.query(`select pg_reload_conf()`);
}

interface Sample {
  t: number;
  eldMax: number;
  gcMs: number;
  gcMax: number;
  gcN: number;
  cpuMs: number;
  rssMiB: number;
}
interface Event {
  t: number;
  source: 'postgres' | 'server' | 'job';
  text: string;
  /** A job's end (ms since the epoch): it counts in every slice it overlaps. */
  end?: number;
}

function readProbe(file: string): { samples: Sample[]; jobs: Event[] } {
  const samples: Sample[] = [];
  const jobs: Event[] = [];
  if (!fs.existsSync(file)) return { samples, jobs };
  for (const l of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!l) continue;
    const o = JSON.parse(l) as Sample & { job?: string; start: number; ms: number };
    if (o.job) jobs.push({ t: o.start, end: o.start + o.ms, source: 'job', text: `${o.job} ${o.ms.toFixed(0)} ms` });
    else samples.push(o);
  }
  return { samples, jobs };
}

/** PostgreSQL log entries from `offset` on; continuation lines (a statement's text) are folded in. */
function readPostgresLog(file: string | null, offset: number): Event[] {
  if (!file || !fs.existsSync(file)) return [];
  const text = fs.readFileSync(file).subarray(offset).toString('utf8');
  const out: Event[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3}) UTC \[\d+\] (.*)$/.exec(line);
    if (m) out.push({ t: Date.parse(`${m[1]}T${m[2]}Z`), source: 'postgres', text: m[3]! });
    else if (out.length && line.trim()) out[out.length - 1]!.text += ` ${line.trim()}`;
  }
  return out;
}

function readServerWarnings(file: string): Event[] {
  if (!fs.existsSync(file)) return [];
  const out: Event[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const e = JSON.parse(line) as { time: string; level: string; msg: string } & Record<string, unknown>;
      if (e.level === 'warn' || e.level === 'error') {
        const { time, level, msg, ...rest } = e;
        out.push({ t: Date.parse(time), source: 'server', text: `${level}: ${msg} ${JSON.stringify(rest)}` });
      }
    } catch {
      /* not ours */
    }
  }
  return out;
}

const short = (s: string, n = 160) => (s.length > n ? `${s.slice(0, n)}…` : s).replaceAll('|', '\\|');

export function timelineReport(opts: {
  scenarios: { key: string; title: string; result?: LoadResult }[];
  probeFile: string;
  postgresLog: string | null;
  postgresLogOffset: number;
  serverLog: string;
}): string {
  const { samples, jobs } = readProbe(opts.probeFile);
  const events = [...readPostgresLog(opts.postgresLog, opts.postgresLogOffset), ...readServerWarnings(opts.serverLog), ...jobs].sort((a, b) => a.t - b.t);
  const L: string[] = [];
  L.push(
    `Slices of ${SLICE_MS} ms by each request's due time. "late" = requests over ${SLOW_MS} ms. Event-loop delay (max over the slice, 10 ms resolution), GC (sum · longest pause) and server CPU come from bench/probe.ts in the server; events from PostgreSQL's log (${opts.postgresLog ? 'checkpoints, autovacuum, statements over 50 ms, lock waits' : 'not read: the database is not the bench\'s own cluster'}), the server's warnings and its background jobs over 5 ms (job: start of the run, its length).`,
    '',
  );
  for (const s of opts.scenarios) {
    const r = s.result;
    if (!r || !r.due.length) continue;
    const t0 = Math.min(...r.due);
    const end = Math.max(...r.due.map((d, i) => d + r.latency[i]!));
    const n = Math.ceil((end - t0) / SLICE_MS);
    const slices = Array.from({ length: n }, () => ({ lat: [] as number[] }));
    r.due.forEach((d, i) => slices[Math.min(n - 1, Math.floor((d - t0) / SLICE_MS))]!.lat.push(r.latency[i]!));
    const late = r.latency.filter((x) => x > SLOW_MS).length;
    const rows: string[] = [];
    let lateWithStall = 0;
    let lateWithEvent = 0;
    for (let k = 0; k < n; k++) {
      const a = t0 + k * SLICE_MS;
      const b = a + SLICE_MS;
      const sl = slices[k]!;
      const sorted = [...sl.lat].sort((x, y) => x - y);
      const lateHere = sl.lat.filter((x) => x > SLOW_MS).length;
      // A request due in this slice waits for whatever happens until it is answered: look at this
      // slice and the next one.
      const near = samples.filter((p) => p.t > a && p.t <= b + SLICE_MS);
      const eld = Math.max(0, ...near.map((p) => p.eldMax));
      const gcSum = near.reduce((x, p) => x + p.gcMs, 0);
      const gcMax = Math.max(0, ...near.map((p) => p.gcMax));
      const cpu = samples.filter((p) => p.t > a && p.t <= b).reduce((x, p) => x + p.cpuMs, 0);
      const ev = events.filter((e) => (e.end ?? e.t) >= a - SLICE_MS && e.t < b);
      if (lateHere && eld > SLOW_MS) lateWithStall += lateHere;
      if (lateHere && ev.length) lateWithEvent += lateHere;
      if (!lateHere && !ev.length) continue;
      rows.push(
        `| ${((a - t0) / 1000).toFixed(1)} | ${sl.lat.length} | ${lateHere} | ${sorted.length ? ms(percentile(sorted, 0.5)) : '–'} | ${sorted.length ? ms(sorted[sorted.length - 1]!) : '–'} | ${ms(eld)} | ${ms(gcSum)} · ${ms(gcMax)} | ${((cpu / SLICE_MS) * 100).toFixed(0)} | ${ev.map((e) => `${e.source}: ${short(e.text)}`).join('<br>')} |`,
      );
    }
    const allGc = samples.filter((p) => p.t >= t0 && p.t <= end);
    L.push(
      `### (${s.key}) ${s.title}`,
      '',
      `${late} of ${r.latency.length} requests over ${SLOW_MS} ms; of those, ${lateWithStall} were due in a slice whose event loop stalled over ${SLOW_MS} ms and ${lateWithEvent} in a slice with a logged event. GC over the scenario: ${ms(allGc.reduce((x, p) => x + p.gcMs, 0))} ms in ${allGc.reduce((x, p) => x + p.gcN, 0)} pauses, longest ${ms(Math.max(0, ...allGc.map((p) => p.gcMax)))} ms; server RSS ${Math.min(...allGc.map((p) => p.rssMiB))}–${Math.max(...allGc.map((p) => p.rssMiB))} MiB.`,
      '',
    );
    if (rows.length) L.push('| s | due | late | p50 ms | max ms | loop delay ms | GC ms | server CPU % | events |', '|---:|---:|---:|---:|---:|---:|---|---:|---|', ...rows, '');
  }
  return L.join('\n');
}
