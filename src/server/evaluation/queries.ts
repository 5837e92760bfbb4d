import { sql, type Expression } from 'kysely';
import type { Db } from '../db/index.ts';
import { attendedAsAsn } from '../forums/queries.ts';
import type { CoachingKind, CoachingStatus, CommitmentStatus, FeedbackKind, HandlingStatus, ModerationState } from '../db/schema.ts';
import { emptySums, HIST_BUCKETS, SUM_COLUMNS, type PeriodKind, type Sums } from './measures.ts';

/**
 * Every SQL statement of the evaluation domain. Dashboards read `unit_day_measures` (a few rows
 * per unit and day) and the live overdue index, never the whole feedback table; the refresh
 * reads only the feedback of dirty (unit, day) pairs through feedback_unit_idx.
 *
 * Why it is one file of more than 400 lines: it is a flat list of short, independent statements
 * grouped under section comments, with no logic between them; keeping the domain's SQL in one
 * module is what the rule 'SQL only in queries' (eslint baku/sql-in-queries) points readers to,
 * and the use cases that call it are split by topic instead.
 */

// ---- refresh of the rollup

export interface DirtyPair {
  unit_id: number;
  day: string;
}

/** Takes up to `limit` dirty pairs off the queue (skipping pairs another process holds). */
export async function claimDirty(db: Db, limit: number): Promise<DirtyPair[]> {
  const r = await sql<DirtyPair>`
    delete from measures_dirty
    where (unit_id, day) in (select unit_id, day from measures_dirty order by marked_at, unit_id, day limit ${limit} for update skip locked)
    returning unit_id, day::text as day`.execute(db);
  return r.rows;
}

export async function anyDirty(db: Db): Promise<boolean> {
  const r = await db.selectFrom('measures_dirty').select('unit_id').limit(1).executeTakeFirst();
  return r !== undefined;
}

export async function countDirty(db: Db): Promise<number> {
  const r = await db.selectFrom('measures_dirty').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

export interface ItemFacts {
  unit_id: number;
  day: string;
  kind: FeedbackKind;
  status: HandlingStatus;
  created_at: Date;
  assigned_at: Date | null;
  first_response_at: Date | null;
  due_at: Date | null;
  score: number | null;
  reopened: boolean;
}

/** The counted items received on the given (unit, WIT day) pairs, with what the measures need. */
export async function selectItemFacts(db: Db, pairs: DirtyPair[]): Promise<ItemFacts[]> {
  if (pairs.length === 0) return [];
  const units = `{${pairs.map((p) => p.unit_id).join(',')}}`;
  const days = `{${pairs.map((p) => p.day).join(',')}}`;
  // LATERAL: one index range scan (feedback_unit_idx / feedback_inbox_idx) per pair, whatever
  // the number of pairs; a plain join lets the planner pick a scan of the whole table.
  const r = await sql<ItemFacts>`
    select d.unit_id, d.day::text as day, f.kind, f.status, f.created_at, f.assigned_at, f.first_response_at,
      coalesce(dl.due_at, f.answer_due_at) as due_at, rt.score,
      exists (select 1 from feedback_events e where e.feedback_id = f.id and e.kind = 'reopened') as reopened
    from unnest(${units}::int[], ${days}::date[]) as d(unit_id, day)
    cross join lateral (
      select x.id, x.kind, x.status, x.created_at, x.assigned_at, x.first_response_at, x.answer_due_at
      from feedback x
      where x.unit_id = d.unit_id
        and x.created_at >= ((d.day::timestamp - interval '9 hours') at time zone 'UTC')
        and x.created_at < (((d.day + 1)::timestamp - interval '9 hours') at time zone 'UTC')
        and x.moderation_state in ('published', 'hidden')
      offset 0
    ) f
    left join feedback_answer_deadlines dl on dl.feedback_id = f.id
    left join feedback_ratings rt on rt.feedback_id = f.id`.execute(db);
  return r.rows;
}

/** One value per sum column, keyed by its name (Object.fromEntries forgets the keys; they are exactly SUM_COLUMNS). */
function sumColumns<V>(value: (c: (typeof SUM_COLUMNS)[number]) => V): Record<(typeof SUM_COLUMNS)[number], V> {
  return Object.fromEntries(SUM_COLUMNS.map((c) => [c, value(c)])) as Record<(typeof SUM_COLUMNS)[number], V>;
}

/** Writes the rollup rows of several (unit, day) pairs in one statement. */
export async function upsertDayMeasures(db: Db, rows: Array<{ unit_id: number; day: string; sums: Sums }>): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('unit_day_measures')
    .values(rows.map((r) => ({ unit_id: r.unit_id, day: r.day, ...sumColumns((c) => r.sums[c]), wd_hist: sql<number[]>`${`{${r.sums.wd_hist.join(',')}}`}::int[]` })))
    .onConflict((oc) =>
      oc.columns(['unit_id', 'day']).doUpdateSet({
        ...sumColumns((c) => sql.ref<number>(`excluded.${c}`)),
        wd_hist: sql.ref<number[]>('excluded.wd_hist'),
        refreshed_at: sql<Date>`now()`,
      }),
    )
    .execute();
}

