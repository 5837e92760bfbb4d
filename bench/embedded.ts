/**
 * The embedded default (PGlite, no DATABASE_URL) under load, on the main thread and in a worker
 * thread (PGLITE_MODE), on a fresh data folder:
 *
 *   astro build                                   # the benchmark serves dist/ (or pass --build)
 *   node bench/embedded.ts --scale demo           # `npm run demo`'s data (~320 items)
 *   node bench/embedded.ts --scale city           # 50,000 generated items (bench/generate.ts)
 *
 * For each run and mode (interleaved: main, worker, main, worker, ...) it starts the built
 * server (`node server/main.ts`, NODE_ENV=production) on the existing data folder and measures
 * - reopen: process start to the first 200 of /healthz and of the board (/masukan);
 * - a fixed-rate mix of board and search (open loop, bench/load.ts: latency from each
 *   request's due time, so queueing counts) after a warm-up: p50/p95/p99, throughput, errors;
 * - the server's resident memory: the peak (VmHWM from /proc, which includes the worker
 *   thread: it is the same process);
 * - graceful shutdown (SIGTERM): time to exit, exit code, and that the lock file is gone
 *   (the next run reopens the same folder, which checks that PGlite was closed cleanly).
 * The load average is recorded before each run: figures from a busy machine are provisional.
 *
 * Options: --scale demo|city (required), --modes main,worker, --runs 3, --rate 50,
 * --duration 30 (s per run), --warmup 5 (s), --count 50000 (city), --port 4606, --build,
 * --keep (keep the data folder), --data-dir DIR (measure a copy of an existing DATA_DIR made
 * by an earlier --keep run instead of generating one: city data takes minutes), --app DIR
 * (serve another built copy of the app, e.g. a baseline: a folder with dist/, server/, src/,
 * db/ and a node_modules link), --label NAME. Results:
 * bench/results/<date>-embedded-<scale>[-NAME].md and .json.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { KIND_ORDER, SEARCH_TERMS, SECTOR_ORDER } from './corpus.ts';
import { log, machineInfo, ms, rng, ROOT, summarize, type Summary } from './lib.ts';
import { openLoop, type LoadResult } from './load.ts';

const { values: args } = parseArgs({
  options: {
    scale: { type: 'string' },
    modes: { type: 'string', default: 'main,worker' },
    runs: { type: 'string', default: '3' },
    rate: { type: 'string', default: '50' },
    duration: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '5' },
    count: { type: 'string', default: '50000' },
    port: { type: 'string', default: '4606' },
    build: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    'data-dir': { type: 'string' },
    app: { type: 'string' },
    label: { type: 'string' },
    'node-flags': { type: 'string' },
  },
});
const SCALE = args.scale;
if (SCALE !== 'demo' && SCALE !== 'city') {
  process.stderr.write('usage: node bench/embedded.ts --scale demo|city [--runs 3] [--rate 50] [--duration 30] [--modes main,worker]\n');
  process.exit(2);
}
const MODES = args.modes.split(',').filter(Boolean);
for (const m of MODES) if (m !== 'main' && m !== 'worker') throw new Error(`unknown mode ${m}`);
const RUNS = Number(args.runs);
const RATE = Number(args.rate);
const DURATION = Number(args.duration);
const WARMUP = Number(args.warmup);
const COUNT = Number(args.count.replaceAll('_', ''));
const PORT = Number(args.port);
const APP = args.app ? path.resolve(args.app) : ROOT;
const NODE_FLAGS = (args['node-flags'] ?? '').split(' ').filter(Boolean);
const LABEL = args.label ? `-${args.label}` : '';
const BUDGET = { reopenMs: 2000, p99Ms: 100, rssMiB: 768 };

const KECAMATAN = ['81.71.01', '81.71.02', '81.71.03', '81.71.04', '81.71.05'];
const STATUSES = ['received', 'assigned', 'in_progress', 'responded', 'resolved', 'closed'];


/**
 * The request mix, the same sequence for every run: 35% the newest board, 35% random filters
 * (sector, kecamatan, kind, status, sort), 30% search (rotating common, rare, stemmed, phrase,
 * negated and no-match terms, sometimes with a filter).
 */
