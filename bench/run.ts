/**
 * The board benchmark (`npm run bench`). See bench/README.md.
 *
 *   npm run bench                          # throwaway PostgreSQL, 1,000,000 items, all scenarios
 *   npm run bench -- --count 200000        # smaller data set
 *   DATABASE_URL=postgres://... npm run bench -- --reuse        # data already generated
 *   DATABASE_URL=postgres://... npm run bench -- --generate     # (re)generate there (truncates feedback!)
 *
 * Options: --count N (1,000,000) --rate R (board scenarios, 200 req/s) --search-rate R (search
 *          page, 50 req/s) --duration S (30 s per scenario)
 *          --iterations N (200 SQL iterations) --port P (4399)
 *          --no-build (serve a copy of the existing dist/ instead of building the snapshot)
 *          --quiet-wait S (wait up to S seconds for an idle machine before each scenario, 180)
 *          --patch a.patch,b.patch (what-if: git-apply these to the snapshot before building;
 *                                    the work tree is never touched; see bench/experiments/)
 *          --sql file.sql (what-if: run this SQL on the benchmark database first, e.g. new indexes;
 *                          it stays applied: use a throwaway database)
 *          --label TEXT (added to the results file name and title, e.g. "what-if")
 *          --keep-cluster (leave the throwaway cluster running; prints its URL)
 *          --only http,sql,js,saturation,ceiling (subset of the measurements)
 *          --warmup S (HTTP warm-up, 10 s) --ceiling-runs N (3) --ceiling-seconds S (5)
 *          --strict (exit 1 when any HTTP response was not a 200 with the board, or errored:
 *                    the CI smoke run uses it; it never judges timings)
 *          --no-write (print the report only; no files in bench/results/)
 *          --processes N (instead of all the above: N app processes behind nginx, bench/processes.ts)
 *          --diagnose (a timeline of each HTTP scenario: late requests beside the server's
 *                      event-loop delay, GC, CPU and jobs and PostgreSQL's log; bench/timeline.ts)
 *
 * Steps: PostgreSQL (own throwaway cluster via scripts/test-postgres.sh unless DATABASE_URL is
 * set) → migrate + reference data → bench/generate.ts → snapshot the work tree into /tmp and
 * `astro build` there (so a concurrent rebuild of dist/ by someone else cannot change the
 * server under test) → start the built server
 * (node server/main.ts, NODE_ENV=production) → HTTP scenarios at a fixed rate (open loop,
 * bench/load.ts) → SQL timings of selectBoardPage through Kysely → EXPLAIN (ANALYZE, BUFFERS)
 * of the slowest queries → gzipped JS of public pages → closed-loop saturation (autocannon)
 * → bench/results/<date>-board.md (+ .json). Everything started is stopped at the end.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import zlib from 'node:zlib';
import autocannon from 'autocannon';
import { type CompiledQuery, Kysely, PostgresDialect, type LogEvent } from 'kysely';
import type pg from 'pg';
import { parseConfig } from '../src/server/config.ts';
import type { Database } from '../src/server/db/schema.ts';
import type { BoardCursor, BoardFilter, BoardSort } from '../src/server/feedback/queries.ts';
import { KIND_ORDER, SEARCH_TERMS, SECTOR_ORDER } from './corpus.ts';
import { type CeilingResult, ceilingReport, measureCeilings } from './ceiling.ts';
import { type BudgetCase, measureBudgets } from './budgets.ts';
import { generate, type GenerateResult } from './generate.ts';
import { type LoadResult, openLoop, type Processes, waitForQuiet } from './load.ts';
import { enablePostgresLog, timelineReport } from './timeline.ts';
import { log, machineInfo, ms, newPool, rng, ROOT, startCluster, stopCluster, type Summary, summarize } from './lib.ts';

/** The issue's budgets: board p99 at 200 req/s, search p95 in SQL, the search page's p95 at 50 req/s, JS per public page. */
const TARGETS = { boardP99: 50, searchP95: 25, searchPageP95: 80, jsGzipKb: 15 };
const PAGE = 20; // BOARD_PAGE_SIZE in src/server/feedback/service.ts; the app asks for PAGE + 1 rows
const KECAMATAN = ['81.71.01', '81.71.02', '81.71.03', '81.71.04', '81.71.05'];
const STATUSES = ['received', 'assigned', 'in_progress', 'responded', 'resolved', 'closed', 'reopened'] as const;

const { values: args } = parseArgs({
  args: process.argv.slice(2),
  strict: false,
  options: {
    count: { type: 'string' },
    rate: { type: 'string' },
    'search-rate': { type: 'string' },
    duration: { type: 'string' },
    iterations: { type: 'string' },
    port: { type: 'string' },
    'no-build': { type: 'boolean' },
    reuse: { type: 'boolean' },
    generate: { type: 'boolean' },
    'keep-cluster': { type: 'boolean' },
    only: { type: 'string' },
    'quiet-wait': { type: 'string' },
    patch: { type: 'string' },
    sql: { type: 'string' },
    label: { type: 'string' },
    warmup: { type: 'string' },
    'ceiling-runs': { type: 'string' },
    'ceiling-seconds': { type: 'string' },
    strict: { type: 'boolean' },
    'no-write': { type: 'boolean' },
    processes: { type: 'string' },
    diagnose: { type: 'boolean' },
  },
});
const num = (v: unknown, d: number) => (typeof v === 'string' && v.trim() ? Number(v.replaceAll('_', '').replaceAll(',', '')) : d);
const COUNT = num(args.count, 1_000_000);
const RATE = num(args.rate, 200);
const SEARCH_RATE = num(args['search-rate'], 50);
const DURATION = num(args.duration, 30);
const ITERATIONS = num(args.iterations, 200);
const PORT = num(args.port, 4399);
const QUIET_WAIT = num(args['quiet-wait'], 180);
const PATCHES = typeof args.patch === 'string' ? args.patch.split(',').filter(Boolean).map((p) => path.resolve(p)) : [];
const SQL_FILES = typeof args.sql === 'string' ? args.sql.split(',').filter(Boolean).map((p) => path.resolve(p)) : [];
const LABEL = typeof args.label === 'string' ? args.label.replace(/[^A-Za-z0-9_-]+/g, '-') : '';
const ONLY = new Set(typeof args.only === 'string' ? args.only.split(',') : ['http', 'sql', 'js', 'saturation', 'ceiling']);
const WARMUP = num(args.warmup, 10);
/** `--only sql` needs no server: nothing is built or started, the SQL runs the work tree's queries from a copy. */
const NEEDS_SERVER = ['http', 'js', 'saturation', 'ceiling'].some((k) => ONLY.has(k));

