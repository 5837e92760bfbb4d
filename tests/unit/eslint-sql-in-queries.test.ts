import path from 'node:path';
import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, it } from 'vitest';
import rule from '../../eslint-rules/sql-in-queries.js';

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const tester = new RuleTester({ languageOptions: { parser: tseslint.parser, ecmaVersion: 2024, sourceType: 'module' } });
const at = (rel: string) => path.join(process.cwd(), rel);
const allowDemo = [{ allow: [{ path: 'src/server/demo/', reason: 'fixture rows for the demo data set' }] }];

tester.run('sql-in-queries', rule, {
  valid: [
    // Where SQL belongs: a domain's queries.ts, a queries/ folder, the database layer.
    { filename: at('src/server/forums/queries.ts'), code: "export const f = (db) => db.selectFrom('forums').selectAll().execute();" },
    { filename: at('src/server/forums/queries/agenda.ts'), code: "export const f = (db) => db.deleteFrom('forum_agenda_items').execute();" },
    { filename: at('src/server/db/index.ts'), code: 'export const ping = (db) => sql`select 1`.execute(db);' },
    // A service calling named queries, and look-alike names that build nothing.
    { filename: at('src/server/forums/service.ts'), code: "import * as q from './queries.ts'; export const f = (db) => q.selectForumBySlug(db, 'x');" },
    { filename: at('src/server/forums/service.ts'), code: 'const selectFrom = 1; export const g = (s) => s.select(selectFrom) + sqlite`x`;' },
    // An explicit exception.
    { filename: at('src/server/demo/feedback.ts'), code: "export const f = (db) => db.insertInto('feedback').values({}).execute();", options: allowDemo },
  ],
  invalid: [
    {
      filename: at('src/server/handling/service.ts'),
      code: "export const f = (trx, id) => trx.updateTable('feedback').set({ updated_at: new Date() }).where('id', '=', id).execute();",
      errors: [{ messageId: 'builder', data: { name: 'updateTable' } }],
    },
    {
      filename: at('src/server/reference/service.ts'),
      code: "export const f = (db) => Promise.all([db.selectFrom('units').selectAll().execute(), db\n  .deleteFrom('areas')\n  .execute()]);",
      errors: [
        { messageId: 'builder', data: { name: 'selectFrom' } },
        { messageId: 'builder', data: { name: 'deleteFrom' } },
      ],
    },
    { filename: at('src/server/accounts/invite.ts'), code: "export const f = (db) => db.insertInto('users').values({}).execute();", errors: [{ messageId: 'builder' }] },
    { filename: at('src/server/worker.ts'), code: 'export const f = (db) => sql<{ n: number }>`select 1 as n`.execute(db);', errors: [{ messageId: 'template' }] },
    { filename: at('src/server/feedback/service.ts'), code: "export const f = () => sql.raw('select 1');", errors: [{ messageId: 'template' }] },
    // A file named like a queries module elsewhere in the path is no queries module.
    { filename: at('src/server/queries-helpers/service.ts'), code: "export const f = (db) => db.selectFrom('x').execute();", errors: [{ messageId: 'builder' }] },
    // The exception is for the listed folder only.
    { filename: at('src/server/demo-extra/seed.ts'), code: "export const f = (db) => db.insertInto('feedback').values({}).execute();", options: allowDemo, errors: [{ messageId: 'builder' }] },
  ],
});
