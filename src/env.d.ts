/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    db: import('./server/db/index.ts').Db;
    locale: import('./i18n/index.ts').Locale;
    t: import('./i18n/index.ts').Translate;
    user: import('./server/accounts/sessions.ts').SessionUser | null;
    session: import('./server/accounts/sessions.ts').Session | null;
    /** The client's address (X-Forwarded-For's first hop only when TRUST_PROXY is set). */
    ip: string | null;
    /** A one-time message carried across a redirect. */
    flash: import('./server/forms.ts').Msg | null;
    /** Request facts every account use case needs. */
    requestContext: import('./server/accounts/service.ts').RequestContext;
  }
}
