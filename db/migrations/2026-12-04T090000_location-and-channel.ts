import { type Kysely, sql } from 'kysely';

/**
 * Where a feedback item is (an optional map pin, WGS 84 degrees, checked against the city's bounds by
 * the submission service) and by which channel it arrived (web form, WhatsApp conversation, Open311
 * POST). Every channel goes through the same submission service; the channel is shown to staff only.
 * Frozen once landed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table feedback
    add column latitude double precision,
    add column longitude double precision,
    add column channel text not null default 'web',
    add constraint feedback_channel_check check (channel in ('web','whatsapp','open311')),
    add constraint feedback_pin_check check (
      (latitude is null and longitude is null)
      or (latitude between -90 and 90 and longitude between -180 and 180))`.execute(db);
  // Map views read pins of published, public items only.
  await sql`create index feedback_pin_idx on feedback (latitude, longitude)
    where latitude is not null and moderation_state = 'published' and confidential = false`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists feedback_pin_idx`.execute(db);
  await sql`alter table feedback drop constraint if exists feedback_pin_check,
    drop constraint if exists feedback_channel_check,
    drop column if exists channel, drop column if exists longitude, drop column if exists latitude`.execute(db);
}