/** Removes the rollup rows of (unit, day) pairs left without items. */
export async function deleteDayMeasures(db: Db, pairs: DirtyPair[]): Promise<void> {
  if (pairs.length === 0) return;
  await sql`delete from unit_day_measures m using unnest(${`{${pairs.map((p) => p.unit_id).join(',')}}`}::int[], ${`{${pairs.map((p) => p.day).join(',')}}`}::date[]) as d(unit_id, day)
    where m.unit_id = d.unit_id and m.day = d.day`.execute(db);
}

export async function selectAllHolidayDates(db: Db): Promise<Set<string>> {
  const rows = await db.selectFrom('holidays').select('date').execute();
  return new Set(rows.map((r) => r.date));
}

// ---- reading the rollup

export interface SumsRow extends Sums {
  unit_id: number | null;
  period: string | null;
}

/**
 * Sums of the rollup over days [from, to), optionally only some units, grouped by unit and/or
 * by month or quarter. Two statements: the scalar sums, and the histogram summed element-wise
 * (unnest ... with ordinality), merged here.
 */
export async function selectSums(
  db: Db,
  opts: { from: string; to: string; unitIds?: readonly number[]; byUnit?: boolean; period?: PeriodKind | null; histogram?: boolean },
): Promise<SumsRow[]> {
  if (opts.unitIds && opts.unitIds.length === 0) return [];
  const scalar = await sumsScalarSql(opts).execute(db);
  // The histogram (for medians) costs an unnest of 32 values per row: skipped when not needed
  // (e.g. city-wide trends over a year, which show no median).
  if (opts.histogram === false) return scalar.rows.map((r) => ({ ...emptySums(), ...r, unit_id: r.unit_id, period: r.period, wd_hist: new Array(HIST_BUCKETS).fill(0) }));
  const hist = await sumsHistSql(opts).execute(db);
  return mergeSums(scalar.rows, hist.rows);
}

type SumsFilter = { from: string; to: string; unitIds?: readonly number[]; byUnit?: boolean; period?: PeriodKind | null };
type HistRow = { unit_id: number | null; period: string | null; i: number; n: number };

function sumsGroups(opts: SumsFilter) {
  return {
    unitExpr: opts.byUnit ? sql`m.unit_id` : sql`null::int`,
    periodExpr: opts.period ? sql`date_trunc(${opts.period}, m.day::timestamp)::date::text` : sql`null::text`,
    unitFilter: opts.unitIds ? sql`and m.unit_id = any(${`{${opts.unitIds.join(',')}}`}::int[])` : sql``,
  };
}

