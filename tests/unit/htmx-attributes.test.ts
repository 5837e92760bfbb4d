import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every .astro and .ts file under src/. */
function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : /\.(astro|ts)$/.test(e.name) ? [p] : [];
  });
}

describe('htmx attributes', () => {
  // The W3C checker rejects unknown attributes such as hx-get; data-hx-get is valid HTML.
  const used = new Set<string>();
  const bare: string[] = [];
  for (const file of sources('src')) {
    if (file.endsWith('markdown.ts')) continue; // names hx-* only to forbid it in user Markdown
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?<![\w-])(data-)?hx-([a-z-]+)/g)) {
      if (m[1]) used.add(m[2]!);
      else bare.push(`${file}: hx-${m[2]}`);
    }
  }

  it('markup writes htmx attributes as data-hx-*', () => {
    expect(bare).toEqual([]);
    expect(used.size).toBeGreaterThan(0);
  });

  it('the installed htmx reads each data-hx-* attribute the markup uses', () => {
    const htmx = fs.readFileSync('node_modules/htmx.org/dist/htmx.js', 'utf8');
    // htmx 4 reads every attribute through #attr(elt, 'hx-…'), which falls back to the configured
    // prefix ('data-hx-' by default), and finds triggering elements with #prefixSelector.
    expect(htmx).toMatch(/prefix: "data-hx-"/);
    expect(htmx).toMatch(/#attr\(elt, name\) \{\s*let p = this\.config\.prefix;\s*return elt\.getAttribute\(name\) \?\? \(p \? elt\.getAttribute\(name\.replace\('hx-', p\)\) : null\);/);
    expect(htmx).toMatch(/#prefixes\(s\) \{\s*let result = \[s\];\s*if \(this\.config\.prefix\) result\.push\(s\.replaceAll\('hx-', this\.config\.prefix\)\);/);
    const verbs = new Set(['get', 'post', 'put', 'patch', 'delete']);
    for (const name of used) {
      // Verbs are looked up as "hx-" + verb and found through the action selector.
      if (verbs.has(name)) expect(htmx, name).toContain(`[hx-${name}]`);
      else expect(htmx, name).toMatch(new RegExp(`#attributeValue\\([^)]*"hx-${name}"`));
    }
  });

  it('no page sets a custom htmx prefix that would stop data-hx-* from being read', () => {
    const layout = fs.readFileSync('src/layouts/Base.astro', 'utf8');
    expect(layout).not.toMatch(/"prefix"/);
  });
});
