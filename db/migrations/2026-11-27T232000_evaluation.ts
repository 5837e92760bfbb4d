import { type Kysely, sql } from 'kysely';

/**
 * Evaluation measures, kept as a daily rollup per unit so that dashboards, scorecards and
 * before/after windows read a few thousand small rows, never the feedback table.
 *
 * - `unit_day_measures`: one row per (unit, WIT day the feedback was received) holding counts
 *   (received by kind, answered, answered on time, resolved, reopened), the sum and count of
 *   ratings, and a histogram of working days to the first answer (`wd_hist[1..31]` = 0..30
 *   working days, `wd_hist[32]` = more than 30), so medians over any set of days, units or
 *   sectors come from the rollup. What each count means is written in
 *   src/server/evaluation/measures.ts.
 * - `measures_dirty`: the (unit, day) pairs whose row must be recomputed. Filled by triggers on
 *   feedback, feedback_ratings, feedback_events ('reopened') and holidays; emptied by the
 *   refresh job (worker, and pages before they read).
 * - `feedback_answer_deadlines`: the first-answer deadline in force for each item, captured by a
 *   trigger whenever feedback.answer_due_at is set (the handling code clears that column once
 *   the item is answered, so "answered within the deadline" could not be judged afterwards).
 *
 * WIT is UTC+9 all year (no daylight saving), so the WIT day of an instant is
 * `((ts at time zone 'UTC') + 9 hours)::date`, with no dependency on time-zone data.
 * Frozen once landed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('unit_day_measures')
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id').onDelete('cascade'))
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('received', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('keluhan', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('apresiasi', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('saran', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('pertanyaan', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('answered', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('on_time', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('resolved', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('reopened', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rating_sum', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rating_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('wd_hist', sql`integer[]`, (c) => c.notNull())
    .addColumn('refreshed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('unit_day_measures_pk', ['unit_id', 'day'])
    .execute();
  // Period queries over all units (dashboard, sector roll-ups, controls).
  await db.schema.createIndex('unit_day_measures_day_idx').on('unit_day_measures').columns(['day', 'unit_id']).execute();

  await db.schema
    .createTable('measures_dirty')
    .addColumn('unit_id', 'integer', (c) => c.notNull())
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('marked_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('measures_dirty_pk', ['unit_id', 'day'])
    .execute();

  // "Was it ever reopened?" per item, during refreshes: a tiny partial index.
  await sql`create index feedback_events_reopened_idx on feedback_events (feedback_id) where kind = 'reopened'`.execute(db);

  await db.schema
    .createTable('feedback_answer_deadlines')
    .addColumn('feedback_id', 'bigint', (c) => c.primaryKey().references('feedback.id').onDelete('cascade'))
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await sql`
    create function measures_mark(p_unit integer, p_at timestamptz) returns void language plpgsql as $$
    begin
      if p_unit is not null then
        insert into measures_dirty (unit_id, day) values (p_unit, ((p_at at time zone 'UTC') + interval '9 hours')::date)
        on conflict do nothing;
      end if;
    end $$`.execute(db);

  await sql`
    create function measures_mark_feedback() returns trigger language plpgsql as $$
    begin
      if tg_op in ('UPDATE', 'DELETE') then perform measures_mark(OLD.unit_id, OLD.created_at); end if;
      if tg_op in ('INSERT', 'UPDATE') then perform measures_mark(NEW.unit_id, NEW.created_at); end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger feedback_measures_ins_del after insert or delete on feedback for each row execute function measures_mark_feedback()`.execute(db);
  // Only the columns the measures read: support counts, search text and the like do not mark.
  await sql`
    create trigger feedback_measures_upd
    after update of unit_id, kind, moderation_state, status, first_response_at, created_at, answer_due_at, assigned_at on feedback
    for each row when (
      old.unit_id is distinct from new.unit_id or old.kind is distinct from new.kind
      or old.moderation_state is distinct from new.moderation_state or old.status is distinct from new.status
      or old.first_response_at is distinct from new.first_response_at or old.created_at is distinct from new.created_at
      or old.answer_due_at is distinct from new.answer_due_at or old.assigned_at is distinct from new.assigned_at
    ) execute function measures_mark_feedback()`.execute(db);

  await sql`
    create function measures_capture_deadline() returns trigger language plpgsql as $$
    begin
      insert into feedback_answer_deadlines (feedback_id, due_at) values (NEW.id, NEW.answer_due_at)
      on conflict (feedback_id) do update set due_at = excluded.due_at;
      return null;
    end $$`.execute(db);
  await sql`create trigger feedback_deadline_ins after insert on feedback for each row when (new.answer_due_at is not null) execute function measures_capture_deadline()`.execute(db);
  await sql`create trigger feedback_deadline_upd after update of answer_due_at on feedback for each row when (new.answer_due_at is not null and new.answer_due_at is distinct from old.answer_due_at) execute function measures_capture_deadline()`.execute(db);

  await sql`
    create function measures_mark_by_feedback() returns trigger language plpgsql as $$
    declare fid bigint;
    begin
      if tg_op = 'DELETE' then fid := OLD.feedback_id; else fid := NEW.feedback_id; end if;
      perform measures_mark(f.unit_id, f.created_at) from feedback f where f.id = fid;
      return null;
    end $$`.execute(db);
  await sql`create trigger feedback_ratings_measures after insert or update or delete on feedback_ratings for each row execute function measures_mark_by_feedback()`.execute(db);
  await sql`create trigger feedback_events_measures after insert on feedback_events for each row when (new.kind = 'reopened') execute function measures_mark_by_feedback()`.execute(db);

  // A holiday changes working-day counts (and fallback deadlines) of items received in the two
  // months before it: mark those days of every unit that has a row there.
  await sql`
    create function measures_mark_holiday() returns trigger language plpgsql as $$
    declare d date;
    begin
      if tg_op = 'DELETE' then d := OLD.date; else d := NEW.date; end if;
      insert into measures_dirty (unit_id, day)
        select unit_id, day from unit_day_measures where day between d - 62 and d
        on conflict do nothing;
      if tg_op = 'UPDATE' and OLD.date <> NEW.date then
        insert into measures_dirty (unit_id, day)
          select unit_id, day from unit_day_measures where day between OLD.date - 62 and OLD.date
          on conflict do nothing;
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger holidays_measures after insert or update or delete on holidays for each row execute function measures_mark_holiday()`.execute(db);

  // Existing data: capture deadlines still set, and queue every (unit, day) for a first refresh.
  await sql`insert into feedback_answer_deadlines (feedback_id, due_at) select id, answer_due_at from feedback where answer_due_at is not null`.execute(db);
  await sql`
    insert into measures_dirty (unit_id, day)
    select distinct unit_id, ((created_at at time zone 'UTC') + interval '9 hours')::date from feedback where unit_id is not null
    on conflict do nothing`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists holidays_measures on holidays`.execute(db);
  await sql`drop trigger if exists feedback_events_measures on feedback_events`.execute(db);
  await sql`drop trigger if exists feedback_ratings_measures on feedback_ratings`.execute(db);
  await sql`drop trigger if exists feedback_deadline_upd on feedback`.execute(db);
  await sql`drop trigger if exists feedback_deadline_ins on feedback`.execute(db);
  await sql`drop trigger if exists feedback_measures_upd on feedback`.execute(db);
  await sql`drop trigger if exists feedback_measures_ins_del on feedback`.execute(db);
  for (const f of ['measures_mark_holiday', 'measures_mark_by_feedback', 'measures_capture_deadline', 'measures_mark_feedback']) {
    await sql`drop function if exists ${sql.id(f)}()`.execute(db);
  }
  await sql`drop function if exists measures_mark(integer, timestamptz)`.execute(db);
  await db.schema.dropTable('feedback_answer_deadlines').ifExists().execute();
  await sql`drop index if exists feedback_events_reopened_idx`.execute(db);
  await db.schema.dropTable('measures_dirty').ifExists().execute();
  await db.schema.dropTable('unit_day_measures').ifExists().execute();
}
