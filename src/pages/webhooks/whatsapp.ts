import type { APIRoute } from 'astro';
import { getConfig } from '../../server/config.ts';
import { handleWebhook } from '../../server/whatsapp/webhook.ts';

/**
 * WhatsApp Cloud API webhook: the GET handshake and signed POSTs (authenticated by
 * X-Hub-Signature-256, not by a session; Meta posts application/json, which Astro's form
 * origin check does not cover). 404 while the channel is off.
 */
export const ALL: APIRoute = ({ request, locals }) => handleWebhook(locals.db, getConfig().whatsapp, request);
