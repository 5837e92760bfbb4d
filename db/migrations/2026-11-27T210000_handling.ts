import { type Kysely, sql } from 'kysely';

/**
 * Moderation and unit answers: priority, assignment, working-day deadlines stored as instants
 * (so "overdue" is an index range scan), rejection reasons and duplicates, redactions with the
 * original kept, answer templates per unit, and once-a-day job runs. Frozen once landed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('feedback')
    .addColumn('priority', 'text', (c) => c.notNull().defaultTo('normal').check(sql`priority in ('low','normal','high','urgent')`))
    .addColumn('assigned_at', 'timestamptz')
    .addColumn('first_response_at', 'timestamptz')
    .addColumn('verify_due_at', 'timestamptz')
    .addColumn('answer_due_at', 'timestamptz')
    .addColumn('autoclose_at', 'timestamptz')
    .addColumn('duplicate_of', 'bigint', (c) => c.references('feedback.id'))
    .addColumn('reject_reason', 'text', (c) => c.check(sql`reject_reason in ('spam','abusive','incomplete','not_authority','duplicate')`))
    .addColumn('reject_note', 'text')
    .addColumn('hidden_by_flags', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  await sql`create index feedback_verify_due_idx on feedback (verify_due_at) where moderation_state = 'pending'`.execute(db);
  await sql`create index feedback_answer_due_idx on feedback (answer_due_at) where first_response_at is null and status in ('assigned','in_progress','reopened')`.execute(db);
  await sql`create index feedback_autoclose_idx on feedback (autoclose_at) where status in ('responded','resolved')`.execute(db);
  await sql`create index feedback_inbox_idx on feedback (unit_id, status, created_at desc) where moderation_state in ('published','hidden')`.execute(db);

  await db.schema
    .createTable('feedback_redactions')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('feedback_id', 'bigint', (c) => c.notNull().references('feedback.id').onDelete('cascade'))
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('actor_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('field', 'text', (c) => c.notNull().check(sql`field in ('title','body','location')`))
    .addColumn('original', 'text', (c) => c.notNull())
    .addColumn('redacted', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('feedback_redactions_feedback_idx').on('feedback_redactions').column('feedback_id').execute();

  await db.schema
    .createTable('answer_templates')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('unit_id', 'integer', (c) => c.references('units.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body_md', 'text', (c) => c.notNull())
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('answer_templates_unit_idx').on('answer_templates').columns(['unit_id', 'title']).execute();

  await db.schema
    .createTable('job_runs')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('run_on', 'date', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('job_runs_pk', ['name', 'run_on'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('job_runs').ifExists().execute();
  await db.schema.dropTable('answer_templates').ifExists().execute();
  await db.schema.dropTable('feedback_redactions').ifExists().execute();
  for (const i of ['feedback_verify_due_idx', 'feedback_answer_due_idx', 'feedback_autoclose_idx', 'feedback_inbox_idx']) await sql`drop index if exists ${sql.id(i)}`.execute(db);
  await db.schema
    .alterTable('feedback')
    .dropColumn('priority')
    .dropColumn('assigned_at')
    .dropColumn('first_response_at')
    .dropColumn('verify_due_at')
    .dropColumn('answer_due_at')
    .dropColumn('autoclose_at')
    .dropColumn('duplicate_of')
    .dropColumn('reject_reason')
    .dropColumn('reject_note')
    .dropColumn('hidden_by_flags')
    .execute();
}
