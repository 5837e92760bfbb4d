import type { APIRoute } from 'astro';
import { open311Context, queryParams, respond } from '../../../server/open311/http.ts';
import { discovery } from '../../../server/open311/service.ts';

/** Open311 GeoReport v2 `GET discovery.{xml,json}`. */
export const GET: APIRoute = (c) => respond(c.params.format, () => discovery(open311Context(c), queryParams(c.url)));
