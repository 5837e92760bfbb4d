import { labelOf, type Locale, type Translate } from '../../i18n/index.ts';
import { renderChart } from './charts.ts';
import { HIST_BUCKETS, measuresOf, MIN_ITEMS, periodLabel, type ComparedKey, type Figure, type Measures } from './measures.ts';
import type { ComparisonRow, EventMonth } from './effects.ts';
import type { PeriodSeries } from './service.ts';

/**
 * How measures are written on pages (shared by the dashboard, findings and scorecards), and
 * the trend charts with the rows of their data tables.
 */

const pct = new Map<Locale, Intl.NumberFormat>();
/** One formatter per locale and number of decimals (a formatter fixes its digits). */
const dec = new Map<string, Intl.NumberFormat>();
const intl = (l: Locale) => (l === 'id' ? 'id-ID' : 'en-GB');

export function formatShare(v: number | null, locale: Locale): string {
  if (v === null) return '—';
  let f = pct.get(locale);
  if (!f) pct.set(locale, (f = new Intl.NumberFormat(intl(locale), { style: 'percent', maximumFractionDigits: 0 })));
  return f.format(v);
}

export function formatDecimal(v: number | null, locale: Locale, digits = 1): string {
  if (v === null) return '—';
  let f = dec.get(`${locale}|${digits}`);
  if (!f) dec.set(`${locale}|${digits}`, (f = new Intl.NumberFormat(intl(locale), { minimumFractionDigits: digits, maximumFractionDigits: digits })));
  return f.format(v);
}

/** A measure's value as written in tables ("—" with no items; "> 30" for the overflow bucket). */
export function formatMeasure(key: ComparedKey, f: Figure, locale: Locale): string {
  if (f.value === null) return '—';
  switch (key) {
    case 'medianWorkingDays':
      return f.value >= HIST_BUCKETS - 1 ? '> 30' : formatDecimal(f.value, locale, f.value % 1 === 0 ? 0 : 1);
    case 'satisfaction':
      return formatDecimal(f.value, locale, 1);
    default:
      return formatShare(f.value, locale);
  }
}

const isShare = (key: ComparedKey) => key !== 'medianWorkingDays' && key !== 'satisfaction';

/**
 * A change as shown: shares in whole percentage points, satisfaction and working days with one
 * decimal. The rounding is also what decides "no change": a change that rounds to 0 is none.
 */
export function roundChange(key: ComparedKey, v: number): number {
  const r = isShare(key) ? Math.round(v * 100) : Math.round(v * 10) / 10;
  return r === 0 ? 0 : r; // no −0
}

/** A change in a measure: percentage points for shares, plain difference otherwise, signed; "no change" inside the rounding. */
export function formatChange(key: ComparedKey, v: number | null, locale: Locale, t: Translate): string {
  if (v === null) return '—';
  const r = roundChange(key, v);
  if (r === 0) return t('eval.ba.noChange');
  const sign = r > 0 ? '+' : '−';
  const abs = Math.abs(r);
  if (!isShare(key)) return `${sign}${formatDecimal(abs, locale, 1)}`;
  return `${sign}${t('eval.ba.points', { v: formatDecimal(abs, locale, 0) })}`;
}

/** The verdict word of a change: better, worse, or no change inside the rounding. */
export function changeVerdict(key: ComparedKey, better: 'up' | 'down', v: number, t: Translate): string {
  const r = roundChange(key, v);
  if (r === 0) return t('eval.ba.same');
  return (r > 0) === (better === 'up') ? t('eval.ba.better') : t('eval.ba.worse');
}

/** A signed number on the scale of a change (points for shares), for interval ends: "−3", "27", "−0,2". */
export function formatSigned(key: ComparedKey, v: number, locale: Locale): string {
  const r = roundChange(key, v);
  const s = isShare(key) ? formatDecimal(Math.abs(r), locale, 0) : formatDecimal(Math.abs(r), locale, 1);
  return r < 0 ? `−${s}` : s;
}

