import { type Kysely, sql } from 'kysely';

/**
 * An ASN person's official answers over a period (the evidence record for the appraisal, and the
 * participation record's count) read through this index instead of scanning every event.
 * Frozen once landed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index feedback_events_responder_idx on feedback_events (actor_id, at) where kind = 'response'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists feedback_events_responder_idx`.execute(db);
}
