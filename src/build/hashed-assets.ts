/**
 * Build-time asset pipeline (an Astro integration, see astro.config.mjs):
 * - every stylesheet, script and icon in public/ also gets a content-hashed copy beside it
 *   (`/styles/site.css` → `/styles/site.3f9a0c1be27d.css`) that may be cached for a year;
 *   pages name them through `asset()` (src/assets.ts), which reads the map defined here;
 * - every compressible file of the client build is precompressed (`.br` and `.gz` beside it)
 *   for src/server/http/static-files.ts to send as it is.
 * The unhashed files stay, so old pages and bookmarks keep working. In `astro dev` nothing is
 * hashed: Vite serves public/ as it is.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import type { AstroIntegration } from 'astro';

/** Files of public/ that get a hashed name (the ones pages link to from every view). */
export const HASHED_EXTENSIONS = ['.css', '.js', '.svg'];
/** Files worth precompressing (text); images, fonts and archives are compressed already. */
export const COMPRESSIBLE_EXTENSIONS = ['.css', '.js', '.mjs', '.svg', '.json', '.txt', '.xml', '.html', '.map', '.ics', '.webmanifest'];
/** Smaller files are sent as they are: the headers would cost more than compression saves. */
export const PRECOMPRESS_MIN_BYTES = 1024;
/** Where the build writes the map, read by the static file server (not served itself). */
export const MANIFEST_FILE = 'hashed-assets.json';

export type AssetMap = Record<string, string>;

function walk(dir: string, base = dir): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p, base) : [p];
  });
}

/** `/styles/site.css` + content → `/styles/site.<12 hex of SHA-256>.css`. */
export function hashedName(urlPath: string, content: Buffer): string {
  const ext = path.posix.extname(urlPath);
  const hash = createHash('sha256').update(content).digest('hex').slice(0, 12);
  return `${urlPath.slice(0, -ext.length)}.${hash}${ext}`;
}

/** The map from each hashable public/ file's URL to its hashed URL. */
export function assetMap(publicDir: string): AssetMap {
  const map: AssetMap = {};
  for (const file of walk(publicDir).sort()) {
    if (!HASHED_EXTENSIONS.includes(path.extname(file))) continue;
    const url = '/' + path.relative(publicDir, file).split(path.sep).join('/');
    map[url] = hashedName(url, fs.readFileSync(file));
  }
  return map;
}

/** Writes `<file>.br` and `<file>.gz` for every compressible file of `dir` where that saves bytes. */
export function precompress(dir: string): number {
  let written = 0;
  for (const file of walk(dir)) {
    if (!COMPRESSIBLE_EXTENSIONS.includes(path.extname(file))) continue;
    const body = fs.readFileSync(file);
    if (body.length < PRECOMPRESS_MIN_BYTES) continue;
    const br = zlib.brotliCompressSync(body, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length },
    });
    const gz = zlib.gzipSync(body, { level: 9 });
    if (br.length < body.length) {
      fs.writeFileSync(`${file}.br`, br);
      written++;
    }
    if (gz.length < body.length) {
      fs.writeFileSync(`${file}.gz`, gz);
      written++;
    }
  }
  return written;
}

export function hashedAssets(): AstroIntegration {
  let publicDir = '';
  let map: AssetMap = {};
  return {
    name: 'baku-dengar:hashed-assets',
    hooks: {
      'astro:config:setup': ({ config, command, updateConfig }) => {
        publicDir = fileURLToPath(config.publicDir);
        map = command === 'build' ? assetMap(publicDir) : {};
        updateConfig({ vite: { define: { __HASHED_ASSETS__: JSON.stringify(map) } } });
      },
      'astro:build:done': ({ dir, logger }) => {
        const client = fileURLToPath(dir);
        for (const [url, hashed] of Object.entries(map)) {
          fs.copyFileSync(path.join(publicDir, url), path.join(client, hashed));
        }
        // Beside the client folder: the static file server reads it, nobody downloads it.
        fs.writeFileSync(path.join(client, '..', MANIFEST_FILE), JSON.stringify(map, null, 2) + '\n');
        const n = precompress(client);
        logger.info(`${Object.keys(map).length} hashed assets, ${n} precompressed files`);
      },
    },
  };
}
