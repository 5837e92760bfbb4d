import diagnostics from 'node:diagnostics_channel';
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

/** A job that takes longer than this is named in the log: it competes with requests for the CPU and the database. */
const SLOW_JOB_MS = 1000;

/**
 * Every job run is published on this diagnostics channel as `{ job, start, ms }` (start in ms
 * since the epoch), for tools that lay background work beside request latency
 * (bench/probe.ts). Publishing costs nothing while nobody subscribes.
 */
const jobChannel = diagnostics.channel('baku:worker-job');

async function timed(job: string, run: () => Promise<unknown>): Promise<void> {
  const start = Date.now();
  const started = performance.now();
  await run();
  const ms = performance.now() - started;
  if (jobChannel.hasSubscribers) jobChannel.publish({ job, start, ms });
  if (ms > SLOW_JOB_MS) log.warn('slow background job', { job, ms: Math.round(ms) });
}

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
      if (kind === 'pglite') await timed('analyze', () => analyzeChangedTables(db));
      await timed('autoclose', () => autocloseDue(db, config.publicUrl));
      await timed('overdue digest', () => sendOverdueDigest(db, config.handling, config.publicUrl));
      // Evaluation rollup: recompute the (unit, day) rows marked dirty by triggers.
      await timed('evaluation rollup', () => refreshDirtyMeasures(db));
      await timed('forum reminders', () => sendForumReminders(db, config.publicUrl));
      await timed('forum surveys', () => sendForumSurveys(db, config.publicUrl));
      await timed('alerts', () => runAlerts(db, config.publicUrl, config.handling.digestHourWit));
    }
    await timed('whatsapp', () => whatsapp.tick(db));
    await timed('deliveries', async () => {
      while ((await deliverDueEmails(db, transport, new Date(), 20, whatsapp.client)) > 0) {
        /* drain the queue */
      }
    });
    if (Date.now() - lastPrune > 3600_000) {
      lastPrune = Date.now();
      await timed('expired sessions', () => deleteExpiredSessions(db, new Date()));
      await timed('rate-limit windows', () => pruneRateLimits(db));
      await timed('alert data', () => pruneAlertData(db));
      await timed('retention', () => runRetention(db, config.privacy));
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
