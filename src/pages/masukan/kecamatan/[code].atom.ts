import type { APIRoute } from 'astro';
import { atomResponse, kecamatanFeed } from '../../../server/feeds/service.ts';

/** Atom feed of one kecamatan's newly published feedback and public answers. */
export const GET: APIRoute = async ({ params, locals }) => atomResponse(await kecamatanFeed(locals.db, params.code ?? '', locals.requestContext));
