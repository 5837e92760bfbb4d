/**
 * `npm run demo` fills the database (DATABASE_URL, or the embedded one in DATA_DIR; stop the
 * server first when embedded) with the demo data set and prints the demo accounts.
 */
import { getConfig } from '../src/server/config.ts';
import { openDb } from '../src/server/db/index.ts';
import { migrateToLatest } from '../src/server/db/migrate.ts';
import { seedDemoAccounts } from '../src/server/demo/index.ts';
import { seedDemoFeedback, seedDemoHandling } from '../src/server/demo/feedback.ts';
import { seedDemoCoaching } from '../src/server/demo/coaching.ts';
import { seedDemoForums } from '../src/server/demo/forums.ts';
import { seedReferenceData } from '../src/server/reference/seed.ts';

const config = getConfig();
const handle = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
try {
  await migrateToLatest(handle.db);
  await seedReferenceData(handle.db);
  const accounts = await seedDemoAccounts(handle.db);
  const feedback = await seedDemoFeedback(handle.db);
  console.log(`Feedback: ${feedback} demo items added.`);
  const handling = await seedDemoHandling(handle.db);
  console.log(`Flags: ${handling.flags}, answer templates: ${handling.templates} added.`);
  const coaching = await seedDemoCoaching(handle.db);
  console.log(`Coaching and evaluation: ${coaching.actions} coaching actions, ${coaching.findings} findings added.`);
  const forums = await seedDemoForums(handle.db);
  console.log(`Forums: ${forums.forums} added with ${forums.registrations} registrations.`);
  console.log(`Demo data loaded into ${handle.kind === 'pglite' ? config.dataDir : 'DATABASE_URL'}.`);
  console.log('Demo accounts (passwords are new on every run; nothing else prints them):\n');
  console.table(accounts.map((a) => ({ role: a.role, email: a.email, password: a.password, unit: a.unit ?? '' })));
  console.log(`\nStart the site with \`npm start\` and sign in at ${config.publicUrl}/masuk`);
} finally {
  await handle.close();
}
