/**
 * Lighthouse, mobile profile (its defaults: Moto G Power screen, simulated slow 4G and 4× CPU
 * slowdown), on the public pages and the map view, each several times, with the median and the
 * spread of every score.
 *
 *   npm run build
 *   node bench/lighthouse.ts                   # demo data on a fresh embedded database
 *   node bench/lighthouse.ts --base http://127.0.0.1:4321 --runs 5
 *
 * Without `--base` it loads the demo data set into a new temporary DATA_DIR, starts the built
 * server there (NODE_ENV=production) with map tiles from a local stand-in, and stops both at the
 * end. Lighthouse itself is not a
 * dependency of the product: it runs through `npx lighthouse@<pinned version>` (the npm registry
 * must be reachable) with Chromium from CHROME_PATH or /usr/bin/chromium. Scores depend on how busy
 * the machine is: run it on a quiet machine (`--quiet-wait S` waits up to S seconds for the load
 * average to fall below 0.5 before each run; default 120).
 *
 * Results: bench/results/<date>-lighthouse.md and .json.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { ROOT, log, machineInfo } from './lib.ts';

const LIGHTHOUSE = 'lighthouse@13.5.0';
const run = promisify(execFile);

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const runs = Number(arg('runs', '3'));
const quietWait = Number(arg('quiet-wait', '120'));
const chrome = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const pages = arg('pages', '/,/masukan,/masukan/baru,/forum,/unit/dinkes,/masukan/peta').split(',');
let base = arg('base', '');
/** `--keep-reports DIR` keeps every full Lighthouse JSON report there. */
const keep = arg('keep-reports', '');
if (keep) fs.mkdirSync(keep, { recursive: true });

let server: ChildProcess | undefined;
let dataDir: string | undefined;

async function waitHealthy(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server at ${url} never became healthy`);
}

async function quiet(): Promise<number> {
  const t0 = Date.now();
  while (os.loadavg()[0]! > 0.5 && Date.now() - t0 < quietWait * 1000) await new Promise((r) => setTimeout(r, 5000));
  return os.loadavg()[0]!;
}

/** Map tiles from a stand-in on this machine (no internet here): a grey 256 px PNG for every tile, the size OpenStreetMap serves. */
const GREY_PNG = await sharp({ create: { width: 256, height: 256, channels: 3, background: '#e0e0e0' } }).png().toBuffer();
let tiles: http.Server | undefined;

if (!base) {
  tiles = http.createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'image/png', 'Cache-Control': 'max-age=86400' }).end(GREY_PNG));
  await new Promise<void>((r) => tiles!.listen(0, '127.0.0.1', r));
  const tilePort = (tiles.address() as { port: number }).port;
  if (!fs.existsSync(path.join(ROOT, 'dist/server/entry.mjs'))) throw new Error('run `npm run build` first');
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baku-lighthouse-'));
  const port = arg('port', '4397');
  const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', NODE_ENV: 'production', LOG_LEVEL: 'warn', PORT: port, HOST: '127.0.0.1', PUBLIC_URL: `http://127.0.0.1:${port}`, MAP_TILE_URL: `http://127.0.0.1:${tilePort}/{z}/{x}/{y}.png` };
  log('loading the demo data set');
  await run(process.execPath, [path.join(ROOT, 'scripts/demo.ts')], { env, cwd: ROOT });
  server = spawn(process.execPath, [path.join(ROOT, 'server/main.ts')], { env, cwd: ROOT, stdio: 'inherit' });
  base = `http://127.0.0.1:${port}`;
  await waitHealthy(base);
}

interface One {
  performance: number;
  accessibility: number;
  bestPractices: number;
  fcp: number;
  lcp: number;
  tbt: number;
  cls: number;
  si: number;
  load: number;
  /** Audits of the three categories that did not pass (score below 0.9), by id. */
  failing: string[];
}

