import type { MessageKey } from '../../i18n/index.ts';
import { fail, type Result } from '../forms.ts';
import type { Db } from './index.ts';

/**
 * The shape of every change to one row that other people may change at the same time
 * ("lock, check freshness, change, event, audit"), in one transaction:
 * 1. `lock` reads the row with SELECT … FOR UPDATE (the domain's query), so that decisions are
 *    taken on a row nobody else is changing;
 * 2. a missing row, or one `visible` refuses for this person, is not found: null (the route
 *    answers 404, and says nothing of rows the person may not see);
 * 3. when the caller passes `seen` (the row's `updated_at` when the person's form was drawn, as a
 *    Date or as the string the form carried), a row changed since is refused with `staleKey`
 *    (a 409 through respond()); an unreadable `seen` counts as stale;
 * 4. `change` makes the change and records its event, audit entry and outbox messages on `trx`,
 *    so that all of it commits or none does.
 * Permission that does not depend on the row is decided by the use case before calling this.
 */
export interface LockedChange<R extends { updated_at: Date }, T> {
  lock: (trx: Db) => Promise<R | undefined>;
  visible?: (row: R) => boolean;
  seen?: Date | string | null;
  staleKey?: MessageKey;
  change: (trx: Db, row: R) => Promise<Result<T>>;
}

/** True when the row changed after the version the person saw (or that version is unreadable). */
export function isStale(updatedAt: Date, seen: Date | string): boolean {
  const t = typeof seen === 'string' ? Date.parse(seen) : seen.getTime();
  return Number.isNaN(t) || t !== updatedAt.getTime();
}

export function changeLocked<R extends { updated_at: Date }, T>(db: Db, c: LockedChange<R, T>): Promise<Result<T> | null> {
  return db.transaction().execute(async (trx) => {
    const row = await c.lock(trx);
    if (!row || (c.visible && !c.visible(row))) return null;
    if (c.seen !== undefined && c.seen !== null && isStale(row.updated_at, c.seen)) return fail('_form', c.staleKey ?? 'err.staleEdit');
    return c.change(trx, row);
  });
}
