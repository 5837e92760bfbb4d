import type { APIRoute } from 'astro';
import { open311Context, queryParams, respond } from '../../../../server/open311/http.ts';
import { getRequest } from '../../../../server/open311/service.ts';

/** Open311 GeoReport v2 `GET requests/{service_request_id}.{xml,json}`. */
export const GET: APIRoute = (c) => respond(c.params.format, () => getRequest(open311Context(c), c.params.id ?? '', queryParams(c.url)));
