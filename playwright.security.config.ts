import { defineConfig } from '@playwright/test';
import base from './playwright.config.ts';

/**
 * The browser half of the attack suite (`npm run test:security`): the same built app, seed and
 * Chromium as the e2e tests (playwright.config.ts), with the specs of tests/security.
 */
export default defineConfig({
  ...base,
  testDir: 'tests/security',
  testMatch: '**/*.spec.ts',
  timeout: 180_000,
});
