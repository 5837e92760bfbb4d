/**
 * Pages answer a form post through `respond()` (src/server/http/respond.ts): 404 when the object
 * does not exist for this person, a flash message and a 303 on success, and on refusal the status
 * `errorStatus` gives (400 unknown action or malformed id, 409 stale page, 422 correctable input,
 * 429 rate limited) with the errors shown next to the fields. So, in src/pages, this rule refuses:
 * - `Astro.response.status = ` one of 400, 409, 422, 429 written by hand (a literal, or a choice
 *   between literals): the status of a refusal comes from the errors (`respond`, or `refuse` for a
 *   post whose success stays on the page);
 * - in a page (.astro), `new Response(…, { status: ` one of those `})`: a bare refusal without the
 *   page and its message (endpoints, .ts, answer downloads and APIs with plain responses);
 * - calling `setFlash` directly: the flash message is part of the success `respond` answers.
 *
 * Statuses that are not a form's refusal (403, 404 of a page, 410 of a spent link) stay free.
 * Exceptions are listed in the rule's options, each with the file and the reason it may differ:
 * `{ allow: [{ file: 'src/pages/keluar.ts', reason: '…' }] }`.
 */
import { allowListSchema, isAllowed } from './allow-list.js';

const REFUSALS = new Set([400, 409, 422, 429]);

/** The refusal statuses written as literals in an expression (through `?:`, `||`, `??`, parentheses). */
function literalRefusals(node) {
  if (!node) return [];
  switch (node.type) {
    case 'Literal':
      return typeof node.value === 'number' && REFUSALS.has(node.value) ? [node.value] : [];
    case 'ConditionalExpression':
      return [...literalRefusals(node.consequent), ...literalRefusals(node.alternate)];
    case 'LogicalExpression':
      return [...literalRefusals(node.left), ...literalRefusals(node.right)];
    case 'TSAsExpression':
    case 'TSSatisfiesExpression':
    case 'TSNonNullExpression':
      return literalRefusals(node.expression);
    default:
      return [];
  }
}

const propertyName = (node) => (node.computed ? (node.property.type === 'Literal' ? node.property.value : null) : node.property.name);

/** `Astro.response.status` */
function isAstroResponseStatus(node) {
  return (
    node.type === 'MemberExpression' &&
    propertyName(node) === 'status' &&
    node.object.type === 'MemberExpression' &&
    propertyName(node.object) === 'response' &&
    node.object.object.type === 'Identifier' &&
    node.object.object.name === 'Astro'
  );
}

/** @type {import('eslint').Rule.RuleModule} */
export default {
  meta: {
    type: 'problem',
    docs: { description: 'pages answer form posts through respond(): no refusal status or flash message written by hand' },
    schema: allowListSchema('file'),
    messages: {
      status:
        'A refusal status ({{status}}) written by hand: answer the outcome with respond() (or refuse() when success stays on the page), which takes the status from the errors.',
      response: 'A bare {{status}} response: answer with respond(Astro, badRequest, …) or the use case’s errors, so the page shows the message.',
      flash: 'setFlash called in a page: the flash message is the `done` of respond(Astro, outcome, { flash, to }).',
    },
  },
  create(context) {
    if (isAllowed(context, 'file')) return {};
    return {
      AssignmentExpression(node) {
        if (!isAstroResponseStatus(node.left)) return;
        for (const status of literalRefusals(node.right)) context.report({ node, messageId: 'status', data: { status } });
      },
      NewExpression(node) {
        if (!context.filename.endsWith('.astro')) return;
        if (node.callee.type !== 'Identifier' || node.callee.name !== 'Response') return;
        const init = node.arguments[1];
        if (init?.type !== 'ObjectExpression') return;
        for (const p of init.properties) {
          if (p.type !== 'Property' || p.computed || (p.key.name ?? p.key.value) !== 'status') continue;
          for (const status of literalRefusals(p.value)) context.report({ node, messageId: 'response', data: { status } });
        }
      },
      CallExpression(node) {
        const c = node.callee;
        const name = c.type === 'Identifier' ? c.name : c.type === 'MemberExpression' ? propertyName(c) : null;
        if (name === 'setFlash') context.report({ node, messageId: 'flash' });
      },
    };
  },
};
