import { translator, type MessageKey, type Translate } from '../../i18n/index.ts';
import type { Db } from '../db/index.ts';
import { setAwaitingInfo } from '../whatsapp/queries.ts';
import { templateParam, WHATSAPP_TEMPLATES } from '../whatsapp/templates.ts';
import { enqueueNotice, type Recipient } from '../notifications/channels.ts';
import { selectReporter } from '../notifications/queries.ts';
import { composeEmail } from '../notifications/service.ts';

/** How long a WhatsApp reply to a request for information is taken as the answer to it. */
const INFO_REPLY_DAYS = 10;

/**
 * The reporter of an item: the contact they gave with the form (email, phone, chosen channels),
 * else their account unless they posted anonymously (an anonymous reporter is reached only
 * through contact details they chose to give).
 */
export async function reporterRecipient(db: Db, feedbackId: number): Promise<Recipient | null> {
  const r = await selectReporter(db, feedbackId);
  if (!r) return null;
  if (r.contact_email || (r.contact_phone && r.contact_notify !== 'email')) {
    return { email: r.contact_email, phone: r.contact_phone, notify: r.contact_notify ?? 'email', locale: r.contact_locale ?? 'id' };
  }
  if (r.user_email && !r.anonymous) {
    return { email: r.user_email, phone: r.user_phone, notify: r.user_phone ? (r.user_notify ?? 'email') : 'email', locale: r.user_locale ?? 'id' };
  }
  return null;
}

/**
 * Tells the reporter about their item on their channels, in their language: the email, and on
 * WhatsApp the same text (a template outside the 24-hour window). A request for information
 * sent on WhatsApp makes the person's next WhatsApp message the answer, added to the item.
 */
export async function notifyReporterChannels(
  trx: Db,
  feedbackId: number,
  template: string,
  subjectKey: MessageKey,
  bodyKey: MessageKey,
  params: Record<string, string | number> | ((t: Translate) => Record<string, string | number>),
  publicUrl: string,
): Promise<void> {
  const to = await reporterRecipient(trx, feedbackId);
  if (!to) return;
  const t = translator(to.locale);
  const values: Record<string, string | number> = { ...(typeof params === 'function' ? params(t) : params), link: `${publicUrl}/lacak` };
  const infoRequest = template === 'feedback_info_request';
  let text = t(bodyKey, values);
  if (infoRequest) text += `\n\n${t('wa.infoRequestHint')}`;
  const title = String(values.title ?? values.forum ?? '');
  const waTemplate = template.startsWith('forum_')
    ? { name: WHATSAPP_TEMPLATES.general.name, params: [templateParam(text, 900)] }
    : { name: WHATSAPP_TEMPLATES.feedbackUpdate.name, params: [templateParam(title, 150), templateParam(text, 700)] };
  const ids = await enqueueNotice(trx, to, {
    template,
    feedbackId,
    email: composeEmail(to.locale, subjectKey, bodyKey, values),
    whatsapp: { text, template: waTemplate },
  });
  if (infoRequest && to.phone && to.notify !== 'email' && ids.length > 0) {
    await setAwaitingInfo(trx, to.phone, feedbackId, new Date(Date.now() + INFO_REPLY_DAYS * 86400_000));
  }
}