function mix(seed: number): () => string {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  return () => {
    const r = rand();
    const p: Record<string, string> = {};
    if (r < 0.35) return '/masukan';
    if (r < 0.7) {
      if (rand() < 0.7) p.sektor = pick(SECTOR_ORDER);
      if (rand() < 0.5) p.kecamatan = pick(KECAMATAN);
      if (rand() < 0.4) p.jenis = pick(KIND_ORDER);
      if (rand() < 0.12) p.status = pick(STATUSES);
      const s = rand();
      if (s < 0.45) p.urut = 'dukungan';
      else if (s < 0.6) p.urut = 'terlama';
      if (!p.sektor && !p.kecamatan && !p.jenis && !p.status) p.kecamatan = pick(KECAMATAN);
    } else {
      p.q = pick(SEARCH_TERMS).q;
      const f = rand();
      if (f < 0.15) p.kecamatan = pick(KECAMATAN);
      else if (f < 0.25) p.sektor = pick(SECTOR_ORDER);
    }
    return `/masukan?${new URLSearchParams(p).toString()}`;
  };
}

function runNode(script: string, argv: string[], env: Record<string, string>): void {
  execFileSync(process.execPath, [script, ...argv], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
}

function duBytes(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += fs.statSync(path.join(e.parentPath, e.name)).size;
  }
  return total;
}

function procStatusKiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

interface Run {
  mode: string;
  run: number;
  loadavgBefore: number[];
  healthzMs: number;
  boardMs: number;
  latency: Summary;
  service: Summary;
  throughput: number;
  completed: number;
  scheduled: number;
  errors: number;
  non200: number;
  badBody: number;
  serverCpuSeconds: number;
  machineBusyShare: number;
  rssPeakMiB: number;
  rssEndMiB: number;
  shutdownMs: number;
  exitCode: number | null;
  lockReleased: boolean;
}

async function firstOk(url: string, child: ChildProcess, deadline: number): Promise<void> {
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const r = await fetch(url);
      await r.arrayBuffer();
      if (r.status === 200) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no 200 from ${url} in time`);
}

async function measure(dataDir: string, mode: string, run: number): Promise<Run> {
  const serverLog = path.join(os.tmpdir(), `baku-embedded-server-${process.pid}.log`);
  const out = fs.openSync(serverLog, 'w');
  const loadavgBefore = os.loadavg().map((v) => Number(v.toFixed(2)));
  const base = `http://127.0.0.1:${PORT}`;
  const t0 = performance.now();
  const child = spawn(process.execPath, [...NODE_FLAGS, 'server/main.ts'], {
    cwd: APP,
    env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, PGLITE_MODE: mode, PORT: String(PORT), HOST: '127.0.0.1', NODE_ENV: 'production', LOG_LEVEL: 'warn' },
    stdio: ['ignore', out, out],
  });
  let rssMax = 0;
  const sampler = setInterval(() => (rssMax = Math.max(rssMax, procStatusKiB(child.pid!, 'VmRSS'))), 100);
  try {
    const deadline = t0 + 120_000;
    await firstOk(`${base}/healthz`, child, deadline);
    const healthzMs = performance.now() - t0;
    await firstOk(`${base}/masukan`, child, deadline);
    const boardMs = performance.now() - t0;

    const check = (body: string) => body.includes('id="board-results"');
    if (WARMUP > 0) await openLoop({ baseUrl: base, nextPath: mix(7), rate: RATE, seconds: WARMUP, checkBody: check });
    const r: LoadResult = await openLoop({ baseUrl: base, nextPath: mix(20261205), rate: RATE, seconds: DURATION, checkBody: check, processes: { serverPid: child.pid!, postmasterPid: null } });
    const rssEndMiB = procStatusKiB(child.pid!, 'VmRSS') / 1024;
    const hwm = procStatusKiB(child.pid!, 'VmHWM');
    clearInterval(sampler);

    const ts = performance.now();
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    const exitCode = await exited;
    const shutdownMs = performance.now() - ts;
    const errors = Object.values(r.errors).reduce((a, b) => a + b, 0);
    const non200 = Object.entries(r.status).reduce((a, [s, n]) => a + (s === '200' ? 0 : n), 0);
    if (errors || non200) log(`  errors ${JSON.stringify(r.errors)} statuses ${JSON.stringify(r.status)}; server log: ${serverLog}`);
    return {
      mode,
      run,
      loadavgBefore,
      healthzMs,
      boardMs,
      latency: summarize(r.latency),
      service: summarize(r.service),
      throughput: r.completed / r.seconds,
      completed: r.completed,
      scheduled: r.scheduled,
      errors,
      non200,
      badBody: r.badBody,
      serverCpuSeconds: r.cpu?.server ?? NaN,
      machineBusyShare: r.cpu ? r.cpu.machine / r.cpu.wall / os.availableParallelism() : NaN,
      rssPeakMiB: Math.max(rssMax, hwm) / 1024,
      rssEndMiB,
      shutdownMs,
      exitCode,
      lockReleased: !fs.existsSync(path.join(dataDir, 'pglite.pid')),
    };
  } catch (e) {
    clearInterval(sampler);
    child.kill('SIGKILL');
    process.stderr.write(fs.readFileSync(serverLog, 'utf8').slice(-3000));
    throw e;
  }
}

