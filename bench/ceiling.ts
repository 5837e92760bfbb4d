/**
 * Ceilings beside the throughput of each page, measured in the same run (bench/README.md, "Ceilings"):
 *
 * - **bare**: the page's exact response (status, headers, body captured from the real server)
 *   served from memory by a bare `node:http` server: the most this machine and load generator do;
 * - **astro**: the same page rendered by Astro from in-memory fixtures, without our middleware and
 *   without the database (the fixture build, bench/fixture/): the framework's own cost plus the
 *   page's rendering;
 * - **app**: the real server (`node server/main.ts`, production build) on the real data.
 *
 * The three are driven closed loop (autocannon) one after the other, page by page, and the round is
 * repeated (--runs, 3), so a busy spell on a shared machine hits all three alike; each page is
 * reported as a ratio to both ceilings (per round, then the median and the range over rounds), with
 * the CPU milliseconds each server process spent per request and the load average.
 *
 *   node bench/ceiling.ts                                # demo data in an embedded database (made in /tmp)
 *   node bench/ceiling.ts --data-dir ./data              # an existing embedded database (copied, never written)
 *   DATABASE_URL=postgres://… node bench/ceiling.ts --page /masukan --page '/masukan?q=jalan'
 *
 * Options: --page P (repeatable; default: /, /masukan, /masukan?q=jalan, /forum, the first unit
 * scorecard linked from /unit, /masukan/peta) --runs N (3) --seconds S (5 per measurement)
 * --connections C (4) --port P (4620; uses P..P+3) --app DIR (a built copy of the app; default the
 * work tree, which needs `astro build`) --baseline DIR (another built copy, e.g. before a change,
 * measured in the same rounds: before/after with the same ceilings) --no-fixture (skip the Astro ceiling) --label NAME --no-write.
 * Writes bench/results/<date>-ceiling[-NAME].md and .json.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { log, machineInfo, ROOT } from './lib.ts';

export const PUBLIC_PAGES = ['/', '/masukan', '/masukan?q=jalan', '/forum', '@unit', '/masukan/peta'];

interface Captured {
  status: number;
  headers: [string, string][];
  body: string; // base64
}

export interface Measure {
  rps: number;
  p50: number;
  p99: number;
  /** CPU milliseconds the serving process spent per request (user + system). */
  cpuMsPerRequest: number | null;
  non2xx: number;
  errors: number;
}

export interface PageCeiling {
  page: string;
  bytes: { app: number; astro: number | null };
  rounds: { app: Measure; bare: Measure; astro: Measure | null; baseline?: Measure; loadavg: string }[];
}

export interface CeilingResult {
  started: string;
  machine: ReturnType<typeof machineInfo>;
  database: string;
  runs: number;
  seconds: number;
  connections: number;
  pages: PageCeiling[];
  loadavg: { start: string; end: string };
  baseline?: string;
}

const CLK_TCK = 100;
function cpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;
  } catch {
    return NaN;
  }
}
const loadavg = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

async function waitFor(url: string, child: ChildProcess, logFile: string, seconds = 120): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: server exited with ${child.exitCode}; ${fs.readFileSync(logFile, 'utf8').slice(-1500)}`);
    try {
      const r = await fetch(url);
      await r.arrayBuffer();
      if (r.status < 500) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${seconds} s; see ${logFile}`);
}

async function stop(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => {
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      r(null);
    }, 12_000);
    child.once('exit', () => {
      clearTimeout(t);
      r(null);
    });
  });
}

