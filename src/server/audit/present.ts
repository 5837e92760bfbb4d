/**
 * How the audit log reads to a person: each action by its label (src/i18n/audit/), and a
 * change as the fields that differ between `before` and `after`, one line each, instead of
 * two JSON documents.
 */
import { isMessageKey, type Translate } from '../../i18n/index.ts';

/** The label of an action key; an action without one (added later) reads as its words. */
export function auditActionLabel(action: string, t: Translate): string {
  const key = `audit.action.${action}`;
  if (isMessageKey(key)) return t(key);
  return action.replace(/[._]/g, ' ');
}

export interface AuditFieldChange {
  /** The field's name as words ("moderation state"). */
  field: string;
  before: string | null;
  after: string | null;
}

const MAX_VALUE = 160;

function show(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  let s: string;
  if (typeof v === 'string') s = v;
  else if (typeof v === 'number' || typeof v === 'boolean') s = String(v);
  else if (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object')) s = v.join(', ');
  else s = JSON.stringify(v);
  return s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE - 1)}…` : s;
}

function asRecord(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/**
 * The fields that changed, in the order they first appear (before, then after). A field only
 * in `after` was set, one only in `before` was cleared. Values that are not objects are shown
 * as one change of the field "value".
 */
export function auditChanges(before: unknown, after: unknown): AuditFieldChange[] {
  const b = asRecord(before) ?? (before === null || before === undefined ? {} : { value: before });
  const a = asRecord(after) ?? (after === null || after === undefined ? {} : { value: after });
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  const out: AuditFieldChange[] = [];
  for (const k of keys) {
    if (JSON.stringify(b[k]) === JSON.stringify(a[k])) continue;
    out.push({ field: k.replace(/_/g, ' '), before: show(b[k]), after: show(a[k]) });
  }
  return out;
}
