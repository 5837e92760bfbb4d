/**
 * The e2e web server (Playwright's `webServer.command`): seeds the database
 * (tests/e2e/seed.ts), then runs the production entry (server/main.ts) on the built app,
 * each in its own Node process, with the environment Playwright gives it.
 *
 * When E2E_REMOVE_DATA_DIR=1 (playwright.config.ts made DATA_DIR with mkdtemp), the folder
 * is removed once the server has stopped: Playwright ends the run with SIGTERM (see
 * `gracefulShutdown` in the config), the server closes the embedded database, then we
 * delete it. Folders left by runs that were killed outright are removed at the next start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The same prefix as in playwright.config.ts.
const TEMP_PREFIX = 'baku-dengar-e2e-';
const PID_FILE = 'e2e-server.pid';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dataDir = process.env.DATA_DIR ? path.resolve(process.env.DATA_DIR) : null;
const removeDataDir = process.env.E2E_REMOVE_DATA_DIR === '1' && dataDir !== null;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes data folders of earlier runs whose server is gone (killed with SIGKILL, say). */
function removeStaleDirs(): void {
  const tmp = os.tmpdir();
  for (const name of fs.readdirSync(tmp)) {
    const dir = path.join(tmp, name);
    if (!name.startsWith(TEMP_PREFIX) || dir === dataDir) continue;
    try {
      const pid = Number(fs.readFileSync(path.join(dir, PID_FILE), 'utf8'));
      if (pid && isAlive(pid)) continue;
    } catch {
      // No pid file: a folder made by a run that never started its server (e.g. `--list`).
      // Leave young ones alone: they may belong to a run that is starting right now.
      if (Date.now() - fs.statSync(dir).mtimeMs < 3600_000) continue;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function run(script: string): ChildProcess {
  return spawn(process.execPath, [path.join(root, script)], { cwd: root, env: process.env, stdio: 'inherit' });
}

function exitCode(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1))));
}

let current: ChildProcess | null = null;
let stopping = false;

function cleanUp(): void {
  if (removeDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    stopping = true;
    // The child usually got the signal too (same process group); a second one is harmless.
    if (current && current.exitCode === null) current.kill(signal);
    else {
      cleanUp();
      process.exit(143);
    }
  });
}

if (removeDataDir) {
  removeStaleDirs();
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(path.join(dataDir, PID_FILE), String(process.pid));
}

current = run('tests/e2e/seed.ts');
const seeded = await exitCode(current);
if (seeded !== 0 || stopping) {
  cleanUp();
  process.exit(seeded || 143);
}
current = run('server/main.ts');
const served = await exitCode(current);
if (!stopping) process.stderr.write(`e2e: server/main.ts stopped on its own (exit ${served}) before the run ended\n`);
cleanUp();
process.exit(served);
