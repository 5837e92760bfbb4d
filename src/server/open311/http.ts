import type { APIContext } from 'astro';
import { getConfig } from '../config.ts';
import { photoStore } from '../feedback/photos.ts';
import { error, parseFormat, render, type Open311Outcome } from './format.ts';
import type { Open311Context } from './service.ts';

/**
 * The glue between Astro's endpoints and the Open311 use cases: the context, the query or form
 * parameters as strings, and the answer in the format the path asked for (`.xml` or `.json`;
 * anything else is a 404 in JSON).
 */

export function open311Context(ctx: APIContext): Open311Context {
  return { db: ctx.locals.db, request: ctx.locals.requestContext, jurisdictionId: getConfig().open311JurisdictionId };
}

/** Query parameters; a repeated one keeps its first value. */
export function queryParams(url: URL): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of url.searchParams) out[k] ??= v;
  return out;
}

/** Form fields of a POST (urlencoded or multipart; files are ignored), or null when unreadable. */
export async function formParams(request: Request): Promise<Record<string, string> | null> {
  try {
    const form = await request.formData();
    const out: Record<string, string> = {};
    for (const [k, v] of form.entries()) if (typeof v === 'string') out[k] ??= v;
    return out;
  } catch {
    return null;
  }
}

export function photos() {
  return photoStore(getConfig().dataDir);
}

export async function respond(format: string | undefined, run: () => Open311Outcome | Promise<Open311Outcome>): Promise<Response> {
  const f = parseFormat(format);
  if (!f) return render('json', error(404, 'unknown format: use .xml or .json'));
  return render(f, await run());
}

export { error, render };
