import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { listAudit, recordAudit, SYSTEM_ACTOR } from '../../src/server/audit/service.ts';
import type { AuditRow } from '../../src/server/db/schema.ts';
import { describeEachDb } from '../support/db.ts';
import { json } from '../support/accounts.ts';

describeEachDb('audit_log is append-only', (get) => {
  async function entry(action: string): Promise<AuditRow['id']> {
    const { db } = get();
    await recordAudit(db, SYSTEM_ACTOR, action, { type: 'test', id: 7 }, { before: { a: 1 }, after: { a: 2 } });
    const row = await db.selectFrom('audit_log').select('id').where('action', '=', action).executeTakeFirstOrThrow();
    return row.id;
  }

  async function count(): Promise<number> {
    const r = await get().db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  it('recordAudit stores the entry with its JSON before/after', async () => {
    const { db } = get();
    const id = await entry('test.record');
    const row = await db.selectFrom('audit_log').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ actor_id: null, actor_label: 'system', action: 'test.record', object_type: 'test', object_id: '7', ip: null });
    expect(json(row.before)).toEqual({ a: 1 });
    expect(json(row.after)).toEqual({ a: 2 });
    expect(row.at).toBeInstanceOf(Date);
  });

  it('UPDATE is refused by the database and changes nothing', async () => {
    const { db } = get();
    const id = await entry('test.update');
    await expect(db.updateTable('audit_log').set({ action: 'tampered' }).where('id', '=', id).execute()).rejects.toThrow(/append-only/);
    await expect(sql`update audit_log set actor_label = 'x'`.execute(db)).rejects.toThrow(/append-only/);
    const row = await db.selectFrom('audit_log').select(['action', 'actor_label']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({ action: 'test.update', actor_label: 'system' });
  });

  it('DELETE is refused by the database and removes nothing', async () => {
    const { db } = get();
    const id = await entry('test.delete');
    const before = await count();
    await expect(db.deleteFrom('audit_log').where('id', '=', id).execute()).rejects.toThrow(/append-only/);
    await expect(db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
    expect(await count()).toBe(before);
  });

  it('TRUNCATE is refused by the database', async () => {
    const { db } = get();
    await entry('test.truncate');
    const before = await count();
    expect(before).toBeGreaterThan(0);
    await expect(sql`truncate audit_log`.execute(db)).rejects.toThrow(/append-only/);
    expect(await count()).toBe(before);
  });

  it('a refused change inside a transaction rolls the whole transaction back', async () => {
    const { db } = get();
    const id = await entry('test.trx');
    await expect(
      db.transaction().execute(async (trx) => {
        await recordAudit(trx, SYSTEM_ACTOR, 'test.trx_inner', { type: 'test', id: null });
        await trx.deleteFrom('audit_log').where('id', '=', id).execute();
      }),
    ).rejects.toThrow(/append-only/);
    expect(await db.selectFrom('audit_log').select('id').where('action', '=', 'test.trx_inner').execute()).toEqual([]);
    expect(await db.selectFrom('audit_log').select('id').where('id', '=', id).execute()).toHaveLength(1);
  });

  it('listAudit pages newest first with a keyset cursor', async () => {
    const { db } = get();
    for (let i = 0; i < 5; i++) await recordAudit(db, SYSTEM_ACTOR, 'test.page', { type: 'page', id: i });
    const p1 = await listAudit(db, { action: 'test.page' }, 2);
    expect(p1.entries.map((e) => e.object_id)).toEqual(['4', '3']);
    expect(p1.nextBeforeId).not.toBeNull();
    const p2 = await listAudit(db, { action: 'test.page', beforeId: p1.nextBeforeId! }, 2);
    expect(p2.entries.map((e) => e.object_id)).toEqual(['2', '1']);
    const p3 = await listAudit(db, { action: 'test.page', beforeId: p2.nextBeforeId! }, 2);
    expect(p3.entries.map((e) => e.object_id)).toEqual(['0']);
    expect(p3.nextBeforeId).toBeNull();
  });
});

