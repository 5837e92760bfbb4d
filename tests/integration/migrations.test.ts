import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/server/db/index.ts';
import { migrations } from '../../db/migrations/index.ts';
import type { Db } from '../../src/server/db/index.ts';
import { migrateDown, migrateToLatest } from '../../src/server/db/migrate.ts';
import { seedReferenceData } from '../../src/server/reference/seed.ts';
import { DB_KINDS } from '../support/db.ts';
import { createEmptyDb, publicTables, type EmptyDb } from '../support/empty-db.ts';

const FOUNDATION_TABLES = ['areas', 'audit_log', 'outbox', 'password_tokens', 'rate_limits', 'sessions', 'units', 'users'];
const FOUNDATION = '2026-11-27T190000_foundation';
/** Every migration, in the order it runs (later domains add theirs after the foundation). */
const ALL = Object.keys(migrations).sort();

/** Rolls back every applied migration, last first; returns the names in the order undone. */
async function migrateAllDown(db: Db): Promise<string[]> {
  const undone: string[] = [];
  for (let i = 0; i <= ALL.length; i++) {
    const r = await migrateDown(db);
    const names = (r.results ?? []).filter((m) => m.status === 'Success').map((m) => m.migrationName);
    if (names.length === 0) break;
    undone.push(...names);
  }
  return undone;
}

// Expectations come from the CSV files themselves (read here, not through the seeder).
const unitsCsv: Record<string, string>[] = parse(fs.readFileSync('db/seeds/units.csv', 'utf8'), { columns: true, skip_empty_lines: true, trim: true });
const areasCsv: Record<string, string>[] = parse(fs.readFileSync('db/seeds/areas.csv', 'utf8'), { columns: true, skip_empty_lines: true, trim: true });

