import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';

/**
 * A stand-in for the WhatsApp Cloud API on 127.0.0.1 (random port), speaking its documented
 * protocol: `POST /<phone-number-id>/messages` (bearer token, JSON) answers a `wamid`;
 * `POST /<phone-number-id>/media` (multipart `file`, `type`, `messaging_product`) answers a
 * media id; `GET /<media-id>` answers `{url, mime_type, sha256, file_size, id}` and that URL
 * serves the bytes (bearer token again). It records everything sent, serves media the test
 * adds, and answers errors (e.g. 131047, 131026, 130429 with HTTP 429) on demand.
 */

export interface SentMessage {
  to: string;
  type: string;
  body: Record<string, unknown>;
  id: string;
  /** The text a person sees: text body, image caption or template parameters. */
  text: string;
}

export interface ApiErrorSpec {
  status: number;
  code: number;
  message: string;
}

export interface FakeWhatsApp {
  url: string;
  token: string;
  phoneNumberId: string;
  sent: SentMessage[];
  uploads: Array<{ id: string; mime: string; bytes: number }>;
  /** Registers media a person "sent"; its id is what the webhook payload carries. */
  addMedia(id: string, data: Buffer, mime: string): void;
  /** The next `count` sends fail with this error. */
  failNext(error: ApiErrorSpec, count?: number): void;
  /** Every send to this number (digits) fails with this error. */
  failFor(to: string, error: ApiErrorSpec): void;
  /** Sends to `to` (digits), in order. */
  to(to: string): SentMessage[];
  close(): Promise<void>;
}

export const ERRORS = {
  outsideWindow: { status: 400, code: 131047, message: 'Re-engagement message' },
  undeliverable: { status: 400, code: 131026, message: 'Message undeliverable' },
  rateLimited: { status: 429, code: 130429, message: 'Rate limit hit' },
} satisfies Record<string, ApiErrorSpec>;

function describe(body: Record<string, unknown>): string {
  const type = body.type as string;
  if (type === 'text') return String((body.text as { body: string }).body);
  if (type === 'image') return String((body.image as { caption?: string }).caption ?? '');
  if (type === 'template') {
    const t = body.template as { name: string; components: Array<{ type: string; parameters: Array<{ type: string; text?: string }> }> };
    const params = t.components.find((c) => c.type === 'body')?.parameters.map((p) => p.text ?? '') ?? [];
    return `[${t.name}] ${params.join(' | ')}`;
  }
  return '';
}

export async function startFakeWhatsApp(opts: { token?: string; phoneNumberId?: string } = {}): Promise<FakeWhatsApp> {
  const token = opts.token ?? 'test-token-123';
  const phoneNumberId = opts.phoneNumberId ?? '109876543210';
  const sent: SentMessage[] = [];
  const uploads: FakeWhatsApp['uploads'] = [];
  const media = new Map<string, { data: Buffer; mime: string }>();
  const failures: ApiErrorSpec[] = [];
  const failFor = new Map<string, ApiErrorSpec>();
  let seq = 0;
  let base = '';

  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  const apiError = (e: ApiErrorSpec) => json(e.status, { error: { message: e.message, type: 'OAuthException', code: e.code, error_subcode: 2494010, fbtrace_id: `trace${++seq}` } });

  async function handle(req: Request): Promise<Response> {
    if (req.headers.get('authorization') !== `Bearer ${token}`) return apiError({ status: 401, code: 190, message: 'Invalid OAuth access token' });
    const url = new URL(req.url);
    const parts = url.pathname.split('/').filter(Boolean);
    if (req.method === 'POST' && parts.length === 2 && parts[0] === phoneNumberId && parts[1] === 'messages') {
      const body = (await req.json()) as Record<string, unknown>;
      if (body.messaging_product !== 'whatsapp' || typeof body.to !== 'string' || typeof body.type !== 'string') return apiError({ status: 400, code: 100, message: 'Invalid parameter' });
      const to = body.to;
      const forced = failFor.get(to) ?? failures.shift();
      if (forced) return apiError(forced);
      const id = `wamid.FAKE${String(++seq).padStart(6, '0')}`;
      sent.push({ to, type: body.type, body, id, text: describe(body) });
      return json(200, { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id }] });
    }
    if (req.method === 'POST' && parts.length === 2 && parts[0] === phoneNumberId && parts[1] === 'media') {
      const form = await req.formData();
      const file = form.get('file');
      if (form.get('messaging_product') !== 'whatsapp' || !(file instanceof Blob)) return apiError({ status: 400, code: 100, message: 'Invalid parameter' });
      const id = `media${++seq}`;
      const data = Buffer.from(await file.arrayBuffer());
      media.set(id, { data, mime: String(form.get('type') ?? file.type) });
      uploads.push({ id, mime: String(form.get('type')), bytes: data.length });
      return json(200, { id });
    }
    if (req.method === 'GET' && parts.length === 2 && parts[0] === 'files') {
      const m = media.get(parts[1]!);
      return m ? new Response(new Uint8Array(m.data), { status: 200, headers: { 'Content-Type': m.mime } }) : apiError({ status: 404, code: 100, message: 'Unknown media' });
    }
    if (req.method === 'GET' && parts.length === 1) {
      const m = media.get(parts[0]!);
      if (!m) return apiError({ status: 400, code: 100, message: 'Unsupported get request' });
      return json(200, { url: `${base}/files/${parts[0]}`, mime_type: m.mime, sha256: createHash('sha256').update(m.data).digest('hex'), file_size: m.data.length, id: parts[0], messaging_product: 'whatsapp' });
    }
    return apiError({ status: 404, code: 100, message: 'Unknown path' });
  }

  const server = http.createServer((req, res) => {
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    const request = new Request(`http://127.0.0.1${req.url}`, {
      method: req.method,
      headers: req.headers as Record<string, string>,
      body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
      duplex: 'half',
    } as RequestInit);
    handle(request)
      .then(async (r) => {
        res.writeHead(r.status, Object.fromEntries(r.headers));
        res.end(Buffer.from(await r.arrayBuffer()));
      })
      .catch((e: unknown) => {
        res.writeHead(500);
        res.end(String(e));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    token,
    phoneNumberId,
    sent,
    uploads,
    addMedia: (id, data, mime) => void media.set(id, { data, mime }),
    failNext: (error, count = 1) => {
      for (let i = 0; i < count; i++) failures.push(error);
    },
    failFor: (to, error) => void failFor.set(to, error),
    to: (to) => sent.filter((m) => m.to === to),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
