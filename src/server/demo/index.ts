import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import { hashPassword } from '../accounts/passwords.ts';
import { recordAudit } from '../audit/service.ts';
import type { Db } from '../db/index.ts';
import type { Role } from '../db/schema.ts';

/**
 * The demo data set (`npm run demo`). Demo accounts use the reserved `.invalid` domain, so no
 * email to them can ever be delivered; their passwords are generated afresh on every run and
 * printed by the command only. Running it again refreshes the passwords and adds nothing twice.
 */
export const DEMO_DOMAIN = 'demo.bakudengar.invalid';

export interface DemoAccount {
  role: Role;
  email: string;
  password: string;
  unit: string | null;
  name: string;
}

const PEOPLE: Array<{ local: string; name: string; role: Role; unit?: string }> = [
  { local: 'admin', name: 'Admin Demo', role: 'admin' },
  { local: 'moderator', name: 'Maria Latuconsina', role: 'moderator' },
  { local: 'koordinator', name: 'Johanis Pattiasina', role: 'moderator' },
  { local: 'asn.dinkes', name: 'Sitti Rumra', role: 'asn', unit: 'Dinkes' },
  { local: 'asn.rijali', name: 'Fransina Tuhumury', role: 'asn', unit: 'Puskesmas Rijali' },
  { local: 'asn.dukcapil', name: 'Abdul Latupono', role: 'asn', unit: 'Disdukcapil' },
  { local: 'asn.pupr', name: 'Yohanes Sahetapy', role: 'asn', unit: 'Dinas PUPR' },
  { local: 'asn.dlhp', name: 'Nurlela Tuasikal', role: 'asn', unit: 'DLHP' },
  { local: 'asn.sirimau', name: 'Ronald Wattimena', role: 'asn', unit: 'Kecamatan Sirimau' },
  { local: 'warga1', name: 'Ibu Ona Lewerissa', role: 'resident' },
  { local: 'warga2', name: 'Bung Rizal Ohorella', role: 'resident' },
  { local: 'warga3', name: 'Nona Christy Souisa', role: 'resident' },
  { local: 'warga4', name: 'Pak Hasan Tuanaya', role: 'resident' },
];

const WORDS = ['pala', 'cengkih', 'laut', 'pantai', 'gong', 'perdamaian', 'kapal', 'teluk', 'ikan', 'sagu', 'papeda', 'manise', 'natsepa', 'benteng', 'kota', 'bulan'];

/** A readable random password: four words and two digits, e.g. "laut-sagu-gong-teluk-42". */
export function demoPassword(): string {
  const w = Array.from({ length: 4 }, () => WORDS[randomInt(WORDS.length)]);
  return `${w.join('-')}-${randomInt(10, 100)}`;
}

export async function seedDemoAccounts(db: Db): Promise<DemoAccount[]> {
  const units = await db.selectFrom('units').select(['id', 'short_name']).execute();
  const unitId = new Map(units.map((u) => [u.short_name, u.id]));
  const out: DemoAccount[] = [];
  for (const p of PEOPLE) {
    const email = `${p.local}@${DEMO_DOMAIN}`;
    const password = demoPassword();
    const password_hash = await hashPassword(password);
    const unit_id = p.unit ? (unitId.get(p.unit) ?? null) : null;
    if (p.unit && unit_id === null) throw new Error(`demo: unknown unit ${p.unit}`);
    await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('users')
        .values({ email, display_name: p.name, password_hash, role: p.role, unit_id, password_changed_at: new Date() })
        .onConflict((oc) =>
          oc.column('email').doUpdateSet({
            password_hash: sql`excluded.password_hash`,
            role: sql`excluded.role`,
            unit_id: sql`excluded.unit_id`,
            disabled_at: null,
            password_changed_at: sql`now()`,
          }),
        )
        .returning(['id', () => sql<boolean>`(xmax = 0)`.as('inserted')])
        .executeTakeFirstOrThrow();
      // New passwords: whatever sessions these accounts had are over.
      await trx.deleteFrom('sessions').where('user_id', '=', row.id).execute();
      await recordAudit(trx, { id: null, label: 'npm run demo', ip: null }, row.inserted ? 'demo.account_create' : 'demo.account_refresh', { type: 'user', id: row.id });
    });
    out.push({ role: p.role, email, password, unit: p.unit ?? null, name: p.name });
  }
  return out;
}
