import type { Db } from '../db/index.ts';

/** The contact of a WhatsApp number (E.164), without a lock. */
export function selectContact(db: Db, phone: string) {
  return db.selectFrom('whatsapp_contacts').selectAll().where('phone', '=', phone).executeTakeFirst();
}

/** Marks an inbox row done unless its handling already finished it (or gave it back). */
export async function finishInboxIfProcessing(db: Db, id: number, now: Date): Promise<void> {
  await db.updateTable('whatsapp_inbox').set({ status: 'done', processed_at: now }).where('id', '=', id).where('status', '=', 'processing').execute();
}
