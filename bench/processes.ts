/**
 * Several app processes on one PostgreSQL (`npm run bench -- --processes 2`, or directly
 * `node bench/processes.ts`): N processes of `node server/main.ts` behind nginx (Debian's
 * package, run with a generated config in a temporary folder, never the system one), each with
 * its background worker, measured against one process, and checked for correctness across them.
 * Every check fails the run (exit 1) loudly; timings are reported, never judged.
 *
 * 1. Throughput, closed loop (autocannon): one process directly, then N behind nginx, alternating,
 *    --runs rounds (3) of --seconds (5) per page (`/`, `/masukan`, `/masukan?q=jalan`).
 * 2. A session made on process 1 (sign-up over HTTP: the form, then the emailed link) is valid on every process (`/akun` shows the
 *    account's name on each).
 * 3. The read cache across processes: every process's board is read twice (kept in memory), a
 *    title is changed through another connection, and every process must show it within 5 s.
 * 4. No overbooking: --racers residents (24) register at once for a forum with 5 free seats, their
 *    requests spread over the processes; exactly 5 get a seat, the rest are waitlisted, and the
 *    forum's seat counter equals the registered rows.
 * 5. Each email sent once: the registrations' emails are delivered by the processes' workers to a
 *    local SMTP server (smtp-server); every outbox row of the race arrives exactly once.
 *
 * Options: --processes N (2) --runs N (3) --seconds S (5) --connections C (8) --port P (4620: nginx
 * on P, the processes on P+1…P+N, SMTP on P+9) --racers N (24) --no-build (use the existing dist/).
 * Uses DATABASE_URL if set (it is written to: migrations, the demo data set, accounts, one forum's
 * seats), else a throwaway cluster (scripts/test-postgres.sh). Results: bench/results/<date>-processes.md.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { SMTPServer } from 'smtp-server';
import { log, machineInfo, newPool, ROOT, startCluster, stopCluster } from './lib.ts';

const { values: args } = parseArgs({
  args: process.argv.slice(2),
  strict: false,
  options: {
    processes: { type: 'string' },
    runs: { type: 'string' },
    seconds: { type: 'string' },
    connections: { type: 'string' },
    port: { type: 'string' },
    racers: { type: 'string' },
    'no-build': { type: 'boolean' },
    'no-write': { type: 'boolean' },
  },
});
const num = (v: unknown, d: number) => (typeof v === 'string' && v.trim() ? Number(v) : d);
const N = num(args.processes, 2);
const RUNS = num(args.runs, 3);
const SECONDS = num(args.seconds, 5);
const CONNECTIONS = num(args.connections, 8);
const PORT = num(args.port, 4620);
const RACERS = num(args.racers, 24);
const FREE_SEATS = 5;
const PAGES = ['/', '/masukan', '/masukan?q=jalan'];

const work = fs.mkdtempSync('/tmp/baku-processes-');
const stateFile = path.join(work, 'postgres.state');
const children: ChildProcess[] = [];
let ownCluster = false;
const failures: string[] = [];
const check = (ok: boolean, what: string) => {
  log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};

function spawnLogged(name: string, cmd: string, argv: string[], env: Record<string, string>): ChildProcess {
  const out = fs.openSync(path.join(work, `${name}.log`), 'w');
  const child = spawn(cmd, argv, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', out, out] });
  children.push(child);
  return child;
}

async function waitOk(url: string, child: ChildProcess, seconds = 120): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: process exited with ${child.exitCode}; see ${work}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${seconds} s`);
}

function nginxConfig(upstreams: number[]): string {
  return `worker_processes 1;
pid ${work}/nginx.pid;
error_log ${work}/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${work}/nginx-body;
  proxy_temp_path ${work}/nginx-proxy;
  fastcgi_temp_path ${work}/nginx-fastcgi;
  uwsgi_temp_path ${work}/nginx-uwsgi;
  scgi_temp_path ${work}/nginx-scgi;
  upstream app {
${upstreams.map((p) => `    server 127.0.0.1:${p};`).join('\n')}
    keepalive 32;
  }
  server {
    listen 127.0.0.1:${PORT};
    client_max_body_size 25m;
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
    }
  }
}
`;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const spread = (xs: number[]) => `${median(xs).toFixed(0)} (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;

/** A form POST as a browser on `origin` sends it; returns status, Set-Cookie and body. */
async function post(url: string, form: Record<string, string>, cookie?: string) {
  const r = await fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(url).origin, ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams(form).toString(),
  });
  return { status: r.status, setCookie: r.headers.getSetCookie(), body: await r.text() };
}