/**
 * The plain sentence of an effect (a DiD with its 90% interval), e.g. "naik 12 poin (kisaran −3
 * sampai 27): belum bisa dibedakan dari kebetulan". "Not chance" means the interval leaves out 0.
 */
export function effectSentence(key: ComparedKey, better: 'up' | 'down', estimate: number, interval: { lo: number; hi: number } | null, locale: Locale, t: Translate): string {
  const r = roundChange(key, estimate);
  const unit = isShare(key) ? 'points' : key === 'medianWorkingDays' ? 'days' : 'plain';
  const v = isShare(key) ? formatDecimal(Math.abs(r), locale, 0) : formatDecimal(Math.abs(r), locale, 1);
  const change = r === 0 ? t('eval.eff.noChange') : t(`eval.eff.${r > 0 ? 'up' : 'down'}.${unit}`, { v });
  if (!interval) return t('eval.eff.noInterval', { change });
  const excludesZero = interval.lo > 0 || interval.hi < 0;
  const verdict = !excludesZero ? t('eval.eff.chance') : (interval.lo > 0) === (better === 'up') ? t('eval.eff.notChance.better') : t('eval.eff.notChance.worse');
  return t('eval.eff.sentence', { change, lo: formatSigned(key, interval.lo, locale), hi: formatSigned(key, interval.hi, locale), verdict });
}

/** A figure with its own interval, e.g. "90% (kisaran 71%–97%)"; the bare figure when there is none. */
export function formatFigureWithInterval(key: ComparedKey, f: Figure, ci: { lo: number; hi: number } | null, locale: Locale, t: Translate): string {
  const v = formatMeasure(key, f, locale);
  if (!ci || f.value === null) return v;
  const end = (x: number) => (isShare(key) ? formatShare(x, locale) : formatDecimal(x, locale, key === 'medianWorkingDays' && x % 1 === 0 ? 0 : 1));
  return t('eval.interval.fig', { v, lo: end(ci.lo), hi: end(ci.hi) });
}

export function isThin(f: Figure): boolean {
  return f.n < MIN_ITEMS;
}

export interface ChartBlock {
  id: string;
  svg: string;
  title: string;
  head: string[];
  rows: string[][];
}

/** The three trend charts (received by kind; on time and resolved; satisfaction) of a series. */
export function trendCharts(series: PeriodSeries, t: Translate, locale: Locale, idPrefix: string): ChartBlock[] {
  const labels = series.periods.map((p) => p.label);
  const periodWord = t(series.kind === 'month' ? 'eval.period.month' : 'eval.period.quarter').toLowerCase();
  const range = { period: periodWord, from: labels[0] ?? '', to: labels[labels.length - 1] ?? '' };
  const ms: Measures[] = series.periods.map((p) => p.measures);
  const kinds = ['keluhan', 'apresiasi', 'saran', 'pertanyaan'] as const;

  const receivedTitle = t('eval.chart.received.title');
  const received: ChartBlock = {
    id: `${idPrefix}-received`,
    title: receivedTitle,
    svg: renderChart({
      id: `${idPrefix}-received`,
      kind: 'bar',
      title: receivedTitle,
      desc: t('eval.chart.received.desc', range),
      labels,
      series: kinds.map((k) => ({ name: t(`kind.${k}`), values: ms.map((m) => m.byKind[k]) })),
      format: (v) => String(Math.round(v)),
    }),
    head: [t('eval.m.period'), ...kinds.map((k) => t(`kind.${k}`)), t('eval.m.received')],
    rows: series.periods.map((p) => [p.label, ...kinds.map((k) => String(p.measures.byKind[k])), String(p.measures.received)]),
  };

  const qualityTitle = t('eval.chart.quality.title');
  const quality: ChartBlock = {
    id: `${idPrefix}-quality`,
    title: qualityTitle,
    svg: renderChart({
      id: `${idPrefix}-quality`,
      kind: 'line',
      title: qualityTitle,
      desc: t('eval.chart.quality.desc', range),
      labels,
      yMin: 0,
      yMax: 100,
      series: [
        { name: t('eval.m.onTimeShare'), values: ms.map((m) => (m.onTimeShare.value === null ? null : m.onTimeShare.value * 100)) },
        { name: t('eval.m.resolutionRate'), values: ms.map((m) => (m.resolutionRate.value === null ? null : m.resolutionRate.value * 100)) },
      ],
      format: (v) => `${Math.round(v)}%`,
    }),
    head: [t('eval.m.period'), t('eval.m.onTimeShare'), t('eval.m.answered'), t('eval.m.resolutionRate'), t('eval.m.received')],
    rows: series.periods.map((p) => [p.label, formatShare(p.measures.onTimeShare.value, locale), String(p.measures.onTimeShare.n), formatShare(p.measures.resolutionRate.value, locale), String(p.measures.received)]),
  };

  const satTitle = t('eval.chart.satisfaction.title');
  const satisfaction: ChartBlock = {
    id: `${idPrefix}-satisfaction`,
    title: satTitle,
    svg: renderChart({
      id: `${idPrefix}-satisfaction`,
      kind: 'line',
      title: satTitle,
      desc: t('eval.chart.satisfaction.desc', range),
      labels,
      yMin: 1,
      yMax: 5,
      series: [{ name: t('eval.m.satisfaction'), values: ms.map((m) => m.satisfaction.value) }],
      format: (v) => formatDecimal(v, locale, 1),
    }),
    head: [t('eval.m.period'), t('eval.m.satisfaction'), t('eval.m.ratings')],
    rows: series.periods.map((p) => [p.label, formatDecimal(p.measures.satisfaction.value, locale, 1), String(p.measures.satisfaction.n)]),
  };
  return [received, quality, satisfaction];
}

