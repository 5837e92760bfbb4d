import { z } from 'zod';
import { isValidDate } from '../domain/dates.ts';
import { isMessageKey, type MessageKey } from '../i18n/index.ts';
import { toE164 } from './whatsapp/phone.ts';

/** A translatable message: a dictionary key and its placeholders. */
export interface Msg {
  key: MessageKey;
  params?: Record<string, string | number>;
}

/** Field name → message; `_form` holds a message about the whole form. */
export type FieldErrors = Record<string, Msg>;

export type Result<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

/** The largest value of a PostgreSQL `integer` id (units, areas, answer templates, API keys, alert subscriptions). */
const INTEGER_ID_MAX = 2_147_483_647;

/**
 * A database id from a URL or a form: a positive integer of at most 15 digits (within
 * Number.MAX_SAFE_INTEGER and PostgreSQL's bigint), else null; for an `integer` column, at most
 * 2147483647, so a query never fails on a number out of its range. Routes answer null with 404
 * (in a path) or 400 (in a form field no person types).
 */
export function parseId(value: unknown, column: 'bigint' | 'integer' = 'bigint'): number | null {
  if (typeof value !== 'string' || !/^[1-9]\d{0,14}$/.test(value)) return null;
  const id = Number(value);
  return column === 'integer' && id > INTEGER_ID_MAX ? null : id;
}

export const fail = (field: string, key: MessageKey, params?: Msg['params']): { ok: false; errors: FieldErrors } => ({
  ok: false,
  errors: { [field]: { key, params } },
});

function issueMessage(issue: z.core.$ZodIssue): Msg {
  if (isMessageKey(issue.message)) return { key: issue.message };
  switch (issue.code) {
    case 'too_small':
      return Number(issue.minimum) <= 1 ? { key: 'err.required' } : { key: 'err.tooShort', params: { min: Number(issue.minimum) } };
    case 'too_big':
      return { key: 'err.tooLong', params: { max: Number(issue.maximum) } };
    case 'invalid_format':
      return issue.format === 'email' ? { key: 'err.email' } : { key: 'err.invalidChoice' };
    case 'invalid_type':
      return { key: 'err.required' };
    default:
      return { key: 'err.invalidChoice' };
  }
}

/**
 * Validates input against a schema; on failure returns the first message of each field,
 * ready to show next to it.
 */
export function validate<S extends z.ZodType>(schema: S, input: unknown): Result<z.output<S>> {
  const r = schema.safeParse(input);
  if (r.success) return { ok: true, value: r.data };
  const errors: FieldErrors = {};
  for (const issue of r.error.issues) {
    const field = String(issue.path[0] ?? '_form');
    errors[field] ??= issueMessage(issue);
  }
  return { ok: false, errors };
}

/** A form post as a page reads it: see `readForm`. */
export interface PostedForm<L extends string = never, F extends string = never> {
  /** Every text field, last value wins (a field a person fills in once). */
  values: Record<string, string>;
  /** The fields declared as lists (checkbox groups, repeated hidden ids): their distinct non-empty values, in order. */
  lists: Record<L, string[]>;
  /** The file inputs declared as files: the files sent (a part without a file name, as when none was chosen, is a text field). */
  files: Record<F, File[]>;
}

/**
 * The one way a page reads a form post. It reads a clone of the request, so the page may still
 * answer 404 with `Astro.rewrite` afterwards (Astro refuses once the body is consumed). Fields
 * that repeat are read only where declared, so a repeated single field cannot become an array
 * a use case does not expect.
 */
export async function readForm<const L extends string = never, const F extends string = never>(
  request: Request,
  declared: { lists?: readonly L[]; files?: readonly F[] } = {},
): Promise<PostedForm<L, F>> {
  const form = await request.clone().formData();
  const values: Record<string, string> = {};
  for (const [k, v] of form.entries()) if (typeof v === 'string') values[k] = v;
  const lists = {} as Record<L, string[]>;
  for (const name of declared.lists ?? []) {
    lists[name] = [...new Set(form.getAll(name).filter((v): v is string => typeof v === 'string' && v !== ''))];
  }
  const files = {} as Record<F, File[]>;
  for (const name of declared.files ?? []) {
    files[name] = form.getAll(name).filter((f): f is File => typeof f !== 'string');
  }
  return { values, lists, files };
}

/**
 * Numbers typed into a form as a list ("12, #40 41; 7"): the distinct ids in order, or null
 * when any item is not a number (the form then says how to write them).
 */
export function parseIdList(text: string): number[] | null {
  const tokens = text.split(/[\s,;]+/).filter(Boolean).map((t) => t.replace(/^#/, ''));
  if (tokens.some((t) => !/^\d{1,12}$/.test(t))) return null;
  return [...new Set(tokens.map(Number))];
}

/** An optional trimmed text of at most `max` characters; empty means null. */
export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((s) => (s === '' ? null : s))
    .nullable()
    .optional()
    .transform((s) => s ?? null);

/**
 * A form field holding a real calendar day 'YYYY-MM-DD' (trimmed): 2025-02-31, 0000-00-00 and
 * anything else are refused with `message`, a translated key shown next to the field.
 */
export const calendarDate = (message: MessageKey = 'err.date') => z.string({ message }).trim().refine(isValidDate, { message });

/** An optional contact email, trimmed and lower-cased; empty means null. */
export const contactEmail = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .optional()
  .refine((v) => !v || z.email().safeParse(v).success, { message: 'err.email' })
  .transform((v) => v || null);

/**
 * An optional contact phone as people type it ("0812-3456-7890", "+62 812…"); empty means null.
 * Stored in E.164 (+62…, through toE164) when it is a valid number, as typed otherwise.
 */
export const contactPhone = z
  .string()
  .trim()
  .max(30)
  .optional()
  .refine((v) => !v || /^\+?[0-9][0-9 ()-]{5,28}$/.test(v), { message: 'err.phone' })
  .transform((v) => (v ? (toE164(v) ?? v) : null));
