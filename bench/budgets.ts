/**
 * The product's other budgets, measured through the app's own service functions (the database
 * work and the Node code around it, no HTTP): the similar-feedback suggestion on the form, the
 * evaluation dashboard and a unit scorecard, submitting feedback, supporting an item and
 * registering for a forum. Used by bench/run.ts (`--only sql`); the functions are imported from
 * the snapshot the benchmark serves, so a what-if patch applies here too.
 *
 * The write paths leave their rows behind on the benchmark database: pending feedback (not on
 * the board), supports of published items, bench users (`bench.*@contoh.id`) and one forum per
 * run. The evaluation rollup is completed first (bench/generate.ts loads without
 * the triggers that queue it), like bench/evaluation.ts does.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../src/server/db/schema.ts';
import { log, type Summary, summarize } from './lib.ts';
import { SEARCH_TERMS } from './corpus.ts';

export interface BudgetCase {
  title: string;
  /** p95 budget in ms. */
  budget: number;
  summary: Summary | null;
  error?: string;
}

type AnyFn = (...args: any[]) => Promise<any>;

/** Fails the measurement when a use case refused (a refusal would be timed as a fast answer). */
function ok<T>(r: T): T {
  const x = r as { ok?: boolean; errors?: unknown } | null;
  if (!x || x.ok !== true) throw new Error(`refused: ${JSON.stringify(x?.errors ?? x)}`);
  return r;
}

/** Runs `run(i)` `n` times after 3 warm-ups (i keeps counting), one at a time. */
async function time(n: number, run: (i: number) => Promise<unknown>): Promise<Summary> {
  const times: number[] = [];
  for (let i = 0; i < n + 3; i++) {
    const t = performance.now();
    await run(i);
    if (i >= 3) times.push(performance.now() - t);
  }
  return summarize(times);
}

