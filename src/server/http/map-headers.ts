import { CONTENT_SECURITY_POLICY } from './security-headers.ts';

/**
 * Headers of the pages that show a map (the feedback form, the board's map, the alerts form).
 * Every other page keeps the site-wide policy of security-headers.ts: images from our origin
 * only and no geolocation. The page sets these on its response; they replace the site-wide ones.
 */

/** The CSP source of a tile URL template: its origin, `{s}` subdomains as a wildcard. */
export function tileSource(tileUrl: string): string {
  const u = new URL(tileUrl.replace('{s}', 'sub0').replace(/\{[a-z]+\}/gi, '0'));
  return `${u.protocol}//${u.host.replace('sub0', '*')}`;
}

/** The site's CSP with images also allowed from the tile server. */
export function mapContentSecurityPolicy(tileUrl: string): string {
  return CONTENT_SECURITY_POLICY.replace("img-src 'self' data:", `img-src 'self' data: ${tileSource(tileUrl)}`);
}

/** The site's Permissions-Policy, except that this page may ask for the browser's location. */
export const GEOLOCATION_PERMISSIONS_POLICY = 'camera=(), microphone=(), geolocation=(self), payment=(), usb=()';

/** Sets the map page headers on a response; `geolocation` only where the page offers "use my location". */
export function setMapHeaders(headers: Headers, tileUrl: string, geolocation: boolean): void {
  headers.set('Content-Security-Policy', mapContentSecurityPolicy(tileUrl));
  if (geolocation) headers.set('Permissions-Policy', GEOLOCATION_PERMISSIONS_POLICY);
}
