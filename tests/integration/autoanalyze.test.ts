import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { analyzeChangedTables } from '../../src/server/db/autoanalyze.ts';
import { describeEachDb } from '../support/db.ts';

const reltuples = async (db: Parameters<typeof analyzeChangedTables>[0], table: string) =>
  Number((await sql<{ n: number }>`select reltuples as n from pg_class where oid = ${table}::regclass`.execute(db)).rows[0]!.n);

/** Counters of changed rows reach pg_stat_user_tables when a session goes idle, at most once a second unless forced. */
const flushStats = async (db: Parameters<typeof analyzeChangedTables>[0]) => {
  await sql`select pg_stat_force_next_flush()`.execute(db);
  await sql`select 1`.execute(db);
};

describeEachDb('analyzing the tables whose rows changed (the embedded database has no autovacuum)', (get) => {
  const db = () => get().db;

  it('analyzes tables never analyzed, then only those with enough changed rows', async () => {
    // The thresholds are checked on PGlite, what this is for: on PostgreSQL autovacuum may analyze
    // first, and a pool's other connections report their changed rows when they go idle.
    const pglite = get().kind === 'pglite';
    await flushStats(db());
    const first = await analyzeChangedTables(db());
    if (pglite) expect(first).toEqual(expect.arrayContaining(['areas', 'feedback', 'units']));
    expect(await reltuples(db(), 'areas')).toBeGreaterThan(50);
    if (pglite) expect(await analyzeChangedTables(db())).toEqual([]);

    // Fewer changed rows than the threshold (50 + 10 % of the table): left alone.
    const day = (i: number) => `2040-01-${String(i + 1).padStart(2, '0')}`;
    const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ date: day(from + i), kind: 'libur_nasional' as const, name_id: 'Uji', name_en: 'Test', provisional: true }));
    await db().insertInto('holidays').values(rows(0, 5)).execute();
    await flushStats(db());
    if (pglite) expect(await analyzeChangedTables(db())).not.toContain('holidays');

    // Past the threshold: analyzed, and the planner's row count follows.
    const many = Array.from({ length: 120 }, (_, i) => ({ date: `2041-${String(1 + Math.floor(i / 28)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`, kind: 'libur_nasional' as const, name_id: 'Uji', name_en: 'Test', provisional: true }));
    await db().insertInto('holidays').values(many).execute();
    await flushStats(db());
    const analyzed = await analyzeChangedTables(db());
    if (pglite) expect(analyzed).toEqual(['holidays']);
    const { n } = await db().selectFrom('holidays').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(await reltuples(db(), 'holidays')).toBe(Number(n));
  });
});