/** The scalar sums of selectSums. */
function sumsScalarSql(opts: SumsFilter) {
  const { unitExpr, periodExpr, unitFilter } = sumsGroups(opts);
  const cols = sql.join(SUM_COLUMNS.map((c) => sql`coalesce(sum(m.${sql.ref(c)}), 0)::int as ${sql.ref(c)}`));
  return sql<Omit<SumsRow, 'wd_hist'>>`
    select ${unitExpr} as unit_id, ${periodExpr} as period, ${cols}
    from unit_day_measures m
    where m.day >= ${opts.from}::date and m.day < ${opts.to}::date ${unitFilter}
    group by 1, 2`;
}

/** The histogram of selectSums, summed element-wise (unnest ... with ordinality), one row per non-zero bucket. */
function sumsHistSql(opts: SumsFilter) {
  const { unitExpr, periodExpr, unitFilter } = sumsGroups(opts);
  return sql<HistRow>`
    select ${unitExpr} as unit_id, ${periodExpr} as period, h.i::int as i, sum(h.n)::int as n
    from unit_day_measures m cross join lateral unnest(m.wd_hist) with ordinality as h(n, i)
    where m.day >= ${opts.from}::date and m.day < ${opts.to}::date ${unitFilter} and h.n > 0
    group by 1, 2, 3`;
}

function mergeSums(scalar: ReadonlyArray<Omit<SumsRow, 'wd_hist'>>, hist: readonly HistRow[]): SumsRow[] {
  const key = (u: number | null, p: string | null) => `${u ?? ''}|${p ?? ''}`;
  const out = new Map<string, SumsRow>();
  for (const r of scalar) {
    const row: SumsRow = { ...emptySums(), ...r, unit_id: r.unit_id, period: r.period };
    row.wd_hist = new Array(HIST_BUCKETS).fill(0);
    out.set(key(r.unit_id, r.period), row);
  }
  for (const h of hist) {
    const row = out.get(key(h.unit_id, h.period));
    if (row && h.i >= 1 && h.i <= HIST_BUCKETS) row.wd_hist[h.i - 1] = h.n;
  }
  return [...out.values()];
}

/** Overdue now, per unit (live; an index-only count on feedback_overdue_unit_idx). */
export async function selectOverdueByUnit(db: Db, now: Date, unitId?: number): Promise<Map<number, number>> {
  // One index-only count per unit through the partial index feedback_overdue_unit_idx
  // (unit_id, answer_due_at), whose predicate the literal conditions match. Counted for all units
  // at once, the planner underestimated the overdue rows (it multiplies the selectivities of
  // correlated conditions: 800 expected, 60,000 on a million items) and read them all through
  // the deadline index instead (300 ms); with the unit fixed, the two-column index always wins.
  const rows = (
    await sql<{ unit_id: number; n: number }>`
      select u.id as unit_id, o.n
      from units u cross join lateral (
        select count(*)::int as n from feedback f
        where f.unit_id = u.id and f.first_response_at is null and f.status in ('assigned','in_progress','reopened')
          and f.moderation_state in ('published','hidden') and f.answer_due_at < ${now}
      ) o
      where o.n > 0 ${unitId === undefined ? sql`` : sql`and u.id = ${unitId}`}`.execute(db)
  ).rows;
  return new Map(rows.map((r) => [r.unit_id, Number(r.n)]));
}

// ---- units

export interface UnitInfo {
  id: number;
  slug: string;
  short_name: string;
  name: string;
  sector: string;
  kind: string;
  active: boolean;
}

export function selectUnits(db: Db): Promise<UnitInfo[]> {
  return db.selectFrom('units').select(['id', 'slug', 'short_name', 'name', 'sector', 'kind', 'active']).orderBy('sector').orderBy('short_name').execute();
}

// ---- coaching actions (read only; the coaching domain owns them)

export interface ActionRow {
  id: number;
  kind: CoachingKind;
  title: string;
  starts_on: string;
  ends_on: string;
  status: CoachingStatus;
  completed_at: Date | null;
  finding_id: number | null;
}

const actionCols = ['coaching_actions.id', 'coaching_actions.kind', 'coaching_actions.title', 'coaching_actions.starts_on', 'coaching_actions.ends_on', 'coaching_actions.status', 'coaching_actions.completed_at', 'coaching_actions.finding_id'] as const;

