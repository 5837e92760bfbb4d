import { type Kysely, sql } from 'kysely';

/**
 * Board indexes for every filter × sort combination, measured on a million items
 * (bench/results/2026-11-27-board-what-if.md): "most supported" and "waiting longest" with a
 * filter otherwise scan an unfiltered index and fetch tens of thousands of rows. A larger
 * statistics target on the search vector keeps rare words on the GIN index. Frozen once landed.
 */
const BOARD = sql`moderation_state = 'published' and not confidential`;
const OPEN = sql`status not in ('resolved', 'closed')`;
const DIMENSIONS = ['sector', 'kecamatan_code', 'kind', 'unit_id', 'status'] as const;

export async function up(db: Kysely<any>): Promise<void> {
  for (const d of DIMENSIONS) {
    await sql`create index ${sql.id(`feedback_board_${d}_support_idx`)} on feedback (${sql.id(d)}, support_count desc, id desc) where ${BOARD}`.execute(db);
  }
  for (const d of DIMENSIONS.filter((x) => x !== 'status')) {
    await sql`create index ${sql.id(`feedback_board_${d}_wait_idx`)} on feedback (${sql.id(d)}, created_at, id) where ${BOARD} and ${OPEN}`.execute(db);
  }
  await sql`alter table feedback alter column search set statistics 1000`.execute(db);
  // The inbox across all units (moderators), newest first, without a scan of the whole table.
  await sql`create index feedback_inbox_all_idx on feedback (created_at desc, id desc) where moderation_state in ('published','hidden') and unit_id is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists feedback_inbox_all_idx`.execute(db);
  for (const d of DIMENSIONS) await sql`drop index if exists ${sql.id(`feedback_board_${d}_support_idx`)}`.execute(db);
  for (const d of DIMENSIONS) await sql`drop index if exists ${sql.id(`feedback_board_${d}_wait_idx`)}`.execute(db);
  await sql`alter table feedback alter column search set statistics -1`.execute(db);
}
