import type { APIRoute } from 'astro';
import { atomResponse, itemFeed } from '../../server/feeds/service.ts';

/** Atom feed of one public item: its publication and its public answers. */
export const GET: APIRoute = async ({ params, locals }) => {
  const id = params.id ?? '';
  return atomResponse(/^\d{1,15}$/.test(id) ? await itemFeed(locals.db, Number(id), locals.requestContext) : null);
};
