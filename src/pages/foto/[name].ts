import type { APIRoute } from 'astro';
import { getConfig } from '../../server/config.ts';
import { photoStore } from '../../server/feedback/photos.ts';
import { photoForViewer } from '../../server/feedback/service.ts';
import { getTrackedCode } from '../../server/http/receipt.ts';
import { lookupFeedbackIdByCode } from '../../server/feedback/tracking.ts';

/** A feedback photo, when the viewer may see it; served with its own type and nosniff. */
export const GET: APIRoute = async ({ params, locals, cookies }) => {
  const name = params.name ?? '';
  const code = getTrackedCode(cookies);
  const trackedId = code ? await lookupFeedbackIdByCode(locals.db, code) : null;
  const photo = await photoForViewer(locals.db, locals.user, name, trackedId);
  const data = photo ? await photoStore(getConfig().dataDir).read(photo.file_name) : null;
  if (!photo || !data) return new Response('Not found', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  const isPublic = photo.moderation_state === 'published' && !photo.confidential && !photo.hidden;
  return new Response(new Uint8Array(data), {
    status: 200,
    headers: {
      'Content-Type': photo.mime,
      'Content-Length': String(data.length),
      'X-Content-Type-Options': 'nosniff',
      'Content-Disposition': 'inline',
      'Cache-Control': isPublic ? 'public, max-age=300' : 'private, no-store',
    },
  });
};
