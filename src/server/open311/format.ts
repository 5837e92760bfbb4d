import XMLBuilder from 'fast-xml-builder';
import { WIT_OFFSET_MS } from '../calendar/working-days.ts';

/**
 * Open311 GeoReport v2 serialisation: the same document as JSON or as XML, errors in the spec's
 * `errors` format, dates in W3C format with WIT's offset (+09:00).
 */

export type Format = 'xml' | 'json';

export function parseFormat(s: string | undefined): Format | null {
  return s === 'xml' || s === 'json' ? s : null;
}

/**
 * A document in both shapes: `json` as sent, `xml` as the element tree under its root (arrays
 * become repeated elements, so a list is `{ services: { service: [...] } }`).
 */
export interface Open311Doc {
  json: unknown;
  xml: Record<string, unknown>;
}

export interface Open311Outcome {
  status: number;
  doc: Open311Doc;
  headers?: Record<string, string>;
}

export function ok(doc: Open311Doc, status = 200): Open311Outcome {
  return { status, doc };
}

/** `[{code, description}]` / `<errors><error>…</error></errors>`, with the HTTP status as the code. */
export function error(status: 400 | 403 | 404 | 429, description: string, headers?: Record<string, string>): Open311Outcome {
  const list = [{ code: status, description }];
  return { status, doc: { json: list, xml: { errors: { error: list } } }, headers };
}

/** A list of records: JSON array; XML `<root><item>…</item></root>`. */
export function listDoc<T extends Record<string, unknown>>(root: string, item: string, rows: T[]): Open311Doc {
  return { json: rows, xml: { [root]: rows.length > 0 ? { [item]: rows } : '' } };
}

/** W3C date-time in WIT, e.g. 2026-12-04T09:30:00+09:00. */
export function w3c(d: Date | null | undefined): string | null {
  if (!d) return null;
  return `${new Date(d.getTime() + WIT_OFFSET_MS).toISOString().slice(0, 19)}+09:00`;
}

// Characters XML 1.0 cannot carry at all (C0 controls other than tab and line breaks, lone surrogates, U+FFFE/F).
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function cleanForXml(v: unknown): unknown {
  if (typeof v === 'string') return v.replace(NOT_XML, '');
  if (Array.isArray(v)) return v.map(cleanForXml);
  if (v && typeof v === 'object' && !(v instanceof Date)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, cleanForXml(x)]));
  // null becomes an empty element; the spec's optional fields are then present and empty.
  return v === null ? '' : v;
}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, suppressEmptyNode: false });

export function toXml(tree: Record<string, unknown>): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${builder.build(cleanForXml(tree))}`;
}

export function render(format: Format, outcome: Open311Outcome): Response {
  const body = format === 'json' ? JSON.stringify(outcome.doc.json) : toXml(outcome.doc.xml);
  return new Response(body, {
    status: outcome.status,
    headers: {
      'Content-Type': format === 'json' ? 'application/json; charset=utf-8' : 'text/xml; charset=utf-8',
      // Other sites' scripts may read the public API (it carries public data only, never cookies' data).
      'Access-Control-Allow-Origin': '*',
      'Cache-Control': 'no-store',
      ...outcome.headers,
    },
  });
}
