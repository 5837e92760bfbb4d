/**
 * `npm run test:audit`: the production dependencies (`npm audit --omit=dev`) must have no
 * advisory rated high or critical. Needs the npm registry's audit endpoint. Where the registry is
 * reached through a mirror that serves packages but refuses the audit endpoint (HTTP 405, as on the
 * project's build machines), the check says loudly that it did not run and exits 0, unless
 * AUDIT_REQUIRED=1 (set it where the endpoint is reachable, e.g. the release pipeline). Any report it
 * does get must be clean.
 */
import { spawnSync } from 'node:child_process';

const r = spawnSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
let report: {
  metadata?: { vulnerabilities?: Record<string, number> };
  vulnerabilities?: Record<string, { severity: string; via: unknown[] }>;
  message?: string;
  error?: { summary?: string };
};
try {
  report = JSON.parse(r.stdout);
} catch {
  console.error(`npm audit gave no report (is the registry reachable?)\n${r.stderr}`);
  process.exit(2);
}
if (report.error || !report.metadata?.vulnerabilities) {
  const why = report.message || report.error?.summary || r.stderr;
  const unreachable = /\b(405|ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN)\b/.test(String(why));
  if (unreachable && process.env.AUDIT_REQUIRED !== '1') {
    console.warn(`npm audit DID NOT RUN: the registry refused or could not be reached at its audit endpoint (${why}).`);
    console.warn('Run `AUDIT_REQUIRED=1 npm run test:audit` where the endpoint is reachable.');
    process.exit(0);
  }
  console.error(`npm audit failed (the registry must serve the audit endpoint): ${why}`);
  process.exit(2);
}
const counts = report.metadata.vulnerabilities;
const bad = Object.entries(report.vulnerabilities ?? {}).filter(([, v]) => v.severity === 'high' || v.severity === 'critical');
console.log(`npm audit --omit=dev: ${JSON.stringify(counts)}`);
if (bad.length) {
  for (const [name, v] of bad) console.error(`  ${v.severity}: ${name}`);
  process.exit(1);
}
console.log('no high or critical advisory in the production dependencies');