export async function measureBudgets(db: Kysely<Database>, appDir: string, iterations: number): Promise<BudgetCase[]> {
  const load = (rel: string) => import(pathToFileURL(path.join(appDir, rel)).href) as Promise<Record<string, AnyFn>>;
  const out: BudgetCase[] = [];
  const attempt = async (title: string, budget: number, f: () => Promise<Summary>) => {
    log(`budget: ${title}`);
    try {
      const summary = await f();
      out.push({ title, budget, summary });
      log(`  p50 ${summary.p50.toFixed(1)} p95 ${summary.p95.toFixed(1)} ms`);
    } catch (e) {
      out.push({ title, budget, summary: null, error: (e as Error).message.slice(0, 200) });
      log(`  failed: ${(e as Error).message}`);
    }
  };
  // A domain's use cases live in several modules (split by topic): gather the ones measured here.
  const loadAll = async (...rels: string[]) => Object.assign({}, ...(await Promise.all(rels.map(load)))) as Record<string, AnyFn>;
  const feedback = await loadAll('src/server/feedback/board.ts', 'src/server/feedback/submission.ts', 'src/server/feedback/tracking.ts');
  const evaluation = await loadAll('src/server/evaluation/service.ts', 'src/server/evaluation/refresh.ts');
  const forums = await loadAll('src/server/forums/service.ts', 'src/server/forums/schedule.ts');
  const registration = await load('src/server/forums/registration.ts');
  const accounts = await load('src/server/accounts/queries.ts');
  const config = await load('src/server/config.ts');
  const cfg = (config.parseConfig as unknown as (x: object) => { handling: unknown; session: unknown })({});
  const run = randomBytes(3).toString('hex');
  const units = (await db.selectFrom('units').select(['id', 'slug', 'short_name']).where('active', '=', true).orderBy('id').execute()) as { id: number; slug: string; short_name: string }[];
  const busiest = (await sql<{ unit_id: number }>`select unit_id from feedback where unit_id is not null group by 1 order by count(*) desc limit 1`.execute(db)).rows[0]?.unit_id ?? units[0]!.id;

  // Titles a resident would type: real titles of published items (the suggestion's common case,
  // many trigram neighbours), shortened or extended, and words from the search corpus.
  const titles = (await sql<{ title: string; unit_id: number | null }>`
      select title, unit_id from feedback where moderation_state = 'published' and not confidential and id % 997 = 0 order by id limit 60`.execute(db)).rows;
  const typed = titles.map((t, i) => ({
    title: i % 3 === 0 ? t.title.slice(0, Math.max(8, Math.floor(t.title.length * 0.7))) : i % 3 === 1 ? `${t.title} ${SEARCH_TERMS[i % SEARCH_TERMS.length]!.q.replaceAll('"', '')}` : t.title,
    unit: i % 4 === 3 || t.unit_id === null ? undefined : String(t.unit_id),
  }));
  await attempt('similar-feedback suggestion (similarFeedback, typed titles, with/without unit)', 100, () =>
    // Fewer runs: on the generated data (titles composed from phrase lists, so many near-duplicates)
    // one suggestion can take seconds; 200 of them would hold up the run.
    time(Math.min(iterations, 20), (i) => feedback.similarFeedback!(db, typed[i % typed.length]!)),
  );

  // The evaluation rollup must be complete and its queue empty before the dashboards are timed:
  // bench/generate.ts loads without the triggers that queue (unit, day) pairs, and while the
  // server ran, its worker refreshed only the pairs its own jobs queued (autoclose), so the rollup
  // may be empty or partial. Every (unit, day) with feedback but no rollup row is queued, and the
  // queue is drained; on a complete rollup this costs one scan of feedback. Otherwise the timed
  // calls would do the refresh work themselves (ensureFresh), which is not what a view costs.
  if (typeof evaluation.refreshMeasures === 'function') {
    const t = performance.now();
    await sql`insert into feedback_answer_deadlines (feedback_id, due_at) select id, answer_due_at from feedback where answer_due_at is not null on conflict do nothing`.execute(db);
    const queued = await sql`
      insert into measures_dirty (unit_id, day)
      select distinct f.unit_id, ((f.created_at at time zone 'UTC') + interval '9 hours')::date
      from feedback f
      where f.unit_id is not null
        and not exists (select 1 from unit_day_measures m where m.unit_id = f.unit_id and m.day = ((f.created_at at time zone 'UTC') + interval '9 hours')::date)
      on conflict do nothing`.execute(db);
    const waiting = (await sql<{ n: number }>`select count(*)::int as n from measures_dirty`.execute(db)).rows[0]!.n;
    if (waiting > 0) {
      log(`budget: completing the evaluation rollup first (${Number(queued.numAffectedRows ?? 0)} pairs missing, ${waiting} queued)`);
      while ((await evaluation.refreshMeasures(db, { limit: 500 })) > 0);
      log(`  rollup completed in ${((performance.now() - t) / 1000).toFixed(0)} s`);
    }
  }
  await attempt('evaluation dashboard (/evaluasi data: evaluationDashboard, month and quarter)', 100, () =>
    time(Math.min(iterations, 40), (i) => evaluation.evaluationDashboard!(db, { kind: i % 2 ? 'quarter' : 'month', start: null, windowDays: 90 })),
  );
  const bigSlug = units.find((u) => u.id === busiest)?.slug ?? units[0]!.slug;
  await attempt(`unit scorecard (/unit/<slug> data: unitScorecard, busiest unit and others)`, 100, () =>
    time(Math.min(iterations, 40), (i) => evaluation.unitScorecard!(db, i % 2 ? bigSlug : units[i % units.length]!.slug)),
  );

  // People: residents for supports and registrations, a moderator to schedule the forum.
  const people = async (role: string, n: number) => {
    const rows = [];
    for (let i = 0; i < n; i++) {
      const r = await accounts.insertUser!(db, {
        email: `bench.${role}.${run}.${i}@contoh.id`,
        display_name: `Bench ${role} ${i}`,
        password_hash: null,
        role,
        unit_id: null,
        disabled_at: null,
        password_changed_at: null,
        last_sign_in_at: null,
      });
      const user = { id: r.id, email: r.email, displayName: r.display_name, role: r.role, unitId: r.unit_id, unitShortName: null, unitSlug: null, locale: r.locale };
      rows.push({ user, actor: { id: r.id, label: `${r.display_name} <${r.email}>`, ip: '127.0.0.1' } });
    }
    return rows;
  };
  const n = iterations + 3;
  const residents = await people('resident', n);
  const ctx = (i: number) => ({
    ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    userAgent: null,
    locale: 'id',
    sessionPolicy: cfg.session,
    publicUrl: 'http://localhost:4321',
    rules: cfg.handling,
  });
  const sample = (await sql<{ body_md: string; title: string; unit_id: number | null; area_id: number | null }>`
      select title, body_md, unit_id, area_id from feedback where id % 1009 = 0 and unit_id is not null order by id limit 50`.execute(db)).rows;
  await attempt('submit feedback (submitFeedback, no photos, with contact email: receipt queued)', 50, () =>
    time(iterations, async (i) => {
      const s = sample[i % sample.length]!;
      return ok(await feedback.submitFeedback!(
        db,
        ctx(1000 + i),
        i % 2 ? residents[i]!.user : null,
        {
          kind: 'keluhan',
          unit: String(s.unit_id),
          area: s.area_id ? String(s.area_id) : '',
          title: s.title,
          body: s.body_md,
          submissionKey: `bench${run}${String(i).padStart(6, '0')}`.padEnd(26, '0').slice(0, 26),
          contactEmail: i % 2 ? '' : `warga.${run}.${i}@contoh.id`,
        },
        [],
        { save: async () => '', remove: async () => {}, read: async () => null },
      ));
    }),
  );

  const targets = (await sql<{ id: number }>`
      select id from feedback where moderation_state = 'published' and not confidential and status not in ('resolved','closed') order by created_at desc limit 50`.execute(db)).rows.map((r) => r.id);
  await attempt('support an item (supportFeedback, a different person each time)', 10, () => time(iterations, async (i) => ok(await feedback.supportFeedback!(db, residents[i]!.user, targets[i % targets.length]!))));

  const [mod] = await people('moderator', 1);
  const now = new Date();
  const wit = (d: Date) => new Date(d.getTime() + 9 * 3600_000).toISOString().slice(0, 16);
  const starts = new Date(now.getTime() + 10 * 86_400_000);
  const created = await forums.createForum!(db, { user: mod!.user, actor: mod!.actor, publicUrl: 'http://localhost:4321' }, {
    title: `Forum Dialog Publik bench ${run}`,
    description: 'Forum bulanan warga bersama perangkat daerah.',
    starts_at: wit(starts),
    ends_at: wit(new Date(starts.getTime() + 2 * 3600_000)),
    venue: 'Aula Balai Kota Ambon',
    address: 'Jl. Sultan Khairun No. 1',
    mode: 'in_person',
    online_url: '',
    capacity: String(Math.floor(n / 2)),
    reserved_asn: '0',
    registration_opens_at: wit(new Date(now.getTime() - 86_400_000)),
    registration_closes_at: wit(starts),
    unit_ids: [String(busiest)],
  });
  if (!created.ok) throw new Error(`could not schedule the bench forum: ${JSON.stringify(created.errors)}`);
  await forums.publishForum!(db, { user: mod!.user, actor: mod!.actor, publicUrl: 'http://localhost:4321' }, created.value.id);
  await attempt('forum registration (registerForForum: seats, then waitlist)', 50, () =>
    time(iterations, async (i) => ok(await registration.registerForForum!(db, { user: residents[i]!.user, actor: residents[i]!.actor, publicUrl: 'http://localhost:4321' }, created.value.id))),
  );
  return out;
}