async function lighthouse(url: string): Promise<One> {
  const load = await quiet();
  const out = path.join(os.tmpdir(), `lh-${process.pid}.json`);
  await run('npx', ['-y', LIGHTHOUSE, url, '--quiet', '--output=json', `--output-path=${out}`, '--only-categories=performance,accessibility,best-practices', `--chrome-path=${chrome}`, '--chrome-flags=--headless=new --no-sandbox'], { cwd: ROOT, env: { ...process.env, CHROME_PATH: chrome }, maxBuffer: 64 << 20 });
  const lhr = JSON.parse(fs.readFileSync(out, 'utf8'));
  if (keep) fs.copyFileSync(out, path.join(keep, `${url.replace(/[^a-z0-9]+/gi, '_')}-${Date.now()}.json`));
  fs.rmSync(out);
  const a = lhr.audits;
  const failing = new Set<string>();
  for (const cat of Object.values(lhr.categories) as { auditRefs: { id: string; weight: number }[] }[]) {
    for (const ref of cat.auditRefs) {
      const s = a[ref.id]?.score;
      if (typeof s === 'number' && s < 0.9 && (ref.weight > 0 || a[ref.id].details?.type === 'opportunity')) failing.add(ref.id);
    }
  }
  return {
    performance: Math.round(lhr.categories.performance.score * 100),
    accessibility: Math.round(lhr.categories.accessibility.score * 100),
    bestPractices: Math.round(lhr.categories['best-practices'].score * 100),
    fcp: a['first-contentful-paint'].numericValue,
    lcp: a['largest-contentful-paint'].numericValue,
    tbt: a['total-blocking-time'].numericValue,
    cls: a['cumulative-layout-shift'].numericValue,
    si: a['speed-index'].numericValue,
    load,
    failing: [...failing].sort(),
  };
}

/**
 * Lighthouse sometimes fails to record the trace of a load (`NO_NAVSTART`, a runtime error of
 * the tool, not a score): such a run is repeated, twice at most, and the retries are counted.
 */
let retried = 0;
async function withRetries<T>(f: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await f();
    } catch (e) {
      if (attempt >= 2 || !/NO_NAVSTART|NO_FCP|PROTOCOL_TIMEOUT/.test(String((e as { stderr?: string }).stderr ?? e))) throw e;
      retried++;
      log(`lighthouse runtime error, run repeated: ${String((e as { stderr?: string }).stderr ?? e).trim().slice(0, 160)}`);
    }
  }
}

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const spread = (v: number[]): string => `${Math.min(...v)}–${Math.max(...v)}`;

const results: Record<string, One[]> = {};
try {
  for (const p of pages) {
    results[p] = [];
    for (let i = 0; i < runs; i++) {
      log(`${p} run ${i + 1}/${runs}`);
      results[p]!.push(await withRetries(() => lighthouse(base + p)));
    }
  }
} finally {
  server?.kill('SIGTERM');
  if (server) await new Promise((r) => server!.once('exit', r));
  tiles?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
}

const date = new Date().toISOString().slice(0, 10);
const lines = [
  `# Lighthouse, mobile profile (${LIGHTHOUSE}), ${runs} runs per page`,
  '',
  `Machine: ${JSON.stringify(machineInfo())}. Chromium: ${chrome}. Data: ${dataDir ? 'demo data set, fresh embedded database' : base}.`,
  `Median of the runs, with the spread (min–max) of the scores; times in ms are medians; "load" is the 1-minute load average before each run. Runs repeated after a Lighthouse runtime error (no score): ${retried}.`,
  '',
  '| page | performance | accessibility | best practices | FCP | LCP | TBT | CLS | Speed Index | load |',
  '|---|---|---|---|---:|---:|---:|---:|---:|---|',
];
for (const [p, r] of Object.entries(results)) {
  const col = (k: Exclude<keyof One, 'failing'>) => r.map((x) => x[k]);
  lines.push(
    `| ${p} | ${median(col('performance'))} (${spread(col('performance'))}) | ${median(col('accessibility'))} (${spread(col('accessibility'))}) | ${median(col('bestPractices'))} (${spread(col('bestPractices'))}) | ${Math.round(median(col('fcp')))} | ${Math.round(median(col('lcp')))} | ${Math.round(median(col('tbt')))} | ${median(col('cls')).toFixed(3)} | ${Math.round(median(col('si')))} | ${col('load').map((l) => l.toFixed(2)).join(', ')} |`,
  );
}
lines.push('', 'Audits that did not pass (score < 0.9) in any run:', '');
for (const [p, r] of Object.entries(results)) lines.push(`- ${p}: ${[...new Set(r.flatMap((x) => x.failing))].join(', ') || 'none'}`);
const md = lines.join('\n') + '\n';
fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
fs.writeFileSync(path.join(ROOT, `bench/results/${date}-lighthouse.md`), md);
fs.writeFileSync(path.join(ROOT, `bench/results/${date}-lighthouse.json`), JSON.stringify({ machine: machineInfo(), lighthouse: LIGHTHOUSE, runs, results }, null, 2));
process.stdout.write(md);