export function selectCompletedActions(db: Db): Promise<ActionRow[]> {
  return db.selectFrom('coaching_actions').select(actionCols).where('status', '=', 'completed').orderBy('ends_on', 'desc').orderBy('id', 'desc').limit(200).execute();
}

/** (action, unit) pairs of the given actions. */
export function selectActionUnits(db: Db, actionIds: readonly number[]): Promise<Array<{ action_id: number; unit_id: number }>> {
  if (actionIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('coaching_action_units').select(['action_id', 'unit_id']).where('action_id', 'in', actionIds).execute();
}

/** Units targeted by a coaching action (not cancelled) whose dates overlap [from, to]. */
export async function selectCoachedUnitIds(db: Db, from: string, to: string): Promise<Set<number>> {
  const rows = await db
    .selectFrom('coaching_action_units')
    .innerJoin('coaching_actions', 'coaching_actions.id', 'coaching_action_units.action_id')
    .select('coaching_action_units.unit_id')
    .distinct()
    .where('coaching_actions.status', '!=', 'cancelled')
    .where('coaching_actions.starts_on', '<=', to)
    .where('coaching_actions.ends_on', '>=', from)
    .execute();
  return new Set(rows.map((r) => r.unit_id));
}

/** Coaching actions targeting a unit (public scorecard: no participants). */
export function selectActionsForUnit(db: Db, unitId: number): Promise<ActionRow[]> {
  return actionsForUnit(db, unitId).execute();
}

function actionsForUnit(db: Db, unitId: number) {
  return db
    .selectFrom('coaching_actions')
    .innerJoin('coaching_action_units', 'coaching_action_units.action_id', 'coaching_actions.id')
    .select(actionCols)
    .where('coaching_action_units.unit_id', '=', unitId)
    .where('coaching_actions.status', '!=', 'cancelled')
    .orderBy('coaching_actions.starts_on', 'desc')
    .limit(50);
}

export function selectActionsOfFinding(db: Db, findingId: number): Promise<ActionRow[]> {
  return db.selectFrom('coaching_actions').select(actionCols).where('finding_id', '=', findingId).orderBy('starts_on').execute();
}

// ---- forum commitments (read only; the forums domain owns them)

export interface CommitmentRow {
  id: number;
  body_html: string;
  status: CommitmentStatus;
  due_on: string | null;
  forum_slug: string;
  forum_title: string;
  forum_starts_at: Date;
}

export function selectCommitmentsForUnit(db: Db, unitId: number): Promise<CommitmentRow[]> {
  return commitmentsForUnit(db, unitId).execute();
}

function commitmentsForUnit(db: Db, unitId: number) {
  return db
    .selectFrom('forum_commitments')
    .innerJoin('forums', 'forums.id', 'forum_commitments.forum_id')
    .select(['forum_commitments.id', 'forum_commitments.body_html', 'forum_commitments.status', 'forum_commitments.due_on', 'forums.slug as forum_slug', 'forums.title as forum_title', 'forums.starts_at as forum_starts_at'])
    .where('forum_commitments.unit_id', '=', unitId)
    .where('forums.status', '!=', 'draft')
    .orderBy('forums.starts_at', 'desc')
    .limit(50);
}

// ---- the public unit scorecard in one statement

export interface UnitScorecardRows {
  /** Whether the rollup queue had pairs waiting when this was read (the figures may then be stale). */
  dirty: boolean;
  /** The sums of each month in [from, to) that has rollup rows. */
  months: SumsRow[];
  actions: ActionRow[];
  commitments: CommitmentRow[];
  overdue: number;
}

type Json<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };

/**
 * Everything the public scorecard of a unit reads, in ONE statement (on the embedded database
 * each statement costs about 1 ms of CPU whatever it reads): the dirty-queue check, the month
 * sums with their histograms (the same SQL as selectSums; quarters are sums of months), the unit's coaching
 * actions and forum commitments (the same queries as selectActionsForUnit and
 * selectCommitmentsForUnit, aggregated in their order with json_agg), and the overdue count
 * (the same conditions as selectOverdueByUnit, on its partial index). All from one snapshot.
 */
