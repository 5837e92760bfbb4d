import { afterEach, expect, it, vi } from 'vitest';
import { openDb } from '../../src/server/db/index.ts';
import { unitScorecard } from '../../src/server/evaluation/service.ts';
import { formOptions } from '../../src/server/feedback/service.ts';
import { cachedReference, invalidateReferenceData, REFERENCE_TTL_MS } from '../../src/server/reference/cache.ts';
import { seedReferenceData } from '../../src/server/reference/seed.ts';
import { referenceCounts } from '../../src/server/reference/service.ts';
import { describeEachDb, describePostgres } from '../support/db.ts';

/**
 * The staleness contract of src/server/reference/cache.ts: reference data read by public pages is
 * kept per process; the process that loads db/seeds sees the change at once, others within
 * REFERENCE_TTL_MS. "Another process" writing is played by SQL sent past the cache.
 */
afterEach(() => {
  vi.useRealTimers();
});

/** Moves this process's clock past the cache's lifetime (only Date: the drivers' timers run on). */
function pastTtl(): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.now() + REFERENCE_TTL_MS + 1000);
}

describeEachDb('reference data cache', (get) => {
  const db = () => get().db;

  it('keeps the counts until invalidated or until the lifetime has passed', async () => {
    invalidateReferenceData(db());
    const before = await referenceCounts(db());
    expect(before.units).toBeGreaterThan(1);
    const unit = await db().selectFrom('units').select(['id']).where('active', '=', true).orderBy('id').executeTakeFirstOrThrow();
    await db().updateTable('units').set({ active: false }).where('id', '=', unit.id).execute();
    try {
      // Within the lifetime a change made elsewhere is not seen yet (the stated staleness)...
      expect(await referenceCounts(db())).toEqual(before);
      // ...and it is once this process is told (a seed here) or the lifetime has passed.
      invalidateReferenceData(db());
      expect((await referenceCounts(db())).units).toBe(before.units - 1);
      await db().updateTable('units').set({ active: true }).where('id', '=', unit.id).execute();
      expect((await referenceCounts(db())).units).toBe(before.units - 1);
      pastTtl();
      expect(await referenceCounts(db())).toEqual(before);
    } finally {
      await db().updateTable('units').set({ active: true }).where('id', '=', unit.id).execute();
      invalidateReferenceData(db());
    }
  });

  it('loading db/seeds drops the cached units and areas of this process at once', async () => {
    const unit = await db().selectFrom('units').select(['id', 'name', 'slug']).orderBy('id').executeTakeFirstOrThrow();
    await db().updateTable('units').set({ name: 'Nama dari proses lain' }).where('id', '=', unit.id).execute();
    invalidateReferenceData(db());
    expect((await formOptions(db())).units.find((u) => u.id === unit.id)?.name).toBe('Nama dari proses lain');
    expect((await unitScorecard(db(), unit.slug))?.unit.name).toBe('Nama dari proses lain');
    // The seed writes the name from db/seeds back and invalidates: no lifetime to wait for.
    await seedReferenceData(db());
    expect((await formOptions(db())).units.find((u) => u.id === unit.id)?.name).toBe(unit.name);
    expect((await unitScorecard(db(), unit.slug))?.unit.name).toBe(unit.name);
  });

  it('the unit scorecard finds units by slug through the cache, and answers null for an unknown one', async () => {
    const unit = await db().selectFrom('units').select(['id', 'slug']).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect((await unitScorecard(db(), unit.slug))?.unit.id).toBe(unit.id);
    expect(await unitScorecard(db(), 'tidak-ada-unit-ini')).toBeNull();
  });

  it('shares one load between concurrent callers and keeps no failed load', async () => {
    invalidateReferenceData(db());
    let loads = 0;
    const load = async () => {
      loads++;
      return loads;
    };
    const [a, b] = await Promise.all([cachedReference(db(), 'test.shared', load), cachedReference(db(), 'test.shared', load)]);
    expect([a, b, loads]).toEqual([1, 1, 1]);
    await expect(cachedReference(db(), 'test.failing', () => Promise.reject(new Error('database away')))).rejects.toThrow('database away');
    expect(await cachedReference(db(), 'test.failing', async () => 'loaded')).toBe('loaded');
    invalidateReferenceData(db());
  });
});

describePostgres('reference data cache across processes', (get) => {
  it("another process's seed reaches this one within the lifetime", async () => {
    const here = get().db;
    const other = await openDb({ databaseUrl: get().url!, dataDir: null, poolSize: 1 });
    const unit = await here.selectFrom('units').select(['id', 'name']).orderBy('id').executeTakeFirstOrThrow();
    try {
      await here.updateTable('units').set({ name: 'Nama lama' }).where('id', '=', unit.id).execute();
      invalidateReferenceData(here);
      expect((await formOptions(here)).units.find((u) => u.id === unit.id)?.name).toBe('Nama lama');
      await seedReferenceData(other.db); // the other process starts with db/seeds
      expect((await formOptions(here)).units.find((u) => u.id === unit.id)?.name).toBe('Nama lama');
      pastTtl();
      expect((await formOptions(here)).units.find((u) => u.id === unit.id)?.name).toBe(unit.name);
    } finally {
      await other.close();
      invalidateReferenceData(here);
    }
  });
});
