import { type Kysely, sql } from 'kysely';

/**
 * Monthly dialogue forums: the forum (with seat counters that are only changed while its row
 * is locked), participating units, an ordered agenda citing feedback, registrations with a
 * waitlist in arrival order, questions sent ahead, check-in, minutes, commitments per unit
 * and the attendees' satisfaction survey; email attachments in the outbox. Frozen once landed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // Emails may now carry files (a forum's .ics, a registration's QR code): [{filename, contentType, base64, cid?}].
  await db.schema.alterTable('outbox').addColumn('attachments', 'jsonb').execute();

  await db.schema
    .createTable('forums')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description_md', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('description_html', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ends_at', 'timestamptz', (c) => c.notNull())
    .addColumn('venue', 'text')
    .addColumn('address', 'text')
    .addColumn('mode', 'text', (c) => c.notNull().check(sql`mode in ('in_person','online','hybrid')`))
    .addColumn('online_url', 'text')
    .addColumn('capacity', 'integer', (c) => c.notNull().check(sql`capacity >= 0`))
    .addColumn('reserved_asn', 'integer', (c) => c.notNull().defaultTo(0).check(sql`reserved_asn >= 0`))
    // Seats taken, per pool. Changed only in the transaction that holds the forum row lock,
    // and never above the pool's size (checked here too, so a bug cannot overbook).
    .addColumn('resident_taken', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('asn_taken', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('registration_opens_at', 'timestamptz', (c) => c.notNull())
    .addColumn('registration_closes_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('draft').check(sql`status in ('draft','published','cancelled','closed')`))
    // iCalendar SEQUENCE: raised whenever what a calendar shows changes (time, place, status).
    .addColumn('sequence', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('cancel_reason', 'text')
    .addColumn('copied_from', 'bigint', (c) => c.references('forums.id').onDelete('set null'))
    .addColumn('minutes_md', 'text')
    .addColumn('minutes_html', 'text')
    .addColumn('minutes_published_at', 'timestamptz')
    .addColumn('attendee_count', 'integer')
    .addColumn('reminder_sent_at', 'timestamptz')
    .addColumn('survey_sent_at', 'timestamptz')
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('forums_resident_seats', sql`resident_taken between 0 and capacity`)
    .addCheckConstraint('forums_asn_seats', sql`asn_taken between 0 and reserved_asn`)
    .addCheckConstraint('forums_times', sql`ends_at > starts_at and registration_closes_at > registration_opens_at and registration_closes_at <= ends_at`)
    .execute();
  await db.schema.createIndex('forums_starts_idx').on('forums').columns(['starts_at', 'id']).execute();
  await sql`create index forums_reminder_idx on forums (starts_at) where status = 'published' and reminder_sent_at is null`.execute(db);

  await db.schema
    .createTable('forum_units')
    .addColumn('forum_id', 'bigint', (c) => c.notNull().references('forums.id').onDelete('cascade'))
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
    .addPrimaryKeyConstraint('forum_units_pk', ['forum_id', 'unit_id'])
    .execute();
  await db.schema.createIndex('forum_units_unit_idx').on('forum_units').columns(['unit_id', 'forum_id']).execute();

  // Arrival order for seats and the waitlist: taken from this sequence while the forum row is
  // locked, so it is the order in which registrations were decided.
  await sql`create sequence forum_queue_seq`.execute(db);

  await db.schema
    .createTable('forum_registrations')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('forum_id', 'bigint', (c) => c.notNull().references('forums.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    // Walk-ins recorded at the door have no account: a name only.
    .addColumn('walk_in_name', 'text')
    .addColumn('pool', 'text', (c) => c.notNull().check(sql`pool in ('resident','asn')`))
    .addColumn('unit_id', 'integer', (c) => c.references('units.id'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('registered','waitlisted','cancelled')`))
    .addColumn('queue_seq', 'bigint', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('promoted_at', 'timestamptz')
    .addColumn('cancelled_at', 'timestamptz')
    .addColumn('checked_in_at', 'timestamptz')
    .addColumn('checked_in_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addUniqueConstraint('forum_registrations_person', ['forum_id', 'user_id'])
    .addCheckConstraint('forum_registrations_who', sql`user_id is not null or walk_in_name is not null`)
    .addCheckConstraint('forum_registrations_checkin', sql`checked_in_at is null or status = 'registered'`)
    .execute();
  await db.schema.createIndex('forum_registrations_queue_idx').on('forum_registrations').columns(['forum_id', 'pool', 'status', 'queue_seq']).execute();
  await db.schema.createIndex('forum_registrations_user_idx').on('forum_registrations').columns(['user_id', 'forum_id']).execute();

  await db.schema
    .createTable('forum_agenda_items')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('forum_id', 'bigint', (c) => c.notNull().references('forums.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('unit_id', 'integer', (c) => c.references('units.id'))
    .addColumn('question_id', 'bigint')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('forum_agenda_items_forum_idx').on('forum_agenda_items').columns(['forum_id', 'position']).execute();

  await db.schema
    .createTable('forum_agenda_citations')
    .addColumn('agenda_item_id', 'bigint', (c) => c.notNull().references('forum_agenda_items.id').onDelete('cascade'))
    .addColumn('feedback_id', 'bigint', (c) => c.notNull().references('feedback.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('forum_agenda_citations_pk', ['agenda_item_id', 'feedback_id'])
    .execute();
  await db.schema.createIndex('forum_agenda_citations_feedback_idx').on('forum_agenda_citations').column('feedback_id').execute();

  // Who was invited because their feedback is cited: at most one invitation per forum and feedback.
  await db.schema
    .createTable('forum_citation_invites')
    .addColumn('forum_id', 'bigint', (c) => c.notNull().references('forums.id').onDelete('cascade'))
    .addColumn('feedback_id', 'bigint', (c) => c.notNull().references('feedback.id').onDelete('cascade'))
    .addColumn('invited_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('forum_citation_invites_pk', ['forum_id', 'feedback_id'])
    .execute();

  await db.schema
    .createTable('forum_questions')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('forum_id', 'bigint', (c) => c.notNull().references('forums.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('unit_id', 'integer', (c) => c.references('units.id'))
    .addColumn('feedback_id', 'bigint', (c) => c.references('feedback.id').onDelete('set null'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('submitted').check(sql`status in ('submitted','selected','declined')`))
    .addColumn('position', 'integer')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('forum_questions_forum_idx').on('forum_questions').columns(['forum_id', 'status', 'position']).execute();

  await db.schema
    .createTable('forum_commitments')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('forum_id', 'bigint', (c) => c.notNull().references('forums.id').onDelete('cascade'))
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
    .addColumn('body_md', 'text', (c) => c.notNull())
    .addColumn('body_html', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open').check(sql`status in ('open','in_progress','done')`))
    .addColumn('due_on', 'date')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('forum_commitments_forum_idx').on('forum_commitments').column('forum_id').execute();
  await db.schema.createIndex('forum_commitments_unit_idx').on('forum_commitments').columns(['unit_id', 'created_at']).execute();

  await db.schema
    .createTable('forum_commitment_citations')
    .addColumn('commitment_id', 'bigint', (c) => c.notNull().references('forum_commitments.id').onDelete('cascade'))
    .addColumn('feedback_id', 'bigint', (c) => c.notNull().references('feedback.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('forum_commitment_citations_pk', ['commitment_id', 'feedback_id'])
    .execute();

  await db.schema
    .createTable('forum_survey_responses')
    .addColumn('registration_id', 'bigint', (c) => c.primaryKey().references('forum_registrations.id').onDelete('cascade'))
    .addColumn('forum_id', 'bigint', (c) => c.notNull().references('forums.id').onDelete('cascade'))
    .addColumn('score', 'smallint', (c) => c.notNull().check(sql`score between 1 and 5`))
    .addColumn('comment', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('forum_survey_responses_forum_idx').on('forum_survey_responses').column('forum_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'forum_survey_responses', 'forum_commitment_citations', 'forum_commitments', 'forum_questions', 'forum_citation_invites',
    'forum_agenda_citations', 'forum_agenda_items', 'forum_registrations', 'forum_units', 'forums',
  ]) await db.schema.dropTable(t).ifExists().execute();
  await sql`drop sequence if exists forum_queue_seq`.execute(db);
  await db.schema.alterTable('outbox').dropColumn('attachments').execute();
}
