/**
 * All SQL of a domain lives in its queries module (DEVELOPERS.md, "Rules"): services decide, own
 * the transaction and call named queries; they never build SQL themselves. This rule reports, in
 * the files it is applied to (src/server), every Kysely builder call (`selectFrom`, `insertInto`,
 * `updateTable`, `deleteFrom`, `replaceInto`, `mergeInto`) and every `sql` template or `sql.*`
 * helper outside a domain's `queries.ts`, its `queries/` folder and the database layer (`db/`).
 *
 * Exceptions are explicit: the option `allow` lists files or folders (a path relative to the
 * project root; a folder ends with '/') each with the reason it may build SQL itself.
 */
import { allowListSchema, isAllowed, relativePath } from './allow-list.js';

const BUILDERS = new Set(['selectFrom', 'insertInto', 'updateTable', 'deleteFrom', 'replaceInto', 'mergeInto']);

function isQueriesModule(rel) {
  const parts = rel.split('/');
  return parts.at(-1) === 'queries.ts' || parts.slice(0, -1).includes('queries') || /(^|\/)src\/server\/db\//.test(rel);
}

const isSqlTag = (node) => node.type === 'Identifier' && node.name === 'sql';

/** @type {import('eslint').Rule.RuleModule} */
export default {
  meta: {
    type: 'problem',
    docs: { description: "keep SQL in each domain's queries module" },
    schema: allowListSchema('path'),
    messages: {
      builder: "'{{name}}' builds SQL: move it into the domain's queries.ts (or queries/) and call it by name.",
      template: "A sql template builds SQL: move it into the domain's queries.ts (or queries/) and call it by name.",
    },
  },
  create(context) {
    if (isQueriesModule(relativePath(context)) || isAllowed(context, 'path')) return {};
    return {
      CallExpression(node) {
        const callee = node.callee;
        if (callee.type !== 'MemberExpression' || callee.computed || callee.property.type !== 'Identifier') return;
        if (BUILDERS.has(callee.property.name)) context.report({ node: callee.property, messageId: 'builder', data: { name: callee.property.name } });
        else if (isSqlTag(callee.object)) context.report({ node, messageId: 'template' });
      },
      TaggedTemplateExpression(node) {
        if (isSqlTag(node.tag) || (node.tag.type === 'MemberExpression' && isSqlTag(node.tag.object))) context.report({ node, messageId: 'template' });
      },
    };
  },
};
