import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * A phone number in E.164 (`+6281234567890`), or null when it is not a valid number.
 * National Indonesian forms are read as Indonesian (`0812…` → `+62812…`); `62812…` without
 * the plus (how WhatsApp writes wa_id) is read as international.
 */
export function toE164(input: string): string | null {
  const raw = input.trim();
  if (raw === '' || raw.length > 40) return null;
  const digits = raw.replace(/[\s().-]/g, '');
  const candidate = /^62\d{8,13}$/.test(digits) ? `+${digits}` : digits.startsWith('00') ? `+${digits.slice(2)}` : digits;
  const n = parsePhoneNumberFromString(candidate, 'ID');
  return n && n.isValid() ? n.number : null;
}

/** A WhatsApp wa_id (digits with country code) as E.164. */
export function waIdToE164(waId: string): string | null {
  return /^\d{6,20}$/.test(waId) ? (toE164(`+${waId}`) ?? `+${waId}`) : null;
}

/** The Cloud API's `to`: E.164 without the plus. */
export function e164ToWa(e164: string): string {
  return e164.replace(/^\+/, '');
}

/** A number shown to staff with its middle hidden: +62812****7890. */
export function maskPhone(e164: string): string {
  return e164.length > 8 ? `${e164.slice(0, 6)}${'*'.repeat(Math.max(0, e164.length - 10))}${e164.slice(-4)}` : e164;
}
