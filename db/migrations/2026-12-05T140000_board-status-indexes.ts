import { type Kysely, sql } from 'kysely';

/**
 * A status chosen on the board together with a sector, unit or kecamatan is read through a listing
 * of that status within that facet, newest first and most supported first. Without one the
 * planner walked the facet's listing and filtered the status, which is not spread evenly along
 * it (closed items are old and much supported, open ones young and little supported): "most
 * supported" items still "received" in one sector and kecamatan read 12,000–17,000 rows (26–79 ms
 * on a million items, bench/worst.ts status). Within these listings the other facets are about
 * evenly spread, so a page reads a few hundred rows at most. "Waiting longest" lists open items
 * only and keeps its own indexes. Frozen once landed.
 */
const BOARD = sql`moderation_state = 'published' and not confidential`;
const FACETS = ['sector', 'unit_id', 'kecamatan_code'] as const;

export async function up(db: Kysely<any>): Promise<void> {
  for (const f of FACETS) {
    await sql`create index ${sql.id(`feedback_board_status_${f}_idx`)} on feedback (status, ${sql.id(f)}, created_at desc, id desc) where ${BOARD}`.execute(db);
    await sql`create index ${sql.id(`feedback_board_status_${f}_support_idx`)} on feedback (status, ${sql.id(f)}, support_count desc, id desc) where ${BOARD}`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const f of FACETS) {
    await sql`drop index if exists ${sql.id(`feedback_board_status_${f}_idx`)}`.execute(db);
    await sql`drop index if exists ${sql.id(`feedback_board_status_${f}_support_idx`)}`.execute(db);
  }
}