/** "−6", "0", "+3": a month relative to the action's start month. */
export function relMonth(rel: number): string {
  return rel < 0 ? `−${-rel}` : rel > 0 ? `+${rel}` : '0';
}

/**
 * The event-study chart of one measure (coached and comparison units per month relative to the
 * action's start month) with the rows of its data table.
 */
export function eventStudyChart(key: ComparedKey, months: readonly EventMonth[], t: Translate, locale: Locale, id: string): ChartBlock {
  const measure = t(`eval.m.${key}`);
  const share = key !== 'medianWorkingDays' && key !== 'satisfaction';
  const val = (f: Figure) => (f.value === null ? null : share ? f.value * 100 : f.value);
  const tr = months.map((m) => measuresOf(m.treated)[key]);
  const co = months.map((m) => measuresOf(m.control)[key]);
  const labels = months.map((m) => relMonth(m.rel));
  const title = t('eval.pre.chart.title', { measure });
  const fmt = (v: number) => (share ? `${Math.round(v)}%` : formatDecimal(v, locale, 1));
  return {
    id,
    title,
    svg: renderChart({
      id,
      kind: 'line',
      title,
      desc: t('eval.pre.chart.desc', { measure, from: labels[0] ?? '', to: labels[labels.length - 1] ?? '' }),
      labels,
      ...(share ? { yMin: 0, yMax: 100 } : key === 'satisfaction' ? { yMin: 1, yMax: 5 } : {}),
      series: [
        { name: t('eval.pre.treated'), values: tr.map(val) },
        { name: t('eval.pre.control'), values: co.map(val) },
      ],
      format: fmt,
    }),
    head: [t('eval.pre.rel'), t('eval.pre.month'), t('eval.pre.treated'), t('eval.pre.control'), t('eval.pre.diff')],
    rows: months.map((m, i) => {
      const a = tr[i]!, b = co[i]!;
      const cell = (f: Figure) => (f.value === null ? '—' : `${formatMeasure(key, f, locale)} (${t('eval.n', { n: f.n })})`);
      return [labels[i]!, periodLabel('month', m.start), cell(a), cell(b), a.value !== null && b.value !== null ? formatChange(key, a.value - b.value, locale, t) : '—'];
    }),
  };
}

