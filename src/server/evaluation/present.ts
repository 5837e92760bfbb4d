import type { Locale, Translate } from '../../i18n/index.ts';
import { renderChart } from './charts.ts';
import { HIST_BUCKETS, MIN_ITEMS, type ComparedKey, type Figure, type Measures } from './measures.ts';
import type { PeriodSeries } from './service.ts';

/**
 * How measures are written on pages (shared by the dashboard, findings and scorecards), and
 * the trend charts with the rows of their data tables.
 */

const pct = new Map<Locale, Intl.NumberFormat>();
const dec = new Map<Locale, Intl.NumberFormat>();
const intl = (l: Locale) => (l === 'id' ? 'id-ID' : 'en-GB');

export function formatShare(v: number | null, locale: Locale): string {
  if (v === null) return '—';
  let f = pct.get(locale);
  if (!f) pct.set(locale, (f = new Intl.NumberFormat(intl(locale), { style: 'percent', maximumFractionDigits: 0 })));
  return f.format(v);
}

export function formatDecimal(v: number | null, locale: Locale, digits = 1): string {
  if (v === null) return '—';
  let f = dec.get(locale);
  if (!f) dec.set(locale, (f = new Intl.NumberFormat(intl(locale), { minimumFractionDigits: digits, maximumFractionDigits: digits })));
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

/** A change in a measure: percentage points for shares, plain difference otherwise, signed. */
export function formatChange(key: ComparedKey, v: number | null, locale: Locale, t: Translate): string {
  if (v === null) return '—';
  const sign = v > 0 ? '+' : v < 0 ? '−' : '±';
  const abs = Math.abs(v);
  if (key === 'medianWorkingDays' || key === 'satisfaction') return `${sign}${formatDecimal(abs, locale, 1)}`;
  return `${sign}${t('eval.ba.points', { v: formatDecimal(abs * 100, locale, 0) })}`;
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
