import type { Db } from '../db/index.ts';
import { cachedReference } from './cache.ts';
import * as q from './queries.ts';

/** Counts shown on the home page (reference data: cached per process, see ./cache.ts). */
export function referenceCounts(db: Db): Promise<{ units: number; areas: number }> {
  return cachedReference(db, 'reference.counts', async (d) => {
    const [units, areas] = await Promise.all([q.countActiveUnits(d), q.countAreasBelowKecamatan(d)]);
    return { units, areas };
  });
}
