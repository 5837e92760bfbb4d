import type { Db } from '../db/index.ts';

/** Counts shown on the home page. */
export async function referenceCounts(db: Db): Promise<{ units: number; areas: number }> {
  const [u, a] = await Promise.all([
    db.selectFrom('units').select((eb) => eb.fn.countAll<number>().as('n')).where('active', '=', true).executeTakeFirstOrThrow(),
    db.selectFrom('areas').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', '!=', 'kecamatan').executeTakeFirstOrThrow(),
  ]);
  return { units: Number(u.n), areas: Number(a.n) };
}
