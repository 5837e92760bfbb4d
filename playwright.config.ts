import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, devices } from '@playwright/test';

/**
 * Browser tests (tests/e2e) against the built app: run `astro build` first
 * (`npm run test:e2e` does). Playwright starts tests/e2e/serve.ts, which seeds a fresh
 * embedded database in a temporary DATA_DIR (or DATABASE_URL, if set: a throwaway
 * PostgreSQL database) and then runs server/main.ts, the production entry.
 *
 * Chromium comes from the system (`apt-get install -y chromium`) or CHROMIUM_PATH;
 * Playwright's own browser download is not used.
 *
 * Environment: CHROMIUM_PATH; E2E_PORT (default 4391); DATABASE_URL (a throwaway
 * PostgreSQL database instead of the embedded one); E2E_DATA_DIR (use and keep this folder
 * instead of a temporary one); E2E_LOG_LEVEL (show the server's log at that level).
 */

const root = path.dirname(fileURLToPath(import.meta.url));

const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (!fs.existsSync(chromiumPath)) {
  throw new Error(
    `Chromium not found at ${chromiumPath}. The e2e tests use the system Chromium: ` +
      'install it with `apt-get install -y chromium` (Debian/Ubuntu), or set CHROMIUM_PATH to a Chromium or Chrome binary.',
  );
}

if (!fs.existsSync(path.join(root, 'dist/server/entry.mjs'))) {
  throw new Error('The e2e tests run the built app, and dist/server/entry.mjs is missing: run `npm run build` first (`npm run test:e2e` does).');
}

const port = Number(process.env.E2E_PORT ?? 4391);
const baseURL = `http://127.0.0.1:${port}`;

// This file is loaded by the runner and again by every worker; the workers inherit the
// runner's environment, so the folder (and the run id) are made once per run.
// The prefix is also known to tests/e2e/serve.ts, which removes the folder afterwards.
// E2E_DATA_DIR may also be given (to look at the database afterwards): it is then kept.
if (!process.env.DATABASE_URL && !process.env.E2E_DATA_DIR) {
  process.env.E2E_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'baku-dengar-e2e-'));
  process.env.E2E_DATA_DIR_IS_TEMP = '1';
}
/** Distinguishes the client addresses (X-Forwarded-For) of this run from earlier ones. */
process.env.E2E_RUN_ID ??= Math.random().toString(36).slice(2, 10);

// The Node of the project (>= 22.12, runs .ts directly), whatever `node` is on PATH.
const projectNode = path.join(root, 'node_modules/.bin/node');
const node = fs.existsSync(projectNode) ? projectNode : process.execPath;

const serverEnv: Record<string, string> = {
  ...(Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined)) as Record<string, string>),
  HOST: '127.0.0.1',
  PORT: String(port),
  PUBLIC_URL: baseURL,
  // Each test speaks from its own address (X-Forwarded-For), see tests/e2e/test.ts.
  TRUST_PROXY: '1',
  // Not 'production': the session cookie is then `bd_session` without Secure (plain http here).
  NODE_ENV: 'test',
  // Emails stay in the outbox (read at /admin/surel), never leave the machine.
  SMTP_URL: '',
  LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
  ALLOWED_DOMAINS: '',
};
if (process.env.E2E_DATA_DIR) {
  serverEnv.DATA_DIR = process.env.E2E_DATA_DIR;
  serverEnv.E2E_REMOVE_DATA_DIR = process.env.E2E_DATA_DIR_IS_TEMP === '1' ? '1' : '0';
}

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.ts',
  // Two cores, and the embedded database is one connection: two workers at most.
  workers: 2,
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  // Generous: the machine is shared (2 cores) and Argon2 hashing is deliberately slow.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : [['list']],
  use: {
    baseURL,
    locale: 'id-ID',
    timezoneId: 'Asia/Jayapura',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          executablePath: chromiumPath,
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
            '--disable-quic',
          ],
        },
      },
    },
  ],
  webServer: {
    command: `"${node}" tests/e2e/serve.ts`,
    cwd: root,
    url: `${baseURL}/healthz`,
    env: serverEnv,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: process.env.E2E_LOG_LEVEL ? 'pipe' : 'ignore',
    stderr: 'pipe',
    // SIGTERM lets server/main.ts close the database and serve.ts remove the folder.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 15_000 },
  },
});
