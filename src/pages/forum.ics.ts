import type { APIRoute } from 'astro';
import { forumCalendar } from '../server/forums/calendar.ts';
import { listFeedForums } from '../server/forums/service.ts';

/**
 * The subscribable feed of every published forum (cancelled ones stay, marked cancelled).
 * Public and cached: without the online links, which are for registered people only.
 */
export const GET: APIRoute = async ({ locals }) => {
  const forums = await listFeedForums(locals.db);
  const body = forumCalendar(forums, locals.requestContext.publicUrl, locals.locale, locals.t('forum.feedName'));
  return new Response(body, {
    headers: {
      'Content-Type': 'text/calendar; charset=utf-8',
      'Content-Disposition': 'inline; filename="forum-baku-dengar.ics"',
      'Cache-Control': 'public, max-age=300',
    },
  });
};
