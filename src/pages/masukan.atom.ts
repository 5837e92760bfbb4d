import type { APIRoute } from 'astro';
import { atomResponse, cityFeed } from '../server/feeds/service.ts';

/** Atom feed of the whole city's newly published feedback and public answers. */
export const GET: APIRoute = async ({ locals }) => atomResponse(await cityFeed(locals.db, locals.requestContext));
