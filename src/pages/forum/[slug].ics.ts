import type { APIRoute } from 'astro';
import { forumCalendar } from '../../server/forums/calendar.ts';
import { canSeeOnlineLink } from '../../server/forums/permissions.ts';
import { myRegistration } from '../../server/forums/registration.ts';
import { findForumBySlug } from '../../server/forums/service.ts';

/**
 * One forum as an .ics file (the same event, UID and SEQUENCE as in the feed). The online link
 * is in it only for those the forum page shows it to (registered people, moderators); that
 * answer is then private to the person.
 */
export const GET: APIRoute = async ({ locals, params, rewrite }) => {
  const { db, user } = locals;
  const forum = await findForumBySlug(db, user, params.slug ?? '');
  if (!forum) return rewrite('/404');
  const onlineLink = canSeeOnlineLink(forum, user, user ? await myRegistration(db, forum.id, user.id) : null);
  const body = forumCalendar([forum], locals.requestContext.publicUrl, locals.locale, forum.title, { onlineLink });
  return new Response(body, {
    headers: {
      'Content-Type': 'text/calendar; charset=utf-8',
      'Content-Disposition': `attachment; filename="${forum.slug}.ics"`,
      'Cache-Control': forum.status === 'draft' || onlineLink ? 'private, no-store' : 'public, max-age=60',
    },
  });
};
