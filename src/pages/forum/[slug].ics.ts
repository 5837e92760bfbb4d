import type { APIRoute } from 'astro';
import { forumCalendar } from '../../server/forums/calendar.ts';
import { findForumBySlug } from '../../server/forums/service.ts';

/** One forum as an .ics file (the same event, UID and SEQUENCE as in the feed). */
export const GET: APIRoute = async ({ locals, params, rewrite }) => {
  const forum = await findForumBySlug(locals.db, locals.user, params.slug ?? '');
  if (!forum) return rewrite('/404');
  const body = forumCalendar([forum], locals.requestContext.publicUrl, locals.locale, forum.title);
  return new Response(body, {
    headers: {
      'Content-Type': 'text/calendar; charset=utf-8',
      'Content-Disposition': `attachment; filename="${forum.slug}.ics"`,
      'Cache-Control': forum.status === 'draft' ? 'private, no-store' : 'public, max-age=60',
    },
  });
};
