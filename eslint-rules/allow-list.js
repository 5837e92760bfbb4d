/**
 * The exceptions option shared by the project's rules: `{ allow: [{ <key>: 'src/…', reason: '…' }] }`,
 * each entry a file (or a folder, written with a trailing slash) relative to the project root and
 * the reason it may break the rule (at least 10 characters, so no exception goes unexplained).
 */
import path from 'node:path';

/** The JSON schema of the option, with `key` naming the file field ('file' or 'path'). */
export function allowListSchema(key) {
  return [
    {
      type: 'object',
      properties: {
        allow: {
          type: 'array',
          items: {
            type: 'object',
            properties: { [key]: { type: 'string', minLength: 1 }, reason: { type: 'string', minLength: 10 } },
            required: [key, 'reason'],
            additionalProperties: false,
          },
        },
      },
      additionalProperties: false,
    },
  ];
}

/** The linted file's path relative to the project root, with forward slashes. */
export function relativePath(context) {
  return path.relative(context.cwd, context.filename).split(path.sep).join('/');
}

/** Whether the linted file is listed in the rule's `allow` option (a folder entry covers its files). */
export function isAllowed(context, key) {
  const rel = relativePath(context);
  return (context.options[0]?.allow ?? []).some((a) => (a[key].endsWith('/') ? rel.startsWith(a[key]) : rel === a[key]));
}
