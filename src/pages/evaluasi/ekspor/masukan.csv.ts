import type { APIRoute } from 'astro';
import { actorOf } from '../../../server/accounts/service.ts';
import { exportFeedbackCsv, exportRange } from '../../../server/evaluation/service.ts';
import { canExportEvaluation } from '../../../server/evaluation/permissions.ts';

/**
 * Feedback for coordinators, as CSV without personal data (columns and reasons in
 * src/server/evaluation/csv.ts). `?dari=YYYY-MM-DD&sampai=YYYY-MM-DD` (WIT days, inclusive);
 * by default the last 365 days. Anonymous → sign in; others → 403.
 */

export const GET: APIRoute = async ({ locals, url, redirect }) => {
  // Audited (who downloaded which range).
  if (!locals.user) return redirect(`/masuk?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
  if (!canExportEvaluation(locals.user)) return new Response('Forbidden', { status: 403, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  const { from, to } = exportRange(url.searchParams.get('dari'), url.searchParams.get('sampai'));
  const body = await exportFeedbackCsv(locals.db, locals.user, actorOf(locals.user, locals.ip), from, to);
  if (!body) return new Response('Forbidden', { status: 403, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  return new Response(body, {
    status: 200,
    headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="masukan.csv"', 'Cache-Control': 'private, no-store' },
  });
};
