/**
 * Preloaded into the server under test by `bench/run.ts --diagnose` (`node --import`): every
 * 250 ms it appends one JSON line to $BENCH_PROBE with the event loop's delay (max and p99 over
 * the window, 10 ms resolution), garbage-collection pauses, the process's CPU time and memory,
 * so that a latency tail can be laid beside what the server was doing at that moment; and one
 * line per background job run over 5 ms (src/server/worker.ts publishes them on a diagnostics
 * channel).
 */
import diagnostics from 'node:diagnostics_channel';
import fs from 'node:fs';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

const file = process.env.BENCH_PROBE;
if (file) {
  const out = fs.openSync(file, 'a');
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let gc = { ms: 0, max: 0, n: 0 };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gc.ms += e.duration;
      gc.max = Math.max(gc.max, e.duration);
      gc.n++;
    }
  }).observe({ entryTypes: ['gc'] });
  diagnostics.subscribe('baku:worker-job', (m) => {
    const { job, start, ms } = m as { job: string; start: number; ms: number };
    if (ms > 5) fs.writeSync(out, `${JSON.stringify({ t: start + ms, job, start, ms })}\n`);
  });
  let cpu = process.cpuUsage();
  setInterval(() => {
    const used = process.cpuUsage(cpu);
    cpu = process.cpuUsage();
    const line = {
      t: Date.now(),
      eldMax: delay.max / 1e6,
      eldP99: delay.percentile(99) / 1e6,
      gcMs: gc.ms,
      gcMax: gc.max,
      gcN: gc.n,
      cpuMs: (used.user + used.system) / 1000,
      rssMiB: Math.round(process.memoryUsage.rss() / 2 ** 20),
      heapMiB: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
    };
    fs.writeSync(out, `${JSON.stringify(line)}\n`);
    delay.reset();
    gc = { ms: 0, max: 0, n: 0 };
  }, 250).unref();
}
