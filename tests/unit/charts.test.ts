import { describe, expect, it } from 'vitest';
import { escapeXml, renderChart } from '../../src/server/evaluation/charts.ts';
import { trendCharts } from '../../src/server/evaluation/present.ts';
import { emptySums, measuresOf } from '../../src/server/evaluation/measures.ts';
import { translator } from '../../src/i18n/index.ts';

describe('server-rendered SVG charts', () => {
  const line = renderChart({
    id: 'uji',
    kind: 'line',
    title: 'Tepat waktu <Dinkes> & "Puskesmas"',
    desc: 'Persentase per bulan',
    labels: ['2026-01', '2026-02', '2026-03'],
    series: [{ name: 'Tepat waktu', values: [50, null, 90] }],
    yMin: 0,
    yMax: 100,
    format: (v) => `${v}%`,
  });

  it('is an image labelled by its title and description', () => {
    expect(line.startsWith('<svg')).toBe(true);
    expect(line).toContain('role="img"');
    expect(line).toContain('aria-labelledby="uji-title uji-desc"');
    expect(line).toMatch(/<title id="uji-title">Tepat waktu &lt;Dinkes&gt; &amp; &quot;Puskesmas&quot;<\/title>/);
    expect(line).toContain('<desc id="uji-desc">Persentase per bulan</desc>');
    expect(line).toContain('viewBox="0 0 640 280"');
  });

  it('shows the values, skips missing ones and breaks the line there', () => {
    expect(line).toContain('<title>Tepat waktu, 2026-01: 50%</title>');
    expect(line).toContain('<title>Tepat waktu, 2026-03: 90%</title>');
    expect(line).not.toContain('2026-02: ');
    expect((line.match(/<circle/g) ?? []).length).toBe(2);
    const d = /<path d="([^"]+)"/.exec(line)![1]!;
    expect(d.match(/M/g)!.length).toBe(2);
    expect(d).not.toContain('L');
  });

  it('escapes every text it is given', () => {
    const svg = renderChart({ id: 'x"><script>', kind: 'bar', title: '<script>alert(1)</script>', desc: "a'b", labels: ['<b>'], series: [{ name: '</title><g>', values: [3] }] });
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('</title><g>');
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(svg).toContain('a&apos;b');
    expect(svg).toContain('aria-labelledby="x---script--title x---script--desc"');
    expect(escapeXml(`<&>"'`)).toBe('&lt;&amp;&gt;&quot;&apos;');
  });

  it('draws bars with a title per bar and a legend', () => {
    const svg = renderChart({ id: 'b', kind: 'bar', title: 'Diterima', desc: 'd', labels: ['Jan', 'Feb'], series: [{ name: 'Keluhan', values: [4, 7] }, { name: 'Apresiasi', values: [1, 0] }] });
    expect((svg.match(/<rect x=/g) ?? []).length).toBeGreaterThanOrEqual(4);
    expect(svg).toContain('<title>Keluhan, Feb: 7</title>');
    expect(svg).toContain('<title>Apresiasi, Jan: 1</title>');
    expect(svg).toContain('>Apresiasi</text>');
    expect(svg).toContain('<pattern id="b-p1"');
  });

  it('gives each trend chart a data table with the same figures', () => {
    const t = translator('id');
    const s = { ...emptySums(), received: 4, keluhan: 3, apresiasi: 1, answered: 2, on_time: 1, rating_sum: 9, rating_count: 2 };
    const charts = trendCharts({ kind: 'month', periods: [{ start: '2026-10-01', label: '2026-10', measures: measuresOf(s) }, { start: '2026-11-01', label: '2026-11', measures: measuresOf(emptySums()) }] }, t, 'id', 'kota');
    expect(charts.map((c) => c.id)).toEqual(['kota-received', 'kota-quality', 'kota-satisfaction']);
    const [received, quality, sat] = charts;
    expect(received!.rows[0]).toEqual(['2026-10', '3', '1', '0', '0', '4']);
    expect(received!.svg).toContain('<title>Keluhan, 2026-10: 3</title>');
    expect(quality!.rows[0]![1]).toMatch(/^50\s?%$/);
    expect(quality!.svg).toContain('2026-10: 50%');
    expect(sat!.rows).toEqual([['2026-10', '4,5', '2'], ['2026-11', '—', '0']]);
    for (const c of charts) expect(c.svg).toContain(`<title id="${c.id}-title">`);
  });
});