const rand = rng(20261127);
/** Whether the server (which inherits this environment) keeps public reads in memory, as its config reads READ_CACHE. */
const serverReadCache = parseConfig({ READ_CACHE: process.env.READ_CACHE }).readCache;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
let selectBoardPage: typeof import('../src/server/feedback/queries.ts').selectBoardPage;
const encodeCursor = (c: BoardCursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

// ---------------------------------------------------------------- setup

const stateFile = '/tmp/baku-bench-postgres.state';
let ownCluster = false;
let server: ChildProcess | null = null;
const serverLog = path.join('/tmp', `baku-bench-server-${process.pid}.log`);
/** --diagnose: the server's event-loop/GC/CPU samples (bench/probe.ts), one JSON line per 250 ms. */
const probeFile = path.join('/tmp', `baku-bench-probe-${process.pid}.jsonl`);
const serverDataDir = path.join('/tmp', `baku-bench-data-${process.pid}`);
const appDir = path.join('/tmp', `baku-bench-app-${process.pid}`);

async function stopServer(): Promise<void> {
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => {
      const t = setTimeout(() => {
        server?.kill('SIGKILL');
        r(null);
      }, 12_000);
      server!.once('exit', () => {
        clearTimeout(t);
        r(null);
      });
    });
  }
}

async function cleanup(): Promise<void> {
  await stopServer();
  fs.rmSync(serverDataDir, { recursive: true, force: true });
  fs.rmSync(appDir, { recursive: true, force: true });
  if (ownCluster && !args['keep-cluster']) {
    try {
      stopCluster(stateFile);
    } catch (e) {
      log(`stopping the cluster failed: ${(e as Error).message}`);
    }
  }
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    log(`${sig}: cleaning up`);
    void cleanup().then(() => process.exit(130));
  });
}

