import { type Kysely, sql } from 'kysely';

/**
 * Residents' data rights (UU 27/2022): deleted accounts stay as tombstones without personal data
 * (the audit log and forum attendance keep pointing at them), restriction of processing on an
 * account and on a feedback contact record, contact details anonymised by the retention job,
 * outbox bodies pruned after a while. The audit log stays append-only except for one narrow,
 * explicitly requested change: erasing personal data (actor label, address, before/after) from
 * entries, which the erasing transaction asks for with `set local baku.audit_erasure = 'on'`.
 * Frozen once landed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table users
    add column deleted_at timestamptz,
    add column processing_restricted_at timestamptz,
    add column processing_restricted_by uuid references users(id) on delete set null`.execute(db);
  await sql`alter table feedback_contacts
    add column restricted_at timestamptz,
    add column restricted_by uuid references users(id) on delete set null,
    add column anonymised_at timestamptz`.execute(db);
  await sql`alter table outbox add column body_pruned_at timestamptz`.execute(db);
  await sql`create index outbox_prune_idx on outbox (created_at) where body_pruned_at is null`.execute(db);
  await sql`create index feedback_contacts_email_idx on feedback_contacts (email) where email is not null`.execute(db);
  await sql`
    create or replace function audit_log_refuse_change() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' and coalesce(current_setting('baku.audit_erasure', true), '') = 'on'
         and new.id = old.id and new.at = old.at and new.action = old.action
         and new.object_type = old.object_type and new.object_id is not distinct from old.object_id
         and new.actor_id is not distinct from old.actor_id then
        return new;
      end if;
      raise exception 'audit_log is append-only';
    end $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function audit_log_refuse_change() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only';
    end $$`.execute(db);
  await sql`drop index if exists feedback_contacts_email_idx`.execute(db);
  await sql`drop index if exists outbox_prune_idx`.execute(db);
  await sql`alter table outbox drop column if exists body_pruned_at`.execute(db);
  await sql`alter table feedback_contacts drop column if exists anonymised_at, drop column if exists restricted_by, drop column if exists restricted_at`.execute(db);
  await sql`alter table users drop column if exists processing_restricted_by, drop column if exists processing_restricted_at, drop column if exists deleted_at`.execute(db);
}
