import { sql, type Insertable } from 'kysely';
import type { Db } from '../db/index.ts';
import type { Database } from '../db/schema.ts';

/** Marks one version of a seed file as loaded; false when it was loaded before. */
export async function claimSeedVersion(trx: Db, name: string): Promise<boolean> {
  const row = await trx
    .insertInto('job_runs')
    .values({ name, run_on: '2000-01-01' })
    .onConflict((oc) => oc.columns(['name', 'run_on']).doNothing())
    .returning('name')
    .executeTakeFirst();
  return row !== undefined;
}

/** Adds the holidays not there yet; an existing (possibly edited) day is left alone. */
export async function insertMissingHolidays(trx: Db, holidays: Insertable<Database['holidays']>[]): Promise<void> {
  await trx.insertInto('holidays').values(holidays).onConflict((oc) => oc.column('date').doNothing()).execute();
}

/** Inserts the units, or updates their name, sector, kind and slug by short name. */
export async function upsertUnits(trx: Db, units: Insertable<Database['units']>[]): Promise<void> {
  await trx
    .insertInto('units')
    .values(units)
    .onConflict((oc) =>
      oc.column('short_name').doUpdateSet({
        name: sql`excluded.name`,
        sector: sql`excluded.sector`,
        kind: sql`excluded.kind`,
        slug: sql`excluded.slug`,
      }),
    )
    .execute();
}

/** Inserts the areas, or updates their name, kind and kecamatan by code. */
export async function upsertAreas(trx: Db, areas: Insertable<Database['areas']>[]): Promise<void> {
  await trx
    .insertInto('areas')
    .values(areas)
    .onConflict((oc) => oc.column('code').doUpdateSet({ name: sql`excluded.name`, kind: sql`excluded.kind`, kecamatan_code: sql`excluded.kecamatan_code` }))
    .execute();
}

export async function countActiveUnits(db: Db): Promise<number> {
  const r = await db.selectFrom('units').select((eb) => eb.fn.countAll<number>().as('n')).where('active', '=', true).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Areas below the kecamatan level (kelurahan and desa). */
export async function countAreasBelowKecamatan(db: Db): Promise<number> {
  const r = await db.selectFrom('areas').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', '!=', 'kecamatan').executeTakeFirstOrThrow();
  return Number(r.n);
}
