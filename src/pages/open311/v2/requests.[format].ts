import type { APIRoute } from 'astro';
import { error, formParams, open311Context, photos, queryParams, respond } from '../../../server/open311/http.ts';
import { listRequests, postRequest } from '../../../server/open311/service.ts';

/** Open311 GeoReport v2 `GET requests.{xml,json}`: published, public feedback with every filter of the spec. */
export const GET: APIRoute = (c) => respond(c.params.format, () => listRequests(open311Context(c), queryParams(c.url)));

/** Open311 GeoReport v2 `POST requests.{xml,json}` with an API key: new feedback into the moderation queue. */
export const POST: APIRoute = (c) =>
  respond(c.params.format, async () => {
    const form = await formParams(c.request);
    if (!form) return error(400, 'the body must be application/x-www-form-urlencoded or multipart/form-data');
    const jurisdiction = c.url.searchParams.get('jurisdiction_id');
    if (jurisdiction !== null) form.jurisdiction_id ??= jurisdiction;
    return postRequest(open311Context(c), form, photos());
  });
