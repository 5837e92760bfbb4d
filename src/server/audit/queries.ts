import type { Db } from '../db/index.ts';
import type { AuditRow } from '../db/schema.ts';

export interface AuditInsert {
  actor_id: string | null;
  actor_label: string;
  action: string;
  object_type: string;
  object_id: string | null;
  ip: string | null;
  before: unknown;
  after: unknown;
}

export async function insertAuditEntry(db: Db, e: AuditInsert): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      ...e,
      before: e.before === undefined || e.before === null ? undefined : JSON.stringify(e.before),
      after: e.after === undefined || e.after === null ? undefined : JSON.stringify(e.after),
    })
    .execute();
}

export interface AuditFilter {
  action?: string;
  objectType?: string;
  objectId?: string;
  actorId?: string;
  /** Keyset: entries with id below this one. */
  beforeId?: number;
  limit: number;
}

export function selectAuditEntries(db: Db, f: AuditFilter): Promise<AuditRow[]> {
  let q = db.selectFrom('audit_log').selectAll();
  if (f.action) q = q.where('action', '=', f.action);
  if (f.objectType) q = q.where('object_type', '=', f.objectType);
  if (f.objectId) q = q.where('object_id', '=', f.objectId);
  if (f.actorId) q = q.where('actor_id', '=', f.actorId);
  if (f.beforeId) q = q.where('id', '<', f.beforeId);
  return q.orderBy('id', 'desc').limit(f.limit).execute();
}

export async function selectAuditActions(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('audit_log').select('action').distinct().orderBy('action').execute();
  return rows.map((r) => r.action);
}