function runNode(script: string, env: Record<string, string>): void {
  execFileSync(process.execPath, [script], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
}

async function startServer(databaseUrl: string): Promise<{ baseUrl: string; pid: number }> {
  const out = fs.openSync(serverLog, 'w');
  const preload = args.diagnose ? ['--import', pathToFileURL(path.join(ROOT, 'bench/probe.ts')).href] : [];
  server = spawn(process.execPath, [...preload, 'server/main.ts'], {
    cwd: appDir,
    env: {
      ...process.env,
      ...(args.diagnose ? { BENCH_PROBE: probeFile } : {}),
      DATABASE_URL: databaseUrl,
      PORT: String(PORT),
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATA_DIR: serverDataDir,
    },
    stdio: ['ignore', out, out],
  });
  const baseUrl = `http://127.0.0.1:${PORT}`;
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`server exited with ${server.exitCode}; see ${serverLog}:\n${fs.readFileSync(serverLog, 'utf8').slice(-2000)}`);
    try {
      const r = await fetch(`${baseUrl}/healthz`);
      if (r.ok) return { baseUrl, pid: server.pid! };
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server did not answer /healthz within 90 s; see ${serverLog}`);
}

/**
 * Copies the work tree (without node_modules, .git, test output) to appDir and builds it there,
 * or copies the existing dist/ with --no-build. The server under test runs from that copy.
 */
function snapshotApp(build: boolean): void {
  const skip = new Set(['node_modules', '.git', 'test-results', 'playwright-report', 'data', 'bench']);
  fs.rmSync(appDir, { recursive: true, force: true });
  fs.mkdirSync(appDir, { recursive: true });
  for (const entry of fs.readdirSync(ROOT)) {
    if (skip.has(entry) || (build && entry === 'dist')) continue;
    fs.cpSync(path.join(ROOT, entry), path.join(appDir, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(appDir, 'node_modules'));
  for (const p of PATCHES) {
    log(`applying ${path.relative(ROOT, p)} to the snapshot`);
    execFileSync('git', ['apply', p], { cwd: appDir, stdio: ['ignore', 'inherit', 'inherit'] });
  }
  if (PATCHES.length && !build && NEEDS_SERVER) throw new Error('--patch needs a build: drop --no-build');
  if (!NEEDS_SERVER) return;
  if (build) {
    log(`astro build in a snapshot of the work tree (${appDir})`);
    execFileSync(path.join(ROOT, 'node_modules/.bin/astro'), ['build'], { cwd: appDir, stdio: ['ignore', 'ignore', 'inherit'] });
  } else if (!fs.existsSync(path.join(appDir, 'dist/server/entry.mjs'))) {
    throw new Error('dist/server/entry.mjs is missing: run `astro build` first, or drop --no-build');
  }
}

function postmasterPid(dataDir: string): number | null {
  try {
    return Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]) || null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- workloads

const board = (params: Record<string, string>) => {
  const u = new URLSearchParams(params);
  const s = u.toString();
  return s ? `/masukan?${s}` : '/masukan';
};

interface Unit {
  id: number;
  sector: string;
}

/** Random filter combinations as a resident would click them (at least one filter). */
function filterParams(units: Unit[]): Record<string, string> {
  const p: Record<string, string> = {};
  const r = rand();
  if (r < 0.15) p.unit = String(pick(units).id);
  else if (r < 0.8) p.sektor = pick(SECTOR_ORDER);
  if (rand() < 0.5) p.kecamatan = pick(KECAMATAN);
  if (rand() < 0.4) p.jenis = pick(KIND_ORDER);
  if (rand() < 0.12) p.status = pick(STATUSES);
  const s = rand();
  if (s < 0.45) p.urut = 'dukungan';
  else if (s < 0.6) p.urut = 'terlama';
  if (Object.keys(p).filter((k) => k !== 'urut').length === 0) p.kecamatan = pick(KECAMATAN);
  return p;
}

function toFilter(p: Record<string, string>): { filter: BoardFilter; sort: BoardSort } {
  return {
    filter: {
      kind: p.jenis as BoardFilter['kind'],
      sector: p.sektor as BoardFilter['sector'],
      unitId: p.unit ? Number(p.unit) : undefined,
      kecamatan: p.kecamatan,
      status: p.status as BoardFilter['status'],
      q: p.q,
    },
    sort: p.urut === 'dukungan' ? 'support' : p.urut === 'terlama' ? 'waiting' : 'new',
  };
}

function searchParams(): Record<string, string> {
  const p: Record<string, string> = { q: pick(SEARCH_TERMS).q };
  const r = rand();
  if (r < 0.15) p.kecamatan = pick(KECAMATAN);
  else if (r < 0.25) p.sektor = pick(SECTOR_ORDER);
  return p;
}

/** Follows the board's "next" links like a reader would. */
async function crawl(baseUrl: string, start: string, pages: number): Promise<string[]> {
  const out: string[] = [];
  let url: string | null = start;
  for (let i = 0; i < pages && url; i++) {
    const html: string = await (await fetch(baseUrl + url)).text();
    const m: RegExpExecArray | null = /<a href="([^"]*setelah=[^"]*)"[^>]*rel="next"/.exec(html) ?? /href="([^"]*setelah=[^"]*)"/.exec(html);
    url = m ? m[1]!.replaceAll('&amp;', '&') : null;
    if (url) out.push(url);
  }
  return out;
}

// ---------------------------------------------------------------- measurements

interface HttpScenario {
  key: string;
  title: string;
  target: 'board' | 'search';
  rate: number;
  /** The URLs the scenario cycles through, or (`next`) a fresh one per request. */
  urls: string[];
  next?: () => string;
  result?: LoadResult;
  summary?: Summary;
  /** Share of all cores busy just before the scenario started (after waiting for quiet). */
  busyBefore?: number;
}

interface SqlCase {
  key: string;
  title: string;
  make: () => { filter: BoardFilter; sort: BoardSort; after: BoardCursor | null };
  target: 'board' | 'search';
  summary?: Summary;
  slowest?: { ms: number; query: CompiledQuery };
}

async function main() {
  const t0 = performance.now();
  const started = new Date();
  let databaseUrl = process.env.DATABASE_URL ?? '';
  if (!databaseUrl) {
    log('starting a throwaway PostgreSQL cluster (scripts/test-postgres.sh)');
    databaseUrl = startCluster(stateFile);
    ownCluster = true;
  }
  let generated: GenerateResult | null = null;
  {
    const pool = newPool(databaseUrl, 1);
    const has = await pool.query(`select to_regclass('feedback') is not null as ok`);
    const count = has.rows[0].ok ? Number((await pool.query(`select count(*) as n from feedback`)).rows[0].n) : 0;
    await pool.end();
    const needData = ownCluster || args.generate || (!args.reuse && count === 0);
    log(`migrating (node scripts/db-migrate.ts)`);
    runNode('scripts/db-migrate.ts', { DATABASE_URL: databaseUrl });
    if (needData) {
      if (!ownCluster && count > 0 && !args.generate) throw new Error('refusing to replace existing feedback without --generate');
      log(`generating ${COUNT.toLocaleString('en')} feedback items`);
      generated = await generate({ databaseUrl, count: COUNT, years: 3, chunk: 50_000, workers: 2, truncate: true, events: true });
    } else log(`reusing ${count.toLocaleString('en')} existing feedback items`);
  }

  snapshotApp(!args['no-build']);
  // The SQL timings use the same code as the server under test: the snapshot's (patched) queries.
  selectBoardPage = ((await import(pathToFileURL(path.join(appDir, 'src/server/feedback/queries.ts')).href)) as typeof import('../src/server/feedback/queries.ts')).selectBoardPage;

  const pool = newPool(databaseUrl, 4);
  for (const f of SQL_FILES) {
    log(`running ${path.relative(ROOT, f)} on the benchmark database`);
    const t = performance.now();
    await pool.query(fs.readFileSync(f, 'utf8'));
    log(`  done in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  }
  const info = await collectInfo(pool);
  const units = (await pool.query<Unit>(`select id, sector from units where active order by id`)).rows;
  let postgresLog: string | null = null;
  let postgresLogOffset = 0;
  if (args.diagnose) {
    // The bench's own cluster: this run's, or one kept by --keep-cluster and reused.
    const state = fs.existsSync(stateFile) ? fs.readFileSync(stateFile, 'utf8') : '';
    const kept = /^url=(.*)$/m.exec(state)?.[1] === databaseUrl;
    if (ownCluster || kept) {
      await enablePostgresLog(pool);
      const dir = /^dir=(.*)$/m.exec(state)?.[1];
      postgresLog = dir ? path.join(dir, 'postgres.log') : null;
      postgresLogOffset = postgresLog && fs.existsSync(postgresLog) ? fs.statSync(postgresLog).size : 0;
    } else log('--diagnose: PostgreSQL\'s log is read only on the bench\'s own cluster (its settings are changed with ALTER SYSTEM)');
    fs.rmSync(probeFile, { force: true });
  }

  let baseUrl = '';
  const procs: Processes = { serverPid: null, postmasterPid: postmasterPid(info.dataDirectory) };
  if (NEEDS_SERVER) {
    log('starting the server (node server/main.ts, NODE_ENV=production)');
    const started = await startServer(databaseUrl);
    baseUrl = started.baseUrl;
    procs.serverPid = started.pid;
  }

  // ---- URL sets
  const filterUrls = Array.from({ length: 400 }, () => board(filterParams(units)));
  const searchUrls = Array.from({ length: 400 }, () => board(searchParams()));
  log('following "next" links to collect deep pages');
  const starts = ['/masukan', board({ urut: 'dukungan' }), board({ urut: 'terlama' }), board({ sektor: 'kesehatan' }), board({ kecamatan: '81.71.02', urut: 'dukungan' }), board({ jenis: 'saran', sektor: 'infrastruktur' }), board({ q: 'sampah' }), board({ q: 'jalan', kecamatan: '81.71.01' })];
  const deepUrls: string[] = [];
  if (NEEDS_SERVER) for (const s of starts) deepUrls.push(...(await crawl(baseUrl, s, 10)));
  // Far pages a crawler or an old link reaches: cursors at fixed depths in each order. The
  // cursor's time format follows the app's (ISO string, or microseconds since the epoch).
  const publicWhere = `moderation_state = 'published' and not confidential`;
  const far: { sort: BoardSort; offset: number; iso: string; us: number; support: number; id: number }[] = [];
  const cols = `created_at, (extract(epoch from created_at) * 1000000)::bigint as us, support_count, id`;
  for (const offset of [1_000, 10_000, 100_000, 500_000]) {
    for (const [sort, order] of [
      ['new', `${publicWhere} order by created_at desc, id desc`],
      ['support', `${publicWhere} order by support_count desc, id desc`],
      ['waiting', `${publicWhere} and status not in ('resolved','closed') order by created_at, id`],
    ] as const) {
      const row = (await pool.query(`select ${cols} from feedback where ${order} offset $1 limit 1`, [offset])).rows[0];
      if (row) far.push({ sort, offset, iso: row.created_at.toISOString(), us: Number(row.us), support: row.support_count, id: row.id });
    }
  }
  const sample = deepUrls.map((u) => new URLSearchParams(u.split('?')[1]).get('setelah')).find(Boolean);
  const httpMicros = sample ? typeof JSON.parse(Buffer.from(sample, 'base64url').toString('utf8')).v === 'number' : true;
  const cursorFor = (f: (typeof far)[number], micros: boolean): BoardCursor =>
    (f.sort === 'support' ? { v: f.support, id: f.id } : { v: micros ? f.us : f.iso, id: f.id }) as unknown as BoardCursor;
  for (const f of far) deepUrls.push(board({ ...(f.sort === 'support' ? { urut: 'dukungan' } : f.sort === 'waiting' ? { urut: 'terlama' } : {}), setelah: encodeCursor(cursorFor(f, httpMicros)) }));
  log(`${deepUrls.length} deep-page URLs`);

  // Random filters are drawn afresh for every request (seeded): a read cache only helps them as
  // much as real visitors' choices repeat. Deep pages and search terms come from fixed lists.
  const scenarios: HttpScenario[] = [
    { key: 'a', title: 'board, newest (`/masukan`)', target: 'board', rate: RATE, urls: ['/masukan'] },
    { key: 'b', title: 'board, random filters, a new draw for every request (sector/unit × kecamatan × kind × status; 45% `urut=dukungan`, 15% `urut=terlama`)', target: 'board', rate: RATE, urls: filterUrls, next: () => board(filterParams(units)) },
    { key: 'c', title: 'board, deep pages (`setelah=` cursors: pages 2–11 of 8 listings + offsets 1k–500k)', target: 'board', rate: RATE, urls: deepUrls },
    { key: 'd', title: `search page \`/masukan?q=\` (${SEARCH_TERMS.length} common/rare terms; 25% with a filter)`, target: 'search', rate: SEARCH_RATE, urls: searchUrls },
  ];
  const checkBody = (b: string) => b.includes('id="board-results"');
  let overloaded = false;

  if (ONLY.has('http')) {
    log(`warm-up: ${WARMUP} s at ${RATE} req/s over all scenarios`);
    const all = scenarios.flatMap((s) => s.urls);
    await openLoop({ baseUrl, nextPath: () => pick(all), rate: RATE, seconds: WARMUP, checkBody });
    for (const s of scenarios) {
      if (overloaded) {
        // An overloaded scenario leaves a backlog of abandoned requests in the server (and their
        // queries in PostgreSQL): start the next one from a fresh server.
        log('previous scenario overloaded the server: restarting it');
        await stopServer();
        procs.serverPid = (await startServer(databaseUrl)).pid;
      }
      const quiet = await waitForQuiet(QUIET_WAIT);
      s.busyBefore = quiet.busy;
      log(`scenario (${s.key}) ${s.title}: ${DURATION} s at ${s.rate} req/s (machine ${(quiet.busy * 100).toFixed(0)}% busy before, waited ${quiet.waited.toFixed(0)} s)`);
      let i = 0;
      s.result = await openLoop({ baseUrl, nextPath: s.next ?? (() => s.urls[i++ % s.urls.length]!), rate: s.rate, seconds: DURATION, checkBody, processes: procs });
      s.summary = summarize(s.result.latency);
      overloaded = Object.keys(s.result.errors).length > 0 || s.summary.p99 > 1000;
      log(`  p50 ${ms(s.summary.p50)} p95 ${ms(s.summary.p95)} p99 ${ms(s.summary.p99)} ms; ${JSON.stringify(s.result.status)} ${JSON.stringify(s.result.errors)}`);
    }
  }

  const timeline = args.diagnose && ONLY.has('http') ? timelineReport({ scenarios, probeFile, postgresLog, postgresLogOffset, serverLog }) : '';

  if (overloaded && NEEDS_SERVER) {
    log('last scenario overloaded the server: restarting it before the ceiling check');
    await stopServer();
    procs.serverPid = (await startServer(databaseUrl)).pid;
    await waitForQuiet(QUIET_WAIT);
  }

  // ---- JS shipped to public pages
  const js: { page: string; scripts: { src: string; raw: number; gzip: number }[]; inline: { raw: number; gzip: number }; gzipTotal: number; encoding: string | null }[] = [];
  if (ONLY.has('js')) {
    for (const page of ['/', '/masukan', '/masukan/baru', '/lacak']) {
      const res = await fetch(baseUrl + page);
      const html = await res.text();
      const srcs = new Set<string>();
      for (const m of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"[^>]*>/g)) srcs.add(m[1]!.replaceAll('&amp;', '&'));
      for (const m of html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"[^>]*>/g)) srcs.add(m[1]!.replaceAll('&amp;', '&'));
      const scripts = [];
      for (const src of srcs) {
        const r = await fetch(new URL(src, baseUrl + page));
        const buf = Buffer.from(await r.arrayBuffer());
        scripts.push({ src, raw: buf.length, gzip: zlib.gzipSync(buf, { level: 9 }).length });
      }
      const inlineText = [...html.matchAll(/<script\b(?![^>]*\bsrc=)(?![^>]*type="application\/(?:ld\+)?json")[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]!).join('\n');
      const inline = { raw: Buffer.byteLength(inlineText), gzip: inlineText ? zlib.gzipSync(inlineText, { level: 9 }).length : 0 };
      js.push({ page, scripts, inline, gzipTotal: scripts.reduce((a, s) => a + s.gzip, 0) + inline.gzip, encoding: res.headers.get('content-encoding') });
    }
  }

  // ---- closed-loop saturation (how far the 200 req/s target is from the ceiling)
  const saturation: { title: string; rps: number; p50: number; p99: number; errors: number; non2xx: number }[] = [];
  if (ONLY.has('saturation')) {
    for (const [title, urls] of [
      ['board, newest', ['/masukan']],
      ['board, random filters', filterUrls],
      ['search, rotating terms', searchUrls],
    ] as const) {
      log(`saturation: ${title} (autocannon, 8 connections, 10 s)`);
      let i = 0;
      const r = await autocannon({
        url: baseUrl,
        connections: 8,
        duration: 10,
        requests: [{ setupRequest: (req: Record<string, unknown>) => ({ ...req, path: urls[i++ % urls.length] }) }],
      });
      saturation.push({ title, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx });
    }
  }

  // ---- SQL timings through the app's own query code, with the server stopped (an overloaded
  // HTTP scenario leaves work behind that would otherwise be measured here)
  await stopServer();
  const captured: CompiledQuery[] = [];
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: newPool(databaseUrl, 2) }),
    log: (e: LogEvent) => {
      if (e.level === 'query') captured.push(e.query);
    },
  });
  const sqlCases: SqlCase[] = [];
  const searchTermStats: { q: string; label: string; matches: number; summary: Summary }[] = [];
  const explains: { title: string; ms: number; plan: string }[] = [];
  if (ONLY.has('sql')) {
    const filterSets = Array.from({ length: 400 }, () => toFilter(filterParams(units)));
    const searchSets = Array.from({ length: 400 }, () => toFilter(searchParams()));
    const probe = (await selectBoardPage(db, {}, 'new', null, 1))[0] as Record<string, unknown> | undefined;
    const sqlMicros = !!probe && 'created_us' in probe;
    const deepSets = far.map((f) => ({ filter: {}, sort: f.sort, after: cursorFor(f, sqlMicros) }));
    let k = 0;
    sqlCases.push(
      { key: 'new', title: 'newest, page 1', target: 'board', make: () => ({ filter: {}, sort: 'new', after: null }) },
      { key: 'support', title: 'most supported, page 1', target: 'board', make: () => ({ filter: {}, sort: 'support', after: null }) },
      { key: 'waiting', title: 'waiting longest, page 1', target: 'board', make: () => ({ filter: {}, sort: 'waiting', after: null }) },
      { key: 'filters', title: 'random filters (as scenario b)', target: 'board', make: () => ({ ...filterSets[k++ % filterSets.length]!, after: null }) },
      { key: 'deep', title: 'far cursors (offset 1k–500k, 3 orders)', target: 'board', make: () => deepSets[k++ % deepSets.length]! },
      { key: 'search', title: 'search, rotating terms (as scenario d)', target: 'search', make: () => ({ ...searchSets[k++ % searchSets.length]!, after: null }) },
    );
    for (const c of sqlCases) {
      const quiet = await waitForQuiet(QUIET_WAIT / 3);
      log(`SQL: ${c.title} × ${ITERATIONS} (machine ${(quiet.busy * 100).toFixed(0)}% busy before)`);
      const times: number[] = [];
      for (let i = 0; i < ITERATIONS + 10; i++) {
        const q = c.make();
        captured.length = 0;
        const t = performance.now();
        await selectBoardPage(db, q.filter, q.sort, q.after, PAGE + 1);
        const d = performance.now() - t;
        if (i < 10) continue; // warm-up
        times.push(d);
        if (!c.slowest || d > c.slowest.ms) c.slowest = { ms: d, query: captured[0]! };
      }
      c.summary = summarize(times);
      log(`  p50 ${ms(c.summary.p50)} p95 ${ms(c.summary.p95)} p99 ${ms(c.summary.p99)} ms`);
    }
    // Per-term detail: how many rows match, and what each term costs.
    for (const t of SEARCH_TERMS) {
      const m = await pool.query(
        `select count(*) as n from feedback where ${publicWhere} and search @@ (websearch_to_tsquery('indonesian', $1) || websearch_to_tsquery('simple', $1))`,
        [t.q],
      );
      const times: number[] = [];
      for (let i = 0; i < 12; i++) {
        const tt = performance.now();
        await selectBoardPage(db, { q: t.q }, 'new', null, PAGE + 1);
        if (i >= 2) times.push(performance.now() - tt);
      }
      searchTermStats.push({ q: t.q, label: t.label, matches: Number(m.rows[0].n), summary: summarize(times) });
    }
    // EXPLAIN the slowest execution of each case, plus the representative first pages.
    for (const c of sqlCases) {
      if (!c.slowest) continue;
      explains.push({ title: `${c.title} — slowest of ${ITERATIONS} (${ms(c.slowest.ms)} ms)`, ms: c.slowest.ms, plan: await explain(pool, c.slowest.query) });
    }
    const worstTerm = [...searchTermStats].sort((a, b) => b.summary.p50 - a.summary.p50)[0];
    if (worstTerm) {
      captured.length = 0;
      await selectBoardPage(db, { q: worstTerm.q }, 'new', null, PAGE + 1);
      explains.push({ title: `search "${worstTerm.q}" (slowest term by p50, ${ms(worstTerm.summary.p50)} ms)`, ms: worstTerm.summary.p50, plan: await explain(pool, captured[0]!) });
    }
  }
  // ---- staff lists (moderation queue, unit inbox, overdue): they must stay on an index too.
  // Imported lazily: these modules change often, and a missing function only skips its row.
  const staff: { title: string; summary: Summary | null; error?: string }[] = [];
  if (ONLY.has('sql')) {
    const load = (rel: string) => import(pathToFileURL(path.join(appDir, rel)).href).catch(() => ({})) as Promise<Record<string, unknown>>;
    const mod = await load('src/server/moderation/queries.ts');
    const han = await load('src/server/handling/queries.ts');
    const now = new Date();
    const bigUnit = (await pool.query(`select unit_id from feedback where unit_id is not null group by 1 order by count(*) desc limit 1`)).rows[0]?.unit_id as number | undefined;
    type AnyFn = (...args: unknown[]) => Promise<unknown>;
    const cases: [string, (() => Promise<unknown>) | null][] = [
      ['moderation queue, oldest pending (selectPending)', typeof mod.selectPending === 'function' ? () => (mod.selectPending as AnyFn)(db, {}, now, 50) : null],
      ['moderation queue, overdue verification', typeof mod.selectPending === 'function' ? () => (mod.selectPending as AnyFn)(db, { overdue: true }, now, 50) : null],
      ['overdue list / daily digest (selectOverdue, 200)', typeof mod.selectOverdue === 'function' ? () => (mod.selectOverdue as AnyFn)(db, now, 200) : null],
      ['inbox, all units, newest (selectInbox)', typeof han.selectInbox === 'function' ? () => (han.selectInbox as AnyFn)(db, { unitId: null }, now, 50) : null],
      [`inbox, busiest unit (#${bigUnit}), open only`, typeof han.selectInbox === 'function' ? () => (han.selectInbox as AnyFn)(db, { unitId: bigUnit ?? 1, openOnly: true }, now, 50) : null],
      [`inbox, busiest unit, overdue`, typeof han.selectInbox === 'function' ? () => (han.selectInbox as AnyFn)(db, { unitId: bigUnit ?? 1, overdue: true }, now, 50) : null],
      ['inbox, all units, overdue', typeof han.selectInbox === 'function' ? () => (han.selectInbox as AnyFn)(db, { unitId: null, overdue: true }, now, 50) : null],
    ];
    for (const [title, run] of cases) {
      if (!run) {
        staff.push({ title, summary: null, error: 'function not found' });
        continue;
      }
      try {
        const times: number[] = [];
        let slowest = { ms: -1, query: null as CompiledQuery | null };
        for (let i = 0; i < 23; i++) {
          captured.length = 0;
          const t = performance.now();
          await run();
          const d = performance.now() - t;
          if (i < 3) continue;
          times.push(d);
          if (d > slowest.ms) slowest = { ms: d, query: captured[0] ?? null };
        }
        const sum = summarize(times);
        staff.push({ title, summary: sum });
        if (slowest.query && sum.p95 > TARGETS.boardP99 / 2) explains.push({ title: `staff: ${title} (p95 ${ms(sum.p95)} ms)`, ms: sum.p95, plan: await explain(pool, slowest.query) });
      } catch (e) {
        staff.push({ title, summary: null, error: (e as Error).message.slice(0, 200) });
      }
    }
  }
  // ---- the other budgets (suggestion, dashboards, submit, support, forum registration)
  let budgets: BudgetCase[] = [];
  if (ONLY.has('sql')) budgets = await measureBudgets(db, appDir, Math.min(ITERATIONS, 100));
  await db.destroy();

  // ---- ceilings of the public pages on this database (bench/ceiling.ts): the same bytes from bare
  // node:http and the page rendered by Astro from fixtures, alternating with the app
  let ceilings: CeilingResult | null = null;
  if (ONLY.has('ceiling')) {
    log('ceilings of the public pages (bench/ceiling.ts)');
    ceilings = await measureCeilings({ app: appDir, databaseUrl, port: PORT + 1, runs: num(args['ceiling-runs'], 3), seconds: num(args['ceiling-seconds'], 5) });
  }

  // ---- report
  const serverErrors = fs.existsSync(serverLog) ? fs.readFileSync(serverLog, 'utf8').split('\n').filter((l) => /"level":"(error|warn)"|error/i.test(l)).length : 0;
  const md = report({ started, info, generated, scenarios, sqlCases, searchTermStats, staff, budgets, explains, js, saturation, serverErrors, seconds: (performance.now() - t0) / 1000 }) + (ceilings ? `\n## Ceilings: each public page beside bare node:http and Astro from fixtures (bench/ceiling.ts)\n\n${ceilingReport(ceilings)}` : '') + (timeline ? `\n## Timeline of the HTTP scenarios (--diagnose)\n\n${timeline}` : '');
  const bad = scenarios.filter((sc) => sc.result && (sc.result.badBody > 0 || Object.keys(sc.result.errors).length > 0 || Object.keys(sc.result.status).some((k) => k !== '200')));
  if (args.strict && bad.length) {
    process.exitCode = 1;
    log(`--strict: wrong answers in ${bad.map((sc) => `(${sc.key}) ${JSON.stringify(sc.result!.status)} errors ${JSON.stringify(sc.result!.errors)} bad bodies ${sc.result!.badBody}`).join('; ')}`);
  }
  const brokenBudgets = budgets.filter((b) => b.error);
  if (args.strict && brokenBudgets.length) {
    process.exitCode = 1;
    log(`--strict: budget cases that did not run: ${brokenBudgets.map((b) => `${b.title}: ${b.error}`).join('; ')}`);
  }
  if (args.strict && ONLY.has('http') && !scenarios.some((sc) => sc.result?.completed)) {
    process.exitCode = 1;
    log('--strict: no HTTP scenario ran');
  }
  if (args['no-write']) {
    await pool.end();
    console.log(md);
    return;
  }
  const dir = path.join(ROOT, 'bench/results');
  fs.mkdirSync(dir, { recursive: true });
  const stem = `${started.toISOString().slice(0, 10)}-board${LABEL ? `-${LABEL}` : ''}`;
  fs.writeFileSync(path.join(dir, `${stem}.md`), md);
  fs.writeFileSync(
    path.join(dir, `${stem}.json`),
    JSON.stringify(
      {
        started,
        info,
        generated,
        scenarios: scenarios.map((s) => ({ key: s.key, title: s.title, rate: s.rate, urls: s.next ? null : s.urls.length, summary: s.summary, service: s.result ? summarize(s.result.service) : null, status: s.result?.status, errors: s.result?.errors, badBody: s.result?.badBody, cpu: s.result?.cpu, seconds: s.result?.seconds, maxInFlight: s.result?.maxInFlight })),
        sql: sqlCases.map((c) => ({ key: c.key, title: c.title, summary: c.summary })),
        staff,
        budgets,
        searchTerms: searchTermStats,
        js,
        saturation,
        ceilings,
      },
      null,
      2,
    ),
  );
  await pool.end();
  console.log(md);
  log(`written bench/results/${stem}.md and .json`);
}

