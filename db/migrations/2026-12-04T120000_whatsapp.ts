import { type Kysely, sql } from 'kysely';

/**
 * WhatsApp channel. The outbox becomes the outbox of every channel: each message has a channel
 * (email or whatsapp) and, for WhatsApp, the provider's message id and the delivery state the
 * webhook reports (sent, delivered, read, failed with the reason); a failed WhatsApp message
 * points to the email that replaced it. Inbound webhook entries are stored first in
 * whatsapp_inbox (unique on the provider's id) and processed by the worker. whatsapp_contacts
 * holds each number's conversation, its 24-hour window and its opt-out; whatsapp_user_numbers an
 * account's verified number and chosen channels; feedback_contacts the reporter's chosen channels.
 * Frozen once landed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table outbox
    alter column to_email drop not null,
    add column channel text not null default 'email',
    add column to_phone text,
    add column wa_text text,
    add column wa_template jsonb,
    add column provider_message_id text,
    add column delivery_status text,
    add column delivery_error text,
    add column delivery_at timestamptz,
    add column fallback_outbox_id bigint references outbox(id) on delete set null,
    add column feedback_id bigint references feedback(id) on delete set null,
    add constraint outbox_channel_check check (channel in ('email','whatsapp')),
    add constraint outbox_delivery_status_check check (delivery_status in ('sent','delivered','read','failed')),
    add constraint outbox_recipient_check check (
      (channel = 'email' and to_email is not null) or (channel = 'whatsapp' and to_phone is not null))`.execute(db);
  await sql`create unique index outbox_provider_message_idx on outbox (provider_message_id) where provider_message_id is not null`.execute(db);
  await sql`create index outbox_feedback_idx on outbox (feedback_id, id) where feedback_id is not null`.execute(db);
  await sql`create index outbox_channel_status_idx on outbox (channel, status, id)`.execute(db);

  await sql`create table whatsapp_inbox (
    id bigint generated always as identity primary key,
    message_id text not null unique,
    kind text not null check (kind in ('message','status')),
    wa_from text not null,
    sent_at timestamptz not null,
    payload jsonb not null,
    contact_name text,
    received_at timestamptz not null default now(),
    status text not null default 'pending' check (status in ('pending','processing','done','failed')),
    attempts integer not null default 0,
    claimed_at timestamptz,
    processed_at timestamptz,
    last_error text)`.execute(db);
  await sql`create index whatsapp_inbox_due_idx on whatsapp_inbox (sent_at, id) where status in ('pending','processing')`.execute(db);

  await sql`create table whatsapp_contacts (
    phone text primary key,
    wa_id text not null,
    profile_name text,
    locale text not null default 'id' check (locale in ('id','en')),
    last_inbound_at timestamptz,
    opted_out_at timestamptz,
    step text not null default 'idle',
    draft jsonb not null default '{}',
    step_at timestamptz,
    awaiting_info_feedback_id bigint references feedback(id) on delete set null,
    awaiting_info_until timestamptz,
    updated_at timestamptz not null default now())`.execute(db);
  await sql`create index whatsapp_contacts_step_idx on whatsapp_contacts (step_at) where step <> 'idle'`.execute(db);

  await sql`create table whatsapp_user_numbers (
    user_id uuid primary key references users(id) on delete cascade,
    phone text,
    verified_at timestamptz,
    pending_phone text,
    code_hash text,
    code_expires_at timestamptz,
    code_attempts integer not null default 0,
    notify text not null default 'email' check (notify in ('email','whatsapp','both')),
    updated_at timestamptz not null default now(),
    check ((verified_at is null) = (phone is null)))`.execute(db);
  await sql`create unique index whatsapp_user_numbers_phone_key on whatsapp_user_numbers (phone) where phone is not null`.execute(db);

  await sql`alter table feedback_contacts
    add column notify text not null default 'email',
    add constraint feedback_contacts_notify_check check (notify in ('email','whatsapp','both'))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table feedback_contacts drop constraint if exists feedback_contacts_notify_check, drop column if exists notify`.execute(db);
  await sql`drop table if exists whatsapp_user_numbers`.execute(db);
  await sql`drop table if exists whatsapp_contacts`.execute(db);
  await sql`drop table if exists whatsapp_inbox`.execute(db);
  await sql`drop index if exists outbox_channel_status_idx`.execute(db);
  await sql`drop index if exists outbox_feedback_idx`.execute(db);
  await sql`drop index if exists outbox_provider_message_idx`.execute(db);
  await sql`delete from outbox where channel <> 'email'`.execute(db);
  await sql`alter table outbox
    drop constraint if exists outbox_recipient_check,
    drop constraint if exists outbox_delivery_status_check,
    drop constraint if exists outbox_channel_check,
    drop column if exists feedback_id, drop column if exists fallback_outbox_id,
    drop column if exists delivery_at, drop column if exists delivery_error, drop column if exists delivery_status,
    drop column if exists provider_message_id, drop column if exists wa_template, drop column if exists wa_text,
    drop column if exists to_phone, drop column if exists channel,
    alter column to_email set not null`.execute(db);
}
