import type { APIRoute } from 'astro';
import { open311Context, queryParams, respond } from '../../../../server/open311/http.ts';
import { resolveToken } from '../../../../server/open311/service.ts';

/** Open311 GeoReport v2 `GET tokens/{token}.{xml,json}`: the request number a POST's token stands for. */
export const GET: APIRoute = (c) => respond(c.params.format, () => resolveToken(open311Context(c), c.params.token ?? '', queryParams(c.url)));
