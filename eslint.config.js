// @ts-check
/**
 * The rules of the code that matter are kept here, not by memory (DEVELOPERS.md, "Rules").
 * Boundaries: components and layouts never import src/server; pages never reach the database layer
 * or a domain's queries (they call a use case); migrations never import application code (they are
 * frozen, and the code they would import is not); no two domains of src/server import each other.
 * Pages and components link the stylesheets, scripts and icons of public/ through asset().
 * Pages answer form posts through respond() (eslint-rules/pages-answer-through-respond.js), with the
 * exceptions listed below, each with its reason.
 */
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import astro from 'eslint-plugin-astro';
import assetLinks from './eslint-rules/asset-links.js';
import noDomainCycles from './eslint-rules/no-domain-cycles.js';
import pagesAnswerThroughRespond from './eslint-rules/pages-answer-through-respond.js';
import sqlInQueries from './eslint-rules/sql-in-queries.js';

const restrict = (patterns) => ['error', { patterns }];
const baku = { rules: { 'no-domain-cycles': noDomainCycles, 'asset-links': assetLinks, 'pages-answer-through-respond': pagesAnswerThroughRespond, 'sql-in-queries': sqlInQueries } };

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', '.astro/**', 'public/vendor/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...astro.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly', fetch: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Kysely migrations are written against Kysely<any>, and a few library seams need it.
      '@typescript-eslint/no-explicit-any': 'off',
      'no-undef': 'off', // TypeScript checks this, with the real globals of each file
      // Input normalisation and highlighting match control characters on purpose.
      'no-control-regex': 'off',
    },
  },
  {
    // Astro's template uses frontmatter variables the rule cannot see.
    files: ['**/*.astro'],
    rules: { 'no-useless-assignment': 'off' },
  },
  {
    // Playwright fixtures without dependencies are declared with an empty pattern.
    files: ['tests/e2e/**'],
    rules: { 'no-empty-pattern': 'off' },
  },
  {
    plugins: { baku },
    files: ['src/server/**/*.ts'],
    rules: {
      'baku/no-domain-cycles': 'error',
      // SQL only in a domain's queries.ts / queries/ and the database layer (src/server/db/).
      'baku/sql-in-queries': [
        'error',
        {
          allow: [
            {
              path: 'src/server/demo/',
              reason: 'The demo data set writes fixture rows straight into the tables (dates in the past, several domains at once), as the test harness does; it is no use case.',
            },
          ],
        },
      ],
    },
  },
  {
    plugins: { baku },
    files: ['src/**/*.astro'],
    rules: { 'baku/asset-links': 'error' },
  },
  {
    // Components may name the types of the props they are given (`import type`), never call the server.
    files: ['src/components/**', 'src/layouts/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/server/**', '**/server'],
              allowTypeImports: true,
              message: 'Components and layouts are presentation only: take data as props, vocabulary from src/domain.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/pages/**'],
    rules: {
      'no-restricted-imports': restrict([
        { group: ['**/queries.ts', '**/queries'], message: 'Pages call a use case of src/server/<domain>/, never its queries.' },
        { group: ['**/server/db/**', '**/server/db'], message: 'Pages never reach the database layer; vocabulary lives in src/domain.' },
      ]),
    },
  },
  {
    plugins: { baku },
    files: ['src/pages/**/*.astro', 'src/pages/**/*.ts'],
    rules: {
      'baku/pages-answer-through-respond': [
        'error',
        {
          allow: [
            {
              file: 'src/pages/keluar.ts',
              reason: 'Signing out cannot be refused and has no form to show again: it clears the session and says so on the home page.',
            },
            {
              file: 'src/pages/pembinaan/tautkan.ts',
              reason: 'Its form sits on other pages (/moderasi/<no>, /masukan/<no>): the outcome, refusals too, is told there by a flash message.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['db/migrations/**'],
    rules: {
      'no-restricted-imports': restrict([
        { group: ['**/src/**', '**/server/**', '**/scripts/**'], message: 'Migrations are frozen: they never import application code.' },
      ]),
    },
  },
  {
    // A cast to `never` (or to MessageKey) makes the compiler accept anything: a dictionary key that
    // does not exist, a column a table lacks. Labels of vocabulary go through `labelOf(t, prefix, value)`
    // (src/i18n/index.ts); a cast that must stay says why next to an eslint-disable comment.
    files: ['src/**/*.ts', 'src/**/*.astro'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'TSAsExpression > TSNeverKeyword.typeAnnotation', message: 'No `as never`: type the value (labelOf for dictionary keys), or say in a comment why the cast must stay.' },
        { selector: 'TSTypeAssertion > TSNeverKeyword.typeAnnotation', message: 'No `<never>` casts: type the value instead.' },
        {
          selector: "TSAsExpression > TSTypeReference.typeAnnotation > Identifier.typeName[name='MessageKey']",
          message: 'No `as MessageKey`: a dynamic key goes through labelOf(t, prefix, value) (src/i18n/index.ts), or isMessageKey() when it comes from data.',
        },
      ],
    },
  },
);