/** One GET as the load generator sends it (no Accept-Encoding, no cookie): status, headers, body. */
export function capture(baseUrl: string, page: string): Promise<Captured> {
  return new Promise((resolve, reject) => {
    const req = http.get(baseUrl + page, { headers: { 'user-agent': 'baku-bench' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const skip = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);
        const headers: [string, string][] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) if (!skip.has(res.rawHeaders[i]!.toLowerCase())) headers.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
        resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('base64') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** The bare ceiling: serves captured responses by URL from memory (run in its own process). */
function serveBare(file: string, port: number): void {
  const pages = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, Captured>;
  const ready = new Map(
    Object.entries(pages).map(([url, c]) => {
      const body = Buffer.from(c.body, 'base64');
      return [url, { status: c.status, headers: [...c.headers, ['Content-Length', String(body.length)]] as [string, string][], body }];
    }),
  );
  http
    .createServer((req, res) => {
      const r = ready.get(req.url ?? '');
      if (!r) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(r.status, r.headers.flat());
      res.end(r.body);
    })
    .listen(port, '127.0.0.1');
  process.on('SIGTERM', () => process.exit(0));
}

async function measure(url: string, pid: number, seconds: number, connections: number, expectStatus: number): Promise<Measure> {
  const before = cpuSeconds(pid);
  const r = await autocannon({ url, connections, duration: seconds });
  const cpu = cpuSeconds(pid) - before;
  // autocannon counts 2xx; a page that answers 404 (say) is expected to keep answering 404.
  const non2xx = expectStatus >= 200 && expectStatus < 300 ? r.non2xx : r.requests.total - r.non2xx;
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, cpuMsPerRequest: r.requests.total ? (cpu * 1000) / r.requests.total : null, non2xx, errors: r.errors + r.timeouts };
}

export interface CeilingOptions {
  pages?: string[];
  runs?: number;
  seconds?: number;
  connections?: number;
  port?: number;
  /** Root of a built copy of the app (dist/ present). */
  app?: string;
  fixture?: boolean;
  /** Another built copy of the app (say, before a change), measured in the same rounds. */
  baseline?: string;
  /** DATABASE_URL, or an embedded data folder (copied for each server). */
  databaseUrl?: string;
  dataDir?: string;
}

/** Finds the first unit scorecard linked from /unit. */
async function firstUnitPage(baseUrl: string): Promise<string> {
  const html = await (await fetch(`${baseUrl}/unit`)).text();
  const m = /href="(\/unit\/[a-z0-9-]+)"/.exec(html);
  if (!m) throw new Error('no unit scorecard linked from /unit');
  return m[1]!;
}

export async function measureCeilings(opts: CeilingOptions): Promise<CeilingResult> {
  const runs = opts.runs ?? 3;
  const seconds = opts.seconds ?? 5;
  const connections = opts.connections ?? 4;
  const port = opts.port ?? 4620; // app; +1 bare, +2 Astro from fixtures, +3 baseline
  const app = opts.app ?? ROOT;
  const work = fs.mkdtempSync('/tmp/baku-ceiling-');
  const children: ChildProcess[] = [];
  const started = new Date().toISOString();
  const loadStart = loadavg();
  if (!fs.existsSync(path.join(app, 'dist/server/entry.mjs'))) throw new Error(`${app}/dist/server/entry.mjs is missing: run \`astro build\` first`);

  // Each server gets its own copy of an embedded database (PGlite is single-process).
  const dbEnv = (name: string): Record<string, string> => {
    if (opts.databaseUrl) return { DATABASE_URL: opts.databaseUrl, DATA_DIR: path.join(work, `data-${name}`) };
    const dir = path.join(work, `data-${name}`);
    fs.cpSync(opts.dataDir!, dir, { recursive: true });
    return { DATA_DIR: dir };
  };
  const start = (name: string, args: string[], cwd: string, env: Record<string, string>): ChildProcess => {
    const logFile = path.join(work, `${name}.log`);
    const out = fs.openSync(logFile, 'w');
    const { DATABASE_URL: _ignored, ...inherited } = process.env;
    const child = spawn(process.execPath, args, { cwd, env: { ...inherited, NODE_ENV: 'production', LOG_LEVEL: 'warn', HOST: '127.0.0.1', ...env }, stdio: ['ignore', out, out] });
    children.push(child);
    return child;
  };

  try {
    if (!opts.databaseUrl && !opts.dataDir) {
      const dir = path.join(work, 'demo');
      log(`loading the demo data set into an embedded database (${dir})`);
      execFileSync(process.execPath, ['scripts/demo.ts'], { cwd: app, env: { ...process.env, DATABASE_URL: '', DATA_DIR: dir }, stdio: ['ignore', 'ignore', 'inherit'] });
      opts = { ...opts, dataDir: dir };
    }

    // ---- the app under test
    const appUrl = `http://127.0.0.1:${port}`;
    const appServer = start('app', ['server/main.ts'], app, { ...dbEnv('app'), PORT: String(port) });
    await waitFor(`${appUrl}/healthz`, appServer, path.join(work, 'app.log'));
    const pages = await Promise.all((opts.pages ?? PUBLIC_PAGES).map(async (p) => (p === '@unit' ? firstUnitPage(appUrl) : p)));
    const captured: Record<string, Captured> = {};
    for (const p of pages) {
      captured[p] = await capture(appUrl, p);
      log(`captured ${p}: ${captured[p].status}, ${Buffer.from(captured[p].body, 'base64').length} bytes`);
    }

    // ---- bare node:http with the captured bytes
    const bareFile = path.join(work, 'bare.json');
    fs.writeFileSync(bareFile, JSON.stringify(captured));
    const bareUrl = `http://127.0.0.1:${port + 1}`;
    const bare = start('bare', [path.join(ROOT, 'bench/ceiling.ts'), '--serve-bare', bareFile, '--port', String(port + 1)], ROOT, {});
    await waitFor(`${bareUrl}${pages[0]}`, bare, path.join(work, 'bare.log'));

    // ---- Astro from fixtures: build, record one request per page, switch to replay
    let astro: ChildProcess | null = null;
    const astroUrl = `http://127.0.0.1:${port + 2}`;
    const astroBytes: Record<string, number> = {};
    if (opts.fixture !== false) {
      const out = path.join(work, 'fixture');
      log(`fixture build (bench/fixture/astro.config.mjs) into ${out}`);
      fs.mkdirSync(out);
      fs.symlinkSync(path.join(app, 'node_modules'), path.join(out, 'node_modules'));
      execFileSync(path.join(ROOT, 'node_modules/.bin/astro'), ['build', '--config', path.relative(app, path.join(ROOT, 'bench/fixture/astro.config.mjs'))], {
        cwd: app,
        env: { ...process.env, BAKU_FIXTURE_OUT: path.join(out, 'dist'), BAKU_FIXTURE_ROOT: app },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      astro = start('astro', [path.join(ROOT, 'bench/fixture/serve.ts'), '--entry', path.join(out, 'dist/server/entry.mjs'), '--port', String(port + 2)], app, dbEnv('astro'));
      await waitFor(`${astroUrl}/__fixture/status`, astro, path.join(work, 'astro.log'));
      for (const p of pages) await (await fetch(astroUrl + p)).arrayBuffer(); // record
      await (await fetch(`${astroUrl}/__fixture/replay`, { method: 'POST' })).arrayBuffer();
      for (const p of pages) {
        const c = await capture(astroUrl, p);
        if (c.status !== captured[p]!.status) throw new Error(`fixture render of ${p} answered ${c.status}, the app ${captured[p]!.status}`);
        astroBytes[p] = Buffer.from(c.body, 'base64').length;
      }
      const status = (await (await fetch(`${astroUrl}/__fixture/status`)).json()) as { misses: number };
      if (status.misses) throw new Error(`fixture replay ran ${status.misses} use-case calls for real (not recorded)`);
    }

    // ---- optional baseline build of the app, measured in the same rounds
    let baseline: ChildProcess | null = null;
    const baselineUrl = `http://127.0.0.1:${port + 3}`;
    if (opts.baseline) {
      baseline = start('baseline', ['server/main.ts'], opts.baseline, { ...dbEnv('baseline'), PORT: String(port + 3) });
      await waitFor(`${baselineUrl}/healthz`, baseline, path.join(work, 'baseline.log'));
    }

    // ---- alternate: per round, per page: bare, astro, app
    const result: PageCeiling[] = pages.map((p) => ({ page: p, bytes: { app: Buffer.from(captured[p]!.body, 'base64').length, astro: astroBytes[p] ?? null }, rounds: [] }));
    for (const p of pages) {
      // warm-up of each server on this page
      await autocannon({ url: bareUrl + p, connections, duration: 1 });
      if (astro) await autocannon({ url: astroUrl + p, connections, duration: 1 });
      await autocannon({ url: appUrl + p, connections, duration: 2 });
      if (baseline) await autocannon({ url: baselineUrl + p, connections, duration: 2 });
    }
    for (let round = 0; round < runs; round++) {
      for (const pc of result) {
        const expect = captured[pc.page]!.status;
        const b = await measure(bareUrl + pc.page, bare.pid!, seconds, connections, expect);
        const a = astro ? await measure(astroUrl + pc.page, astro.pid!, seconds, connections, expect) : null;
        const s = await measure(appUrl + pc.page, appServer.pid!, seconds, connections, expect);
        const base = baseline ? await measure(baselineUrl + pc.page, baseline.pid!, seconds, connections, expect) : undefined;
        pc.rounds.push({ bare: b, astro: a, app: s, ...(base ? { baseline: base } : {}), loadavg: loadavg() });
        log(`round ${round + 1}/${runs} ${pc.page}: app ${s.rps.toFixed(0)}/s, astro ${a ? a.rps.toFixed(0) : '–'}/s, bare ${b.rps.toFixed(0)}/s (load ${loadavg()})`);
        for (const [name, m] of [['app', s], ['astro', a], ['bare', b]] as const) if (m && (m.non2xx || m.errors)) throw new Error(`${name} ${pc.page}: ${m.non2xx} unexpected statuses, ${m.errors} errors`);
      }
    }
    return { started, machine: machineInfo(), database: opts.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite (copy of ${opts.dataDir})`, runs, seconds, connections, pages: result, loadavg: { start: loadStart, end: loadavg() }, ...(opts.baseline ? { baseline: opts.baseline } : {}) };
  } finally {
    for (const c of children) await stop(c);
    fs.rmSync(work, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- report

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
/** "median (min–max)" of the values. */
function spread(values: number[], digits = 0, pct = false): string {
  // A round where a server answered nothing (0 req/s under overload) has no finite ratio.
  const xs = values.filter(Number.isFinite);
  if (!xs.length) return '–';
  const f = (v: number) => (pct ? `${(v * 100).toFixed(digits)}%` : v.toFixed(digits));
  return `${f(median(xs))} (${f(Math.min(...xs))}–${f(Math.max(...xs))})`;
}

export function ceilingReport(r: CeilingResult): string {
  const L: string[] = [];
  L.push(`Closed loop (autocannon, ${r.connections} connections, ${r.seconds} s per measurement), ${r.runs} rounds alternating bare → Astro → app per page; ` + `${r.database}; ${r.machine.nproc} × ${r.machine.cpu}, Node ${r.machine.node}; load average ${r.loadavg.start} at the start, ${r.loadavg.end} at the end. ` + 'Figures: median (min–max over rounds); ratios are taken per round.', '');
  L.push('| page | bytes | app req/s | Astro from fixtures req/s | bare node:http req/s | app / Astro | app / bare | CPU ms per request: app · Astro · bare |');
  L.push('|---|---:|---:|---:|---:|---:|---:|---|');
  for (const p of r.pages) {
    const app = p.rounds.map((x) => x.app.rps);
    const astro = p.rounds.flatMap((x) => (x.astro ? [x.astro.rps] : []));
    const bare = p.rounds.map((x) => x.bare.rps);
    const toAstro = p.rounds.flatMap((x) => (x.astro ? [x.app.rps / x.astro.rps] : []));
    const toBare = p.rounds.map((x) => x.app.rps / x.bare.rps);
    const cpu = (k: 'app' | 'astro' | 'bare') => {
      const v = p.rounds.flatMap((x) => (x[k]?.cpuMsPerRequest != null ? [x[k].cpuMsPerRequest] : []));
      return v.length ? median(v).toFixed(2) : '–';
    };
    const bytes = p.bytes.astro != null && p.bytes.astro !== p.bytes.app ? `${p.bytes.app} (fixture ${p.bytes.astro})` : String(p.bytes.app);
    L.push(`| \`${p.page}\` | ${bytes} | ${spread(app)} | ${spread(astro)} | ${spread(bare)} | ${spread(toAstro, 0, true)} | ${spread(toBare, 1, true)} | ${cpu('app')} · ${cpu('astro')} · ${cpu('bare')} |`);
  }
  if (r.baseline) {
    L.push('', `Baseline: another build of the app (\`${r.baseline}\`), measured in the same rounds right after the app.`, '');
    L.push('| page | app req/s | baseline req/s | app / baseline | app / Astro | baseline / Astro | CPU ms per request: app · baseline |', '|---|---:|---:|---:|---:|---:|---|');
    for (const p of r.pages) {
      const rs = p.rounds.filter((x) => x.baseline);
      const cpu = (k: 'app' | 'baseline') => median(rs.flatMap((x) => (x[k]?.cpuMsPerRequest != null ? [x[k].cpuMsPerRequest] : []))).toFixed(2);
      L.push(
        `| \`${p.page}\` | ${spread(rs.map((x) => x.app.rps))} | ${spread(rs.map((x) => x.baseline!.rps))} | ${spread(rs.map((x) => x.app.rps / x.baseline!.rps), 0, true)} | ${spread(rs.flatMap((x) => (x.astro ? [x.app.rps / x.astro.rps] : [])), 0, true)} | ${spread(rs.flatMap((x) => (x.astro ? [x.baseline!.rps / x.astro.rps] : [])), 0, true)} | ${cpu('app')} · ${cpu('baseline')} |`,
      );
    }
  }
  L.push('', 'Target (issue 14): every public page at ≥ 60 % of its fixture-rendered (Astro) throughput.', '');
  return L.join('\n');
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: {
      page: { type: 'string', multiple: true },
      runs: { type: 'string' },
      seconds: { type: 'string' },
      connections: { type: 'string' },
      port: { type: 'string' },
      app: { type: 'string' },
      'data-dir': { type: 'string' },
      'no-fixture': { type: 'boolean' },
      label: { type: 'string' },
      'no-write': { type: 'boolean' },
      'serve-bare': { type: 'string' },
      baseline: { type: 'string' },
    },
  });
  if (values['serve-bare']) {
    serveBare(values['serve-bare'], Number(values.port));
  } else {
    const r = await measureCeilings({
      pages: values.page,
      runs: values.runs ? Number(values.runs) : undefined,
      seconds: values.seconds ? Number(values.seconds) : undefined,
      connections: values.connections ? Number(values.connections) : undefined,
      port: values.port ? Number(values.port) : undefined,
      app: values.app ? path.resolve(values.app) : undefined,
      fixture: !values['no-fixture'],
      baseline: values.baseline ? path.resolve(values.baseline) : undefined,
      databaseUrl: process.env.DATABASE_URL || undefined,
      dataDir: values['data-dir'] ? path.resolve(values['data-dir']) : undefined,
    });
    const md = `# Ceilings, ${r.started.slice(0, 16).replace('T', ' ')} UTC${values.label ? ` (${values.label})` : ''}\n\nProduced by \`node bench/ceiling.ts\`; see bench/README.md, "Ceilings".\n\n${ceilingReport(r)}`;
    console.log(md);
    if (!values['no-write']) {
      const stem = `${r.started.slice(0, 10)}-ceiling${values.label ? `-${values.label.replace(/[^A-Za-z0-9_-]+/g, '-')}` : ''}`;
      fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
      fs.writeFileSync(path.join(ROOT, 'bench/results', `${stem}.md`), md);
      fs.writeFileSync(path.join(ROOT, 'bench/results', `${stem}.json`), JSON.stringify(r, null, 2));
      log(`written bench/results/${stem}.md and .json`);
    }
  }
}
