/**
 * Two domains of src/server (folders such as feedback/, moderation/) must never import each other,
 * directly or through other domains: a domain that needs something of another sits above it, and what
 * two domains both need moves into a lower, shared module (notifications, jobs, calendar...).
 *
 * Type-only imports do not count: they vanish at run time. The rule reads the import graph of src/server once per lint run (a regular-expression scan of the
 * files, cheap next to type-aware linting) and reports each import from domain A to domain B when B
 * reaches A again through the graph.
 */
import fs from 'node:fs';
import path from 'node:path';

// Value imports only: `import type` and `export type` vanish at run time and may point either way.
const IMPORT_RE = /(?:^|\n)\s*(?:import|export)\s(?!type\s)[^'"]*?from\s+['"]([^'"]+)['"]/g;
const graphs = new Map();

function domainOf(serverDir, file) {
  const rel = path.relative(serverDir, file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
  const parts = rel.split(path.sep);
  return parts.length > 1 ? parts[0] : null; // files directly in src/server are shared, not a domain
}

function buildGraph(serverDir) {
  const graph = new Map();
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(ts|js|mjs)$/.test(entry.name)) {
        const from = domainOf(serverDir, full);
        if (!from) continue;
        const text = fs.readFileSync(full, 'utf8');
        for (const m of text.matchAll(IMPORT_RE)) {
          if (!m[1].startsWith('.')) continue;
          const to = domainOf(serverDir, path.resolve(path.dirname(full), m[1]));
          if (!to || to === from) continue;
          if (!graph.has(from)) graph.set(from, new Set());
          graph.get(from).add(to);
        }
      }
    }
  };
  walk(serverDir);
  return graph;
}

function reaches(graph, start, target) {
  const seen = new Set();
  const stack = [start];
  while (stack.length) {
    const d = stack.pop();
    if (d === target) return true;
    if (seen.has(d)) continue;
    seen.add(d);
    for (const next of graph.get(d) ?? []) stack.push(next);
  }
  return false;
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'forbid import cycles between the domains of src/server' },
    schema: [{ type: 'object', properties: { serverDir: { type: 'string' } }, additionalProperties: false }],
    messages: {
      cycle:
        "Domain '{{from}}' imports '{{to}}', which imports '{{from}}' back (directly or through other domains). Move what both need into a lower shared module.",
    },
  },
  create(context) {
    const serverDir = path.resolve(context.cwd, context.options[0]?.serverDir ?? 'src/server');
    const filename = context.filename;
    const from = domainOf(serverDir, filename);
    if (!from) return {};
    if (!graphs.has(serverDir)) graphs.set(serverDir, buildGraph(serverDir));
    const graph = graphs.get(serverDir);
    const check = (node) => {
      if (node.importKind === 'type' || node.exportKind === 'type') return;
      const spec = node.source?.value;
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const to = domainOf(serverDir, path.resolve(path.dirname(filename), spec));
      if (!to || to === from) return;
      if (reaches(graph, to, from)) context.report({ node: node.source, messageId: 'cycle', data: { from, to } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check };
  },
};