async function main() {
  const loadStart = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  let databaseUrl = process.env.DATABASE_URL ?? '';
  if (!databaseUrl) {
    log('starting a throwaway PostgreSQL cluster (scripts/test-postgres.sh)');
    databaseUrl = startCluster(stateFile);
    ownCluster = true;
  }
  if (!args['no-build']) {
    log('astro build');
    execFileSync(path.join(ROOT, 'node_modules/.bin/astro'), ['build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  log('migrations and the demo data set (scripts/demo.ts)');
  execFileSync(process.execPath, ['scripts/demo.ts'], { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: ['ignore', 'ignore', 'inherit'] });

  // ---- SMTP stand-in: counts deliveries per outbox row
  const received = new Map<number, number>();
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      stream.on('end', () => {
        const m = /^X-Baku-Dengar-Outbox-Id:\s*(\d+)/im.exec(raw);
        if (m) received.set(Number(m[1]), (received.get(Number(m[1])) ?? 0) + 1);
        callback();
      });
    },
  });
  const smtpPort = PORT + 9;
  await new Promise<void>((r) => smtp.listen(smtpPort, '127.0.0.1', r));

  // ---- N processes, each with its worker
  const ports = Array.from({ length: N }, (_, i) => PORT + 1 + i);
  const env = (port: number) => ({
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    PUBLIC_URL: `http://127.0.0.1:${PORT}`,
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    DATA_DIR: path.join(work, `data-${port}`),
  });
  const apps = ports.map((p) => spawnLogged(`app-${p}`, process.execPath, ['server/main.ts'], env(p)));
  for (const [i, p] of ports.entries()) await waitOk(`http://127.0.0.1:${p}/healthz`, apps[i]!);
  fs.writeFileSync(path.join(work, 'nginx.conf'), nginxConfig(ports));
  const nginx = spawnLogged('nginx', '/usr/sbin/nginx', ['-c', path.join(work, 'nginx.conf'), '-p', work, '-g', 'daemon off;'], {});
  await waitOk(`http://127.0.0.1:${PORT}/healthz`, nginx, 30);
  log(`${N} processes on ${ports.join(', ')} behind nginx on ${PORT}`);

  // ---- 1. throughput
  const one = `http://127.0.0.1:${ports[0]}`;
  const many = `http://127.0.0.1:${PORT}`;
  const rows: { page: string; one: number[]; many: number[] }[] = PAGES.map((page) => ({ page, one: [], many: [] }));
  for (const r of rows) {
    await autocannon({ url: one + r.page, connections: CONNECTIONS, duration: 1 });
    await autocannon({ url: many + r.page, connections: CONNECTIONS, duration: 1 });
  }
  for (let round = 0; round < RUNS; round++) {
    for (const r of rows) {
      const a = await autocannon({ url: one + r.page, connections: CONNECTIONS, duration: SECONDS });
      const b = await autocannon({ url: many + r.page, connections: CONNECTIONS, duration: SECONDS });
      check(a.non2xx === 0 && a.errors === 0 && b.non2xx === 0 && b.errors === 0, `round ${round + 1} ${r.page}: every answer a 2xx (one process ${a.non2xx}/${a.errors}, ${N} processes ${b.non2xx}/${b.errors} non-2xx/errors)`);
      r.one.push(a.requests.average);
      r.many.push(b.requests.average);
      log(`round ${round + 1} ${r.page}: one process ${a.requests.average.toFixed(0)}/s, ${N} behind nginx ${b.requests.average.toFixed(0)}/s`);
    }
  }

  // ---- 2. a session made on process 1 is valid on every process: sign up there (the form, then
  // the emailed link, read from the outbox), then open /akun on each process
  const pool = newPool(databaseUrl, 2);
  // Idle clients may outlive the cluster when a failed check stops the run early.
  pool.on('error', () => {});
  const email = `multi.${Date.now()}@contoh.id`;
  const name = `Warga Proses ${Date.now() % 100000}`;
  const asked = await post(`${one}/daftar`, { displayName: name, email, password: 'Cakalang-Fufu 7c1e9a' });
  check(asked.status === 303, `sign-up form on process 1 answers 303 (got ${asked.status})`);
  const mail = (await pool.query(`select text_body from outbox where to_email = $1 and template = 'sign_up' order by id desc limit 1`, [email])).rows[0] as { text_body: string } | undefined;
  const token = mail ? /\/daftar\/([a-z2-7]{32})(?![a-z2-7])/.exec(mail.text_body)?.[1] : undefined;
  check(!!token, 'the sign-up email with its link is in the outbox');
  const signUp = await post(`${one}/daftar/${token ?? 'none'}`, {});
  const cookie = signUp.setCookie.map((c) => c.split(';')[0]!).find((c) => c.includes('bd_session'));
  check(signUp.status === 303 && !!cookie, `the link, confirmed on process 1, answers 303 with a session cookie (got ${signUp.status})`);
  for (const p of ports) {
    const r = await fetch(`http://127.0.0.1:${p}/akun`, { headers: { cookie: cookie ?? '' }, redirect: 'manual' });
    const html = await r.text();
    check(r.status === 200 && html.includes(name), `the session is valid on the process on ${p} (/akun ${r.status}${html.includes(name) ? ', shows the name' : ''})`);
  }

  // ---- 3. a change committed elsewhere (here: this script's own connection, as an admin's SQL
  // or a third process would) reaches the board every process keeps in memory
  for (const p of ports) for (let i = 0; i < 2; i++) await (await fetch(`http://127.0.0.1:${p}/masukan`)).text();
  const newest = (await pool.query(`select id, title from feedback where moderation_state = 'published' and not confidential order by created_at desc, id desc limit 1`)).rows[0] as { id: number; title: string };
  const marker = `Penanda lintas proses ${Date.now()}`;
  const changedAt = performance.now();
  await pool.query(`update feedback set title = $2 where id = $1`, [newest.id, marker]);
  const seenAfter: string[] = [];
  for (const p of ports) {
    let seen = -1;
    while (seen < 0 && performance.now() - changedAt < 5000) {
      if ((await (await fetch(`http://127.0.0.1:${p}/masukan`)).text()).includes(marker)) seen = performance.now() - changedAt;
      else await new Promise((r) => setTimeout(r, 5));
    }
    check(seen >= 0, `the changed title is on the board of the process on ${p} within 5 s (${seen >= 0 ? `${seen.toFixed(0)} ms` : 'not seen'})`);
    seenAfter.push(`${seen.toFixed(0)} ms`);
  }
  await pool.query(`update feedback set title = $2 where id = $1`, [newest.id, newest.title]);

  // ---- 4. seats race across the processes
  const forum = (await pool.query(`select id, slug, resident_taken from forums where status = 'published' and starts_at > now() + interval '2 days' order by starts_at limit 1`)).rows[0] as { id: number; slug: string; resident_taken: number } | undefined;
  if (!forum) throw new Error('the demo data set has no published forum in the future');
  // A throwaway database: open registration now, with exactly FREE_SEATS resident seats left.
  await pool.query(`update forums set registration_opens_at = now() - interval '1 day', registration_closes_at = starts_at - interval '1 hour', capacity = resident_taken + $2 where id = $1`, [forum.id, FREE_SEATS]);
  // The racers' accounts and sessions, made by the app's own sign-up use case (over HTTP the
  // per-address sign-up limit would stop at 10).
  const racers: { email: string; cookie: string }[] = [];
  {
    // Sign-up is confirmed by an emailed link; the tests' helper follows it through the outbox.
    const { signUpConfirmed } = await import('../tests/support/accounts.ts');
    const { openDb } = await import('../src/server/db/index.ts');
    const { parseConfig } = await import('../src/server/config.ts');
    const config = parseConfig({});
    const h = await openDb({ databaseUrl, dataDir: path.join(work, 'data-direct') });
    try {
      for (let i = 0; i < RACERS; i++) {
        const e = `racer.${i}.${Date.now()}@contoh.id`;
        const ctx = { ip: `10.9.${i}.1`, userAgent: 'bench', locale: 'id' as const, sessionPolicy: config.session, publicUrl: `http://127.0.0.1:${PORT}`, rules: config.handling };
        const res = await signUpConfirmed(h.db, ctx, { displayName: `Peserta ${i}`, email: e, password: `Cakalang-Fufu ${i}x9q` });
        if (!res.ok) throw new Error(`sign-up of racer ${i} failed: ${JSON.stringify(res)}`);
        racers.push({ email: e, cookie: `${cookie!.split('=')[0]}=${res.value.token}` });
      }
    } finally {
      await h.close();
    }
  }
  const outboxBefore = Number((await pool.query(`select coalesce(max(id), 0) as m from outbox`)).rows[0].m);
  log(`race: ${RACERS} residents register at once for ${FREE_SEATS} free seats of /forum/${forum.slug}, over ${N} processes`);
  const answers = await Promise.all(racers.map((r, i) => post(`http://127.0.0.1:${ports[i % N]}/forum/${forum.slug}`, { action: 'register' }, r.cookie)));
  check(answers.every((a) => a.status === 303), `every registration answered 303 (${answers.map((a) => a.status).join(' ')})`);
  const regs = (await pool.query(`select r.status, count(*)::int as n from forum_registrations r join users u on u.id = r.user_id where r.forum_id = $1 and u.email like 'racer.%' group by 1`, [forum.id])).rows as { status: string; n: number }[];
  const registered = regs.find((r) => r.status === 'registered')?.n ?? 0;
  const waitlisted = regs.find((r) => r.status === 'waitlisted')?.n ?? 0;
  check(registered === FREE_SEATS && waitlisted === RACERS - FREE_SEATS, `exactly ${FREE_SEATS} seats given, ${RACERS - FREE_SEATS} waitlisted (got ${registered} registered, ${waitlisted} waitlisted)`);
  const counter = (await pool.query(`select f.resident_taken, f.capacity, (select count(*)::int from forum_registrations r where r.forum_id = f.id and r.status = 'registered' and r.pool = 'resident') as rows from forums f where f.id = $1`, [forum.id])).rows[0] as { resident_taken: number; capacity: number; rows: number };
  check(counter.resident_taken === counter.rows && counter.rows <= counter.capacity, `the seat counter equals the registered rows and stays within capacity (${counter.resident_taken} / ${counter.rows} rows / capacity ${counter.capacity})`);

  // ---- 5. each email once (the workers of all processes deliver the outbox)
  const ids = (await pool.query(`select id from outbox where id > $1 and channel = 'email' and to_email like 'racer.%'`, [outboxBefore])).rows.map((r: { id: number }) => r.id);
  check(ids.length === RACERS, `one email queued per registration (${ids.length})`);
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline && ids.some((id) => !received.has(id))) await new Promise((r) => setTimeout(r, 500));
  await new Promise((r) => setTimeout(r, 6000)); // a duplicate would arrive within a worker tick or two
  const missing = ids.filter((id) => !received.has(id));
  const twice = ids.filter((id) => (received.get(id) ?? 0) > 1);
  check(missing.length === 0 && twice.length === 0, `every email of the race delivered exactly once (missing ${missing.length}, more than once ${twice.length})`);
  await pool.end();
  await new Promise<void>((r) => smtp.close(() => r()));

  // ---- report
  const L = [`# ${N} processes behind nginx, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`, '', 'Produced by `node bench/processes.ts` (see bench/README.md, "Several processes").', ''];
  const m = machineInfo();
  L.push(`${m.nproc} × ${m.cpu}, Node ${m.node}; PostgreSQL 15 (one cluster), demo data set; load average ${loadStart} at the start, ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} at the end. Closed loop, autocannon ${CONNECTIONS} connections, ${SECONDS} s, ${RUNS} rounds alternating; median (min–max).`, '');
  L.push(`| page | one process (direct) req/s | ${N} processes behind nginx req/s | ratio |`, '|---|---:|---:|---:|');
  for (const r of rows) L.push(`| \`${r.page}\` | ${spread(r.one)} | ${spread(r.many)} | ${(median(r.many.map((v, i) => v / r.one[i]!)) * 100).toFixed(0)}% |`);
  L.push('', '## Correctness across the processes', '', ...[`session made on process 1 valid on all ${N}`, `a title changed in the database (another connection) is on every process's board, which each keeps in memory: seen after ${seenAfter.join(', ')} (process by process, one after the other)`, `${RACERS} concurrent registrations for ${FREE_SEATS} seats, spread over the processes: no overbooking`, 'each email of the race delivered exactly once by the workers of all processes'].map((s) => `- ${s}`), '');
  L.push(failures.length ? `**FAILED**: ${failures.join('; ')}` : 'All checks passed.', '');
  const md = L.join('\n');
  console.log(md);
  if (!args['no-write']) {
    const file = path.join(ROOT, 'bench/results', `${new Date().toISOString().slice(0, 10)}-processes.md`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, md);
    log(`written ${path.relative(ROOT, file)}`);
  }
}

try {
  await main();
} catch (e) {
  log(`failed: ${(e as Error).stack ?? e}`);
  failures.push(String(e));
} finally {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      c.kill('SIGTERM');
      await new Promise((r) => {
        const t = setTimeout(() => (c.kill('SIGKILL'), r(null)), 12_000);
        c.once('exit', () => (clearTimeout(t), r(null)));
      });
    }
  }
  if (ownCluster) stopCluster(stateFile);
  if (failures.length) {
    log(`${failures.length} check(s) failed; logs kept in ${work}`);
    process.exitCode = 1;
  } else fs.rmSync(work, { recursive: true, force: true });
}
