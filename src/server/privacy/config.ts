import { z } from 'zod';

/** Data-protection settings (README, "Personal data"); validated with the rest of the configuration. */
export interface PrivacyConfig {
  /** The data protection officer named on the privacy notice (UU 27/2022 art. 53). */
  dpoName: string;
  dpoEmail: string;
  /** Months after an item closed (or was rejected) before its reporter's contact details are anonymised. */
  retentionContactMonths: number;
  /** Days after which the bodies of sent emails (tracking codes, links) are emptied. */
  outboxBodyDays: number;
}

const schema = z.object({
  DPO_NAME: z.string().trim().min(2).max(120).default('Pejabat Pelindungan Data Pribadi, Dinas Komunikasi dan Informatika Kota Ambon'),
  DPO_EMAIL: z.email().default('ppdp@ambon.go.id'),
  RETENTION_CONTACT_MONTHS: z.coerce.number().int().min(1).max(240).default(24),
  OUTBOX_BODY_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
});

/** Reads the data-protection variables; the error lists each bad one by name. */
export function parsePrivacyConfig(env: Record<string, string | undefined>): { ok: true; value: PrivacyConfig } | { ok: false; issues: string[] } {
  const r = schema.safeParse(Object.fromEntries(Object.keys(schema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]])));
  if (!r.success) return { ok: false, issues: r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`) };
  const e = r.data;
  return { ok: true, value: { dpoName: e.DPO_NAME, dpoEmail: e.DPO_EMAIL, retentionContactMonths: e.RETENTION_CONTACT_MONTHS, outboxBodyDays: e.OUTBOX_BODY_RETENTION_DAYS } };
}
