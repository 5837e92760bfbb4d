import type { Locale } from '../../i18n/index.ts';
import type { Db } from '../db/index.ts';
import type { NotifyChannels, WhatsAppTemplateRef } from '../db/schema.ts';
import type { EmailContent } from './service.ts';
import { insertOutbox, insertWhatsAppOutbox, isEmailRestricted, isPhoneRestricted, selectAccountRecipient, selectOptedOut } from './queries.ts';

/**
 * Where one person is reached: an email address and/or a WhatsApp number (E.164) and which of
 * them they chose. A person without a usable address for a channel is simply not sent there.
 */
export interface Recipient {
  email: string | null;
  phone: string | null;
  notify: NotifyChannels;
  locale: Locale;
}

/** The WhatsApp form of a notice: plain text inside the 24-hour window, a template outside it. */
export interface WhatsAppContent {
  text: string;
  template: WhatsAppTemplateRef;
  /** Send the email attachment with this content id as an image (e.g. a forum's QR code). */
  imageCid?: string;
}

export interface Notice {
  /** The outbox template name (`feedback_receipt`, `forum_registered` ...). */
  template: string;
  email: EmailContent;
  whatsapp: WhatsAppContent;
  /** The feedback item this is about: staff then see its delivery on the item. */
  feedbackId?: number | null;
}

/**
 * Queues a notice on the person's chosen channels, in the transaction of the change that
 * causes it. WhatsApp only: the email address (if any) is kept on the WhatsApp message as the
 * fallback the worker uses when WhatsApp fails. Both: one message per channel. A number that
 * said BERHENTI gets email only. Returns the outbox ids queued.
 */
export async function enqueueNotice(db: Db, to: Recipient, notice: Notice): Promise<number[]> {
  // A person whose processing is restricted (src/server/privacy) gets nothing on any channel.
  if ((to.email && (await isEmailRestricted(db, to.email))) || (to.phone && (await isPhoneRestricted(db, to.phone)))) return [];
  const wantsWhatsApp = to.phone !== null && to.notify !== 'email' && !(await selectOptedOut(db, to.phone));
  const wantsEmail = to.email !== null && (!wantsWhatsApp || to.notify === 'both' || to.notify === 'email');
  const ids: number[] = [];
  if (wantsEmail) {
    ids.push(
      await insertOutbox(db, {
        to_email: to.email!,
        locale: to.locale,
        template: notice.template,
        subject: notice.email.subject,
        text_body: notice.email.text,
        html_body: notice.email.html,
        attachments: notice.email.attachments?.length ? JSON.stringify(notice.email.attachments) : null,
        feedback_id: notice.feedbackId ?? null,
      }),
    );
  }
  if (wantsWhatsApp) {
    const fallbackEmail = wantsEmail ? null : to.email;
    // The image to send, and for an email fallback every attachment of the email.
    const attachments = fallbackEmail ? notice.email.attachments : notice.email.attachments?.filter((a) => a.cid && a.cid === notice.whatsapp.imageCid);
    ids.push(
      await insertWhatsAppOutbox(db, {
        to_phone: to.phone!,
        to_email: fallbackEmail,
        locale: to.locale,
        template: notice.template,
        subject: notice.email.subject,
        text_body: notice.email.text,
        html_body: notice.email.html,
        attachments: attachments?.length ? JSON.stringify(attachments) : null,
        wa_text: notice.whatsapp.text,
        wa_template: JSON.stringify(notice.whatsapp.template),
        feedback_id: notice.feedbackId ?? null,
      }),
    );
  }
  return ids;
}

/** A signed-in person: their account email, and their verified WhatsApp number with their choice. */
export async function accountRecipient(db: Db, user: { id?: string; email: string; locale: Locale }): Promise<Recipient> {
  const wa = await selectAccountRecipient(db, user.email);
  return { email: user.email, phone: wa?.phone ?? null, notify: wa?.phone ? wa.notify : 'email', locale: user.locale };
}
