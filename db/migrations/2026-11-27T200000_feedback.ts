import { type Kysely, sql } from 'kysely';

/**
 * Resident feedback: the feedback itself, its reporter's contact details (kept apart), its
 * timeline, photos, supports, flags and ratings; and the holiday calendar that working-day
 * rules (reopen window, deadlines) use. Frozen once landed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('holidays')
    .addColumn('date', 'date', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('libur_nasional','cuti_bersama','lokal')`))
    .addColumn('name_id', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('provisional', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();

  await db.schema
    .createTable('feedback')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    // The reporter's private key is never stored: only the SHA-256 of the tracking code.
    .addColumn('tracking_hash', 'text', (c) => c.notNull().unique())
    .addColumn('idempotency_hash', 'text', (c) => c.unique())
    // Which derivation of the submission key gave the tracking code (0 unless the first was taken).
    .addColumn('code_attempt', 'smallint', (c) => c.notNull().defaultTo(0))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('keluhan','apresiasi','saran','pertanyaan')`))
    .addColumn('unit_id', 'integer', (c) => c.references('units.id'))
    .addColumn('sector', 'text')
    .addColumn('area_id', 'integer', (c) => c.references('areas.id'))
    .addColumn('kecamatan_code', 'text')
    .addColumn('location_text', 'text')
    .addColumn('occurred_on', 'date')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body_md', 'text', (c) => c.notNull())
    .addColumn('body_html', 'text', (c) => c.notNull())
    .addColumn('officer_named', 'text')
    .addColumn('anonymous', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('confidential', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('author_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('moderation_state', 'text', (c) =>
      c.notNull().defaultTo('pending').check(sql`moderation_state in ('pending','published','rejected','hidden')`),
    )
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('received').check(sql`status in ('received','assigned','in_progress','responded','resolved','closed','reopened')`),
    )
    .addColumn('support_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('published_at', 'timestamptz')
    .addColumn('responded_at', 'timestamptz')
    .addColumn('closed_at', 'timestamptz')
    .addColumn('search', sql`tsvector`, (c) =>
      c.generatedAlwaysAs(
        sql`setweight(to_tsvector('indonesian', title), 'A') || setweight(to_tsvector('indonesian', body_md), 'B') || to_tsvector('simple', title || ' ' || body_md)`,
      ).stored(),
    )
    .execute();

  // The public board reads only published, non-confidential feedback: partial indexes keep
  // every board query on an index whatever the size of the table.
  const board = sql`moderation_state = 'published' and not confidential`;
  await sql`create index feedback_board_new_idx on feedback (created_at desc, id desc) where ${board}`.execute(db);
  await sql`create index feedback_board_support_idx on feedback (support_count desc, id desc) where ${board}`.execute(db);
  await sql`create index feedback_board_wait_idx on feedback (created_at, id) where ${board} and status not in ('resolved','closed')`.execute(db);
  await sql`create index feedback_board_unit_idx on feedback (unit_id, created_at desc, id desc) where ${board}`.execute(db);
  await sql`create index feedback_board_sector_idx on feedback (sector, created_at desc, id desc) where ${board}`.execute(db);
  await sql`create index feedback_board_kecamatan_idx on feedback (kecamatan_code, created_at desc, id desc) where ${board}`.execute(db);
  await sql`create index feedback_board_kind_idx on feedback (kind, created_at desc, id desc) where ${board}`.execute(db);
  await sql`create index feedback_board_status_idx on feedback (status, created_at desc, id desc) where ${board}`.execute(db);
  await sql`create index feedback_search_idx on feedback using gin (search) where ${board}`.execute(db);
  await sql`create index feedback_title_trgm_idx on feedback using gin (title gin_trgm_ops) where ${board}`.execute(db);
  // Staff views: everything of one unit, the moderation queue, a reporter's own list.
  await db.schema.createIndex('feedback_unit_idx').on('feedback').columns(['unit_id', 'created_at']).execute();
  await sql`create index feedback_pending_idx on feedback (created_at, id) where moderation_state = 'pending'`.execute(db);
  await sql`create index feedback_author_idx on feedback (author_id, created_at desc) where author_id is not null`.execute(db);

  await db.schema
    .createTable('feedback_contacts')
    .addColumn('feedback_id', 'bigint', (c) => c.primaryKey().references('feedback.id').onDelete('cascade'))
    .addColumn('name', 'text')
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('locale', 'text', (c) => c.notNull().defaultTo('id'))
    .execute();

  await db.schema
    .createTable('feedback_events')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('feedback_id', 'bigint', (c) => c.notNull().references('feedback.id').onDelete('cascade'))
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(sql`kind in ('submitted','status','response','note','info_request','info_added','rating','reopened','published','rejected','assigned','redacted','hidden','shown','confidential','updated','duplicate','closed')`),
    )
    .addColumn('public', 'boolean', (c) => c.notNull())
    .addColumn('actor_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('actor_role', 'text')
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text')
    .addColumn('body_md', 'text')
    .addColumn('body_html', 'text')
    .execute();
  await db.schema.createIndex('feedback_events_feedback_idx').on('feedback_events').columns(['feedback_id', 'at']).execute();

  await db.schema
    .createTable('feedback_photos')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('feedback_id', 'bigint', (c) => c.notNull().references('feedback.id').onDelete('cascade'))
    .addColumn('file_name', 'text', (c) => c.notNull().unique())
    .addColumn('mime', 'text', (c) => c.notNull().check(sql`mime in ('image/jpeg','image/png','image/webp')`))
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    .addColumn('bytes', 'integer', (c) => c.notNull())
    .addColumn('hidden', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('feedback_photos_feedback_idx').on('feedback_photos').column('feedback_id').execute();

  await db.schema
    .createTable('feedback_supports')
    .addColumn('feedback_id', 'bigint', (c) => c.notNull().references('feedback.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('feedback_supports_pk', ['feedback_id', 'user_id'])
    .execute();
  await db.schema.createIndex('feedback_supports_user_idx').on('feedback_supports').column('user_id').execute();

  await db.schema
    .createTable('feedback_flags')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('feedback_id', 'bigint', (c) => c.notNull().references('feedback.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('reporter_key', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull().check(sql`reason in ('spam','abusive','personal_data','other')`))
    .addColumn('note', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('resolved_at', 'timestamptz')
    .addColumn('resolved_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('resolution', 'text')
    .execute();
  // One open flag per person (account, or client address when anonymous) and item.
  await sql`create unique index feedback_flags_once_idx on feedback_flags (feedback_id, reporter_key) where resolved_at is null`.execute(db);
  await sql`create index feedback_flags_open_idx on feedback_flags (created_at) where resolved_at is null`.execute(db);

  await db.schema
    .createTable('feedback_ratings')
    .addColumn('feedback_id', 'bigint', (c) => c.primaryKey().references('feedback.id').onDelete('cascade'))
    .addColumn('score', 'integer', (c) => c.notNull().check(sql`score between 1 and 5`))
    .addColumn('comment', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['feedback_ratings', 'feedback_flags', 'feedback_supports', 'feedback_photos', 'feedback_events', 'feedback_contacts', 'feedback', 'holidays']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
