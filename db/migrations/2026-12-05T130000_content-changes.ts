import { type Kysely, sql } from 'kysely';

/**
 * Every content table tells listening processes that it changed: a row trigger calling
 * `pg_notify('bd_content', '')` (PostgreSQL sends one notification per transaction and
 * channel, at its commit, however many rows fired it) and a TRUNCATE trigger. App processes
 * LISTEN on that channel and drop what they keep in memory (src/server/db/changes.ts).
 * Tables written often and never shown on cached pages get no trigger: the list below is
 * this migration's copy of CHURN_TABLES in src/server/db/changes.ts at the time it was written.
 * A table created by a later migration gets its triggers in that migration.
 * Frozen once landed.
 */
const CHURN = [
  'sessions', 'rate_limits', 'audit_log', 'outbox', 'job_runs', 'password_tokens', 'alert_tokens', 'alert_events', 'alert_items',
  'api_keys', 'open311_tokens', 'whatsapp_inbox', 'whatsapp_contacts', 'sign_up_requests', 'kysely_migration', 'kysely_migration_lock',
];

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function bd_content_changed() returns trigger language plpgsql as $$
    begin
      perform pg_notify('bd_content', '');
      return null;
    end $$`.execute(db);
  const tables = await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and c.relkind in ('r', 'p') and not c.relispartition
      and c.relname <> all(${CHURN}::text[])
    order by 1`.execute(db);
  for (const { name } of tables.rows) {
    await sql`create trigger bd_content_changed after insert or update or delete on ${sql.table(name)} for each row execute function bd_content_changed()`.execute(db);
    await sql`create trigger bd_content_truncated after truncate on ${sql.table(name)} for each statement execute function bd_content_changed()`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  const tables = await sql<{ name: string }>`
    select distinct c.relname as name from pg_trigger t join pg_class c on c.oid = t.tgrelid
    where t.tgname in ('bd_content_changed', 'bd_content_truncated')`.execute(db);
  for (const { name } of tables.rows) {
    await sql`drop trigger if exists bd_content_changed on ${sql.table(name)}`.execute(db);
    await sql`drop trigger if exists bd_content_truncated on ${sql.table(name)}`.execute(db);
  }
  await sql`drop function if exists bd_content_changed()`.execute(db);
}
