import type { AppConfig } from '../config.ts';
import type { Db } from '../db/index.ts';
import { photoStore } from '../feedback/photos.ts';
import { createWhatsAppClient, type WhatsAppClient } from '../whatsapp/client.ts';
import { expireConversations, processWhatsAppInbox } from './inbound.ts';

/**
 * The WhatsApp part of the background worker: the Cloud API client the outbox sends through
 * (null while the channel is off), and a tick that drains the inbox and ends stale conversations.
 */
export function whatsappWorker(config: AppConfig): { client: WhatsAppClient | null; tick(db: Db, now?: Date): Promise<void> } {
  const client = config.whatsapp ? createWhatsAppClient(config.whatsapp) : null;
  const photos = photoStore(config.dataDir);
  let lastExpiry = 0;
  return {
    client,
    async tick(db, now = new Date()) {
      if (!client) return;
      while ((await processWhatsAppInbox({ db, config, client, photos }, now)) > 0) {
        /* drain */
      }
      if (now.getTime() - lastExpiry > 60_000) {
        lastExpiry = now.getTime();
        await expireConversations(db, now);
      }
    },
  };
}
