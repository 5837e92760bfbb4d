/**
 * Serves the client build (dist/client) from memory, before Astro's handler sees the request.
 * Read once at start-up: the files are few and small (stylesheets, htmx, icons); a file above
 * MAX_CACHED_BYTES (or of a type not listed) is streamed from disk by delivery.ts.
 *
 * - Content-hashed files (listed in dist/hashed-assets.json, and Astro's own `/_astro/`) are
 *   `Cache-Control: public, max-age=31536000, immutable`; others `public, max-age=0` (revalidate).
 * - The precompressed `.br`/`.gz` written by the build are sent when the client accepts them
 *   (Brotli first), with `Content-Encoding` and `Vary: Accept-Encoding`.
 * - Strong ETag per representation; `If-None-Match` answers 304.
 * - GET and HEAD only; anything else (and any path not in the build) goes on to Astro.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'public, max-age=0';
const MAX_CACHED_BYTES = 2 * 1024 * 1024;

export const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

interface Representation {
  body: Buffer;
  etag: string;
}

interface StaticFile {
  type: string;
  cacheControl: string;
  identity: Representation;
  br?: Representation;
  gzip?: Representation;
}

export type Encoding = 'br' | 'gzip' | 'identity';

/**
 * The encoding to send from those available, by the request's Accept-Encoding: Brotli if
 * acceptable, else gzip, else none. q=0 refuses a coding; `*` accepts any not named.
 */
export function negotiateEncoding(header: string | undefined, available: { br: boolean; gzip: boolean }): Encoding {
  if (!header) return 'identity';
  const q = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qp ? Number(qp.slice(2)) : 1;
    q.set(name, Number.isFinite(value) ? value : 0);
  }
  const accepts = (coding: string) => (q.get(coding) ?? (coding === 'gzip' ? q.get('x-gzip') : undefined) ?? q.get('*') ?? 0) > 0;
  if (available.br && accepts('br')) return 'br';
  if (available.gzip && accepts('gzip')) return 'gzip';
  return 'identity';
}

/** True when an If-None-Match header names `etag` (weak comparison, as RFC 9110 asks for GET). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const bare = etag.replace(/^W\//, '');
  return ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === bare);
}

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : [p];
  });
}

function representation(body: Buffer, suffix = ''): Representation {
  return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}${suffix}"` };
}

/** Reads the client build into memory; `hashedListFile` is the build's map of hashed names. */
export function loadStaticFiles(clientDir: string, hashedListFile: string): Map<string, StaticFile> {
  const hashed = new Set<string>();
  if (fs.existsSync(hashedListFile)) {
    for (const url of Object.values(JSON.parse(fs.readFileSync(hashedListFile, 'utf8')) as Record<string, string>)) hashed.add(url);
  }
  const files = new Map<string, StaticFile>();
  for (const file of walk(clientDir)) {
    const ext = path.extname(file);
    const type = TYPES[ext];
    if (!type) continue;
    const stat = fs.statSync(file);
    if (stat.size > MAX_CACHED_BYTES) continue;
    const url = '/' + path.relative(clientDir, file).split(path.sep).join('/');
    if (url.split('/').some((seg) => seg.startsWith('.'))) continue;
    const read = (p: string) => (fs.existsSync(p) ? fs.readFileSync(p) : undefined);
    const br = read(`${file}.br`);
    const gz = read(`${file}.gz`);
    files.set(url, {
      type,
      cacheControl: hashed.has(url) || url.startsWith('/_astro/') ? IMMUTABLE : REVALIDATE,
      identity: representation(fs.readFileSync(file)),
      ...(br ? { br: representation(br, '-br') } : {}),
      ...(gz ? { gzip: representation(gz, '-gz') } : {}),
    });
  }
  return files;
}

/**
 * A request listener step: answers and returns true for a file of the build, returns false
 * (having written nothing) for anything else.
 */
export function staticFileServer(files: Map<string, StaticFile>): (req: http.IncomingMessage, res: http.ServerResponse) => boolean {
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const file = files.get(q >= 0 ? url.slice(0, q) : url);
    if (!file) return false;
    const compressed = !!(file.br || file.gzip);
    const encoding = compressed ? negotiateEncoding(req.headers['accept-encoding'], { br: !!file.br, gzip: !!file.gzip }) : 'identity';
    const rep = encoding === 'identity' ? file.identity : file[encoding]!;
    res.setHeader('Cache-Control', file.cacheControl);
    res.setHeader('ETag', rep.etag);
    if (compressed) res.setHeader('Vary', 'Accept-Encoding');
    if (etagMatches(req.headers['if-none-match'], rep.etag)) {
      res.writeHead(304);
      res.end();
      return true;
    }
    res.setHeader('Content-Type', file.type);
    if (encoding !== 'identity') res.setHeader('Content-Encoding', encoding);
    res.setHeader('Content-Length', rep.body.length);
    res.writeHead(200);
    res.end(req.method === 'HEAD' ? undefined : rep.body);
    return true;
  };
}