interface Agg {
  median: number;
  min: number;
  max: number;
}
function agg(xs: number[]): Agg {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor((s.length - 1) / 2)]!, min: s[0]!, max: s.at(-1)! };
}
const fmt = (a: Agg, unit = '') => (a.min === a.max ? `${ms(a.median)}${unit}` : `${ms(a.median)}${unit} (${ms(a.min)}–${ms(a.max)})`);

async function main(): Promise<void> {
  if (args.build) {
    log('astro build');
    execFileSync(path.join(ROOT, 'node_modules/.bin/astro'), ['build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  if (!fs.existsSync(path.join(APP, 'dist/server/entry.mjs'))) throw new Error(`${path.join(APP, 'dist/server/entry.mjs')} is missing: run \`astro build\` first, or pass --build`);

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `baku-embedded-${SCALE}-`));
  const started = new Date();
  const tData = performance.now();
  if (args['data-dir']) {
    const source = path.resolve(args['data-dir']);
    if (!fs.existsSync(path.join(source, 'pglite'))) throw new Error(`${source} holds no pglite folder`);
    if (fs.existsSync(path.join(source, 'pglite.pid'))) throw new Error(`${source} is locked (pglite.pid): stop the server using it first`);
    fs.cpSync(source, dataDir, { recursive: true });
    log(`copy of ${source} in ${dataDir}`);
  } else if (SCALE === 'demo') {
    log(`fresh data folder ${dataDir}`);
    runNode('scripts/demo.ts', [], { DATA_DIR: dataDir, DATABASE_URL: '' });
  } else {
    log(`fresh data folder ${dataDir}`);
    runNode('scripts/db-migrate.ts', [], { DATA_DIR: dataDir, DATABASE_URL: '' });
    const tGen = performance.now();
    runNode('bench/generate.ts', ['--data-dir', dataDir, '--count', String(COUNT), '--chunk', '10000'], { DATABASE_URL: '' });
    log(`generated ${COUNT.toLocaleString('en')} items in ${((performance.now() - tGen) / 1000).toFixed(1)} s`);
  }
  const dataSeconds = (performance.now() - tData) / 1000;
  const dataMiB = duBytes(path.join(dataDir, 'pglite')) / 2 ** 20;
  const items = await countItems(dataDir);
  log(`data set ready in ${dataSeconds.toFixed(1)} s (${dataMiB.toFixed(0)} MiB on disk)`);

  const runs: Run[] = [];
  try {
    for (let run = 1; run <= RUNS; run++) {
      for (const mode of MODES) {
        log(`run ${run}/${RUNS}, PGLITE_MODE=${mode} (load average ${os.loadavg().map((v) => v.toFixed(2)).join(' ')})`);
        const r = await measure(dataDir, mode, run);
        runs.push(r);
        // Written after every run, so an interrupted benchmark still leaves what it measured.
        report({ started, dataDir, dataSeconds, dataMiB, items, runs }, runs.length < RUNS * MODES.length);
        log(
          `  reopen ${ms(r.boardMs)} ms; ${r.throughput.toFixed(1)} req/s, p50 ${ms(r.latency.p50)} p95 ${ms(r.latency.p95)} p99 ${ms(r.latency.p99)} ms; ` +
            `RSS peak ${r.rssPeakMiB.toFixed(0)} MiB; shutdown ${ms(r.shutdownMs)} ms (exit ${r.exitCode})`,
        );
      }
    }
  } finally {
    if (args.keep) log(`data folder kept: ${dataDir}`);
    else fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Feedback items in the data folder (the server must not be running). */
async function countItems(dataDir: string): Promise<number> {
  const { openDb } = await import('../src/server/db/index.ts');
  const h = await openDb({ dataDir, pgliteMode: 'main' });
  try {
    const row = await h.db.selectFrom('feedback').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  } finally {
    await h.close();
  }
}

function report(r: { started: Date; dataDir: string; dataSeconds: number; dataMiB: number; items: number; runs: Run[] }, partial: boolean): void {
  const date = r.started.toISOString().slice(0, 10);
  const base = path.join(ROOT, 'bench/results', `${date}-embedded-${SCALE}${LABEL}`);
  const m = machineInfo();
  const perMode = MODES.filter((mode) => r.runs.some((x) => x.mode === mode)).map((mode) => {
    const rs = r.runs.filter((x) => x.mode === mode);
    return {
      mode,
      runs: rs.length,
      reopen: agg(rs.map((x) => x.boardMs)),
      healthz: agg(rs.map((x) => x.healthzMs)),
      p50: agg(rs.map((x) => x.latency.p50)),
      p95: agg(rs.map((x) => x.latency.p95)),
      p99: agg(rs.map((x) => x.latency.p99)),
      max: agg(rs.map((x) => x.latency.max)),
      throughput: agg(rs.map((x) => x.throughput)),
      rss: agg(rs.map((x) => x.rssPeakMiB)),
      cpuPerReq: agg(rs.map((x) => (x.serverCpuSeconds / x.completed) * 1000)),
      shutdown: agg(rs.map((x) => x.shutdownMs)),
      failures: rs.reduce((a, x) => a + x.errors + x.non200 + x.badBody, 0),
      cleanExits: rs.every((x) => x.exitCode === 0 && x.lockReleased),
    };
  });
  const ok = (v: boolean) => (v ? 'yes' : '**no**');
  const lines: string[] = [];
  lines.push(`# Embedded database (PGlite) benchmark: ${SCALE}`);
  lines.push('');
  lines.push(`Run ${r.started.toISOString().slice(0, 16).replace('T', ' ')} UTC with \`node bench/embedded.ts --scale ${SCALE}${args['data-dir'] ? ' --data-dir …' : ''}${args.app ? ' --app …' : ''}${RUNS !== 3 ? ` --runs ${RUNS}` : ''}${DURATION !== 30 ? ` --duration ${DURATION}` : ''}\`.`);
  lines.push(
    `Data: ${SCALE === 'demo' ? `\`npm run demo\`'s data set (${r.items.toLocaleString('en')} items)` : `${r.items.toLocaleString('en')} generated items (bench/generate.ts --data-dir)`} on ${args['data-dir'] ? 'a copy of an existing data folder, copied' : 'a fresh data folder, created'} in ${r.dataSeconds.toFixed(0)} s; ${r.dataMiB.toFixed(0)} MiB on disk.`,
  );
  lines.push(`Machine: ${m.nproc} × ${m.cpu}, ${m.memGiB} GiB, Node ${m.node}, ${m.kernel}. Server: \`node server/main.ts\`, NODE_ENV=production, LOG_LEVEL=warn; load generator on the same machine.`);
  lines.push(
    `Per run: reopen the data folder (process start → first 200 of the board), ${WARMUP} s warm-up, then ${DURATION} s at **${RATE} requests/s** open loop (latency from each request's due time), ` +
      'mix 35% newest board, 35% random filters, 30% search; then SIGTERM. Modes are interleaved run by run.',
  );
  lines.push('');
  if (partial) lines.push(`**Incomplete: ${r.runs.length} of ${RUNS * MODES.length} runs done.**`, '');
  lines.push(`Median of the runs per mode (${perMode.map((p) => `${p.runs} ${p.mode}`).join(', ')}; min–max in brackets):`);
  lines.push('');
  lines.push('| PGLITE_MODE | reopen → first board 200 | p50 | p95 | p99 | max | req/s | server CPU per request | RSS peak | shutdown | failed requests | clean exits |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const p of perMode) {
    lines.push(
      `| ${p.mode} | ${fmt(p.reopen, ' ms')} | ${fmt(p.p50, ' ms')} | ${fmt(p.p95, ' ms')} | ${fmt(p.p99, ' ms')} | ${fmt(p.max, ' ms')} | ${fmt(p.throughput)} | ${fmt(p.cpuPerReq, ' ms')} | ${fmt(p.rss, ' MiB')} | ${fmt(p.shutdown, ' ms')} | ${p.failures} | ${p.cleanExits ? 'all' : '**not all**'} |`,
    );
  }
  lines.push('');
  lines.push(`Budgets for the embedded default${SCALE === 'city' ? '' : ' (set for the city scale; shown here for reference)'}: reopen < ${BUDGET.reopenMs / 1000} s, p99 < ${BUDGET.p99Ms} ms at 50 requests/s on city, memory < ${BUDGET.rssMiB} MB (worst run counts):`);
  lines.push('');
  lines.push('| PGLITE_MODE | reopen | p99 | memory |');
  lines.push('|---|---|---|---|');
  for (const p of perMode) lines.push(`| ${p.mode} | ${ok(p.reopen.max < BUDGET.reopenMs)} (${ms(p.reopen.max)} ms) | ${ok(p.p99.max < BUDGET.p99Ms)} (${ms(p.p99.max)} ms) | ${ok(p.rss.max < BUDGET.rssMiB)} (${p.rss.max.toFixed(0)} MiB) |`);
  lines.push('');
  lines.push('Every run:');
  lines.push('');
  lines.push('| run | mode | load avg before (1/5/15 min) | machine busy during load | /healthz 200 | board 200 | p50 | p95 | p99 | max | req/s | RSS peak | exit |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const x of r.runs) {
    lines.push(
      `| ${x.run} | ${x.mode} | ${x.loadavgBefore.join(' / ')} | ${(x.machineBusyShare * 100).toFixed(0)}% | ${ms(x.healthzMs)} ms | ${ms(x.boardMs)} ms | ${ms(x.latency.p50)} | ${ms(x.latency.p95)} | ${ms(x.latency.p99)} | ${ms(x.latency.max)} | ${x.throughput.toFixed(1)} | ${x.rssPeakMiB.toFixed(0)} MiB | ${x.exitCode}${x.lockReleased ? '' : ', lock left'}${x.errors + x.non200 + x.badBody ? `, ${x.errors + x.non200 + x.badBody} failed` : ''} |`,
    );
  }
  lines.push('');
  lines.push(
    'Reading it: "machine busy" is the share of all cores in use during the measured load, by every process (the server, the load generator and anything else); ' +
      'when it is far above what the server alone uses, or the load average before a run is above the core count, the machine was shared and the figures are provisional. ' +
      'RSS peak is the server process (main and worker thread together).',
  );
  fs.mkdirSync(path.dirname(base), { recursive: true });
  fs.writeFileSync(`${base}.md`, `${lines.join('\n')}\n`);
  fs.writeFileSync(`${base}.json`, `${JSON.stringify({ scale: SCALE, complete: !partial, started: r.started, rate: RATE, duration: DURATION, warmup: WARMUP, machine: m, data: { seconds: r.dataSeconds, MiB: r.dataMiB, items: r.items }, budget: BUDGET, perMode, runs: r.runs }, null, 2)}\n`);
  if (!partial) process.stdout.write(`${lines.join('\n')}\n\n`);
  log(`written: ${path.relative(ROOT, base)}.md and .json`);
}

await main();
