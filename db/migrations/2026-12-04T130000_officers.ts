import { type Kysely, sql } from 'kysely';

/**
 * Officers within a unit: an item forwarded to a unit may be given to one named ASN officer of
 * that unit (`feedback.officer_id`, cleared when the item moves to another unit). Giving and
 * taking back are recorded as a staff-only timeline event of the new kind `officer`.
 * Frozen once landed.
 */
const KINDS_BEFORE = `'submitted','status','response','note','info_request','info_added','rating','reopened','published','rejected','assigned','redacted','hidden','shown','confidential','updated','duplicate','closed'`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table feedback add column officer_id uuid references users(id) on delete set null`.execute(db);
  // The inbox's "mine" filter reads open items of one officer.
  await sql`create index feedback_officer_idx on feedback (officer_id, created_at) where officer_id is not null`.execute(db);
  await sql.raw(`alter table feedback_events drop constraint feedback_events_kind_check,
    add constraint feedback_events_kind_check check (kind in (${KINDS_BEFORE},'officer'))`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from feedback_events where kind = 'officer'`.execute(db);
  await sql.raw(`alter table feedback_events drop constraint feedback_events_kind_check,
    add constraint feedback_events_kind_check check (kind in (${KINDS_BEFORE}))`).execute(db);
  await sql`drop index if exists feedback_officer_idx`.execute(db);
  await sql`alter table feedback drop column if exists officer_id`.execute(db);
}
