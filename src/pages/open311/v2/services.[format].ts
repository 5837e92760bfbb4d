import type { APIRoute } from 'astro';
import { open311Context, queryParams, respond } from '../../../server/open311/http.ts';
import { listServices } from '../../../server/open311/service.ts';

/** Open311 GeoReport v2 `GET services.{xml,json}`: one service per unit that takes feedback. */
export const GET: APIRoute = (c) => respond(c.params.format, () => listServices(open311Context(c), queryParams(c.url)));
