/**
 * `npm run test:audit`: the production dependencies (`npm audit --omit=dev`) must have no
 * advisory rated high or critical. Needs the npm registry (the audit endpoint); without it the
 * check fails rather than passing silently.
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
  console.error(`npm audit failed (the registry must serve the audit endpoint): ${report.message || report.error?.summary || r.stderr}`);
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
