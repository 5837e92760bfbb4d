import type { APIRoute } from 'astro';
import { actorOf } from '../../../server/accounts/service.ts';
import { exportFeedbackCsv } from '../../../server/evaluation/service.ts';
import { canExportEvaluation } from '../../../server/evaluation/permissions.ts';

/**
 * Feedback for coordinators, as CSV without personal data (columns and reasons in
 * src/server/evaluation/csv.ts). `?dari=YYYY-MM-DD&sampai=YYYY-MM-DD` (WIT days, inclusive);
 * by default the last 365 days. Anonymous → sign in; others → 403.
 */
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export const GET: APIRoute = async ({ locals, url, redirect }) => {
  // Audited (who downloaded which range).
  if (!locals.user) return redirect(`/masuk?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
  if (!canExportEvaluation(locals.user)) return new Response('Forbidden', { status: 403, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  const dari = url.searchParams.get('dari') ?? '';
  const sampai = url.searchParams.get('sampai') ?? '';
  const to = DAY.test(sampai) && !Number.isNaN(Date.parse(sampai)) ? new Date(Date.parse(`${sampai}T00:00:00+09:00`) + 86400_000) : new Date();
  const from = DAY.test(dari) && !Number.isNaN(Date.parse(dari)) ? new Date(`${dari}T00:00:00+09:00`) : new Date(to.getTime() - 365 * 86400_000);
  const body = await exportFeedbackCsv(locals.db, locals.user, actorOf(locals.user, locals.ip), from, to);
  if (!body) return new Response('Forbidden', { status: 403, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  return new Response(body, {
    status: 200,
    headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="masukan.csv"', 'Cache-Control': 'private, no-store' },
  });
};
