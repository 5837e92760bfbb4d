import { z } from 'zod';
import type { WhatsAppConfig } from '../config.ts';
import type { Db } from '../db/index.ts';
import { log } from '../log.ts';
import { insertInbox, type InboxInsert } from './queries.ts';
import { verifySignature } from './signature.ts';

/** Largest webhook body accepted (Meta batches at most a few hundred entries). */
const MAX_BODY_BYTES = 1024 * 1024;

const message = z.object({ from: z.string().regex(/^\d{6,20}$/), id: z.string().min(1).max(200), timestamp: z.string().regex(/^\d{1,12}$/), type: z.string().max(40) }).loose();
const status = z
  .object({ id: z.string().min(1).max(200), status: z.enum(['sent', 'delivered', 'read', 'failed']), timestamp: z.string().regex(/^\d{1,12}$/), recipient_id: z.string().max(40) })
  .loose();
const payload = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(
    z.object({
      changes: z.array(
        z.object({
          field: z.string(),
          value: z
            .object({
              contacts: z.array(z.object({ wa_id: z.string(), profile: z.object({ name: z.string().max(200) }).partial().optional() }).loose()).optional(),
              messages: z.array(z.unknown()).optional(),
              statuses: z.array(z.unknown()).optional(),
            })
            .loose(),
        }),
      ),
    }),
  ),
});

/**
 * The webhook's GET handshake: echoes `hub.challenge` when `hub.mode` is `subscribe` and the
 * token matches WHATSAPP_VERIFY_TOKEN; 403 otherwise.
 */
export function answerHandshake(config: WhatsAppConfig, url: URL): Response {
  const mode = url.searchParams.get('hub.mode');
  const token = url.searchParams.get('hub.verify_token') ?? '';
  const challenge = url.searchParams.get('hub.challenge') ?? '';
  if (mode === 'subscribe' && token === config.verifyToken && /^[\w-]{1,200}$/.test(challenge)) {
    return new Response(challenge, { status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  }
  return new Response('Forbidden', { status: 403, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}

/** Reads the raw body, refusing more than `max` bytes. */
async function readBody(request: Request, max: number): Promise<Uint8Array | null> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > max) return null;
  const buf = new Uint8Array(await request.arrayBuffer());
  return buf.length > max ? null : buf;
}

/**
 * A webhook POST. The signature is checked on the raw bytes before anything is parsed
 * (401 when missing or wrong); each message and status is then stored in whatsapp_inbox
 * (idempotent on the provider's id) and the delivery acknowledged with 200. Processing is the
 * worker's: nothing here answers the person, so a crash after this loses nothing.
 */
export async function receiveWebhook(db: Db, config: WhatsAppConfig, request: Request): Promise<Response> {
  const raw = await readBody(request, MAX_BODY_BYTES);
  if (raw === null) return new Response('Payload Too Large', { status: 413 });
  if (!verifySignature(raw, request.headers.get('x-hub-signature-256'), config.appSecret)) {
    return new Response('Unauthorized', { status: 401, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  }
  let parsed: z.infer<typeof payload>;
  try {
    parsed = payload.parse(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw)));
  } catch {
    // Signed by Meta but not a shape we know: acknowledge, or Meta retries it for days.
    log.warn('whatsapp webhook: unknown payload acknowledged');
    return new Response('OK', { status: 200 });
  }
  const rows: InboxInsert[] = [];
  for (const entry of parsed.entry) {
    for (const change of entry.changes) {
      if (change.field !== 'messages') continue;
      const names = new Map((change.value.contacts ?? []).map((c) => [c.wa_id, c.profile?.name ?? null]));
      for (const m of change.value.messages ?? []) {
        const r = message.safeParse(m);
        if (!r.success) continue;
        rows.push({ message_id: r.data.id, kind: 'message', wa_from: r.data.from, sent_at: new Date(Number(r.data.timestamp) * 1000), payload: JSON.stringify(m), contact_name: names.get(r.data.from) ?? null });
      }
      for (const s of change.value.statuses ?? []) {
        const r = status.safeParse(s);
        if (!r.success) continue;
        rows.push({ message_id: `${r.data.id}:${r.data.status}`, kind: 'status', wa_from: r.data.recipient_id, sent_at: new Date(Number(r.data.timestamp) * 1000), payload: JSON.stringify(s), contact_name: null });
      }
    }
  }
  const stored = await insertInbox(db, rows);
  log.debug('whatsapp webhook stored', { received: rows.length, stored });
  return new Response('OK', { status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}

/** The endpoint: 404 while the channel is off, as if it did not exist. */
export async function handleWebhook(db: Db, config: WhatsAppConfig | null, request: Request): Promise<Response> {
  if (!config) return new Response('Not Found', { status: 404 });
  const url = new URL(request.url);
  if (request.method === 'GET') return answerHandshake(config, url);
  if (request.method === 'POST') return receiveWebhook(db, config, request);
  return new Response('Method Not Allowed', { status: 405, headers: { Allow: 'GET, POST' } });
}
