import type { APIRoute } from 'astro';
import { atomResponse, itemFeed } from '../../server/feeds/service.ts';
import { parseId } from '../../server/forms.ts';

/** Atom feed of one public item: its publication and its public answers. */
export const GET: APIRoute = async ({ params, locals }) => {
  const id = parseId(params.id);
  return atomResponse(id === null ? null : await itemFeed(locals.db, id, locals.requestContext));
};