/** The eight measures of a period as table cells, in the order of `measureHeads`; `count` writes the satisfaction's number of answers. */
export function measureCells(m: Measures, locale: Locale, count: (n: number) => string): string[] {
  return [
    String(m.received),
    formatShare(m.complaintShare.value, locale),
    String(m.praiseCount),
    formatMeasure('medianWorkingDays', m.medianWorkingDays, locale),
    formatShare(m.onTimeShare.value, locale),
    formatShare(m.resolutionRate.value, locale),
    formatShare(m.reopenRate.value, locale),
    m.satisfaction.value === null ? '—' : `${formatDecimal(m.satisfaction.value, locale, 1)} (${count(m.satisfaction.n)})`,
  ];
}

/** The column heads of `measureCells`. */
export function measureHeads(t: Translate): string[] {
  return [
    t('eval.m.received'),
    t('eval.m.complaintShare'),
    t('eval.m.praiseCount'),
    t('eval.m.medianWorkingDays.short'),
    t('eval.m.onTimeShare'),
    t('eval.m.resolutionRate'),
    t('eval.m.reopenRate'),
    t('eval.m.satisfaction'),
  ];
}

/** A pre-trend slope a month: shares drift in percentage points, satisfaction and working days in their own units. */
export function formatSlope(key: ComparedKey, v: number, locale: Locale, t: Translate): string {
  return key === 'medianWorkingDays' || key === 'satisfaction' ? formatSigned(key, v, locale) : t('eval.ba.points', { v: formatSigned(key, v, locale) });
}

/** A figure of an effect table with the number of items it rests on. */
export interface EffectFigure {
  value: string;
  n: string;
}

/**
 * One measure's row of a before/after (difference-in-differences) table, written out: the dashboard
 * draws the summary (with each group's change), an action's page the detail (figures with their
 * intervals, and the pre-trend check in a column of its own); `EffectTable.astro` draws both.
 */
export interface EffectTableRow {
  measure: string;
  /** before, after (and, in the summary, the change) of the coached units, then of the comparison units */
  treated: { before: EffectFigure; after: EffectFigure; change?: string };
  control: { before: EffectFigure; after: EffectFigure; change?: string };
  /** the difference in differences with its verdict, or, with too few items, why there is none */
  did: { value: string } | { tooFew: string };
  /** the effect in a sentence, '—' without a difference */
  reading: string;
  /** the comparison is doubtful (coached and comparison units drifted apart before the action) */
  doubtful: boolean;
  /** the pre-trend check's short note (detail only) */
  pre?: string;
}

export function effectTableRows(rows: readonly ComparisonRow[], detail: boolean, locale: Locale, t: Translate): EffectTableRow[] {
  return rows.map((r) => {
    const fi = detail ? r.figureIntervals : null;
    const figure = (f: Figure, ci: { lo: number; hi: number } | null | undefined): EffectFigure => ({
      value: detail ? formatFigureWithInterval(r.key, f, ci ?? null, locale, t) : formatMeasure(r.key, f, locale),
      n: t('eval.n', { n: f.n }),
    });
    return {
      measure: labelOf(t, 'eval.m', r.key),
      treated: {
        before: figure(r.treatedBefore, fi?.treatedBefore),
        after: figure(r.treatedAfter, fi?.treatedAfter),
        ...(detail ? {} : { change: formatChange(r.key, r.treatedChange, locale, t) }),
      },
      control: {
        before: figure(r.controlBefore, fi?.controlBefore),
        after: figure(r.controlAfter, fi?.controlAfter),
        ...(detail ? {} : { change: formatChange(r.key, r.controlChange, locale, t) }),
      },
      did: r.did === null ? { tooFew: t('eval.tooFew', { min: MIN_ITEMS }) } : { value: `${formatChange(r.key, r.did, locale, t)} (${changeVerdict(r.key, r.better, r.did, t)})` },
      reading: r.did === null ? '—' : effectSentence(r.key, r.better, r.did, r.interval, locale, t),
      doubtful: r.preTrend?.differs === true,
      ...(detail
        ? {
            pre: r.preTrend?.differs
              ? t('eval.pre.flag')
              : r.preTrend
                ? t('eval.pre.short.parallel', { slope: formatSlope(r.key, r.preTrend.slope, locale, t) })
                : t('eval.pre.short.unknown'),
          }
        : {}),
    };
  });
}
