/**
 * Evaluation benchmark: how long the measures rollup takes to build from scratch and to keep
 * fresh, how fast the dashboard and a scorecard are computed, and the plans of the queries
 * that touch `feedback` (none may scan the table).
 *
 *   URL=$(PG_STATE_FILE=/tmp/bench.state bash scripts/test-postgres.sh start)
 *   DATABASE_URL=$URL node scripts/db-migrate.ts
 *   DATABASE_URL=$URL node bench/generate.ts --count 1000000 --truncate
 *   DATABASE_URL=$URL node bench/evaluation.ts [--iterations 20]
 *
 * The first step queues every (unit, day) and drains the queue: a full rebuild, what the
 * migration and the worker do on an existing database.
 */
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { openDb } from '../src/server/db/index.ts';
import { countDirty } from '../src/server/evaluation/queries.ts';
import { evaluationDashboard, unitScorecard } from '../src/server/evaluation/service.ts';
import { refreshMeasures } from '../src/server/evaluation/refresh.ts';

const { values } = parseArgs({ options: { iterations: { type: 'string', default: '20' } } });
const iterations = Number(values.iterations);
const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is required (a throwaway benchmark database)');
const { db, close } = await openDb({ databaseUrl: url, dataDir: null });

const ms = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e6;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

try {
  const items = (await sql<{ n: number }>`select count(*)::int as n from feedback`.execute(db)).rows[0]!.n;
  console.log(`# Evaluation benchmark\n\n${items.toLocaleString('en')} feedback items.\n`);

  // bench/generate.ts loads with session_replication_role = replica, so no trigger queued
  // anything: queue every (unit, day) as the migration does for existing data.
  await sql`insert into feedback_answer_deadlines (feedback_id, due_at) select id, answer_due_at from feedback where answer_due_at is not null on conflict do nothing`.execute(db);
  await sql`truncate unit_day_measures`.execute(db);
  await sql`insert into measures_dirty (unit_id, day) select distinct unit_id, ((created_at at time zone 'UTC') + interval '9 hours')::date from feedback where unit_id is not null on conflict do nothing`.execute(db);

  let t = process.hrtime.bigint();
  const queued = await countDirty(db);
  let pairs = 0;
  for (;;) {
    const n = await refreshMeasures(db, { limit: 500 });
    if (n === 0) break;
    pairs += n;
  }
  const build = ms(t);
  const rows = (await sql<{ n: number }>`select count(*)::int as n from unit_day_measures`.execute(db)).rows[0]!.n;
  console.log(`- full rollup build: ${queued} dirty (unit, day) pairs → ${rows} rows in ${(build / 1000).toFixed(1)} s (${Math.round(pairs / (build / 1000))} pairs/s)`);

  // An incremental change: one rating → one pair recomputed.
  const one = (await sql<{ id: number }>`select id from feedback where unit_id is not null and moderation_state = 'published' and first_response_at is not null order by id desc limit 1`.execute(db)).rows[0];
  if (one) {
    await sql`insert into feedback_ratings (feedback_id, score) values (${one.id}, 4) on conflict (feedback_id) do update set score = 4`.execute(db);
    t = process.hrtime.bigint();
    const n = await refreshMeasures(db);
    console.log(`- incremental refresh after one rating: ${n} pair in ${ms(t).toFixed(1)} ms`);
  }

  const dash: number[] = [];
  const card: number[] = [];
  const slug = (await db.selectFrom('units').select('slug').where('short_name', '=', 'Disdukcapil').executeTakeFirstOrThrow()).slug;
  for (let i = 0; i < iterations; i++) {
    t = process.hrtime.bigint();
    await evaluationDashboard(db, { kind: i % 2 ? 'quarter' : 'month', start: null, windowDays: 90 });
    dash.push(ms(t));
    t = process.hrtime.bigint();
    await unitScorecard(db, slug);
    card.push(ms(t));
  }
  console.log(`- /evaluasi data (all sections): median ${pct(dash, 50).toFixed(1)} ms, p95 ${pct(dash, 95).toFixed(1)} ms (${iterations} runs)`);
  console.log(`- /unit/${slug} data: median ${pct(card, 50).toFixed(1)} ms, p95 ${pct(card, 95).toFixed(1)} ms`);

  const plans: Array<[string, ReturnType<typeof sql>]> = [
    ['overdue now', sql`explain select unit_id, count(*) from feedback where first_response_at is null and status in ('assigned','in_progress','reopened') and answer_due_at < now() and moderation_state in ('published','hidden') and unit_id is not null group by unit_id`],
    ['refresh of one (unit, day)', sql`explain select f.id from unnest('{1}'::int[], '{2026-03-02}'::date[]) as d(unit_id, day) join feedback f on f.unit_id = d.unit_id and f.created_at >= ((d.day::timestamp - interval '9 hours') at time zone 'UTC') and f.created_at < (((d.day + 1)::timestamp - interval '9 hours') at time zone 'UTC') where f.moderation_state in ('published','hidden')`],
  ];
  console.log('\n## Plans of the queries that read feedback\n');
  for (const [label, q] of plans) {
    const plan = (await q.execute(db)).rows.map((r) => Object.values(r as object)[0] as string).join('\n');
    const seq = /Seq Scan on feedback/.test(plan);
    console.log(`${label}: ${seq ? 'SEQUENTIAL SCAN (bad)' : 'index only, no scan of feedback'}\n\n\`\`\`\n${plan}\n\`\`\`\n`);
  }
} finally {
  await close();
}
