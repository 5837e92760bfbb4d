import type { Db } from '../db/index.ts';
import type { AuditRow } from '../db/schema.ts';
import { insertAuditEntry, selectAuditActions, selectAuditEntries, type AuditFilter } from './queries.ts';

/** Who did something, and from where; passed from the route to every service that audits. */
export interface Actor {
  id: string | null;
  /** Human-readable, kept even if the account is later renamed: "Name <email>" or "system". */
  label: string;
  ip: string | null;
}

export const SYSTEM_ACTOR: Actor = { id: null, label: 'system', ip: null };

/**
 * Appends one entry to the audit log. Call it inside the transaction of the change it
 * records, so that the change and its record commit together.
 */
export function recordAudit(
  db: Db,
  actor: Actor,
  action: string,
  object: { type: string; id: string | number | null },
  change: { before?: unknown; after?: unknown } = {},
): Promise<void> {
  return insertAuditEntry(db, {
    actor_id: actor.id,
    actor_label: actor.label,
    action,
    object_type: object.type,
    object_id: object.id === null ? null : String(object.id),
    ip: actor.ip,
    before: change.before ?? null,
    after: change.after ?? null,
  });
}

export interface AuditPage {
  entries: AuditRow[];
  nextBeforeId: number | null;
}

export async function listAudit(db: Db, filter: Omit<AuditFilter, 'limit'>, pageSize = 50): Promise<AuditPage> {
  const rows = await selectAuditEntries(db, { ...filter, limit: pageSize + 1 });
  const entries = rows.slice(0, pageSize);
  return { entries, nextBeforeId: rows.length > pageSize ? entries.at(-1)!.id : null };
}

export const listAuditActions = selectAuditActions;
