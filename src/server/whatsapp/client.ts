import type { WhatsAppConfig } from '../config.ts';

/** An error answered by the Cloud API (`{error:{message, type, code, error_subcode, fbtrace_id}}`). */
export class WhatsAppApiError extends Error {
  readonly httpStatus: number;
  readonly code: number | null;
  constructor(httpStatus: number, code: number | null, message: string) {
    super(message);
    this.name = 'WhatsAppApiError';
    this.httpStatus = httpStatus;
    this.code = code;
  }
  /** 131047: more than 24 hours since the person's last message; only a template may be sent. */
  get outsideWindow(): boolean {
    return this.code === 131047;
  }
  /** Rate limits (HTTP 429, 130429 throughput, 80007 account) and server errors: try again later. */
  get retryable(): boolean {
    return this.httpStatus === 429 || this.httpStatus >= 500 || this.code === 130429 || this.code === 80007 || this.code === 131048 || this.code === 131056;
  }
}

export type OutgoingMessage =
  | { type: 'text'; text: { body: string; preview_url: boolean } }
  | { type: 'image'; image: { id: string; caption?: string } }
  | {
      type: 'template';
      template: {
        name: string;
        language: { code: string };
        components: Array<{ type: 'header'; parameters: Array<{ type: 'image'; image: { id: string } }> } | { type: 'body'; parameters: Array<{ type: 'text'; text: string }> } | { type: 'button'; sub_type: 'url'; index: string; parameters: Array<{ type: 'text'; text: string }> }>;
      };
    };

export interface MediaInfo {
  url: string;
  mime_type: string;
  sha256?: string;
  file_size?: number;
  id: string;
}

/** The Cloud API calls the site makes: send, upload media, download media. */
export interface WhatsAppClient {
  /** Sends to a number (digits, no plus); resolves the provider's message id. */
  send(to: string, message: OutgoingMessage): Promise<string>;
  uploadMedia(data: Buffer, mime: string, filename: string): Promise<string>;
  /** Downloads a media object by id; refuses objects above `maxBytes`. */
  downloadMedia(id: string, maxBytes: number): Promise<{ data: Buffer; mime: string }>;
}

const TIMEOUT_MS = 20_000;

async function apiError(res: Response): Promise<WhatsAppApiError> {
  let code: number | null = null;
  let message = `HTTP ${res.status}`;
  try {
    const body = (await res.json()) as { error?: { message?: string; code?: number; error_data?: { details?: string } } };
    if (body.error) {
      code = typeof body.error.code === 'number' ? body.error.code : null;
      message = [body.error.message, body.error.error_data?.details].filter(Boolean).join(': ') || message;
    }
  } catch {
    /* not JSON: keep the HTTP status */
  }
  return new WhatsAppApiError(res.status, code, code ? `(#${code}) ${message}` : message);
}

export function createWhatsAppClient(config: WhatsAppConfig): WhatsAppClient {
  const auth = { Authorization: `Bearer ${config.token}` };
  const base = `${config.apiUrl}/${encodeURIComponent(config.phoneNumberId)}`;
  return {
    async send(to, message) {
      const res = await fetch(`${base}/messages`, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', to, ...message }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      if (!res.ok) throw await apiError(res);
      const body = (await res.json()) as { messages?: Array<{ id?: string }> };
      const id = body.messages?.[0]?.id;
      if (!id) throw new WhatsAppApiError(res.status, null, 'no message id in the answer');
      return id;
    },
    async uploadMedia(data, mime, filename) {
      const form = new FormData();
      form.set('messaging_product', 'whatsapp');
      form.set('type', mime);
      form.set('file', new Blob([new Uint8Array(data)], { type: mime }), filename);
      const res = await fetch(`${base}/media`, { method: 'POST', headers: auth, body: form, signal: AbortSignal.timeout(TIMEOUT_MS) });
      if (!res.ok) throw await apiError(res);
      const body = (await res.json()) as { id?: string };
      if (!body.id) throw new WhatsAppApiError(res.status, null, 'no media id in the answer');
      return body.id;
    },
    async downloadMedia(id, maxBytes) {
      if (!/^[A-Za-z0-9_.-]{1,200}$/.test(id)) throw new WhatsAppApiError(400, null, 'malformed media id');
      const meta = await fetch(`${config.apiUrl}/${id}`, { headers: auth, signal: AbortSignal.timeout(TIMEOUT_MS) });
      if (!meta.ok) throw await apiError(meta);
      const info = (await meta.json()) as MediaInfo;
      if (typeof info.file_size === 'number' && info.file_size > maxBytes) throw new MediaTooLargeError();
      const file = await fetch(info.url, { headers: auth, signal: AbortSignal.timeout(TIMEOUT_MS) });
      if (!file.ok) throw await apiError(file);
      const data = Buffer.from(await file.arrayBuffer());
      if (data.length > maxBytes) throw new MediaTooLargeError();
      return { data, mime: info.mime_type };
    },
  };
}

export class MediaTooLargeError extends Error {
  constructor() {
    super('media too large');
    this.name = 'MediaTooLargeError';
  }
}
