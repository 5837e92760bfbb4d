/**
 * Bytes on the wire for the first view of pages: the HTML and every stylesheet, script and
 * icon it links, fetched as a browser would on an empty cache (Accept-Encoding: br, gzip).
 * Counts the status line, the headers and the body exactly as received (no decompression).
 *
 *   node bench/wire-bytes.ts http://127.0.0.1:5408 / /masukan /masukan/baru /forum /unit/dinkes
 *
 * Prints a Markdown table; add `--encoding identity` to ask for uncompressed responses.
 */
import http from 'node:http';

const args = process.argv.slice(2);
const encIdx = args.indexOf('--encoding');
const acceptEncoding = encIdx >= 0 ? args.splice(encIdx, 2)[1]! : 'br, gzip';
const [base, ...paths] = args;
if (!base || paths.length === 0) {
  process.stderr.write('usage: node bench/wire-bytes.ts <base URL> <path>... [--encoding identity]\n');
  process.exit(64);
}

interface Fetched {
  url: string;
  status: number;
  encoding: string;
  headerBytes: number;
  bodyBytes: number;
  body: Buffer;
}

function get(url: string): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { 'Accept-Encoding': acceptEncoding, Accept: 'text/html,*/*', 'User-Agent': 'wire-bytes' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const raw = res.rawHeaders;
        let headerBytes = `HTTP/1.1 ${res.statusCode} ${res.statusMessage}\r\n`.length + 2;
        for (let i = 0; i < raw.length; i += 2) headerBytes += Buffer.byteLength(`${raw[i]}: ${raw[i + 1]}\r\n`);
        const body = Buffer.concat(chunks);
        resolve({ url, status: res.statusCode ?? 0, encoding: String(res.headers['content-encoding'] ?? 'identity'), headerBytes, bodyBytes: body.length, body });
      });
    });
    req.on('error', reject);
  });
}

/** Same-origin stylesheets, scripts and icons the page links (what a first view downloads). */
function linkedAssets(html: string): string[] {
  const out = new Set<string>();
  for (const m of html.matchAll(/<(?:link[^>]+href|script[^>]+src)="(\/[^"]+)"/g)) out.add(m[1]!);
  return [...out];
}

const zlib = await import('node:zlib');
function decode(f: Fetched): string {
  const b = f.encoding === 'br' ? zlib.brotliDecompressSync(f.body) : f.encoding === 'gzip' ? zlib.gunzipSync(f.body) : f.body;
  return b.toString('utf8');
}

console.log(`Accept-Encoding: ${acceptEncoding}\n`);
console.log('| page | HTML (wire) | assets (wire) | total on the wire | encodings |');
console.log('|---|---:|---:|---:|---|');
let grand = 0;
for (const p of paths) {
  const page = await get(base + p);
  const assets = await Promise.all(linkedAssets(decode(page)).map((a) => get(base + a)));
  const htmlBytes = page.headerBytes + page.bodyBytes;
  const assetBytes = assets.reduce((n, a) => n + a.headerBytes + a.bodyBytes, 0);
  grand += htmlBytes + assetBytes;
  const encodings = [page, ...assets].map((f) => `${f.url.slice(base.length)} ${f.status} ${f.encoding}`).join('; ');
  console.log(`| ${p} | ${htmlBytes.toLocaleString('en')} | ${assetBytes.toLocaleString('en')} | ${(htmlBytes + assetBytes).toLocaleString('en')} | ${encodings} |`);
}
console.log(`| all | | | ${grand.toLocaleString('en')} | |`);
