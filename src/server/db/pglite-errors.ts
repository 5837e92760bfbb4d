/**
 * Database errors cross the thread boundary as plain data: the structured clone of an Error
 * keeps only its message and stack, while the app reads PostgreSQL's fields (`code` 23505,
 * `constraint`, ...).
 */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  fields: Record<string, string | number | boolean>;
}

export function serializeError(e: unknown): SerializedError {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e), fields: {} };
  const fields: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(e)) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') fields[k] = v;
  return { name: e.name, message: e.message, stack: e.stack, fields };
}

export function deserializeError(s: SerializedError): Error {
  const e = Object.assign(new Error(s.message), s.fields);
  e.name = s.name;
  if (s.stack) e.stack = `${s.stack}\n    --- in the database thread; called from ---\n${new Error().stack?.split('\n').slice(1).join('\n') ?? ''}`;
  return e;
}
