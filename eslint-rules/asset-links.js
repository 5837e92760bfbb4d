/**
 * Files of public/ that the build gives content-hashed names (stylesheets, scripts, icons) are linked
 * through `asset('/styles/site.css')` (src/assets.ts): a literal '/styles/site.css' in a page or component
 * would be served without the year-long cache, or, once the build renames it, not at all. The rule
 * reports such a path written as a string (an `href`/`src` attribute, or any string or plain template
 * literal of the file) unless it is the argument of `asset()`, and an `asset('…')` that names no file of
 * the public folder.
 */
import fs from 'node:fs';
import path from 'node:path';

// A root-relative path to a stylesheet, script or SVG icon (query and fragment allowed).
const PUBLIC_FILE = /^\/[^\s'"`?#]*\.(?:css|m?js|svg)(?:[?#].*)?$/;

const isAssetCall = (node) => node?.type === 'CallExpression' && node.callee.type === 'Identifier' && node.callee.name === 'asset';

/** @type {import('eslint').Rule.RuleModule} */
export default {
  meta: {
    type: 'problem',
    hasSuggestions: true,
    docs: { description: "link stylesheets, scripts and icons of public/ through asset(), which gives their content-hashed URL" },
    schema: [{ type: 'object', properties: { publicDir: { type: 'string' } }, additionalProperties: false }],
    messages: {
      literal: "Link '{{url}}' through asset('{{url}}') (src/assets.ts), so it gets its content-hashed URL.",
      useAsset: "Write asset('{{url}}')",
      missing: "asset('{{url}}') names no file of public/.",
    },
  },
  create(context) {
    const publicDir = path.resolve(context.cwd, context.options[0]?.publicDir ?? 'public');

    const check = (node, url) => {
      if (!PUBLIC_FILE.test(url)) return;
      if (isAssetCall(node.parent) && node.parent.arguments[0] === node) {
        const file = path.join(publicDir, url.replace(/[?#].*$/, ''));
        if (!file.startsWith(publicDir + path.sep) || !fs.existsSync(file)) context.report({ node, messageId: 'missing', data: { url } });
        return;
      }
      // In an attribute written without braces (href="/x.css") the replacement needs them.
      const bare = node.parent?.type === 'JSXAttribute' && node.parent.value === node;
      const call = `asset('${url}')`; // the pattern admits no quote in `url`
      context.report({
        node,
        messageId: 'literal',
        data: { url },
        suggest: [{ messageId: 'useAsset', data: { url }, fix: (fixer) => fixer.replaceText(node, bare ? `{${call}}` : call) }],
      });
    };

    return {
      Literal(node) {
        if (typeof node.value === 'string') check(node, node.value);
      },
      TemplateLiteral(node) {
        if (node.expressions.length === 0 && node.quasis.length === 1) check(node, node.quasis[0].value.cooked ?? '');
      },
    };
  },
};