async function explain(pool: pg.Pool, q: CompiledQuery): Promise<string> {
  const r = await pool.query(`explain (analyze, buffers) ${q.sql}`, q.parameters as unknown[]);
  return r.rows.map((x: Record<string, string>) => x['QUERY PLAN']).join('\n') + `\n-- parameters: ${JSON.stringify(q.parameters)}`;
}

interface Info {
  version: string;
  settings: Record<string, string>;
  dataDirectory: string;
  counts: Record<string, number>;
  sizes: { name: string; size: string }[];
  machine: ReturnType<typeof machineInfo>;
  loadavg: string;
}

async function collectInfo(pool: pg.Pool): Promise<Info> {
  const version = (await pool.query(`select version() as v`)).rows[0].v as string;
  const settings: Record<string, string> = {};
  for (const r of (await pool.query(`select name, setting, unit from pg_settings where name in ('shared_buffers','work_mem','effective_cache_size','random_page_cost','jit','max_parallel_workers_per_gather','default_statistics_target')`)).rows)
    settings[r.name] = r.unit === '8kB' ? `${(Number(r.setting) * 8) / 1024} MB` : r.unit === 'kB' ? `${Number(r.setting) / 1024} MB` : r.setting;
  const dataDirectory = (await pool.query(`select setting from pg_settings where name = 'data_directory'`)).rows[0].setting as string;
  const c = (
    await pool.query(`select
      (select count(*) from feedback) as feedback,
      (select count(*) from feedback where moderation_state = 'published' and not confidential) as public,
      (select count(*) from feedback_events) as events,
      (select count(*) from feedback_ratings) as ratings,
      (select count(*) from units) as units,
      (select count(*) from areas) as areas`)
  ).rows[0];
  const counts = Object.fromEntries(Object.entries(c).map(([k, v]) => [k, Number(v)]));
  const sizes = (
    await pool.query(`select relname as name, pg_size_pretty(pg_total_relation_size(oid)) as size from pg_class where relname in ('feedback','feedback_events') union all
      select 'feedback (heap only)', pg_size_pretty(pg_relation_size('feedback')) union all
      select 'feedback indexes', pg_size_pretty(pg_indexes_size('feedback')) union all
      select 'database', pg_size_pretty(pg_database_size(current_database()))`)
  ).rows;
  return { version, settings, dataDirectory, counts, sizes, machine: machineInfo(), loadavg: fs.readFileSync('/proc/loadavg', 'utf8').trim() };
}

