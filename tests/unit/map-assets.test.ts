import fs from 'node:fs';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';

describe('map assets', () => {
  it('the vendored Leaflet is the installed leaflet release (script, style and images)', () => {
    const files = ['leaflet.js', 'leaflet.css', ...fs.readdirSync('node_modules/leaflet/dist/images').map((f) => `images/${f}`)];
    for (const f of files) {
      const vendored = fs.readFileSync(`public/vendor/leaflet/${f}`);
      const installed = fs.readFileSync(`node_modules/leaflet/dist/${f}`);
      expect(vendored.equals(installed), f).toBe(true);
    }
  });

  it('our map scripts stay small (Leaflet itself is loaded only when a map is asked for)', () => {
    for (const f of fs.readdirSync('public/map').filter((n) => n.endsWith('.js'))) {
      expect(zlib.gzipSync(fs.readFileSync(`public/map/${f}`), { level: 9 }).length, f).toBeLessThanOrEqual(4 * 1024);
    }
  });

  it('no page outside the map pages references Leaflet or the map scripts', () => {
    const pages: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = `${dir}/${e.name}`;
        if (e.isDirectory()) walk(p);
        else if (p.endsWith('.astro')) pages.push(p);
      }
    };
    walk('src');
    const users = pages.filter((p) => /\/vendor\/leaflet|\/map\/[a-z-]+\.js/.test(fs.readFileSync(p, 'utf8'))).sort();
    expect(users).toEqual(['src/components/BoardMap.astro', 'src/components/MapPin.astro']);
  });
});
