import { type Kysely, sql } from 'kysely';

/**
 * Open311 GeoReport v2 and Atom feeds.
 *
 * - `api_keys`: keys for Open311 POST, created and revoked by admins. Only the key's SHA-256 is
 *   stored (like sessions); `key_prefix` (the first characters) lets people tell keys apart.
 * - `open311_tokens`: the `token` answered to a POST, resolved by `tokens/<token>` to the
 *   feedback number; stored as its SHA-256.
 * - Feed indexes: the latest published public feedback (city, unit, kecamatan) by publication
 *   time, and the latest public answers by time, so every feed reads at most its 50 rows.
 *
 * Frozen once landed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('name', 'text', (c) => c.notNull().check(sql`length(name) between 1 and 100`))
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('key_prefix', 'text', (c) => c.notNull())
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('revoked_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .execute();

  await db.schema
    .createTable('open311_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('feedback_id', 'bigint', (c) => c.notNull().references('feedback.id').onDelete('cascade'))
    .addColumn('api_key_id', 'integer', (c) => c.notNull().references('api_keys.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  const board = sql`moderation_state = 'published' and not confidential`;
  await sql`create index feedback_feed_idx on feedback (published_at desc, id desc) where ${board}`.execute(db);
  await sql`create index feedback_feed_unit_idx on feedback (unit_id, published_at desc, id desc) where ${board}`.execute(db);
  await sql`create index feedback_feed_kecamatan_idx on feedback (kecamatan_code, published_at desc, id desc) where ${board}`.execute(db);
  await sql`create index feedback_events_answers_idx on feedback_events (at desc, id desc) where kind = 'response' and public`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const i of ['feedback_events_answers_idx', 'feedback_feed_kecamatan_idx', 'feedback_feed_unit_idx', 'feedback_feed_idx']) {
    await sql`drop index if exists ${sql.id(i)}`.execute(db);
  }
  await db.schema.dropTable('open311_tokens').ifExists().execute();
  await db.schema.dropTable('api_keys').ifExists().execute();
}
