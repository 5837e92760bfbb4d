import { type Kysely, sql } from 'kysely';

/**
 * The similar-feedback suggestion reads titles in order of trigram distance and stops after the
 * page, instead of collecting every title above the similarity threshold and sorting them.
 *
 * A GiST trigram index answers `order by title <-> $1` (distance = 1 − similarity) as a
 * nearest-neighbour scan; the GIN trigram index could only return every candidate, which on a
 * million items of repetitive titles was 124,710 rows and seconds
 * (bench/results/2026-12-05-search-sql.md). The GIN index served only this query, so it goes.
 * The order shown is unchanged (similarity desc, then id desc); see `selectSimilar`.
 * Frozen once landed.
 */
const BOARD = sql`moderation_state = 'published' and not confidential`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index feedback_title_trgm_gist_idx on feedback using gist (title gist_trgm_ops) where ${BOARD}`.execute(db);
  await sql`drop index if exists feedback_title_trgm_idx`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`create index if not exists feedback_title_trgm_idx on feedback using gin (title gin_trgm_ops) where ${BOARD}`.execute(db);
  await sql`drop index if exists feedback_title_trgm_gist_idx`.execute(db);
}