for (const kind of DB_KINDS) {
  describe(`migrations from an empty database [${kind}]`, () => {
    let t: EmptyDb;
    beforeAll(async () => {
      t = await createEmptyDb(kind);
    });
    afterAll(async () => {
      await t?.close();
    });

    // This test must run first in the suite: it is the one that sees the database empty.
    it('migrateToLatest applies every migration, the foundation first, and creates the foundation tables', async () => {
      expect(await publicTables(t.db)).toEqual([]);
      expect(ALL[0]).toBe(FOUNDATION);
      const r = await migrateToLatest(t.db);
      expect(r.results?.map((m) => [m.migrationName, m.direction, m.status])).toEqual(ALL.map((n) => [n, 'Up', 'Success']));
      const tables = await publicTables(t.db);
      for (const name of FOUNDATION_TABLES) expect(tables).toContain(name);
    });

    it('migrateToLatest on an up-to-date schema does nothing', async () => {
      await migrateToLatest(t.db);
      const r = await migrateToLatest(t.db);
      expect(r.results).toEqual([]);
      const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(t.db);
      expect(applied.rows.map((x) => x.name)).toEqual(ALL);
    });

    it('migrating all the way down removes every table (with data in them), and migrateToLatest brings them back working', async () => {
      await migrateToLatest(t.db);
      await seedReferenceData(t.db);
      await t.db.insertInto('audit_log').values({ actor_label: 'test', action: 'test.before_down', object_type: 'test' }).execute();

      // Each migrateDown undoes exactly the latest one.
      expect(await migrateAllDown(t.db)).toEqual([...ALL].reverse());
      // Only Kysely's own bookkeeping is left: every migration's down() drops what its up() made.
      expect(await publicTables(t.db)).toEqual(['kysely_migration', 'kysely_migration_lock']);
      const fn = await sql<{ n: number }>`select count(*)::int as n from pg_proc where proname = 'audit_log_refuse_change'`.execute(t.db);
      expect(fn.rows[0]?.n).toBe(0);

      const up = await migrateToLatest(t.db);
      expect(up.results?.map((m) => [m.migrationName, m.status])).toEqual(ALL.map((n) => [n, 'Success']));
      const afterUp = await publicTables(t.db);
      for (const name of FOUNDATION_TABLES) expect(afterUp).toContain(name);
      // Fresh tables: the old rows are gone, and the append-only trigger was recreated.
      expect(await t.db.selectFrom('units').select('id').execute()).toEqual([]);
      await t.db.insertInto('audit_log').values({ actor_label: 'test', action: 'test.after_up', object_type: 'test' }).execute();
      await expect(t.db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
    });

    it('reference data: 58 units and 55 areas, seeding twice changes nothing and keeps ids', async () => {
      await migrateToLatest(t.db);
      expect(unitsCsv).toHaveLength(58);
      expect(areasCsv).toHaveLength(55);

      expect(await seedReferenceData(t.db)).toMatchObject({ units: 58, areas: 55 });
      const units1 = await t.db.selectFrom('units').select(['id', 'short_name', 'slug', 'name', 'sector', 'kind']).orderBy('id').execute();
      const areas1 = await t.db.selectFrom('areas').selectAll().orderBy('id').execute();
      expect(units1).toHaveLength(58);
      expect(areas1).toHaveLength(55);

      await seedReferenceData(t.db);
      const units2 = await t.db.selectFrom('units').select(['id', 'short_name', 'slug', 'name', 'sector', 'kind']).orderBy('id').execute();
      const areas2 = await t.db.selectFrom('areas').selectAll().orderBy('id').execute();
      expect(units2).toEqual(units1);
      expect(areas2).toEqual(areas1);

      // Every CSV row is there, by its natural key.
      expect(units1.map((u) => u.short_name).sort()).toEqual(unitsCsv.map((r) => r.short_name).sort());
      expect(areas1.map((a) => a.code).sort()).toEqual(areasCsv.map((r) => r.kemendagri_code).sort());
      expect(new Set(units1.map((u) => u.slug)).size).toBe(58);
    });

    it('reseeding repairs an edited row in place, keeping its id', async () => {
      await migrateToLatest(t.db);
      await seedReferenceData(t.db);
      const before = await t.db.selectFrom('units').selectAll().where('short_name', '=', 'Dindik').executeTakeFirstOrThrow();
      await t.db.updateTable('units').set({ name: 'Nama yang salah', sector: 'umum' }).where('id', '=', before.id).execute();
      await seedReferenceData(t.db);
      const after = await t.db.selectFrom('units').selectAll().where('short_name', '=', 'Dindik').executeTakeFirstOrThrow();
      expect(after).toEqual(before);
      expect(after.name).toBe('Dinas Pendidikan');
    });

    it('every Puskesmas is a unit of the kesehatan sector, and only Puskesmas have kind puskesmas', async () => {
      await migrateToLatest(t.db);
      await seedReferenceData(t.db);
      const puskesmasCsv = unitsCsv.filter((r) => r.short_name!.startsWith('Puskesmas ')).map((r) => r.short_name).sort();
      expect(puskesmasCsv.length).toBe(22);
      const rows = await t.db.selectFrom('units').select(['short_name', 'sector', 'kind']).where('short_name', 'like', 'Puskesmas %').orderBy('short_name').execute();
      expect(rows.map((r) => r.short_name)).toEqual(puskesmasCsv);
      for (const r of rows) expect(r, r.short_name).toMatchObject({ sector: 'kesehatan', kind: 'puskesmas' });
      const kinds = await t.db.selectFrom('units').select(['short_name', 'kind']).where('kind', '=', 'puskesmas').execute();
      expect(kinds).toHaveLength(22);
      const kecamatanUnits = await t.db.selectFrom('units').select('short_name').where('kind', '=', 'kecamatan').execute();
      expect(kecamatanUnits.map((u) => u.short_name).every((n) => n.startsWith('Kecamatan '))).toBe(true);
      expect(kecamatanUnits).toHaveLength(5);
    });

    it('areas: five kecamatan, and every other area belongs to the right one by its code', async () => {
      await migrateToLatest(t.db);
      await seedReferenceData(t.db);
      const nania = await t.db.selectFrom('areas').selectAll().where('code', '=', '81.71.03.2005').executeTakeFirstOrThrow();
      expect(nania).toMatchObject({ name: 'Nania', kind: 'desa', kecamatan_code: '81.71.03' });
      const kec = await t.db.selectFrom('areas').selectAll().where('code', '=', nania.kecamatan_code).executeTakeFirstOrThrow();
      expect(kec).toMatchObject({ name: 'Teluk Ambon Baguala', kind: 'kecamatan', kecamatan_code: '81.71.03' });

      const all = await t.db.selectFrom('areas').selectAll().execute();
      const kecamatan = all.filter((a) => a.kind === 'kecamatan');
      expect(kecamatan.map((a) => a.code).sort()).toEqual(['81.71.01', '81.71.02', '81.71.03', '81.71.04', '81.71.05']);
      const kecByCode = new Map(kecamatan.map((a) => [a.code, a.name]));
      const csvByCode = new Map(areasCsv.map((r) => [r.kemendagri_code!, r]));
      for (const a of all) {
        expect(a.kecamatan_code, a.code).toBe(a.code.slice(0, 8));
        // The CSV names the kecamatan in words: the derived code must point at that kecamatan.
        expect(kecByCode.get(a.kecamatan_code), a.code).toBe(csvByCode.get(a.code)?.kecamatan);
      }
      const counts = Object.fromEntries(['kelurahan', 'desa', 'negeri'].map((k) => [k, all.filter((a) => a.kind === k).length]));
      expect(counts).toEqual({ kelurahan: 20, desa: 8, negeri: 22 });
    });
  });
}

describe.skipIf(!process.env.TEST_DATABASE_URL)('migrations by several processes at once [postgres]', () => {
  let t: EmptyDb;
  beforeAll(async () => {
    t = await createEmptyDb('postgres');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('three pools migrating the same empty database concurrently apply each migration exactly once', async () => {
    const others = await Promise.all([openDb({ databaseUrl: t.url!, dataDir: null }), openDb({ databaseUrl: t.url!, dataDir: null })]);
    try {
      const results = await Promise.all([migrateToLatest(t.db), ...others.map((h) => migrateToLatest(h.db))]);
      const applied = results.flatMap((r) => r.results ?? []).filter((m) => m.status === 'Success');
      expect(applied.map((m) => m.migrationName).sort()).toEqual(ALL);
      const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(t.db);
      expect(rows.rows.map((r) => r.name)).toEqual(ALL);
      for (const name of FOUNDATION_TABLES) expect(await publicTables(t.db)).toContain(name);
      // Concurrent seeding is safe too (upserts on natural keys).
      await Promise.all([seedReferenceData(t.db), ...others.map((h) => seedReferenceData(h.db))]);
      const n = await t.db.selectFrom('units').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(n.n)).toBe(58);
    } finally {
      await Promise.all(others.map((h) => h.close()));
    }
  });
});
