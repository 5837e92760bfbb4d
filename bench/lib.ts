/** Small helpers shared by the benchmark scripts (no app code here). */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// bigint ids and counts as numbers, like the app (src/server/db/index.ts).
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export function log(msg: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

/** Nearest-rank percentile of an ascending-sorted array. */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(values: number[]): Summary {
  const s = [...values].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / (s.length || 1);
  return { n: s.length, p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), max: s.at(-1) ?? NaN, mean };
}

export const ms = (v: number): string => (Number.isFinite(v) ? (v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)) : '–');

export function secondsSince(t0: number): string {
  return ((performance.now() - t0) / 1000).toFixed(1);
}

export function newPool(url: string, max = 4): pg.Pool {
  return new pg.Pool({ connectionString: url, max });
}

/** Throwaway PostgreSQL cluster via scripts/test-postgres.sh (the same one the tests use). */
export function startCluster(stateFile: string): string {
  const out = execFileSync('bash', [path.join(ROOT, 'scripts/test-postgres.sh'), 'start'], {
    env: { ...process.env, PG_STATE_FILE: stateFile, PG_DB_NAME: 'baku_bench' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return out.toString().trim();
}

export function stopCluster(stateFile: string): void {
  execFileSync('bash', [path.join(ROOT, 'scripts/test-postgres.sh'), 'stop'], {
    env: { ...process.env, PG_STATE_FILE: stateFile },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

export function machineInfo(): { nproc: number; cpu: string; memGiB: string; node: string; kernel: string } {
  return {
    nproc: os.availableParallelism(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memGiB: (os.totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    kernel: `${os.type()} ${os.release()}`,
  };
}

/** Deterministic random numbers (the product's own mulberry32), so every run asks the same questions. */
export { seededRandom as rng } from '../src/server/evaluation/stats.ts';