export async function selectUnitScorecard(
  db: Db,
  unitId: number,
  opts: { from: string; to: string; now: Date },
): Promise<UnitScorecardRows> {
  const unitIds = [unitId];
  const arr = (q: Expression<unknown>) => sql`(select coalesce(json_agg(x), '[]'::json) from (${q}) as x)`;
  const r = await sql<{
    dirty: boolean;
    months: Array<Omit<SumsRow, 'wd_hist'>>;
    months_hist: HistRow[];
    actions: Array<Json<ActionRow>>;
    commitments: Array<Json<CommitmentRow>>;
    overdue: number;
  }>`
    select exists (select 1 from measures_dirty) as dirty,
      ${arr(sumsScalarSql({ from: opts.from, to: opts.to, unitIds, period: 'month' }))} as months,
      ${arr(sumsHistSql({ from: opts.from, to: opts.to, unitIds, period: 'month' }))} as months_hist,
      ${arr(actionsForUnit(db, unitId))} as actions,
      ${arr(commitmentsForUnit(db, unitId))} as commitments,
      (select count(*)::int from feedback
        where first_response_at is null and status in ('assigned','in_progress','reopened') and moderation_state in ('published','hidden')
          and unit_id = ${unitId} and answer_due_at < ${opts.now}) as overdue`.execute(db);
  const row = r.rows[0]!;
  const date = (v: string | null) => (v === null ? null : new Date(v));
  return {
    dirty: row.dirty,
    months: mergeSums(row.months, row.months_hist),
    actions: row.actions.map((a) => ({ ...a, completed_at: date(a.completed_at) })),
    commitments: row.commitments.map((c) => ({ ...c, forum_starts_at: new Date(c.forum_starts_at) })),
    overdue: Number(row.overdue),
  };
}

// ---- findings

export interface FindingRow {
  id: number;
  unit_id: number;
  unit_short_name: string;
  unit_slug: string;
  period_kind: PeriodKind;
  period_start: string;
  title: string;
  body_html: string;
  evidence: unknown;
  created_at: Date;
  created_by_name: string | null;
}

function findingsBase(db: Db) {
  return db
    .selectFrom('evaluation_findings')
    .innerJoin('units', 'units.id', 'evaluation_findings.unit_id')
    .leftJoin('users', 'users.id', 'evaluation_findings.created_by')
    .select([
      'evaluation_findings.id',
      'evaluation_findings.unit_id',
      'units.short_name as unit_short_name',
      'units.slug as unit_slug',
      'evaluation_findings.period_kind',
      'evaluation_findings.period_start',
      'evaluation_findings.title',
      'evaluation_findings.body_html',
      'evaluation_findings.evidence',
      'evaluation_findings.created_at',
      'users.display_name as created_by_name',
    ]);
}

export function selectFinding(db: Db, id: number): Promise<FindingRow | undefined> {
  return findingsBase(db).where('evaluation_findings.id', '=', id).executeTakeFirst() as Promise<FindingRow | undefined>;
}

export async function selectFindings(db: Db, limit = 50): Promise<Array<FindingRow & { followups: number }>> {
  const rows = (await findingsBase(db)
    .select((eb) => eb.selectFrom('coaching_actions').select(eb.fn.countAll<number>().as('n')).whereRef('coaching_actions.finding_id', '=', 'evaluation_findings.id').as('followups'))
    .orderBy('evaluation_findings.created_at', 'desc')
    .limit(limit)
    .execute()) as Array<FindingRow & { followups: number }>;
  return rows.map((r) => ({ ...r, followups: Number(r.followups) }));
}

export async function insertFinding(
  db: Db,
  f: { unit_id: number; period_kind: PeriodKind; period_start: string; title: string; body_md: string; body_html: string; evidence: unknown; created_by: string | null },
  feedbackIds: readonly number[],
): Promise<number> {
  const row = await db
    .insertInto('evaluation_findings')
    .values({ ...f, evidence: JSON.stringify(f.evidence) })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (feedbackIds.length) await db.insertInto('evaluation_finding_feedback').values(feedbackIds.map((feedback_id) => ({ finding_id: row.id, feedback_id }))).execute();
  return row.id;
}

