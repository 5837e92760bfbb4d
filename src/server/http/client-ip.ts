/**
 * The client's address. Behind a reverse proxy (TRUST_PROXY=1) it is the left-most
 * X-Forwarded-For entry, which the proxy must overwrite, not append to, for clients.
 */
export function clientIp(headers: Headers, socketAddress: string | undefined, trustProxy: boolean): string | null {
  if (trustProxy) {
    const first = headers.get('x-forwarded-for')?.split(',')[0]?.trim();
    if (first) return first.slice(0, 64);
  }
  return socketAddress ?? null;
}
