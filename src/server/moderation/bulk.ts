import { z } from 'zod';
import type { Db } from '../db/index.ts';
import { REJECT_REASONS, type RejectReason } from '../db/schema.ts';
import { findUnit } from '../feedback/queries.ts';
import { fail, validate, type Msg, type Result } from '../forms.ts';
import { assignFeedback, publishFeedback, rejectFeedback, type ModerationContext } from './service.ts';

/** The most items one bulk action takes (a queue page shows 100). */
export const BULK_MAX = 100;

export const BULK_ACTIONS = ['publish', 'assign', 'reject'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

export interface BulkOutcome {
  action: BulkAction;
  changed: number[];
  /** Items left unchanged, each with the reason its own step gave. */
  failed: Array<{ id: number; error: Msg }>;
}

/** One selected item: "<id>@<updated_at as the page saw it>" (the stale-edit check's `seen`). */
function parseItem(v: string): { id: number; seen: Date } | null {
  const m = /^(\d{1,15})@(.{10,40})$/.exec(v);
  if (!m) return null;
  const seen = new Date(m[2]!);
  return Number.isNaN(seen.getTime()) ? null : { id: Number(m[1]), seen };
}

const bulkRejectSchema = z.object({
  reason: z.enum(REJECT_REASONS as [RejectReason, ...RejectReason[]], { message: 'err.rejectReason' }),
});

/**
 * Publishes, forwards to one unit, or rejects with one reason several queue items at once.
 * Each item is its own moderation step (src/server/moderation/service.ts `step()`): its own
 * transaction, stale-edit check, timeline event, audit entry and emails, so one item that
 * changed meanwhile (or cannot take the action) is left alone and named, and the others go
 * through. The shared input (unit, reason) is checked once, before any item changes.
 */
export async function bulkModerate(db: Db, ctx: ModerationContext, form: Record<string, string>, items: string[]): Promise<Result<BulkOutcome>> {
  const action = form.bulk as BulkAction;
  if (!BULK_ACTIONS.includes(action)) return fail('bulk', 'err.bulkAction');
  const parsed = items.map(parseItem);
  if (parsed.some((p) => p === null)) return fail('_form', 'err.badRequest');
  const selected = [...new Map(parsed.map((p) => [p!.id, p!])).values()];
  if (selected.length === 0) return fail('items', 'err.bulkNone');
  if (selected.length > BULK_MAX) return fail('items', 'err.bulkTooMany', { max: BULK_MAX });

  let run: (id: number, seen: Date) => Promise<Result<null>>;
  if (action === 'publish') run = (id, seen) => publishFeedback(db, ctx, id, seen);
  else if (action === 'assign') {
    const unitId = /^\d{1,9}$/.test(form.unitId ?? '') ? Number(form.unitId) : null;
    if (unitId === null) return fail('unitId', 'err.unitChoose');
    if (!(await findUnit(db, unitId))) return fail('unitId', 'err.invalidChoice');
    run = (id, seen) => assignFeedback(db, ctx, id, seen, { unitId: String(unitId) });
  } else {
    const v = validate(bulkRejectSchema, form);
    if (!v.ok) return v;
    const input = { reason: form.reason, note: form.note ?? '', duplicateOf: form.duplicateOf ?? '' };
    run = (id, seen) => rejectFeedback(db, ctx, id, seen, input);
  }

  const outcome: BulkOutcome = { action, changed: [], failed: [] };
  for (const { id, seen } of selected) {
    const r = await run(id, seen);
    if (r.ok) outcome.changed.push(id);
    else outcome.failed.push({ id, error: r.errors._form ?? Object.values(r.errors)[0]! });
  }
  return { ok: true, value: outcome };
}