/** Feedback cited by a finding: number, kind, status, date (titles are for staff; see the page). */
export function selectFindingFeedback(db: Db, findingId: number) {
  return db
    .selectFrom('evaluation_finding_feedback')
    .innerJoin('feedback', 'feedback.id', 'evaluation_finding_feedback.feedback_id')
    .select(['feedback.id', 'feedback.title', 'feedback.kind', 'feedback.status', 'feedback.created_at', 'feedback.unit_id', 'feedback.moderation_state'])
    .where('evaluation_finding_feedback.finding_id', '=', findingId)
    .orderBy('feedback.id')
    .execute();
}

/** Which of these feedback ids exist, are counted (published/hidden) and belong to the unit. */
export async function selectCountedFeedbackIds(db: Db, unitId: number, ids: readonly number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('feedback')
    .select('id')
    .where('id', 'in', ids)
    .where('unit_id', '=', unitId)
    .where('moderation_state', 'in', ['published', 'hidden'])
    .execute();
  return new Set(rows.map((r) => r.id));
}

// ---- exports

export interface FeedbackExportRow {
  id: number;
  created_at: Date;
  kind: FeedbackKind;
  unit: string | null;
  sector: string | null;
  kecamatan: string | null;
  status: HandlingStatus;
  moderation_state: ModerationState;
  first_response_at: Date | null;
  answer_due_at: Date | null;
  support_count: number;
  rating: number | null;
}

/**
 * One page of the feedback export (keyset on id), received in [from, to). Selects only the
 * exported columns: no title, body, names, contact, tracking code, author or officer named.
 */
export function selectFeedbackExportPage(db: Db, opts: { from: Date; to: Date; afterId: number; limit: number }): Promise<FeedbackExportRow[]> {
  return db
    .selectFrom('feedback')
    .leftJoin('units', 'units.id', 'feedback.unit_id')
    .leftJoin('areas', (j) => j.onRef('areas.code', '=', 'feedback.kecamatan_code').on('areas.kind', '=', 'kecamatan'))
    .leftJoin('feedback_answer_deadlines', 'feedback_answer_deadlines.feedback_id', 'feedback.id')
    .leftJoin('feedback_ratings', 'feedback_ratings.feedback_id', 'feedback.id')
    .select([
      'feedback.id',
      'feedback.created_at',
      'feedback.kind',
      'units.short_name as unit',
      sql<string | null>`coalesce(feedback.sector, units.sector)`.as('sector'),
      'areas.name as kecamatan',
      'feedback.status',
      'feedback.moderation_state',
      'feedback.first_response_at',
      sql<Date | null>`coalesce(feedback.answer_due_at, feedback_answer_deadlines.due_at)`.as('answer_due_at'),
      'feedback.support_count',
      'feedback_ratings.score as rating',
    ])
    .where('feedback.id', '>', opts.afterId)
    .where('feedback.created_at', '>=', opts.from)
    .where('feedback.created_at', '<', opts.to)
    .orderBy('feedback.id')
    .limit(opts.limit)
    .execute();
}

// ---- comparison units and event studies

/**
 * The first day each unit was (or is planned to be) coached: the earliest start of a coaching
 * action targeting it that was not cancelled. Units never coached are absent.
 */
export async function selectFirstCoachedOn(db: Db): Promise<Map<number, string>> {
  const rows = await db
    .selectFrom('coaching_action_units')
    .innerJoin('coaching_actions', 'coaching_actions.id', 'coaching_action_units.action_id')
    .select(['coaching_action_units.unit_id', sql<string>`min(coaching_actions.starts_on)::text`.as('first')])
    .where('coaching_actions.status', '!=', 'cancelled')
    .groupBy('coaching_action_units.unit_id')
    .execute();
  return new Map(rows.map((r) => [r.unit_id, r.first]));
}

