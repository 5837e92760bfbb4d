import type { APIRoute } from 'astro';
import { atomResponse, unitFeed } from '../../server/feeds/service.ts';

/** Atom feed of one unit's newly published feedback and public answers. */
export const GET: APIRoute = async ({ params, locals }) => atomResponse(await unitFeed(locals.db, params.slug ?? '', locals.requestContext));
