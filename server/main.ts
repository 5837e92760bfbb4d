/**
 * Production entry point (`npm run serve`, and `npm start` after a build).
 * Validates configuration, opens and migrates the database before listening, serves the
 * built Astro handler inside our own http.Server, runs the background worker, and on
 * SIGTERM/SIGINT stops accepting, lets requests in flight finish, then closes the database.
 */
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

const { ConfigError, getConfig } = await import('../src/server/config.ts');
const { log } = await import('../src/server/log.ts');

let config;
try {
  config = getConfig();
} catch (e) {
  if (e instanceof ConfigError) {
    process.stderr.write(`${e.message}\nSee README.md, "Configuration".\n`);
    process.exit(78);
  }
  throw e;
}

const { initApp, closeApp } = await import('../src/server/app.ts');
// The database opens (in worker mode on its own thread) while the rest of the server and
// Astro's handler load: both are on the way to the first answer. Nothing is served before
// both are ready; a failure is reported below.
const databaseReady = initApp();
databaseReady.catch(() => {});
const { securityHeaders } = await import('../src/server/http/security-headers.ts');
const { startWorker } = await import('../src/server/worker.ts');
const { gracefulCloser } = await import('../src/server/http/graceful-close.ts');
const { handleOneClickUnsubscribe } = await import('../src/server/alerts/one-click.ts');
const { deliver } = await import('../src/server/http/delivery.ts');

process.env.ASTRO_NODE_AUTOSTART = 'disabled';
const entry = path.join(root, 'dist/server/entry.mjs');
const loading = import(pathToFileURL(entry).href) as Promise<{
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void;
}>;
loading.catch(() => {}); // awaited below; a failure is reported there

try {
  await databaseReady;
} catch (e) {
  log.error('database start failed', { error: e });
  process.exit(1);
}

const { handler } = await loading;
// Static files from memory (precompressed, hashed ones cached for a year), pages compressed.
const respond = deliver(root, handler);

// The two possible header sets, built once (HSTS only over HTTPS); each request copies one in.
const headerSets = {
  https: Object.entries(securityHeaders(true)),
  plain: Object.entries(securityHeaders(config.publicUrl.startsWith('https:'))),
};

// 64 kB of headers: the Markdown preview (a GET) carries up to 5,000 characters in its URL.
const server = http.createServer({ requestTimeout: 60_000, headersTimeout: 20_000, maxHeaderSize: 64 * 1024 }, (req, res) => {
  connections.track(req, res);
  const started = performance.now();
  const https = config.trustProxy ? req.headers['x-forwarded-proto'] === 'https' : false;
  for (const [k, v] of https ? headerSets.https : headerSets.plain) res.setHeader(k, v);
  const length = Number(req.headers['content-length'] ?? 0);
  if (length > config.bodyLimitBytes) {
    res.writeHead(413, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
    res.end('Payload too large');
    req.resume();
    return;
  }
  res.on('finish', () => {
    if (req.url === '/healthz') return;
    log.info('request', {
      method: req.method,
      path: req.url?.split('?')[0],
      status: res.statusCode,
      ms: Math.round(performance.now() - started),
    });
  });
  if (handleOneClickUnsubscribe(req, res, async () => (await initApp()).db, config.trustProxy)) return;
  respond(req, res);
});

const connections = gracefulCloser(server);

const worker = startWorker(config);

server.listen(config.port, config.host, () => {
  log.info('listening', { url: `http://${config.host}:${config.port}`, publicUrl: config.publicUrl });
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info('shutting down', { signal });
  const force = setTimeout(() => {
    log.warn('forced exit after 10 s');
    process.exit(1);
  }, 10_000);
  force.unref();
  // Stop accepting; answer what was sent with `Connection: close`, then close idle keep-alive
  // connections (src/server/http/graceful-close.ts). The worker finishes its current job meanwhile.
  await Promise.all([connections.drain(), worker.stop()]);
  await closeApp();
  log.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
