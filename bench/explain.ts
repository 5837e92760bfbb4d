/**
 * EXPLAIN (ANALYZE, BUFFERS) of the board query as the app builds it (selectBoardPage), for
 * checking an index or query change against the benchmark data.
 *
 *   DATABASE_URL=postgres://... node bench/explain.ts '{"filter":{"q":"jalan"}}' '{"filter":{"sector":"kesehatan"},"sort":"support"}'
 *   PLAN=short ...   # only the scan/sort lines and the timings
 *
 * Each argument is {filter?: BoardFilter, sort?: 'new'|'support'|'waiting', after?: BoardCursor}.
 * The query runs 5 times first (timings printed), then once under EXPLAIN.
 */
import { type CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import type { Database } from '../src/server/db/schema.ts';
import { selectBoardPage } from '../src/server/feedback/queries.ts';
import { newPool } from './lib.ts';

const url = process.env.DATABASE_URL;
if (!url) {
  process.stderr.write('DATABASE_URL is required\n');
  process.exit(2);
}
const pool = newPool(url, 2);
const captured: CompiledQuery[] = [];
const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: (e) => void (e.level === 'query' && captured.push(e.query)) });
try {
  for (const arg of process.argv.slice(2)) {
    const c = JSON.parse(arg) as { filter?: Parameters<typeof selectBoardPage>[1]; sort?: Parameters<typeof selectBoardPage>[2]; after?: Parameters<typeof selectBoardPage>[3] };
    captured.length = 0;
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await selectBoardPage(db, c.filter ?? {}, c.sort ?? 'new', c.after ?? null, 21);
      times.push(performance.now() - t);
    }
    const q = captured[0]!;
    const r = await pool.query(`explain (analyze, buffers) ${q.sql}`, q.parameters as unknown[]);
    const lines = r.rows.map((x: Record<string, string>) => x['QUERY PLAN']!);
    console.log(`=== ${arg}  (5 runs: ${times.map((t) => t.toFixed(1)).join(', ')} ms)`);
    console.log((process.env.PLAN === 'short' ? lines.filter((l) => /Execution Time|Planning Time|Scan|Sort|Bitmap|Limit|Filter|Rows Removed/.test(l)) : lines).join('\n'));
    if (process.env.PLAN !== 'short') console.log(`-- parameters: ${JSON.stringify(q.parameters)}`);
    console.log();
  }
} finally {
  await db.destroy();
}
