// @ts-check
import node from '@astrojs/node';
import { defineConfig } from 'astro/config';
import { hashedAssets } from './src/build/hashed-assets.ts';

/**
 * Server-rendered Astro on Node. server/main.ts runs the built handler inside its own
 * http.Server (graceful shutdown, security headers, body limit, background worker).
 * Behind a reverse proxy, list the public host names in ALLOWED_DOMAINS (comma-separated)
 * so that X-Forwarded-Host/-Proto are trusted for them (see README, "Behind a proxy").
 */
const allowedDomains = (process.env.ALLOWED_DOMAINS ?? '')
  .split(',')
  .map((h) => h.trim())
  .filter(Boolean)
  .map((hostname) => ({ hostname }));

export default defineConfig({
  output: 'server',
  // 'middleware': the built handler renders only; files of the client build are served by
  // server/main.ts (src/server/http/delivery.ts), so the adapter's static handler (a stat of the disk
  // and a `send` stream per request, before every page) is not in the path of each page.
  adapter: node({ mode: 'middleware', bodySizeLimit: 25 * 1024 * 1024 }),
  server: { port: Number(process.env.PORT ?? 4321), host: process.env.HOST ?? 'localhost' },
  // The origin check is ours (src/server/http/request-guard.ts: every state-changing method and content
  // type, with a short list of otherwise-authenticated exemptions); Astro's covers form types only.
  security: { checkOrigin: false, allowedDomains },
  // No inline <style>: the CSP allows styles from our own origin only.
  build: { inlineStylesheets: 'never' },
  devToolbar: { enabled: false },
  // Content-hashed copies of public/ stylesheets and scripts, and .br/.gz of the client build.
  integrations: [hashedAssets()],
  // Sessions are ours (src/server/accounts/sessions.ts), not Astro's.
  session: false,
  vite: {
    build: { assetsInlineLimit: 0 },
    ssr: { external: ['@electric-sql/pglite', '@node-rs/argon2', 'pg', 'nodemailer'] },
  },
});
