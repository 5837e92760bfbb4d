import type http from 'node:http';
import type { Db } from '../db/index.ts';
import { clientIp } from '../http/client-ip.ts';
import { log } from '../log.ts';
import { unsubscribeByToken } from './service.ts';

/**
 * RFC 8058 one-click unsubscribe: `POST /langganan/berhenti/<token>` with the body
 * `List-Unsubscribe=One-Click`, sent by mail clients from anywhere (no Origin of ours, no
 * cookie). The token in the URL is the authentication, so this route is handled here, before
 * Astro's cross-site form check, which would refuse it. Our own unsubscribe page posts the same
 * body and is sent on to the "done" page; a mail client gets a short 200 answer.
 */
const PATH_RE = /^\/langganan\/berhenti\/([a-z2-7]{20,64})$/;
const BODY_LIMIT = 4096;

/** True when the request is a one-click unsubscribe and has been (or is being) answered here. */
export function handleOneClickUnsubscribe(req: http.IncomingMessage, res: http.ServerResponse, getDb: () => Promise<Db>, trustProxy: boolean): boolean {
  if (req.method !== 'POST') return false;
  const match = PATH_RE.exec((req.url ?? '').split('?')[0] ?? '');
  if (!match) return false;
  const token = match[1]!;
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size <= BODY_LIMIT) chunks.push(c);
  });
  req.on('end', () => {
    void (async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (size > BODY_LIMIT || !/(^|[&\r\n"])List-Unsubscribe=One-Click(\r?\n|&|$)|name="List-Unsubscribe"\r?\n\r?\nOne-Click/.test(body)) {
        res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Expected List-Unsubscribe=One-Click\n');
        return;
      }
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
      const ip = clientIp(headers, req.socket.remoteAddress, trustProxy);
      const ok = await unsubscribeByToken(await getDb(), ip, token, req.headers['sec-fetch-site'] === 'same-origin' ? 'page' : 'one-click');
      if (!ok) {
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Unknown or expired link\n');
      } else if (req.headers['sec-fetch-site'] === 'same-origin') {
        res.writeHead(303, { Location: '/langganan/berhenti/selesai' }).end();
      } else {
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Unsubscribed / Berhenti berlangganan\n');
      }
    })().catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Server error\n');
      log.error('one-click unsubscribe failed', { error: e });
    });
  });
  return true;
}
