import type { APIRoute } from 'astro';
import { translator } from '../../i18n/index.ts';
import { canManageOwnData } from '../../server/privacy/permissions.ts';
import { exportMyData } from '../../server/privacy/service.ts';

/**
 * The signed-in person's data as a download: /akun/data.json or /akun/data.csv. Anonymous →
 * sign in; any other format → 404; too many downloads → 429.
 */
export const GET: APIRoute = async ({ locals, params, url, redirect, rewrite }) => {
  if (!locals.user) return redirect(`/masuk?next=${encodeURIComponent(url.pathname)}`, 303);
  const format = params.format === 'json' || params.format === 'csv' ? params.format : null;
  if (!format || !canManageOwnData(locals.user)) return rewrite('/404');
  const r = await exportMyData(locals.db, locals.requestContext, locals.user, format);
  if (!r.ok) {
    const e = r.errors._form!;
    return new Response(translator(locals.locale)(e.key, e.params), { status: e.key === 'err.rateLimited' ? 429 : 403, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  }
  return new Response(r.value.body, {
    status: 200,
    headers: {
      'Content-Type': format === 'json' ? 'application/json; charset=utf-8' : 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${r.value.fileName}"`,
      'Cache-Control': 'private, no-store',
    },
  });
};
