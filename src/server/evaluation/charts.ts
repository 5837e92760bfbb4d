/**
 * Charts rendered on the server as accessible SVG strings: `role="img"`, `aria-labelledby` on a
 * <title> and a <desc>, a <title> on every point or bar (a tooltip, and read by screen readers
 * that walk into the graphic). Pages put a <table> of the same data next to each chart. No
 * JavaScript, no chart library, a few kilobytes; scales with its container (viewBox,
 * width 100%). Series differ by colour *and* dash pattern or hatching, not colour alone.
 * Every text is escaped here: callers pass plain strings.
 */

export interface ChartSeries {
  name: string;
  values: ReadonlyArray<number | null>;
}

export interface ChartSpec {
  /** unique on the page; used for the ids of title and desc */
  id: string;
  kind: 'line' | 'bar';
  title: string;
  desc: string;
  labels: readonly string[];
  series: readonly ChartSeries[];
  yMin?: number;
  yMax?: number;
  /** how values are written (axis, tooltips) */
  format?: (v: number) => string;
}

const COLORS = ['#1f5fa8', '#b3261e', '#2e7d32', '#6a3d9a', '#b35c00'];
const DASHES = ['', '6 4', '2 3', '10 3 2 3', '4 2'];
const W = 640;
const H = 280;
const M = { top: 36, right: 16, bottom: 44, left: 52 };

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

const idSafe = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '-');
const r1 = (n: number) => Math.round(n * 10) / 10;

/** A "nice" upper bound for the axis. */
function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

export function renderChart(spec: ChartSpec): string {
  const fmt = spec.format ?? ((v: number) => String(Math.round(v * 100) / 100));
  const id = idSafe(spec.id);
  const all = spec.series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v)));
  const yMin = spec.yMin ?? 0;
  const yMax = spec.yMax ?? niceMax(Math.max(0, ...all));
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const n = spec.labels.length;
  const y = (v: number) => M.top + ph - ((Math.min(Math.max(v, yMin), yMax) - yMin) / (yMax - yMin || 1)) * ph;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-labelledby="${id}-title ${id}-desc" class="chart" font-family="system-ui, sans-serif" font-size="13">`,
    `<title id="${id}-title">${escapeXml(spec.title)}</title>`,
    `<desc id="${id}-desc">${escapeXml(spec.desc)}</desc>`,
  );
  // Hatching for the second and later bar series (not colour alone).
  if (spec.kind === 'bar') {
    parts.push('<defs>');
    spec.series.forEach((_, i) => {
      if (i === 0) return;
      const c = COLORS[i % COLORS.length];
      parts.push(`<pattern id="${id}-p${i}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(${i * 45})"><rect width="6" height="6" fill="${c}" opacity="0.35"/><line x1="0" y1="0" x2="0" y2="6" stroke="${c}" stroke-width="3"/></pattern>`);
    });
    parts.push('</defs>');
  }
  // Axes and grid.
  for (let k = 0; k <= 4; k++) {
    const v = yMin + ((yMax - yMin) * k) / 4;
    const yy = r1(y(v));
    parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${yy}" y2="${yy}" stroke="#d0d0d0" stroke-width="1"/>`);
    parts.push(`<text x="${M.left - 6}" y="${yy + 4}" text-anchor="end" fill="#333">${escapeXml(fmt(v))}</text>`);
  }
  parts.push(`<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${M.top + ph}" stroke="#555"/>`);
  const step = n > 0 ? pw / n : pw;
  const cx = (i: number) => M.left + step * (i + 0.5);
  const every = Math.max(1, Math.ceil(n / 8));
  // Every `every`-th label, counted back from the last one (the latest period is always named).
  spec.labels.forEach((l, i) => {
    if ((n - 1 - i) % every !== 0) return;
    parts.push(`<text x="${r1(cx(i))}" y="${H - M.bottom + 16}" text-anchor="middle" fill="#333">${escapeXml(l)}</text>`);
  });
  // Legend, one entry after the other (widths estimated from the text: ~7 px a character).
  let lx = M.left;
  spec.series.forEach((s, i) => {
    const c = COLORS[i % COLORS.length];
    if (spec.kind === 'line') parts.push(`<line x1="${lx}" x2="${lx + 22}" y1="14" y2="14" stroke="${c}" stroke-width="3"${DASHES[i % DASHES.length] ? ` stroke-dasharray="${DASHES[i % DASHES.length]}"` : ''}/>`);
    else parts.push(`<rect x="${lx}" y="8" width="14" height="12" fill="${i === 0 ? c : `url(#${id}-p${i})`}" stroke="${c}"/>`);
    parts.push(`<text x="${lx + 28}" y="18" fill="#222">${escapeXml(s.name)}</text>`);
    lx += 28 + s.name.length * 7 + 18;
  });
  if (spec.kind === 'line') {
    spec.series.forEach((s, si) => {
      const c = COLORS[si % COLORS.length];
      const dash = DASHES[si % DASHES.length];
      // A null breaks the line: one path segment per run of values.
      let d = '';
      let pen = false;
      s.values.forEach((v, i) => {
        if (v === null || !Number.isFinite(v)) {
          pen = false;
          return;
        }
        d += `${pen ? 'L' : 'M'}${r1(cx(i))} ${r1(y(v))} `;
        pen = true;
      });
      if (d) parts.push(`<path d="${d.trim()}" fill="none" stroke="${c}" stroke-width="2.5"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
      s.values.forEach((v, i) => {
        if (v === null || !Number.isFinite(v)) return;
        parts.push(`<circle cx="${r1(cx(i))}" cy="${r1(y(v))}" r="3.5" fill="${c}"><title>${escapeXml(`${s.name}, ${spec.labels[i] ?? ''}: ${fmt(v)}`)}</title></circle>`);
      });
    });
  } else {
    const groups = Math.max(1, spec.series.length);
    const bw = Math.max(2, (step * 0.8) / groups);
    spec.series.forEach((s, si) => {
      const c = COLORS[si % COLORS.length];
      s.values.forEach((v, i) => {
        if (v === null || !Number.isFinite(v)) return;
        const x = cx(i) - (step * 0.8) / 2 + si * bw;
        const top = y(v);
        parts.push(`<rect x="${r1(x)}" y="${r1(top)}" width="${r1(bw)}" height="${r1(M.top + ph - top)}" fill="${si === 0 ? c : `url(#${id}-p${si})`}" stroke="${c}" stroke-width="0.5"><title>${escapeXml(`${s.name}, ${spec.labels[i] ?? ''}: ${fmt(v)}`)}</title></rect>`);
      });
    });
  }
  parts.push('</svg>');
  return parts.join('');
}
