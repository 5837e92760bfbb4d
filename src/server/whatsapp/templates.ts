import type { Locale } from '../../i18n/index.ts';

/**
 * The message templates the city registers with Meta (WhatsApp Manager → Message templates),
 * used outside the 24-hour window, when only approved templates may be sent. Names, languages
 * and texts here are the ones listed in the README; a template's `{{n}}` are its body
 * parameters, in order. Inside the window the full text is sent instead.
 */
export interface TemplateDefinition {
  name: string;
  category: 'UTILITY' | 'AUTHENTICATION';
  /** The header is an image (given when sending). */
  imageHeader?: boolean;
  /** Authentication templates carry a copy-code button whose parameter is the code. */
  codeButton?: boolean;
  body: Record<Locale, string>;
}

export const WHATSAPP_TEMPLATES = {
  receipt: {
    name: 'bd_masukan_diterima',
    category: 'UTILITY',
    body: {
      id: 'Masukan Anda "{{1}}" sudah kami terima. Kode pelacakan: {{2}}. Moderator memeriksanya paling lambat {{3}}. Kode ini kunci pribadi Anda, jangan dibagikan.',
      en: 'We have received your feedback "{{1}}". Tracking code: {{2}}. Moderators check it by {{3}}. The code is your private key: do not share it.',
    },
  },
  feedbackUpdate: {
    name: 'bd_kabar_masukan',
    category: 'UTILITY',
    body: {
      id: 'Ada kabar tentang masukan Anda "{{1}}": {{2}} Balas pesan ini bila ingin menanggapi.',
      en: 'There is news about your feedback "{{1}}": {{2}} Reply to this message if you wish to respond.',
    },
  },
  forumCode: {
    name: 'bd_kode_forum',
    category: 'UTILITY',
    imageHeader: true,
    body: {
      id: 'Anda terdaftar di forum "{{1}}", {{2}}. Kode pendaftaran: {{3}}. Tunjukkan kode QR ini atau sebutkan kodenya saat datang.',
      en: 'You are registered for the forum "{{1}}", {{2}}. Registration code: {{3}}. Show this QR code or give the code when you arrive.',
    },
  },
  forumUpdate: {
    name: 'bd_kabar_forum',
    category: 'UTILITY',
    body: {
      id: 'Kabar tentang forum "{{1}}" ({{2}}): {{3}} Balas pesan ini bila ada pertanyaan.',
      en: 'News about the forum "{{1}}" ({{2}}): {{3}} Reply to this message if you have a question.',
    },
  },
  general: {
    name: 'bd_kabar',
    category: 'UTILITY',
    body: {
      id: 'Pesan dari Baku Dengar, Pemerintah Kota Ambon: {{1}} Balas pesan ini untuk melanjutkan.',
      en: 'A message from Baku Dengar, City of Ambon: {{1}} Reply to this message to continue.',
    },
  },
  verifyCode: {
    name: 'bd_kode_verifikasi',
    category: 'AUTHENTICATION',
    codeButton: true,
    body: {
      id: '{{1}} adalah kode verifikasi Anda. Demi keamanan, jangan bagikan kode ini.',
      en: '{{1}} is your verification code. For your security, do not share this code.',
    },
  },
} as const satisfies Record<string, TemplateDefinition>;

export type TemplateKey = keyof typeof WHATSAPP_TEMPLATES;

/** Template languages as registered: Indonesian `id`, English `en`. */
export const TEMPLATE_LANGUAGE: Record<Locale, string> = { id: 'id', en: 'en' };

/**
 * A template parameter: Meta refuses new lines, tabs and more than four spaces in a row, and
 * limits the whole body; long texts are cut at a word with an ellipsis.
 */
export function templateParam(text: string, max = 600): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat || '-';
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}

/** The text a template shows with its parameters filled in (what the fake API and staff see). */
export function renderTemplate(name: string, locale: Locale, params: string[]): string | null {
  const def = Object.values(WHATSAPP_TEMPLATES).find((t) => t.name === name);
  if (!def) return null;
  return def.body[locale].replace(/\{\{(\d+)\}\}/g, (m, n: string) => params[Number(n) - 1] ?? m);
}
