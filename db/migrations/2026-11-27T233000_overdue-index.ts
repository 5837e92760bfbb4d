import { type Kysely, sql } from 'kysely';

/**
 * "Overdue now" per unit (scorecards, the evaluation dashboard) as an index-only count of the
 * unit's own overdue items: on a million items with many unanswered ones, counting through the
 * deadline index alone read every unit's overdue rows (205 ms for one scorecard). Frozen once landed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index feedback_overdue_unit_idx on feedback (unit_id, answer_due_at)
    where first_response_at is null and status in ('assigned','in_progress','reopened') and moderation_state in ('published','hidden')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists feedback_overdue_unit_idx`.execute(db);
}
