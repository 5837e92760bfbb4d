import { deleteExpiredSessions } from './accounts/queries.ts';
import { initApp } from './app.ts';
import { analyzeChangedTables } from './db/autoanalyze.ts';
import type { AppConfig } from './config.ts';
import { log } from './log.ts';
import { createTransport, deliverDueEmails } from './messaging/worker.ts';
import { pruneRateLimits } from './rate-limit/service.ts';
import { autocloseDue, sendOverdueDigest } from './handling/service.ts';
import { refreshDirtyMeasures } from './evaluation/refresh.ts';
import { sendForumReminders, sendForumSurveys } from './forums/reminders.ts';
import { pruneAlertData, runAlerts } from './alerts/service.ts';
import { whatsappWorker } from './whatsapp-conversation/worker.ts';
import { runRetention } from './privacy/service.ts';

/**
 * Background work of one process: process stored WhatsApp webhooks and deliver queued emails and
 * WhatsApp messages (every few seconds); close answered
 * feedback nobody replied to, send the daily overdue digest, forum reminders and surveys (every minute); prune expired
 * sessions and old rate-limit windows, anonymise old contact details and email bodies (hourly); email alerts are matched and sent every minute; the embedded database's tables are analyzed when their rows changed (db/autoanalyze.ts). Safe to run in every process: messages and
 * items are claimed with FOR UPDATE SKIP LOCKED, the digest's day in job_runs, and pruning is
 * idempotent.
 */
export function startWorker(config: AppConfig, intervalMs = 5000): { stop(): Promise<void> } {
  const transport = createTransport(config.smtpUrl, config.mailFrom);
  const whatsapp = whatsappWorker(config);
  let running: Promise<unknown> = Promise.resolve();
  let lastPrune = 0;
  let lastMinute = 0;
  const tick = async () => {
    const { db, kind } = await initApp();
    if (Date.now() - lastMinute > 60_000) {
      lastMinute = Date.now();
      // PostgreSQL analyzes tables itself (autovacuum); the embedded database does not.
      if (kind === 'pglite') await analyzeChangedTables(db);
      await autocloseDue(db, config.publicUrl);
      await sendOverdueDigest(db, config.handling, config.publicUrl);
      // Evaluation rollup: recompute the (unit, day) rows marked dirty by triggers.
      await refreshDirtyMeasures(db);
      await sendForumReminders(db, config.publicUrl);
      await sendForumSurveys(db, config.publicUrl);
      await runAlerts(db, config.publicUrl, config.handling.digestHourWit);
    }
    await whatsapp.tick(db);
    while ((await deliverDueEmails(db, transport, new Date(), 20, whatsapp.client)) > 0) {
      /* drain the queue */
    }
    if (Date.now() - lastPrune > 3600_000) {
      lastPrune = Date.now();
      await deleteExpiredSessions(db, new Date());
      await pruneRateLimits(db);
      await pruneAlertData(db);
      await runRetention(db, config.privacy);
    }
  };
  const timer = setInterval(() => {
    running = running.then(tick).catch((e) => log.error('worker tick failed', { error: e }));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
