import { type Kysely, sql } from 'kysely';

/**
 * Search within the board's filters, measured on a million items
 * (bench/results/2026-12-05-search-sql.md).
 *
 * One GIN index over the search vector and the filter columns (btree_gin, in contrib and in
 * PGlite) replaces the GIN index over the vector alone: "a word within a sector/kecamatan/kind/
 * unit/status" is intersected inside the index, so a word that is common elsewhere but rare
 * within the filter ("sampah" in sektor kesehatan) fetches only its matches within the filter
 * instead of every match of the word (1.4 s → milliseconds). Searches without a filter use the
 * first column of the same index as before. Frozen once landed.
 */
const BOARD = sql`moderation_state = 'published' and not confidential`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists btree_gin`.execute(db);
  await sql`create index feedback_board_search_facets_idx on feedback using gin (search, sector, kecamatan_code, kind, unit_id, status) where ${BOARD}`.execute(db);
  await sql`drop index if exists feedback_search_idx`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`create index if not exists feedback_search_idx on feedback using gin (search) where ${BOARD}`.execute(db);
  await sql`drop index if exists feedback_board_search_facets_idx`.execute(db);
  await sql`drop extension if exists btree_gin`.execute(db);
}
