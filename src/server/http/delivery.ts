/**
 * How responses leave the process (server/main.ts): files of the client build from memory
 * with their precompressed forms (static-files.ts), everything else from Astro's handler,
 * compressed on the fly (Brotli, else gzip) when the client accepts it.
 *
 * On-the-fly compression streams (each chunk Astro writes goes through the compressor) and
 * skips what would not gain: bodies under 1 kB, types that are compressed already (images,
 * fonts, archives: `compressible`'s list), HEAD, 204/304, `Cache-Control: no-transform`, and
 * responses that already carry a Content-Encoding. Brotli at quality 4 costs about as much CPU
 * as gzip level 6 and saves more; the build's precompressed files use quality 11.
 */
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import compression from 'compression';
import { MANIFEST_FILE } from '../../build/hashed-assets.ts';
import { loadStaticFiles, REVALIDATE, staticFileServer, TYPES } from './static-files.ts';

type Listener = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export const COMPRESS_MIN_BYTES = 1024;

export function deliver(root: string, astroHandler: Listener): Listener {
  const clientDir = path.join(root, 'dist/client');
  const files = loadStaticFiles(clientDir, path.join(root, 'dist', MANIFEST_FILE));
  const serveStatic = staticFileServer(files);
  const serveFromDisk = diskFileServer(clientDir, new Set(files.keys()));
  const compress = compression({
    threshold: COMPRESS_MIN_BYTES,
    brotli: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } },
    level: 6,
  }) as unknown as (req: http.IncomingMessage, res: http.ServerResponse, next: () => void) => void;
  return (req, res) => {
    // As the adapter's standalone handler did before rendering: a URL that cannot be decoded is a 400.
    try {
      decodeURI(req.url ?? '/');
    } catch {
      res.writeHead(400);
      res.end('Bad request.');
      return;
    }
    if (serveStatic(req, res) || serveFromDisk(req, res)) return;
    compress(req, res, () => {
      holdHeadUntilSized(req, res, COMPRESS_MIN_BYTES);
      astroHandler(req, res);
    });
  };
}

type Callback = (error?: Error | null) => void;

/**
 * Astro writes the head before the body and sets no Content-Length, so the compressor cannot
 * tell a 20-byte answer from a 20 kB page. This holds the head (and the first chunks) until
 * `threshold` bytes were written, or the response ended: then a short body gets its
 * Content-Length and the compressor leaves it alone. Longer bodies stream as before.
 */
function holdHeadUntilSized(req: http.IncomingMessage, res: http.ServerResponse, threshold: number): void {
  // The compressor's versions (it has wrapped them already); called with `res` as `this`.
  const writeHead = res.writeHead as (this: http.ServerResponse, status: number) => http.ServerResponse;
  const write = res.write as (this: http.ServerResponse, ...args: unknown[]) => boolean;
  const end = res.end as (this: http.ServerResponse, ...args: unknown[]) => http.ServerResponse;
  let status: number | null = null;
  let held: Buffer[] = [];
  let size = 0;

  const release = (final: boolean) => {
    if (status === null) return;
    const s = status;
    status = null;
    if (final && s !== 204 && s !== 304 && req.method !== 'HEAD' && !res.hasHeader('content-length')) res.setHeader('Content-Length', size);
    writeHead.call(res, s);
    for (const chunk of held) write.call(res, chunk);
    held = [];
  };

  res.writeHead = function (this: http.ServerResponse, code: number, ...rest: unknown[]) {
    const [a, b] = rest;
    if (typeof a === 'string') res.statusMessage = a;
    const headers = (typeof a === 'string' ? b : a) as http.OutgoingHttpHeaders | http.OutgoingHttpHeader[] | undefined;
    if (Array.isArray(headers)) {
      for (let i = 0; i + 1 < headers.length; i += 2) res.setHeader(String(headers[i]), headers[i + 1] as string);
    } else if (headers) {
      for (const [k, v] of Object.entries(headers)) if (v !== undefined) res.setHeader(k, v);
    }
    status = code;
    return res;
  } as typeof res.writeHead;

  res.write = function (this: http.ServerResponse, chunk: unknown, ...rest: unknown[]) {
    if (status !== null) {
      const callback = rest.find((r) => typeof r === 'function') as Callback | undefined;
      const encoding = typeof rest[0] === 'string' ? (rest[0] as BufferEncoding) : undefined;
      const buf = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : Buffer.from(chunk as Uint8Array);
      held.push(buf);
      size += buf.length;
      if (size < threshold && !callback) return true;
      release(false);
      if (callback) return write.call(res, Buffer.alloc(0), callback);
      return true;
    }
    return write.call(res, chunk, ...rest);
  } as typeof res.write;

  res.end = function (this: http.ServerResponse, ...args: unknown[]) {
    if (status !== null) {
      const [chunk] = args;
      if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') {
        const buf = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array);
        held.push(buf);
        size += buf.length;
      }
      release(true);
      const callback = args.find((a) => typeof a === 'function') as Callback | undefined;
      return callback ? end.call(res, callback) : end.call(res);
    }
    return end.apply(res, args);
  } as typeof res.end;
}

/**
 * Files of the client build that are not held in memory (above static-files.ts's size limit, of a
 * type it does not list, or the `.br`/`.gz` siblings themselves), streamed from disk: the set is
 * read once at start-up, so a page request costs one Set lookup, not a stat of the disk. Paths
 * with a segment starting with '.' are never served, except under /.well-known/.
 */
function diskFileServer(clientDir: string, inMemory: Set<string>): (req: http.IncomingMessage, res: http.ServerResponse) => boolean {
  const onDisk = new Map<string, string>();
  const walk = (dir: string): void => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else onDisk.set('/' + path.relative(clientDir, p).split(path.sep).join('/'), p);
    }
  };
  walk(clientDir);
  for (const url of [...onDisk.keys()]) {
    const hidden = url.split('/').some((seg) => seg.startsWith('.')) && !url.startsWith('/.well-known/');
    if (inMemory.has(url) || hidden) onDisk.delete(url);
  }
  return (req, res) => {
    if (!onDisk.size || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    let pathname: string;
    try {
      pathname = decodeURI(q >= 0 ? url.slice(0, q) : url);
    } catch {
      return false;
    }
    const file = onDisk.get(pathname);
    if (!file) return false;
    const size = fs.statSync(file).size;
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Content-Length': size, 'Cache-Control': REVALIDATE });
    if (req.method === 'HEAD') res.end();
    else fs.createReadStream(file).pipe(res);
    return true;
  };
}
