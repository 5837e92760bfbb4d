import path from 'node:path';
import { z } from 'zod';
import { parsePrivacyConfig, type PrivacyConfig } from './privacy/config.ts';

/**
 * Runtime configuration, read once from the environment and validated.
 * Every variable is documented in README.md ("Configuration"); a bad value stops the
 * process at start with a message naming the variable.
 */
export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /** Where the embedded database runs (without DATABASE_URL); unset: the default of src/server/db. */
  pgliteMode: 'main' | 'worker' | undefined;
  /** Keep public reads in memory until the content changes (src/server/db/read-cache.ts); READ_CACHE, default on. */
  readCache: boolean;
  publicUrl: string;
  production: boolean;
  trustProxy: boolean;
  smtpUrl: string | undefined;
  mailFrom: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  bodyLimitBytes: number;
  /** Open311 `jurisdiction_id`: the city's domain (OPEN311_JURISDICTION_ID, default PUBLIC_URL's host). */
  open311JurisdictionId: string;
  handling: HandlingRules;
  map: MapConfig;
  /** The WhatsApp channel; null (off) unless all its variables are set. */
  whatsapp: WhatsAppConfig | null;
  session: {
    residentIdleSeconds: number;
    residentAbsoluteSeconds: number;
    staffIdleSeconds: number;
    staffAbsoluteSeconds: number;
  };
  privacy: PrivacyConfig;
}

/** Working-day deadlines (SP4N-LAPOR!'s defaults) and the flag threshold. */
export interface HandlingRules {
  verifyWorkingDays: number;
  answerWorkingDays: number;
  autocloseWorkingDays: number;
  flagHideThreshold: number;
  /**
   * Age in days an account needs before its flags count towards hiding (see
   * countEstablishedFlaggers). Staff accounts, made by an administrator, count at once.
   */
  flagEstablishedDays: number;
  /** Hour (WIT) after which the daily overdue digest goes out. */
  digestHourWit: number;
}

/** Map tiles (MAP_TILE_URL, MAP_TILE_ATTRIBUTION): a Leaflet URL template and its attribution text. */
export interface MapConfig {
  tileUrl: string;
  tileAttribution: string;
}

/** WhatsApp Cloud API (Meta): where to send, as which number, and the webhook's secrets. */
export interface WhatsAppConfig {
  /** Graph API base with its pinned version, e.g. https://graph.facebook.com/v23.0 (no trailing slash). */
  apiUrl: string;
  token: string;
  phoneNumberId: string;
  /** Signs webhook POSTs (X-Hub-Signature-256). */
  appSecret: string;
  /** Answers the webhook's GET handshake. */
  verifyToken: string;
}

export const WHATSAPP_DEFAULT_API_URL = 'https://graph.facebook.com/v23.0';
const WHATSAPP_VARS = ['WHATSAPP_TOKEN', 'WHATSAPP_PHONE_NUMBER_ID', 'WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN'] as const;

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const positiveInt = z.coerce.number().int().positive();

