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
  // That pages link these files through asset() is an ESLint rule (eslint-rules/asset-links.js).
});
