import type { APIRoute } from 'astro';
import { witDate } from '../../../server/calendar/working-days.ts';
import { measuresCsv } from '../../../server/evaluation/csv.ts';
import { canExportEvaluation } from '../../../server/evaluation/permissions.ts';
import { ensureFresh } from '../../../server/evaluation/refresh.ts';
import { parsePeriod, periodEnd, periodLabel, recentPeriods, type PeriodKind } from '../../../server/evaluation/service.ts';

/**
 * Measures per unit and month or quarter, as CSV, for coordinators.
 * `?jenis=month|quarter&dari=2026-01&sampai=2026-11` (or 2026-Q1 ... for quarters); by default
 * the last 12 months or 4 quarters. Anonymous → sign in; others → 403.
 */
export const GET: APIRoute = async ({ locals, url, redirect }) => {
  if (!locals.user) return redirect(`/masuk?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
  if (!canExportEvaluation(locals.user)) return new Response('Forbidden', { status: 403, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  const kind: PeriodKind = url.searchParams.get('jenis') === 'quarter' ? 'quarter' : 'month';
  const recent = recentPeriods(kind, witDate(new Date()), kind === 'month' ? 12 : 4);
  let from = parsePeriod(kind, url.searchParams.get('dari') ?? '') ?? recent[0]!;
  let last = parsePeriod(kind, url.searchParams.get('sampai') ?? '') ?? recent[recent.length - 1]!;
  if (last < from) [from, last] = [last, from];
  await ensureFresh(locals.db);
  const body = await measuresCsv(locals.db, kind, from, periodEnd(kind, last));
  const name = `ukuran-${periodLabel(kind, from)}-${periodLabel(kind, last)}.csv`;
  return new Response(body, {
    status: 200,
    headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${name}"`, 'Cache-Control': 'private, no-store' },
  });
};