const schema = z.object({
  PORT: positiveInt.max(65535).default(4321),
  HOST: z.string().min(1).default('localhost'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  PGLITE_MODE: z
    .enum(['main', 'worker'])
    .optional()
    .or(z.literal('').transform(() => undefined)),
  READ_CACHE: bool.default(true),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  NODE_ENV: z.string().default('development'),
  TRUST_PROXY: bool.default(false),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  MAIL_FROM: z.string().min(3).default('Baku Dengar <no-reply@localhost>'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  BODY_LIMIT_MB: positiveInt.max(200).default(20),
  SESSION_RESIDENT_IDLE_DAYS: positiveInt.default(14),
  SESSION_RESIDENT_MAX_DAYS: positiveInt.default(30),
  SESSION_STAFF_IDLE_HOURS: positiveInt.default(4),
  SESSION_STAFF_MAX_HOURS: positiveInt.default(12),
  VERIFY_WORKING_DAYS: positiveInt.max(60).default(3),
  ANSWER_WORKING_DAYS: positiveInt.max(60).default(5),
  AUTOCLOSE_WORKING_DAYS: positiveInt.max(60).default(10),
  FLAG_HIDE_THRESHOLD: positiveInt.max(100).default(3),
  FLAG_ESTABLISHED_DAYS: z.coerce.number().int().min(0).max(365).default(7),
  DIGEST_HOUR_WIT: z.coerce.number().int().min(0).max(23).default(7),
  OPEN311_JURISDICTION_ID: z.string().trim().regex(/^[a-z0-9.-]{1,253}$/, 'must be a lower-case domain name').optional().or(z.literal('').transform(() => undefined)),
  MAP_TILE_URL: z
    .string()
    .regex(/^https?:\/\/[^/\s]+\/\S*\{z\}\S*\{x\}\S*\{y\}/, 'must be an http(s) URL template with {z}, {x} and {y}')
    .default('https://tile.openstreetmap.org/{z}/{x}/{y}.png'),
  MAP_TILE_ATTRIBUTION: z.string().min(1).max(300).default('© OpenStreetMap contributors'),
  WHATSAPP_API_URL: z.url({ protocol: /^https?$/ }).default(WHATSAPP_DEFAULT_API_URL),
  WHATSAPP_TOKEN: z.string().trim().optional(),
  WHATSAPP_PHONE_NUMBER_ID: z
    .string()
    .trim()
    .regex(/^(\d{5,30})?$/, 'must be the numeric phone number id from Meta')
    .optional(),
  WHATSAPP_APP_SECRET: z.string().trim().optional(),
  WHATSAPP_VERIFY_TOKEN: z.string().trim().optional(),
}).superRefine((e, ctx) => {
  // All or nothing: a half-configured channel would accept webhooks it cannot answer (or the reverse).
  const set = WHATSAPP_VARS.filter((k) => e[k]);
  if (set.length > 0 && set.length < WHATSAPP_VARS.length) {
    for (const k of WHATSAPP_VARS.filter((v) => !e[v])) ctx.addIssue({ code: 'custom', path: [k], message: `required when ${set.join(', ')} is set` });
  }
  if (e.WHATSAPP_VERIFY_TOKEN && e.WHATSAPP_VERIFY_TOKEN.length < 8) ctx.addIssue({ code: 'custom', path: ['WHATSAPP_VERIFY_TOKEN'], message: 'must be at least 8 characters' });
});

export class ConfigError extends Error {}

/** Parses an environment into AppConfig; throws ConfigError naming each bad variable. */
export function parseConfig(env: Record<string, string | undefined>): AppConfig {
  const result = schema.safeParse(env);
  const privacy = parsePrivacyConfig(env);
  if (!result.success || !privacy.ok) {
    const lines = [...(result.success ? [] : result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)), ...(privacy.ok ? [] : privacy.issues)];
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = result.data;
  const publicUrl = (e.PUBLIC_URL ?? `http://${e.HOST === '0.0.0.0' ? 'localhost' : e.HOST}:${e.PORT}`).replace(/\/+$/, '');
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    pgliteMode: e.PGLITE_MODE,
    readCache: e.READ_CACHE,
    publicUrl,
    production: e.NODE_ENV === 'production',
    trustProxy: e.TRUST_PROXY,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    logLevel: e.LOG_LEVEL,
    bodyLimitBytes: e.BODY_LIMIT_MB * 1024 * 1024,
    open311JurisdictionId: e.OPEN311_JURISDICTION_ID ?? new URL(publicUrl).hostname,
    handling: {
      verifyWorkingDays: e.VERIFY_WORKING_DAYS,
      answerWorkingDays: e.ANSWER_WORKING_DAYS,
      autocloseWorkingDays: e.AUTOCLOSE_WORKING_DAYS,
      flagHideThreshold: e.FLAG_HIDE_THRESHOLD,
      flagEstablishedDays: e.FLAG_ESTABLISHED_DAYS,
      digestHourWit: e.DIGEST_HOUR_WIT,
    },
    map: { tileUrl: e.MAP_TILE_URL, tileAttribution: e.MAP_TILE_ATTRIBUTION },
    whatsapp:
      e.WHATSAPP_TOKEN && e.WHATSAPP_PHONE_NUMBER_ID && e.WHATSAPP_APP_SECRET && e.WHATSAPP_VERIFY_TOKEN
        ? {
            apiUrl: e.WHATSAPP_API_URL.replace(/\/+$/, ''),
            token: e.WHATSAPP_TOKEN,
            phoneNumberId: e.WHATSAPP_PHONE_NUMBER_ID,
            appSecret: e.WHATSAPP_APP_SECRET,
            verifyToken: e.WHATSAPP_VERIFY_TOKEN,
          }
        : null,
    session: {
      residentIdleSeconds: e.SESSION_RESIDENT_IDLE_DAYS * 86400,
      residentAbsoluteSeconds: e.SESSION_RESIDENT_MAX_DAYS * 86400,
      staffIdleSeconds: e.SESSION_STAFF_IDLE_HOURS * 3600,
      staffAbsoluteSeconds: e.SESSION_STAFF_MAX_HOURS * 3600,
    },
    privacy: privacy.value,
  };
}

const CONFIG_KEY = Symbol.for('baku-dengar.config');

/** The process-wide configuration (parsed on first use). */
export function getConfig(): AppConfig {
  const g = globalThis as { [CONFIG_KEY]?: AppConfig };
  return (g[CONFIG_KEY] ??= parseConfig(process.env));
}
