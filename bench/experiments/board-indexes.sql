-- What-if for the board's filter + sort combinations and for search estimates (see the
-- benchmark report). Run by `node bench/run.ts --sql bench/experiments/board-indexes.sql`
-- on a throwaway database; the real change belongs in a migration.

-- "Most supported" with a filter: today only (support_count, id) exists, so a selective filter
-- scans it and fetches tens of thousands of heap rows. One index per filter dimension lets the
-- planner start from the filtered range, already in support order.
create index if not exists feedback_board_sector_support_idx on feedback (sector, support_count desc, id desc) where moderation_state = 'published' and not confidential;
create index if not exists feedback_board_kecamatan_support_idx on feedback (kecamatan_code, support_count desc, id desc) where moderation_state = 'published' and not confidential;
create index if not exists feedback_board_kind_support_idx on feedback (kind, support_count desc, id desc) where moderation_state = 'published' and not confidential;
create index if not exists feedback_board_unit_support_idx on feedback (unit_id, support_count desc, id desc) where moderation_state = 'published' and not confidential;
create index if not exists feedback_board_status_support_idx on feedback (status, support_count desc, id desc) where moderation_state = 'published' and not confidential;

-- "Waiting longest" with a filter: open items only (about 1 in 10), oldest first. The
-- (dimension, created_at) board indexes hold mostly closed items at their old end.
create index if not exists feedback_board_sector_wait_idx on feedback (sector, created_at, id) where moderation_state = 'published' and not confidential and status not in ('resolved', 'closed');
create index if not exists feedback_board_kecamatan_wait_idx on feedback (kecamatan_code, created_at, id) where moderation_state = 'published' and not confidential and status not in ('resolved', 'closed');
create index if not exists feedback_board_kind_wait_idx on feedback (kind, created_at, id) where moderation_state = 'published' and not confidential and status not in ('resolved', 'closed');
create index if not exists feedback_board_unit_wait_idx on feedback (unit_id, created_at, id) where moderation_state = 'published' and not confidential and status not in ('resolved', 'closed');

-- Search: a larger most-common-elements list makes the estimate for absent and rare words
-- small, so the planner takes the GIN index instead of walking the newest-first index to the end.
alter table feedback alter column search set statistics 1000;
analyze feedback;
