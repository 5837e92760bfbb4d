import { type Kysely, sql } from 'kysely';

/**
 * Map view and email alerts.
 * - `feedback_map_idx`: the board's map reads the newest pinned, published, public items (board order).
 * - `outbox.headers`: extra mail headers of one message (JSON object; List-Unsubscribe ...).
 * - `alert_subscriptions`: who follows what (a unit, a kecamatan, a circle around a point, one item),
 *   how often (immediately or a daily digest); confirmed by double opt-in, cancelled by a link.
 * - `alert_tokens`: confirmation and unsubscribe tokens, stored as SHA-256 hashes only; one
 *   unsubscribe token per email sent, so every email's link keeps working without keeping a secret.
 * - `alert_events`: public timeline events not yet matched against subscriptions, queued by a
 *   trigger on feedback_events (so no service has to remember to notify); claimed by the worker.
 * - `alert_items`: events matched to a subscription, waiting for its next email (now or the digest).
 * Frozen once landed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index feedback_map_idx on feedback (created_at desc, id desc)
    where latitude is not null and moderation_state = 'published' and confidential = false`.execute(db);
  await sql`alter table outbox add column headers jsonb`.execute(db);

  await sql`create table alert_subscriptions (
    id serial primary key,
    email text not null,
    locale text not null default 'id' check (locale in ('id','en')),
    scope text not null check (scope in ('unit','kecamatan','point','item')),
    unit_id integer references units(id) on delete cascade,
    kecamatan_code text,
    latitude double precision,
    longitude double precision,
    radius_m integer,
    feedback_id integer references feedback(id) on delete cascade,
    frequency text not null check (frequency in ('immediate','daily')),
    user_id uuid references users(id) on delete set null,
    created_at timestamptz not null default now(),
    confirmed_at timestamptz,
    cancelled_at timestamptz,
    last_sent_on date,
    constraint alert_subscriptions_target_check check (
      (scope = 'unit' and unit_id is not null)
      or (scope = 'kecamatan' and kecamatan_code is not null)
      or (scope = 'point' and latitude is not null and longitude is not null and radius_m between 100 and 10000)
      or (scope = 'item' and feedback_id is not null))
  )`.execute(db);
  // Matching reads live subscriptions by what they follow.
  await sql`create index alert_subscriptions_unit_idx on alert_subscriptions (unit_id) where confirmed_at is not null and cancelled_at is null and scope = 'unit'`.execute(db);
  await sql`create index alert_subscriptions_kecamatan_idx on alert_subscriptions (kecamatan_code) where confirmed_at is not null and cancelled_at is null and scope = 'kecamatan'`.execute(db);
  await sql`create index alert_subscriptions_point_idx on alert_subscriptions (latitude, longitude) where confirmed_at is not null and cancelled_at is null and scope = 'point'`.execute(db);
  await sql`create index alert_subscriptions_item_idx on alert_subscriptions (feedback_id) where confirmed_at is not null and cancelled_at is null and scope = 'item'`.execute(db);
  await sql`create index alert_subscriptions_user_idx on alert_subscriptions (user_id) where user_id is not null`.execute(db);
  await sql`create index alert_subscriptions_email_idx on alert_subscriptions (email)`.execute(db);

  await sql`create table alert_tokens (
    token_hash text primary key,
    subscription_id integer not null references alert_subscriptions(id) on delete cascade,
    purpose text not null check (purpose in ('confirm','unsubscribe')),
    created_at timestamptz not null default now()
  )`.execute(db);
  await sql`create index alert_tokens_created_idx on alert_tokens (created_at)`.execute(db);

  await sql`create table alert_events (
    event_id integer primary key references feedback_events(id) on delete cascade,
    queued_at timestamptz not null default now()
  )`.execute(db);
  await sql`create table alert_items (
    subscription_id integer not null references alert_subscriptions(id) on delete cascade,
    event_id integer not null references feedback_events(id) on delete cascade,
    created_at timestamptz not null default now(),
    primary key (subscription_id, event_id)
  )`.execute(db);

  await sql`
    create function alert_queue_event() returns trigger language plpgsql as $$
    begin
      if new.public and new.kind <> 'submitted' then
        insert into alert_events (event_id) values (new.id) on conflict do nothing;
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger feedback_events_alerts after insert on feedback_events for each row execute function alert_queue_event()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists feedback_events_alerts on feedback_events`.execute(db);
  await sql`drop function if exists alert_queue_event()`.execute(db);
  for (const t of ['alert_items', 'alert_events', 'alert_tokens', 'alert_subscriptions']) await sql`drop table if exists ${sql.id(t)}`.execute(db);
  await sql`alter table outbox drop column if exists headers`.execute(db);
  await sql`drop index if exists feedback_map_idx`.execute(db);
}
