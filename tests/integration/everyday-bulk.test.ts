import { beforeAll, expect, it } from 'vitest';
import { bulkModerate } from '../../src/server/moderation/bulk.ts';
import { correctFeedback } from '../../src/server/moderation/service.ts';
import { describeEachDb } from '../support/db.ts';
import { auditOf, errorKeys, eventsOf, feedbackRow, modCtx, person, submit, unitIdOf, valueOf, type Person } from '../support/handling-fixtures.ts';

/** Bulk triage: several queue items at once, each with its own stale-edit check, event and audit. */
describeEachDb('everyday: bulk triage', (get) => {
  const db = () => get().db;
  let mod: Person;
  let other: Person;
  let unitId: number;

  beforeAll(async () => {
    mod = await person(db(), 'moderator');
    other = await person(db(), 'moderator');
    unitId = await unitIdOf(db(), 'Dinas PUPR');
  });

  async function pending(n: number) {
    const out: Array<{ id: number; item: string }> = [];
    for (let i = 0; i < n; i++) {
      const c = await submit(db(), { title: `Jalan berlubang massal ${i}` });
      const f = await feedbackRow(db(), c.id);
      out.push({ id: c.id, item: `${c.id}@${f.updated_at.toISOString()}` });
    }
    return out;
  }

  it('publishes several at once; the one changed meanwhile is named with its reason and left alone', async () => {
    const [a, b, c] = await pending(3);
    // Another moderator corrects b after the page was rendered.
    valueOf(await correctFeedback(db(), modCtx(other), b!.id, null, { kind: 'saran', priority: 'high' }));
    const out = valueOf(await bulkModerate(db(), modCtx(mod), { bulk: 'publish' }, [a!.item, b!.item, c!.item]));
    expect(out.changed).toEqual([a!.id, c!.id]);
    expect(out.failed).toEqual([{ id: b!.id, error: { key: 'err.staleEdit' } }]);
    for (const x of [a!, c!]) {
      expect((await feedbackRow(db(), x.id)).moderation_state).toBe('published');
      expect((await eventsOf(db(), x.id)).filter((e) => e.kind === 'published')).toHaveLength(1);
      expect(await auditOf(db(), x.id, 'feedback.publish')).toHaveLength(1);
    }
    expect((await feedbackRow(db(), b!.id)).moderation_state).toBe('pending');
    expect(await auditOf(db(), b!.id, 'feedback.publish')).toEqual([]);
  });

  it('forwards several to one unit', async () => {
    const items = await pending(2);
    const out = valueOf(await bulkModerate(db(), modCtx(mod), { bulk: 'assign', unitId: String(unitId) }, items.map((i) => i.item)));
    expect(out.failed).toEqual([]);
    for (const x of items) {
      expect((await feedbackRow(db(), x.id)).unit_id).toBe(unitId);
      expect(await auditOf(db(), x.id, 'feedback.assign')).toHaveLength(1);
    }
  });

  it('rejects several with one reason; each gets its own event and audit entry', async () => {
    const items = await pending(2);
    const out = valueOf(await bulkModerate(db(), modCtx(mod), { bulk: 'reject', reason: 'spam', note: 'Iklan.' }, items.map((i) => i.item)));
    expect(out.changed).toEqual(items.map((i) => i.id));
    for (const x of items) {
      expect(await feedbackRow(db(), x.id)).toMatchObject({ moderation_state: 'rejected', reject_reason: 'spam', reject_note: 'Iklan.' });
      expect((await eventsOf(db(), x.id)).filter((e) => e.kind === 'rejected')).toHaveLength(1);
      expect(await auditOf(db(), x.id, 'feedback.reject')).toHaveLength(1);
    }
  });

  it('refuses before changing anything: no reason, no unit, no selection, unknown action, malformed item; not-authority needs guidance per item', async () => {
    const items = await pending(2);
    const all = items.map((i) => i.item);
    expect(errorKeys(await bulkModerate(db(), modCtx(mod), { bulk: 'reject' }, all))).toEqual({ reason: 'err.rejectReason' });
    expect(errorKeys(await bulkModerate(db(), modCtx(mod), { bulk: 'assign' }, all))).toEqual({ unitId: 'err.unitChoose' });
    expect(errorKeys(await bulkModerate(db(), modCtx(mod), { bulk: 'publish' }, []))).toEqual({ items: 'err.bulkNone' });
    expect(errorKeys(await bulkModerate(db(), modCtx(mod), { bulk: 'hapus' }, all))).toEqual({ bulk: 'err.bulkAction' });
    expect(errorKeys(await bulkModerate(db(), modCtx(mod), { bulk: 'publish' }, ['12; drop table']))).toEqual({ _form: 'err.badRequest' });
    const out = valueOf(await bulkModerate(db(), modCtx(mod), { bulk: 'reject', reason: 'not_authority' }, all));
    expect(out.changed).toEqual([]);
    expect(out.failed.map((f) => f.error.key)).toEqual(['err.guidanceRequired', 'err.guidanceRequired']);
    for (const x of items) {
      expect((await feedbackRow(db(), x.id)).moderation_state).toBe('pending');
      expect(await auditOf(db(), x.id)).toEqual([]);
    }
  });
});
