import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server on 127.0.0.1 (random port) that keeps every message it accepts, parsed
 * with mailparser, for the outbox tests. Plain SMTP: no STARTTLS, no authentication required.
 */

export interface ReceivedMail {
  /** RCPT TO addresses of the SMTP envelope. */
  envelopeTo: string[];
  mailFrom: string | null;
  raw: string;
  parsed: ParsedMail;
  /** The X-Baku-Dengar-Outbox-Id header, or null. */
  outboxId: number | null;
}

export interface TestSmtp {
  url: string;
  port: number;
  received: ReceivedMail[];
  /** Messages per outbox id, for "exactly once" checks. */
  countsByOutboxId(): Map<number, number>;
  close(): Promise<void>;
}

export async function startSmtp(
  opts: { delayMs?: number; rejectRecipient?: { code: number; message: string }; onMessage?: (mail: ReceivedMail) => void } = {},
): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (opts.rejectRecipient) {
        const e = new Error(opts.rejectRecipient.message) as Error & { responseCode: number };
        e.responseCode = opts.rejectRecipient.code;
        callback(e);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (e: Error) => callback(e));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then(async (parsed) => {
            const header = parsed.headers.get('x-baku-dengar-outbox-id');
            const mail: ReceivedMail = {
              envelopeTo: session.envelope.rcptTo.map((r) => r.address),
              mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
              raw: raw.toString('utf8'),
              parsed,
              outboxId: typeof header === 'string' && /^\d+$/.test(header) ? Number(header) : null,
            };
            received.push(mail);
            opts.onMessage?.(mail);
            if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
            callback();
          })
          .catch((e: unknown) => callback(e instanceof Error ? e : new Error(String(e))));
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    received,
    countsByOutboxId() {
      const m = new Map<number, number>();
      for (const r of received) if (r.outboxId !== null) m.set(r.outboxId, (m.get(r.outboxId) ?? 0) + 1);
      return m;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The addresses of a parsed To/From header. */
export function addressesOf(field: ParsedMail['to'] | ParsedMail['from']): string[] {
  if (!field) return [];
  const list = Array.isArray(field) ? field : [field];
  return list.flatMap((a) => a.value.map((v) => v.address ?? ''));
}
