import type { AstroCookies } from 'astro';
import { getConfig } from '../config.ts';

/**
 * The tracking code travels from the submission (POST) to its receipt page (GET) and to the
 * tracking page in HttpOnly cookies scoped to those paths, never in a URL (which would end up
 * in history, logs and Referer headers).
 */
const RECEIPT = 'bd_receipt';
const TRACK = 'bd_track';

export function setReceipt(cookies: AstroCookies, code: string, emailed: boolean): void {
  cookies.set(RECEIPT, `${code}|${emailed ? 1 : 0}`, { path: '/masukan/terkirim', httpOnly: true, sameSite: 'lax', secure: getConfig().production, maxAge: 3600 });
}

export function getReceipt(cookies: AstroCookies): { code: string; emailed: boolean } | null {
  const v = cookies.get(RECEIPT)?.value;
  const m = v?.match(/^(BD-[0-9A-Z]{5}-[0-9A-Z]{5})\|([01])$/);
  return m ? { code: m[1]!, emailed: m[2] === '1' } : null;
}

export function setTrackedCode(cookies: AstroCookies, code: string): void {
  cookies.set(TRACK, code, { path: '/', httpOnly: true, sameSite: 'lax', secure: getConfig().production, maxAge: 3600 });
}

export function getTrackedCode(cookies: AstroCookies): string | null {
  const v = cookies.get(TRACK)?.value;
  return v && /^BD-[0-9A-Z]{5}-[0-9A-Z]{5}$/.test(v) ? v : null;
}

export function clearTrackedCode(cookies: AstroCookies): void {
  cookies.delete(TRACK, { path: '/' });
}
