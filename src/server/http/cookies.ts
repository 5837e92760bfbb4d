import type { AstroCookies } from 'astro';
import { isMessageKey, type MessageKey } from '../../i18n/index.ts';
import { getConfig } from '../config.ts';
import type { Msg } from '../forms.ts';

/** In production the session cookie carries the __Host- prefix (Secure, host-only, path /). */
export function sessionCookieName(): string {
  return getConfig().production ? '__Host-bd_session' : 'bd_session';
}

export function setSessionCookie(cookies: AstroCookies, token: string, expiresAt: Date): void {
  cookies.set(sessionCookieName(), token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: getConfig().production,
    path: '/',
    expires: expiresAt,
  });
}

export function clearSessionCookie(cookies: AstroCookies): void {
  cookies.delete(sessionCookieName(), { path: '/', httpOnly: true, sameSite: 'lax', secure: getConfig().production });
}

export const LOCALE_COOKIE = 'bd_lang';
const FLASH_COOKIE = 'bd_flash';

/** Carries one message to the page after a redirect (POST → redirect → GET). */
export function setFlash(cookies: AstroCookies, key: MessageKey): void {
  cookies.set(FLASH_COOKIE, key, { httpOnly: true, sameSite: 'lax', secure: getConfig().production, path: '/', maxAge: 60 });
}

export function takeFlash(cookies: AstroCookies): Msg | null {
  const v = cookies.get(FLASH_COOKIE)?.value;
  if (!v) return null;
  cookies.delete(FLASH_COOKIE, { path: '/' });
  return isMessageKey(v) ? { key: v } : null;
}
