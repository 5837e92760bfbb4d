import { type Kysely, sql } from 'kysely';

/**
 * The similar-feedback suggestion no longer ranks every public title by trigram distance: it
 * reads bounded candidates through the board's indexes and the search GIN index (see
 * `similarFeedback`), so the GiST trigram index, which only it used, goes. Even as a
 * nearest-neighbour scan it read the whole index (21,000 pages, 300–500 ms on a million items)
 * whenever no title was close, because its signatures of many titles prune nothing.
 * Frozen once landed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists feedback_title_trgm_gist_idx`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`create index if not exists feedback_title_trgm_gist_idx on feedback using gist (title gist_trgm_ops)
    where moderation_state = 'published' and not confidential`.execute(db);
}