/** One completed action by id (the evaluation's per-action page). */
export function selectCompletedAction(db: Db, id: number): Promise<ActionRow | undefined> {
  return db.selectFrom('coaching_actions').select(actionCols).where('id', '=', id).where('status', '=', 'completed').executeTakeFirst();
}

// ---- an ASN person's evidence record (SKP)

export function selectEvidencePerson(db: Db, userId: string) {
  return db
    .selectFrom('users')
    .leftJoin('units', 'units.id', 'users.unit_id')
    .select(['users.id', 'users.display_name', 'users.unit_id', 'users.disabled_at', 'units.short_name as unit_short_name', 'units.name as unit_name'])
    .where('users.id', '=', userId)
    .where('users.role', '=', 'asn')
    .executeTakeFirst();
}

/** Coaching the person takes part in whose dates overlap [from, to] (WIT dates, inclusive), with their report. */
export function selectEvidenceCoaching(db: Db, userId: string, from: string, to: string) {
  return db
    .selectFrom('coaching_participants as p')
    .innerJoin('coaching_actions as a', 'a.id', 'p.action_id')
    .leftJoin('coaching_progress_reports as r', (j) => j.onRef('r.action_id', '=', 'p.action_id').onRef('r.user_id', '=', 'p.user_id'))
    .select(['a.id', 'a.kind', 'a.title', 'a.status', 'a.starts_on', 'a.ends_on', 'p.attendance_confirmed_at', 'r.learned_md', 'r.learned_html', 'r.changed_md', 'r.changed_html', 'r.created_at as report_created_at', 'r.updated_at as report_updated_at'])
    .where('p.user_id', '=', userId)
    .where('a.status', '!=', 'cancelled')
    .where('a.starts_on', '<=', to)
    .where('a.ends_on', '>=', from)
    .orderBy('a.starts_on')
    .orderBy('a.id')
    .execute();
}

/** Forums the person attended as ASN (checked in) that took place in [from, to). */
export function selectEvidenceForums(db: Db, userId: string, from: Date, to: Date) {
  return attendedAsAsn(db, userId)
    .where('forums.starts_at', '>=', from)
    .where('forums.starts_at', '<', to)
    .orderBy('forums.starts_at')
    .execute();
}

export interface EvidenceAnswerRow {
  event_id: number;
  at: Date;
  feedback_id: number;
  kind: FeedbackKind;
  unit_short_name: string | null;
  received_at: Date;
  first_response_at: Date | null;
  due_at: Date | null;
  score: number | null;
}

/**
 * Official answers the person gave in [from, to) (at most `limit`, oldest first), with what
 * their timeliness and rating need: the item's first answer and the deadline in force then
 * (feedback_answer_deadlines, captured on answering), and the reporter's rating. No titles or
 * texts: the record is printed and shared for the appraisal.
 */
export function selectEvidenceAnswers(db: Db, userId: string, from: Date, to: Date, limit: number): Promise<EvidenceAnswerRow[]> {
  return db
    .selectFrom('feedback_events as e')
    .innerJoin('feedback as f', 'f.id', 'e.feedback_id')
    .leftJoin('units', 'units.id', 'f.unit_id')
    .leftJoin('feedback_answer_deadlines as dl', 'dl.feedback_id', 'f.id')
    .leftJoin('feedback_ratings as rt', 'rt.feedback_id', 'f.id')
    .select([
      'e.id as event_id',
      'e.at',
      'f.id as feedback_id',
      'f.kind',
      'units.short_name as unit_short_name',
      'f.created_at as received_at',
      'f.first_response_at',
      sql<Date | null>`coalesce(dl.due_at, f.answer_due_at)`.as('due_at'),
      'rt.score',
    ])
    .where('e.actor_id', '=', userId)
    .where('e.kind', '=', 'response')
    .where('e.at', '>=', from)
    .where('e.at', '<', to)
    .orderBy('e.at')
    .orderBy('e.id')
    .limit(limit)
    .execute() as Promise<EvidenceAnswerRow[]>;
}
