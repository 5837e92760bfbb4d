/**
 * The slowest board queries among random filter combinations (as scenario b), search terms
 * (as scenario d), or filters that always include a status (`status`: the combinations where a
 * status's uneven spread along the listing's order matters): each runs twice, the second time is
 * kept; the worst are listed with their plan's scan lines. For finding which index a
 * combination lacks.
 *
 *   DATABASE_URL=postgres://... node bench/worst.ts [filters|search|status] [count=300] [top=12]
 */
import { type CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import type { Database } from '../src/server/db/schema.ts';
import { type BoardFilter, type BoardSort, selectBoardPage } from '../src/server/feedback/queries.ts';
import { KIND_ORDER, SEARCH_TERMS, SECTOR_ORDER } from './corpus.ts';
import { newPool } from './lib.ts';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is required');
const [mode = 'filters', countArg = '300', topArg = '12'] = process.argv.slice(2);
const pool = newPool(url, 2);
const captured: CompiledQuery[] = [];
const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: (e) => void (e.level === 'query' && captured.push(e.query)) });
let seed = 7;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
const KEC = ['81.71.01', '81.71.02', '81.71.03', '81.71.04', '81.71.05'];
const STATUSES = ['received', 'assigned', 'in_progress', 'responded', 'resolved', 'closed', 'reopened'] as const;
const units = (await pool.query<{ id: number }>(`select id from units where active order by id`)).rows.map((r) => r.id);

function make(): { filter: BoardFilter; sort: BoardSort } {
  const f: BoardFilter = {};
  if (mode === 'search') {
    f.q = pick(SEARCH_TERMS).q;
    const r = rand();
    if (r < 0.15) f.kecamatan = pick(KEC);
    else if (r < 0.25) f.sector = pick(SECTOR_ORDER) as BoardFilter['sector'];
    return { filter: f, sort: 'new' };
  }
  const r = rand();
  if (r < 0.15) f.unitId = pick(units);
  else if (r < 0.8) f.sector = pick(SECTOR_ORDER) as BoardFilter['sector'];
  if (rand() < 0.5) f.kecamatan = pick(KEC);
  if (rand() < 0.4) f.kind = pick(KIND_ORDER) as BoardFilter['kind'];
  if (mode === 'status' || rand() < 0.12) f.status = pick(STATUSES);
  const s = rand();
  if (!f.unitId && !f.sector && !f.kind && !f.status) f.kecamatan ??= pick(KEC);
  return { filter: f, sort: s < 0.45 ? 'support' : s < 0.6 ? 'waiting' : 'new' };
}

const results: { arg: string; ms: number; sql: CompiledQuery[] }[] = [];
try {
  for (let i = 0; i < Number(countArg); i++) {
    const c = make();
    await selectBoardPage(db, c.filter, c.sort, null, 21);
    captured.length = 0;
    const t = performance.now();
    await selectBoardPage(db, c.filter, c.sort, null, 21);
    results.push({ arg: JSON.stringify(c), ms: performance.now() - t, sql: [...captured] });
  }
  results.sort((a, b) => b.ms - a.ms);
  const all = results.map((r) => r.ms).sort((a, b) => a - b);
  const p = (q: number) => all[Math.min(all.length - 1, Math.floor(q * all.length))]!.toFixed(1);
  console.log(`${results.length} cases: p50 ${p(0.5)} p95 ${p(0.95)} p99 ${p(0.99)} max ${p(1)} ms`);
  for (const r of results.slice(0, Number(topArg))) {
    console.log(`\n=== ${r.ms.toFixed(1)} ms  ${r.arg}  (${r.sql.length} queries)`);
    // Replayed in one transaction, so that `set local` statements apply to the queries after them.
    const client = await pool.connect();
    try {
      await client.query('begin');
      for (const q of r.sql) {
        if (!/^select/i.test(q.sql)) {
          await client.query(q.sql, q.parameters as unknown[]);
          continue;
        }
        const plan = (await client.query(`explain (analyze, buffers) ${q.sql}`, q.parameters as unknown[])).rows.map((x: Record<string, string>) => x['QUERY PLAN']!);
        console.log(plan.filter((l) => /Execution Time|Scan|Sort Method|Rows Removed|Index Cond| {2}Filter|^Limit|^Sort|^Nested|^Hash|^ {2}Buffers/.test(l)).join('\n'));
      }
    } finally {
      await client.query('rollback');
      client.release();
    }
  }
} finally {
  await db.destroy();
}