function report(r: {
  started: Date;
  info: Info;
  generated: GenerateResult | null;
  scenarios: HttpScenario[];
  sqlCases: SqlCase[];
  searchTermStats: { q: string; label: string; matches: number; summary: Summary }[];
  staff: { title: string; summary: Summary | null; error?: string }[];
  budgets: BudgetCase[];
  explains: { title: string; ms: number; plan: string }[];
  js: { page: string; scripts: { src: string; raw: number; gzip: number }[]; inline: { raw: number; gzip: number }; gzipTotal: number; encoding: string | null }[];
  saturation: { title: string; rps: number; p50: number; p99: number; errors: number; non2xx: number }[];
  serverErrors: number;
  seconds: number;
}): string {
  const { info } = r;
  const L: string[] = [];
  const yes = (ok: boolean) => (ok ? '**met**' : '**MISSED**');
  const kb = (b: number) => `${(b / 1024).toFixed(1)} kB`;
  L.push(`# Board benchmark${LABEL ? ` (${LABEL})` : ''}, ${r.started.toISOString().slice(0, 16).replace('T', ' ')} UTC`, '');
  L.push('Produced by `npm run bench` (bench/run.ts); see bench/README.md for what is measured and how.', '');
  if (SQL_FILES.length) L.push(`**What-if run**: ${SQL_FILES.map((p) => `\`${path.relative(ROOT, p)}\``).join(', ')} was run on the database first.`, '');
  if (PATCHES.length) L.push(`**What-if run**: the server was built from a snapshot of the work tree with ${PATCHES.map((p) => `\`${path.relative(ROOT, p)}\``).join(', ')} applied.`, '');
  L.push('## Machine and data', '');
  L.push(`| | |`, `|---|---|`);
  L.push(`| CPUs (nproc) | ${info.machine.nproc} × ${info.machine.cpu} |`);
  L.push(`| memory | ${info.machine.memGiB} GiB |`);
  L.push(`| Node | ${info.machine.node} |`);
  L.push(`| PostgreSQL | ${info.version.split(' on ')[0]} (${Object.entries(info.settings).map(([k, v]) => `${k}=${v}`).join(', ')}) |`);
  L.push(`| load average at start | ${info.loadavg} |`);
  L.push(`| server's read cache | ${serverReadCache ? 'on (the default): public reads kept in memory until the content changes, src/server/db/read-cache.ts' : `off (READ_CACHE=${process.env.READ_CACHE}): every view reads the database`} |`);
  L.push(`| feedback rows | ${info.counts.feedback!.toLocaleString('en')} (${info.counts.public!.toLocaleString('en')} published and public) |`);
  L.push(`| feedback_events / ratings | ${info.counts.events!.toLocaleString('en')} / ${info.counts.ratings!.toLocaleString('en')} |`);
  L.push(`| sizes | ${info.sizes.map((s) => `${s.name} ${s.size}`).join('; ')} |`);
  if (r.generated) {
    const f = r.generated.flushed;
    L.push(`| data generation | ${r.generated.seconds.toFixed(0)} s (bench/generate.ts, incl. index rebuild, VACUUM ANALYZE and CHECKPOINT)${f ? `; then \`sync\` wrote back ${f.dirtyMiB} MiB of dirty pages in ${f.seconds.toFixed(1)} s` : ''} |`);
  }
  L.push('');
  L.push(
    `**Everything shares the same ${info.machine.nproc} cores**: the Node server (one process), PostgreSQL and the load generator run on this one machine, ` +
      'so the numbers include their competition for CPU (the CPU columns below show who used what). On a shared development machine other ' +
      'processes may also have been running: the "machine" CPU column counts every process, ours included.',
    '',
  );

  if (r.scenarios.some((s) => s.summary)) {
    L.push(`## HTTP at a fixed arrival rate (open loop, ${DURATION} s per scenario)`, '');
    L.push('Latency is measured from each request\'s scheduled send time to its last byte (queueing included, no coordinated omission).', '');
    L.push('| scenario | req/s | requests | p50 ms | p95 ms | p99 ms | max ms | non-200 / errors / bad body | CPU % server · PostgreSQL · loadgen · machine (busy before) | target | |');
    L.push('|---|---:|---:|---:|---:|---:|---:|---|---|---|---|');
    for (const s of r.scenarios) {
      if (!s.summary || !s.result) continue;
      const non200 = Object.entries(s.result.status).filter(([k]) => k !== '200').reduce((a, [, v]) => a + v, 0);
      const errs = Object.values(s.result.errors).reduce((a, v) => a + v, 0);
      const cpu = s.result.cpu;
      const pct = (v: number) => (cpu ? `${((v / cpu.wall) * 100).toFixed(0)}` : '–');
      const target = s.target === 'board' ? `p99 < ${TARGETS.boardP99}` : `p95 < ${TARGETS.searchPageP95}`;
      const ok = s.target === 'board' ? s.summary.p99 < TARGETS.boardP99 : s.summary.p95 < TARGETS.searchPageP95;
      L.push(
        `| (${s.key}) ${s.title} | ${s.rate} | ${s.result.completed} | ${ms(s.summary.p50)} | ${ms(s.summary.p95)} | ${ms(s.summary.p99)} | ${ms(s.summary.max)} | ${non200} / ${errs} / ${s.result.badBody} | ${cpu ? `${pct(cpu.server)} · ${pct(cpu.postgres)} · ${pct(cpu.loadgen)} · ${pct(cpu.machine)} of ${info.machine.nproc * 100} (${((s.busyBefore ?? 0) * info.machine.nproc * 100).toFixed(0)})` : '–'} | ${target} | ${yes(ok)} |`,
      );
    }
    const errs = r.scenarios.flatMap((s) => Object.entries(s.result?.errors ?? {}));
    if (errs.length) L.push('', `Errors: ${errs.map(([k, v]) => `${k} × ${v}`).join(', ')}`);
    L.push('', `Server log lines at warn/error level during the run: ${r.serverErrors}.`, '');
  }

  if (r.sqlCases.some((c) => c.summary)) {
    L.push(`## SQL: \`selectBoardPage\` through Kysely (${ITERATIONS} iterations each, one at a time, no HTTP load)`, '');
    L.push('Round trip from Node over localhost with row decoding, the app\'s own query code, `limit 21`.', '');
    L.push('| query | p50 ms | p95 ms | p99 ms | max ms |', '|---|---:|---:|---:|---:|');
    for (const c of r.sqlCases) if (c.summary) L.push(`| ${c.title} | ${ms(c.summary.p50)} | ${ms(c.summary.p95)} | ${ms(c.summary.p99)} | ${ms(c.summary.max)} |`);
    const search = r.sqlCases.find((c) => c.key === 'search')?.summary;
    if (search) L.push('', `Search's budget, p95 < ${TARGETS.searchP95} ms in SQL: ${ms(search.p95)} ms, ${yes(search.p95 < TARGETS.searchP95)}.`);
    L.push('');
    L.push('### Search terms (first page, newest first; 10 runs each)', '');
    L.push('| term | kind | public matches | p50 ms | max ms |', '|---|---|---:|---:|---:|');
    for (const t of r.searchTermStats) L.push(`| \`${t.q}\` | ${t.label} | ${t.matches.toLocaleString('en')} | ${ms(t.summary.p50)} | ${ms(t.summary.max)} |`);
    L.push('');
  }

  if (r.staff.length) {
    L.push('### Staff lists (20 runs each; not under HTTP load)', '');
    L.push('| query | p50 ms | p95 ms | max ms |', '|---|---:|---:|---:|');
    for (const c of r.staff) L.push(c.summary ? `| ${c.title} | ${ms(c.summary.p50)} | ${ms(c.summary.p95)} | ${ms(c.summary.max)} |` : `| ${c.title} | – | – | ${c.error} |`);
    L.push('');
  }

  if (r.budgets.length) {
    L.push(`### Other budgets: the app's use-case functions, one at a time (no HTTP; p95 against the budget)`, '');
    L.push('| use case | runs | p50 ms | p95 ms | p99 ms | max ms | budget (p95) | |', '|---|---:|---:|---:|---:|---:|---|---|');
    for (const c of r.budgets)
      L.push(c.summary ? `| ${c.title} | ${c.summary.n} | ${ms(c.summary.p50)} | ${ms(c.summary.p95)} | ${ms(c.summary.p99)} | ${ms(c.summary.max)} | < ${c.budget} ms | ${yes(c.summary.p95 < c.budget)} |` : `| ${c.title} | – | – | – | – | – | < ${c.budget} ms | ${c.error} |`);
    L.push('');
  }

  if (r.js.length) {
    L.push(`## JavaScript shipped to public pages (gzip -9 of every script the page loads)`, '');
    L.push('| page | scripts | raw | gzip | target | |', '|---|---|---:|---:|---|---|');
    for (const p of r.js) {
      const raw = p.scripts.reduce((a, s) => a + s.raw, 0) + p.inline.raw;
      L.push(`| \`${p.page}\` | ${[...p.scripts.map((s) => `\`${s.src}\` (${kb(s.gzip)})`), p.inline.raw ? `inline (${kb(p.inline.gzip)})` : ''].filter(Boolean).join(', ') || 'none'} | ${kb(raw)} | ${kb(p.gzipTotal)} | ≤ ${TARGETS.jsGzipKb} kB | ${yes(p.gzipTotal <= TARGETS.jsGzipKb * 1024)} |`);
    }
    L.push('', `The server itself sends ${r.js.find((p) => p.encoding) ? `content-encoding ${r.js.find((p) => p.encoding)!.encoding}` : 'no content-encoding (compression is left to the reverse proxy)'}.`, '');
  }

  if (r.saturation.length) {
    L.push('## Ceiling: closed loop (autocannon, 8 connections, 10 s)', '');
    L.push('| workload | req/s | p50 ms | p99 ms | errors | non-2xx |', '|---|---:|---:|---:|---:|---:|');
    for (const s of r.saturation) L.push(`| ${s.title} | ${s.rps.toFixed(0)} | ${s.p50} | ${s.p99} | ${s.errors} | ${s.non2xx} |`);
    L.push('');
  }

  if (r.explains.length) {
    L.push('## EXPLAIN (ANALYZE, BUFFERS) of the slowest executions', '');
    for (const e of r.explains) L.push(`### ${e.title}`, '', '```', e.plan, '```', '');
  }
  L.push(`_Run took ${(r.seconds / 60).toFixed(1)} min._`, '');
  return L.join('\n');
}

try {
  if (args.processes) {
    // `npm run bench -- --processes 2`: several app processes behind nginx (bench/processes.ts).
    const argv = process.argv.slice(2);
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bench/processes.ts'), ...argv], { stdio: 'inherit' });
    process.exitCode = r.status ?? 1;
  } else await main();
} catch (e) {
  log(`bench failed: ${(e as Error).stack ?? e}`);
  process.exitCode = 1;
} finally {
  await cleanup();
  if (args['keep-cluster'] && ownCluster) log(`cluster kept: PG_STATE_FILE=${stateFile} (stop with PG_STATE_FILE=${stateFile} bash scripts/test-postgres.sh stop)`);
}
