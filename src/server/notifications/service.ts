import { translator, type Locale, type MessageKey } from '../../i18n/index.ts';
import { isEmailRestricted } from './queries.ts';
import type { Db } from '../db/index.ts';
import { OUTBOX_CHANNELS, OUTBOX_STATUSES, type EmailAttachment, type OutboxChannel, type OutboxRow, type OutboxStatus } from '../db/schema.ts';
import { insertOutbox, selectOutboxPage } from './queries.ts';

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
  attachments?: EmailAttachment[];
  /** Extra mail headers (List-Unsubscribe, List-Unsubscribe-Post ...). */
  headers?: Record<string, string>;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

// A link never ends with the sentence's punctuation ("... di {link}. Jika ...") or a quote.
const URL_RE = /https?:\/\/[^\s<>"']*[^\s<>"'.,;:!?)]/g;

/** Escapes text for HTML and makes its URLs links; URLs are found before escaping, so quotes stay out. */
function linkify(text: string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    out += escapeHtml(text.slice(last, m.index)) + `<a href="${escapeHtml(m[0])}">${escapeHtml(m[0])}</a>`;
    last = m.index + m[0].length;
  }
  return out + escapeHtml(text.slice(last));
}

/**
 * Builds an email from dictionary keys in the recipient's language: a plain-text part and
 * an HTML part with the same content (links made clickable, nothing else).
 */
export function composeEmail(
  locale: Locale,
  subjectKey: MessageKey,
  bodyKey: MessageKey,
  params: Record<string, string | number>,
): EmailContent {
  const t = translator(locale);
  const subject = t(subjectKey, params);
  const body = t(bodyKey, params);
  const footer = t('email.footer');
  const text = `${body}\n\n--\n${footer}\n`;
  const paragraphs = body
    .split(/\n{2,}/)
    .map((p) => `<p>${linkify(p).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
  const html = `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body style="font-family:sans-serif;line-height:1.5;max-width:40em">${paragraphs}<hr><p style="color:#555;font-size:90%">${escapeHtml(footer)}</p></body></html>`;
  return { subject, text, html };
}

/**
 * Queues an email. Call it with the transaction of the change that causes it: the message
 * exists only if the change commits, and is delivered after commit by the worker. Returns the
 * message id, or 0 when nothing was queued because the address's owner restricted the
 * processing of their data (privacy/service.ts).
 */
export async function enqueueEmail(db: Db, to: string, locale: Locale, template: string, content: EmailContent): Promise<number> {
  if (await isEmailRestricted(db, to)) return 0;
  return insertOutbox(db, {
    to_email: to,
    locale,
    template,
    subject: content.subject,
    text_body: content.text,
    html_body: content.html,
    attachments: content.attachments?.length ? JSON.stringify(content.attachments) : null,
    headers: content.headers ? JSON.stringify(content.headers) : null,
  });
}

export interface OutboxFilter {
  channel?: OutboxChannel;
  status?: OutboxStatus;
  feedbackId?: number;
}

/** Reads the outbox filters of /admin/surel (`kanal`, `status`) from URL parameters, ignoring anything else. */
export function parseOutboxFilter(sp: URLSearchParams): OutboxFilter {
  const channel = OUTBOX_CHANNELS.find((c) => c === sp.get('kanal'));
  const status = OUTBOX_STATUSES.find((s) => s === sp.get('status'));
  return { channel, status };
}

export async function listOutbox(db: Db, beforeId?: number, pageSize = 50, filter: OutboxFilter = {}): Promise<{ messages: OutboxRow[]; nextBeforeId: number | null }> {
  const rows = await selectOutboxPage(db, { beforeId, limit: pageSize + 1, ...filter });
  const messages = rows.slice(0, pageSize);
  return { messages, nextBeforeId: rows.length > pageSize ? messages.at(-1)!.id : null };
}

/** The messages sent to an item's reporter, oldest first, with their delivery (for moderators on the item). */
export async function messagesAboutFeedback(db: Db, feedbackId: number): Promise<OutboxRow[]> {
  const rows = await selectOutboxPage(db, { limit: 100, feedbackId });
  return rows.reverse();
}
