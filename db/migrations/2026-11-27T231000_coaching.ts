import { type Kysely, sql } from 'kysely';

/**
 * Coaching actions for ASN (workshops, seminars, IT-based training, mentoring), their target
 * units and participants, participants' progress reports, the feedback that is their evidence,
 * and the coordinators' findings that lead to follow-up actions. A coaching action may come
 * from a forum commitment or from a finding. Frozen once landed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('evaluation_findings')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
    .addColumn('period_kind', 'text', (c) => c.notNull().check(sql`period_kind in ('month','quarter')`))
    // First day of the month or quarter (WIT calendar date).
    .addColumn('period_start', 'date', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body_md', 'text', (c) => c.notNull())
    .addColumn('body_html', 'text', (c) => c.notNull())
    // The measures as they stood when the finding was written (so later data does not change it).
    .addColumn('evidence', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('evaluation_findings_unit_idx').on('evaluation_findings').columns(['unit_id', 'period_start']).execute();

  await db.schema
    .createTable('evaluation_finding_feedback')
    .addColumn('finding_id', 'bigint', (c) => c.notNull().references('evaluation_findings.id').onDelete('cascade'))
    .addColumn('feedback_id', 'bigint', (c) => c.notNull().references('feedback.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('evaluation_finding_feedback_pk', ['finding_id', 'feedback_id'])
    .execute();

  await db.schema
    .createTable('coaching_actions')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('workshop','seminar','it_training','mentoring','other')`))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('goal_md', 'text', (c) => c.notNull())
    .addColumn('goal_html', 'text', (c) => c.notNull())
    .addColumn('starts_on', 'date', (c) => c.notNull())
    .addColumn('ends_on', 'date', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('planned').check(sql`status in ('planned','in_progress','completed','cancelled')`))
    .addColumn('completed_at', 'timestamptz')
    .addColumn('commitment_id', 'bigint', (c) => c.unique().references('forum_commitments.id').onDelete('set null'))
    .addColumn('finding_id', 'bigint', (c) => c.references('evaluation_findings.id').onDelete('set null'))
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('coaching_actions_dates', sql`ends_on >= starts_on`)
    .execute();
  await db.schema.createIndex('coaching_actions_status_idx').on('coaching_actions').columns(['status', 'ends_on']).execute();
  await db.schema.createIndex('coaching_actions_finding_idx').on('coaching_actions').column('finding_id').execute();

  await db.schema
    .createTable('coaching_action_units')
    .addColumn('action_id', 'bigint', (c) => c.notNull().references('coaching_actions.id').onDelete('cascade'))
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
    .addPrimaryKeyConstraint('coaching_action_units_pk', ['action_id', 'unit_id'])
    .execute();
  await db.schema.createIndex('coaching_action_units_unit_idx').on('coaching_action_units').columns(['unit_id', 'action_id']).execute();

  await db.schema
    .createTable('coaching_participants')
    .addColumn('action_id', 'bigint', (c) => c.notNull().references('coaching_actions.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('added_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('attendance_confirmed_at', 'timestamptz')
    .addColumn('confirmed_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addPrimaryKeyConstraint('coaching_participants_pk', ['action_id', 'user_id'])
    .execute();
  await db.schema.createIndex('coaching_participants_user_idx').on('coaching_participants').columns(['user_id', 'action_id']).execute();

  await db.schema
    .createTable('coaching_progress_reports')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('action_id', 'bigint', (c) => c.notNull().references('coaching_actions.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('learned_md', 'text', (c) => c.notNull())
    .addColumn('learned_html', 'text', (c) => c.notNull())
    .addColumn('changed_md', 'text', (c) => c.notNull())
    .addColumn('changed_html', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('coaching_progress_reports_one', ['action_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('coaching_feedback_links')
    .addColumn('action_id', 'bigint', (c) => c.notNull().references('coaching_actions.id').onDelete('cascade'))
    .addColumn('feedback_id', 'bigint', (c) => c.notNull().references('feedback.id').onDelete('cascade'))
    .addColumn('linked_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('linked_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('coaching_feedback_links_pk', ['action_id', 'feedback_id'])
    .execute();
  await db.schema.createIndex('coaching_feedback_links_feedback_idx').on('coaching_feedback_links').columns(['feedback_id', 'action_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'coaching_feedback_links', 'coaching_progress_reports', 'coaching_participants', 'coaching_action_units',
    'coaching_actions', 'evaluation_finding_feedback', 'evaluation_findings',
  ]) await db.schema.dropTable(t).ifExists().execute();
}
