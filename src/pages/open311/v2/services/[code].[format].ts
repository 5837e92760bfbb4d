import type { APIRoute } from 'astro';
import { open311Context, queryParams, respond } from '../../../../server/open311/http.ts';
import { serviceDefinition } from '../../../../server/open311/service.ts';

/** Open311 GeoReport v2 `GET services/{service_code}.{xml,json}`: the service definition. */
export const GET: APIRoute = (c) => respond(c.params.format, () => serviceDefinition(open311Context(c), c.params.code ?? '', queryParams(c.url)));
