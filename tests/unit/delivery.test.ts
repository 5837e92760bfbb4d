import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { assetMap, hashedName, precompress } from '../../src/build/hashed-assets.ts';
import { etagMatches, IMMUTABLE, loadStaticFiles, negotiateEncoding, REVALIDATE } from '../../src/server/http/static-files.ts';

describe('negotiateEncoding', () => {
  const both = { br: true, gzip: true };
  it.each([
    [undefined, 'identity'],
    ['', 'identity'],
    ['gzip, deflate, br, zstd', 'br'],
    ['gzip', 'gzip'],
    ['br;q=0, gzip', 'gzip'],
    ['br;q=0, gzip;q=0', 'identity'],
    ['*', 'br'],
    ['*;q=0', 'identity'],
    ['identity', 'identity'],
    ['x-gzip', 'gzip'],
    ['GZIP;Q=0.5', 'gzip'],
  ] as const)('%s → %s', (header, expected) => {
    expect(negotiateEncoding(header, both)).toBe(expected);
  });
  it('offers only what exists', () => {
    expect(negotiateEncoding('br, gzip', { br: false, gzip: true })).toBe('gzip');
    expect(negotiateEncoding('br', { br: false, gzip: true })).toBe('identity');
  });
});

describe('etagMatches', () => {
  it('compares weakly, in lists, and accepts *', () => {
    expect(etagMatches('"a"', '"a"')).toBe(true);
    expect(etagMatches('W/"a"', '"a"')).toBe(true);
    expect(etagMatches('"b", W/"a"', 'W/"a"')).toBe(true);
    expect(etagMatches('*', '"a"')).toBe(true);
    expect(etagMatches('"b"', '"a"')).toBe(false);
    expect(etagMatches(undefined, '"a"')).toBe(false);
  });
});

describe('hashed assets and precompression', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bd-assets-'));
  const pub = path.join(dir, 'public');
  fs.mkdirSync(path.join(pub, 'styles'), { recursive: true });
  const css = 'body { color: black; }\n'.repeat(200);
  fs.writeFileSync(path.join(pub, 'styles/site.css'), css);
  fs.writeFileSync(path.join(pub, 'tiny.js'), 'x');
  fs.writeFileSync(path.join(pub, 'photo.png'), Buffer.alloc(4000));

  it('names a file by its content, and a change of content changes the name', () => {
    const a = hashedName('/styles/site.css', Buffer.from('a'));
    expect(a).toMatch(/^\/styles\/site\.[0-9a-f]{12}\.css$/);
    expect(hashedName('/styles/site.css', Buffer.from('a'))).toBe(a);
    expect(hashedName('/styles/site.css', Buffer.from('b'))).not.toBe(a);
  });

  it('maps stylesheets and scripts of public/, not images', () => {
    const map = assetMap(pub);
    expect(Object.keys(map).sort()).toEqual(['/styles/site.css', '/tiny.js']);
  });

  it('writes .br and .gz beside compressible files above 1 kB, which decompress to the file', () => {
    precompress(pub);
    const file = path.join(pub, 'styles/site.css');
    expect(zlib.brotliDecompressSync(fs.readFileSync(`${file}.br`)).toString()).toBe(css);
    expect(zlib.gunzipSync(fs.readFileSync(`${file}.gz`)).toString()).toBe(css);
    expect(fs.existsSync(path.join(pub, 'tiny.js.br'))).toBe(false);
    expect(fs.existsSync(path.join(pub, 'photo.png.br'))).toBe(false);
  });

  it('the static file server marks hashed files immutable and others revalidated', () => {
    const map = assetMap(pub);
    const hashed = map['/styles/site.css']!;
    fs.copyFileSync(path.join(pub, 'styles/site.css'), path.join(pub, hashed));
    const list = path.join(dir, 'hashed.json');
    fs.writeFileSync(list, JSON.stringify(map));
    const files = loadStaticFiles(pub, list);
    expect(files.get(hashed)?.cacheControl).toBe(IMMUTABLE);
    expect(files.get('/styles/site.css')?.cacheControl).toBe(REVALIDATE);
    expect(files.get('/styles/site.css')?.br).toBeDefined();
    // The .br and .gz files are representations, not URLs of their own.
    expect(files.has('/styles/site.css.br')).toBe(false);
  });
});
