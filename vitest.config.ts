import { defineConfig } from 'vitest/config';

/** Unit tests (no database) and integration tests (services against PGlite, and PostgreSQL when TEST_DATABASE_URL is set). */
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' } },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Each file opens its own databases; two at a time suits a 2-core machine.
          maxWorkers: 2,
        },
      },
      {
        // The attack and fault suite's Node half (npm run test:security, after `astro build`):
        // the real server process, a PostgreSQL cluster of its own, raw HTTP.
        test: {
          name: 'security',
          include: ['tests/security/**/*.test.ts'],
          globalSetup: ['tests/security/support/global-setup.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 180_000,
          maxWorkers: 2,
        },
      },
    ],
  },
});
