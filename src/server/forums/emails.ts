import QRCode from 'qrcode';
import { formatDateTime, translator, type Locale, type MessageKey } from '../../i18n/index.ts';
import type { EmailAttachment } from '../db/schema.ts';
import type { Db } from '../db/index.ts';
import { composeEmail } from '../notifications/service.ts';
import { accountRecipient, enqueueNotice } from '../notifications/channels.ts';
import { templateParam, WHATSAPP_TEMPLATES } from '../whatsapp/templates.ts';
import { forumCalendar } from './calendar.ts';
import type { ForumRow } from './queries.ts';

/** The URL a registration's QR code holds: the moderators' check-in page with the code filled in. */
export function checkInUrl(publicUrl: string, slug: string, code: string): string {
  return `${publicUrl}/forum/${slug}/checkin?kode=${encodeURIComponent(code)}`;
}

/** The QR code as an SVG string (shown on the confirmation page, no script needed). */
export async function qrSvg(publicUrl: string, slug: string, code: string): Promise<string> {
  const svg = await QRCode.toString(checkInUrl(publicUrl, slug, code), { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  // An image with a name for assistive technology: the code it stands for (codes are [0-9A-Z-]).
  return svg.replace('<svg ', `<svg role="img" aria-label="QR ${code}" `);
}

export async function qrPngAttachment(publicUrl: string, slug: string, code: string): Promise<EmailAttachment> {
  const png = await QRCode.toBuffer(checkInUrl(publicUrl, slug, code), { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 240 });
  return { filename: `${code}.png`, contentType: 'image/png', base64: png.toString('base64'), cid: 'registration-qr' };
}

/** The forum's .ics; the online link only for someone with a seat (`onlineLink`), as on the page. */
export function icsAttachment(forum: ForumRow, publicUrl: string, locale: Locale, onlineLink: boolean): EmailAttachment {
  const ics = forumCalendar([forum], publicUrl, locale, forum.title, { onlineLink });
  return { filename: `${forum.slug}.ics`, contentType: 'text/calendar; charset=utf-8', base64: Buffer.from(ics, 'utf8').toString('base64') };
}

function place(forum: ForumRow, t: ReturnType<typeof translator>): string {
  const parts = [forum.venue, forum.address].filter(Boolean).join(', ');
  if (forum.mode === 'online') return t('forum.mode.online');
  return parts || t(`forum.mode.${forum.mode}`);
}

/** Placeholders every forum email understands. */
export function forumParams(forum: ForumRow, publicUrl: string, locale: Locale) {
  const t = translator(locale);
  return { forum: forum.title, when: formatDateTime(forum.starts_at, locale), place: place(forum, t), link: `${publicUrl}/forum/${forum.slug}` };
}

/**
 * The confirmation after registering (seat or waitlist) or being promoted: with the code,
 * the QR code (inline image and attachment) and the forum's .ics.
 */
export async function enqueueRegistrationEmail(
  trx: Db,
  to: { email: string; locale: Locale },
  forum: ForumRow,
  reg: { code: string; status: 'registered' | 'waitlisted'; position: number | null },
  kind: 'registered' | 'waitlisted' | 'promoted',
  publicUrl: string,
): Promise<void> {
  const keys: Record<typeof kind, [MessageKey, MessageKey]> = {
    registered: ['email.forum.registered.subject', 'email.forum.registered.body'],
    waitlisted: ['email.forum.waitlisted.subject', 'email.forum.waitlisted.body'],
    promoted: ['email.forum.promoted.subject', 'email.forum.promoted.body'],
  };
  const params = forumParams(forum, publicUrl, to.locale);
  // Someone with a seat at a hybrid or online forum gets the link to join, as in their .ics.
  if (reg.status === 'registered' && forum.mode !== 'in_person' && forum.online_url) {
    params.place = `${params.place}\n${translator(to.locale)('email.forum.onlineLine', { url: forum.online_url })}`;
  }
  const full = { ...params, code: reg.code, position: reg.position ?? '' };
  const content = composeEmail(to.locale, keys[kind][0], keys[kind][1], full);
  const attachments: EmailAttachment[] = [icsAttachment(forum, publicUrl, to.locale, reg.status === 'registered')];
  if (reg.status === 'registered') {
    attachments.unshift(await qrPngAttachment(publicUrl, forum.slug, reg.code));
    content.html = content.html.replace('<hr>', `<p><img src="cid:registration-qr" alt="QR ${reg.code}" width="240" height="240"></p><hr>`);
  }
  // On WhatsApp: the text with the QR code as an image; outside the window the code template (QR in its header).
  const text = translator(to.locale)(keys[kind][1], full);
  await enqueueNotice(trx, await accountRecipient(trx, to), {
    template: `forum_${kind}`,
    email: { ...content, attachments },
    whatsapp:
      reg.status === 'registered'
        ? { text, imageCid: 'registration-qr', template: { name: WHATSAPP_TEMPLATES.forumCode.name, params: [templateParam(forum.title, 150), params.when, reg.code], headerImageCid: 'registration-qr' } }
        : { text, template: { name: WHATSAPP_TEMPLATES.forumUpdate.name, params: [templateParam(forum.title, 150), params.when, templateParam(text, 600)] } },
  });
}

/**
 * A message to one registrant about the forum (moved, cancelled, reminder ...). The attached
 * .ics carries the online link only when `to.seated` (registered, not waitlisted).
 */
export async function enqueueForumNotice(
  trx: Db,
  to: { email: string; locale: Locale; seated?: boolean },
  forum: ForumRow,
  template: string,
  subjectKey: MessageKey,
  bodyKey: MessageKey,
  publicUrl: string,
  extra: Record<string, string | number> = {},
  withCalendar = false,
): Promise<void> {
  const params = { ...forumParams(forum, publicUrl, to.locale), ...extra };
  const content = composeEmail(to.locale, subjectKey, bodyKey, params);
  const text = translator(to.locale)(bodyKey, params);
  await enqueueNotice(trx, await accountRecipient(trx, to), {
    template,
    email: withCalendar ? { ...content, attachments: [icsAttachment(forum, publicUrl, to.locale, to.seated === true)] } : content,
    whatsapp: { text, template: { name: WHATSAPP_TEMPLATES.forumUpdate.name, params: [templateParam(forum.title, 150), params.when, templateParam(text, 600)] } },
  });
}
