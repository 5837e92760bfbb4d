import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './server.ts';

/**
 * The site's routes, read from src/pages when the tests run (so a new page is covered the day it
 * is added): its URL pattern, its dynamic parameters and, for endpoints, the methods it exports.
 */
export interface Route {
  file: string;
  /** '/masukan/[id]', '/forum/[slug].ics' */
  pattern: string;
  params: string[];
  /** Methods an endpoint (.ts) exports; pages (.astro) answer every method. */
  methods: string[] | 'any';
  endpoint: boolean;
}

export function listRoutes(): Route[] {
  const pagesDir = path.join(ROOT, 'src/pages');
  const out: Route[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.name.startsWith('_')) continue;
      if (entry.isDirectory()) walk(full);
      else if (/\.(astro|ts)$/.test(entry.name)) {
        const rel = path.relative(pagesDir, full).split(path.sep).join('/');
        let pattern = '/' + rel.replace(/\.(astro|ts)$/, '');
        pattern = pattern.replace(/\/index$/, '') || '/';
        const params = [...pattern.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1]!);
        const endpoint = entry.name.endsWith('.ts');
        const src = fs.readFileSync(full, 'utf8');
        const methods = endpoint ? [...src.matchAll(/export\s+(?:const|async function|function)\s+(GET|POST|PUT|PATCH|DELETE|ALL)\b/g)].map((m) => m[1]!) : 'any';
        out.push({ file: `src/pages/${rel}`, pattern, params, methods, endpoint });
      }
    }
  };
  walk(pagesDir);
  return out.sort((a, b) => a.pattern.localeCompare(b.pattern));
}

/** The route's URL with each parameter replaced by the value the caller chooses. */
export function fill(route: Route, values: Record<string, string>): string {
  return route.pattern.replace(/\[([^\]]+)\]/g, (_, p: string) => encodeURIComponent(values[p] ?? '1'));
}
