import fs from 'node:fs';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';

describe('static assets', () => {
  it('the vendored htmx is the installed htmx.org release', () => {
    const vendored = fs.readFileSync('public/vendor/htmx.min.js');
    const installed = fs.readFileSync('node_modules/htmx.org/dist/htmx.min.js');
    expect(vendored.equals(installed)).toBe(true);
  });

  it('JavaScript shipped to public pages stays within 15 kB gzipped', () => {
    const own = fs.existsSync('public/scripts') ? fs.readdirSync('public/scripts').map((f) => `public/scripts/${f}`) : [];
    const files = ['public/vendor/htmx.min.js', ...own].filter((f) => f.endsWith('.js'));
    const total = files.reduce((n, f) => n + zlib.gzipSync(fs.readFileSync(f), { level: 9 }).length, 0);
    expect(total).toBeLessThanOrEqual(15 * 1024);
  });

  it('pages link stylesheets, scripts and icons of public/ through asset(), so they get the hashed URL', () => {
    const walk = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(`${dir}/${e.name}`) : [`${dir}/${e.name}`]));
    const offenders = walk('src')
      .filter((f) => f.endsWith('.astro'))
      .flatMap((f) => [...fs.readFileSync(f, 'utf8').matchAll(/(?:href|src)="(\/[^"]+\.(?:css|js|svg))"/g)].map((m) => `${f}: ${m[1]}`));
    expect(offenders).toEqual([]);
    // And each file named through asset() exists in public/.
    const named = walk('src')
      .filter((f) => f.endsWith('.astro'))
      .flatMap((f) => [...fs.readFileSync(f, 'utf8').matchAll(/asset\('([^']+)'\)/g)].map((m) => m[1]!));
    expect(named.length).toBeGreaterThan(0);
    for (const url of named) expect(fs.existsSync(`public${url}`), url).toBe(true);
  });
});
