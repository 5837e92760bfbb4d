import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The production entry (server/main.ts on the built app) as a child process, for tests of what
 * only a real process shows: crashes, shutdown, raw HTTP. Needs `astro build` first
 * (`npm run test:security` does it).
 */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  url: string;
  child: ChildProcess;
  /** Everything the process wrote (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code (signal → 128 + n) once the process has ended. */
  exited: Promise<number>;
  stop(): Promise<number>;
}

const projectNode = path.join(ROOT, 'node_modules/.bin/node');
const nodeBin = fs.existsSync(projectNode) ? projectNode : process.execPath;

/**
 * An embedded database migrated once, with its reference data (npm run db:migrate), that every
 * server of the run copies: starting from an empty folder costs a minute on a busy machine.
 */
export function prepareTemplateDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baku-dengar-sec-template-'));
  const r = spawnSync(nodeBin, ['scripts/db-migrate.ts'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DATA_DIR: dir, LOG_LEVEL: 'warn' }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`db:migrate of the template failed:\n${r.stdout}\n${r.stderr}`);
  fs.rmSync(path.join(dir, 'pglite.pid'), { force: true });
  return dir;
}

export async function startServer(env: Record<string, string> = {}, templateDataDir?: string): Promise<RunningServer> {
  if (!fs.existsSync(path.join(ROOT, 'dist/server/entry.mjs'))) throw new Error('dist/server/entry.mjs is missing: run `astro build` first (npm run test:security does).');
  const port = await freePort();
  const dataDir = env.DATABASE_URL ? null : fs.mkdtempSync(path.join(os.tmpdir(), 'baku-dengar-sec-'));
  if (dataDir && templateDataDir) fs.cpSync(templateDataDir, dataDir, { recursive: true });
  const child = spawn(nodeBin, ['server/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      HOST: '127.0.0.1',
      PORT: String(port),
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      SMTP_URL: '',
      ...(dataDir ? { DATA_DIR: dataDir } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number>((resolve) =>
    child.on('exit', (code, signal) => {
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
      resolve(code ?? 128 + (signal ? (os.constants.signals[signal] ?? 0) : 0));
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited during start:\n${out}`);
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not ready after 180 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    child,
    output: () => out,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
  };
}

/** A throwaway PostgreSQL 15 cluster of its own (scripts/test-postgres.sh), which a test may stop and start. */
export interface Cluster {
  url: string;
  stopServer(): void;
  startServer(): void;
  remove(): void;
}

export function startCluster(): Cluster {
  const stateFile = path.join(os.tmpdir(), `baku-sec-pg-${process.pid}-${Date.now()}.state`);
  const env = { ...process.env, PG_STATE_FILE: stateFile };
  const r = spawnSync('bash', [path.join(ROOT, 'scripts/test-postgres.sh'), 'start'], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`could not start a PostgreSQL cluster (PostgreSQL 15 server binaries, PG_BIN):\n${r.stderr}`);
  const state = Object.fromEntries(
    fs
      .readFileSync(stateFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  ) as Record<string, string>;
  const bin = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
  const dir = state.dir!;
  const asPg = (args: string[]) => {
    const cmd = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--', ...args] : args;
    const x = spawnSync(cmd[0]!, cmd.slice(1), { cwd: dir, encoding: 'utf8' });
    if (x.status !== 0) throw new Error(`${args.join(' ')} failed:\n${x.stdout}\n${x.stderr}`);
  };
  return {
    url: state.url!,
    // -m fast: the server ends every session with 57P01 ("terminating connection due to administrator command").
    stopServer: () => asPg([`${bin}/pg_ctl`, '-D', `${dir}/data`, '-m', 'fast', '-w', 'stop']),
    startServer: () => asPg([`${bin}/pg_ctl`, '-D', `${dir}/data`, '-l', `${dir}/postgres.log`, '-w', 'start']),
    remove: () => {
      spawnSync('bash', [path.join(ROOT, 'scripts/test-postgres.sh'), 'stop'], { env, encoding: 'utf8' });
    },
  };
}
