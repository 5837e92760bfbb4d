/**
 * Where the server spends its CPU on one page: starts the built server under `--cpu-prof`,
 * drives it closed loop (autocannon) for a few seconds, stops it, and prints the functions
 * and packages with the most self and inclusive time.
 *
 *   DATABASE_URL=postgres://... node bench/profile.ts [--path /masukan] [--seconds 15] [--connections 4]
 *   node bench/profile.ts --data-dir ./data --path /      # an embedded database (a copy is used)
 *   … --app /tmp/copy   (profile a built copy of the app instead of the work tree)
 *   … --focus 'deliver|requestGuard'   (CPU ms per request spent inside the matching functions)
 *
 * Needs `astro build` to have run. Leaves the .cpuprofile in /tmp (printed at the end) for
 * Chrome DevTools or speedscope.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { log, ROOT } from './lib.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const { values } = parseArgs({ args: process.argv.slice(2), strict: false, options: { path: { type: 'string' }, seconds: { type: 'string' }, connections: { type: 'string' }, port: { type: 'string' }, 'data-dir': { type: 'string' }, app: { type: 'string' }, focus: { type: 'string' } } });
const app = typeof values.app === 'string' ? path.resolve(values.app) : ROOT;
const target = typeof values.path === 'string' ? values.path : '/masukan';
const seconds = Number(values.seconds ?? 15);
const connections = Number(values.connections ?? 4);
const port = Number(values.port ?? 4398);
const databaseUrl = process.env.DATABASE_URL;
const embedded = typeof values['data-dir'] === 'string' ? path.resolve(values['data-dir']) : null;
if (!databaseUrl && !embedded) {
  process.stderr.write('DATABASE_URL or --data-dir (an embedded database, e.g. after `npm run demo`) is required\n');
  process.exit(2);
}

/** Groups a script URL into something readable: a package, the app's bundle, or Node itself. */
function where(url: string): string {
  if (!url) return '(native/gc/idle)';
  if (url.startsWith('node:')) return 'node:internal';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  if (url.includes('/dist/server/')) return `dist/server/${url.split('/dist/server/')[1]!.split('/')[0]!.replace(/[._-][A-Za-z0-9_-]{8}\.mjs$/, '.mjs')}`;
  if (url.includes(ROOT)) return url.slice(ROOT.length + 1);
  return url;
}

export function summarizeProfile(p: Profile, top = 25): string {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfMs = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) selfMs.set(p.samples[i]!, (selfMs.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  const total = [...selfMs.values()].reduce((a, b) => a + b, 0);
  const key = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'}  ${where(n.callFrame.url)}${n.callFrame.url ? `:${n.callFrame.lineNumber + 1}` : ''}`;
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  const pkgSelf = new Map<string, number>();
  const idle = new Set(['(idle)', '(program)', '(garbage collector)']);
  let idleMs = 0;
  for (const [id, t] of selfMs) {
    const n = byId.get(id)!;
    if (idle.has(n.callFrame.functionName)) {
      if (n.callFrame.functionName === '(idle)') idleMs += t;
    }
    self.set(key(n), (self.get(key(n)) ?? 0) + t);
    const w = n.callFrame.functionName === '(garbage collector)' ? '(gc)' : n.callFrame.functionName === '(idle)' ? '(idle)' : where(n.callFrame.url);
    pkgSelf.set(w, (pkgSelf.get(w) ?? 0) + t);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = key(byId.get(cur)!);
      if (seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + t);
    }
  }
  const busy = total - idleMs;
  const pct = (v: number) => `${((v / busy) * 100).toFixed(1)}%`;
  const lines: string[] = [];
  lines.push(`profile: ${(total / 1000).toFixed(1)} s sampled, ${(busy / 1000).toFixed(1)} s busy (percentages are of busy time)`, '');
  lines.push('self time by package / file:');
  for (const [k, v] of [...pkgSelf].filter(([k]) => k !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, 15)) lines.push(`  ${pct(v).padStart(6)}  ${k}`);
  lines.push('', 'self time by function:');
  for (const [k, v] of [...self].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${pct(v).padStart(6)}  ${k}`);
  lines.push('', 'inclusive time by function:');
  for (const [k, v] of [...incl].filter(([k]) => !k.startsWith('(idle)') && !k.startsWith('(root)')).sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${pct(v).padStart(6)}  ${k}`);
  return lines.join('\n');
}

/**
 * Inclusive CPU time of the functions whose "name  file:line" matches `re`, in ms per request (`requests`
 * answered while profiling): what a step of the request path costs, independent of start-up.
 */
export function focusPerRequest(p: Profile, re: RegExp, requests: number): string {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const incl = new Map<string, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const seen = new Set<string>();
    for (let cur: number | undefined = p.samples[i]!; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      const k = `${f.functionName || '(anonymous)'}  ${where(f.url)}:${f.lineNumber + 1}`;
      if (!re.test(k)) continue;
      if (seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
    }
  }
  const lines = [`CPU ms per request inside functions matching ${re} (${requests} requests):`];
  for (const [k, v] of [...incl].sort((a, b) => b[1] - a[1])) lines.push(`  ${(v / requests).toFixed(3).padStart(7)}  ${k}`);
  return lines.join('\n');
}

if (import.meta.main) {
  const counted = { requests: 0 };
  const dir = fs.mkdtempSync('/tmp/baku-bench-prof-');
  // PGlite is single-process: the server gets its own copy of the embedded database.
  if (embedded) fs.cpSync(embedded, path.join(dir, 'data'), { recursive: true });
  const server = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, 'server/main.ts'], {
    cwd: app,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production', LOG_LEVEL: 'warn', DATA_DIR: path.join(dir, 'data') },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      if (i > 360) throw new Error('server did not start');
      try {
        if ((await fetch(`${base}/healthz`)).ok) break;
      } catch {
        /* not yet */
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    log(`warm-up, then ${seconds} s closed loop on ${target} with ${connections} connections`);
    const w = await autocannon({ url: base + target, connections, duration: 3 });
    const r = await autocannon({ url: base + target, connections, duration: seconds });
    counted.requests = w.requests.total + r.requests.total;
    log(`${r.requests.average.toFixed(0)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, non-2xx ${r.non2xx}, errors ${r.errors}`);
  } finally {
    server.kill('SIGTERM');
    await new Promise((res) => server.once('exit', res));
  }
  const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no profile written in ${dir}`);
  const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Profile;
  console.log(summarizeProfile(profile));
  if (typeof values.focus === 'string') console.log(`\n${focusPerRequest(profile, new RegExp(values.focus), counted.requests)}`);
  console.log(`\nprofile: ${path.join(dir, file)}`);
}
