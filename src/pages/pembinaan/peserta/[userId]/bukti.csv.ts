import type { APIRoute } from 'astro';
import { actorOf } from '../../../../server/accounts/service.ts';
import { exportEvidenceCsv, parseEvidenceRange } from '../../../../server/evaluation/evidence.ts';

/**
 * An ASN person's evidence record as CSV (columns in src/server/evaluation/evidence.ts), for
 * `?dari=YYYY-MM-DD&sampai=YYYY-MM-DD` (WIT days, inclusive; default this calendar year). The
 * person and coordinators only (anonymous → sign in; others → 404); every download is audited.
 */
export const GET: APIRoute = async ({ locals, url, params, redirect, rewrite }) => {
  if (!locals.user) return redirect(`/masuk?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
  const { range } = parseEvidenceRange(url.searchParams.get('dari'), url.searchParams.get('sampai'));
  const r = await exportEvidenceCsv(locals.db, locals.user, actorOf(locals.user, locals.ip), params.userId ?? '', range);
  if (!r.ok) return rewrite('/404');
  return new Response(r.value, {
    status: 200,
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="bukti-kinerja-${range.from}-${range.to}.csv"`,
      'Cache-Control': 'private, no-store',
    },
  });
};
