import type { Db } from '../db/index.ts';
import * as q from './queries.ts';

/** Counts shown on the home page. */
export async function referenceCounts(db: Db): Promise<{ units: number; areas: number }> {
  const [units, areas] = await Promise.all([q.countActiveUnits(db), q.countAreasBelowKecamatan(db)]);
  return { units, areas };
}
