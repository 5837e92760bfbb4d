import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { markDelivered } from '../../src/server/notifications/queries.ts';
import { runRetention } from '../../src/server/privacy/service.ts';
import { describeEachDb, describePostgres } from '../support/db.ts';
import { person, submit, type Person } from '../support/handling-fixtures.ts';

const DAY = 86400_000;
const CFG = { retentionContactMonths: 24, outboxBodyDays: 90 };

function monthsLater(d: Date, months: number): Date {
  const x = new Date(d);
  x.setUTCMonth(x.getUTCMonth() + months);
  return x;
}

describeEachDb('retention job: contact details and email bodies', (get) => {
  const tag = Math.random().toString(36).slice(2, 8);
  let author: Person;

  beforeAll(async () => {
    author = await person(get().db, 'resident');
  });

  async function contactOf(id: number) {
    return get().db.selectFrom('feedback_contacts').select(['name', 'email', 'phone', 'anonymised_at']).where('feedback_id', '=', id).executeTakeFirstOrThrow();
  }

  it('anonymises contacts the configured months after closing or rejection, once, and audits it', async () => {
    const db = get().db;
    const closedAt = new Date();
    const closed = await submit(db, { author, contactName: `Tutup ${tag}`, contactEmail: `tutup.${tag}@contoh.id`, contactPhone: '+62 811 111 222' });
    const rejected = await submit(db, { contactEmail: `tolak.${tag}@contoh.id` });
    const open = await submit(db, { contactEmail: `buka.${tag}@contoh.id` });
    await db.updateTable('feedback').set({ status: 'closed', closed_at: closedAt }).where('id', '=', closed.id).execute();
    await db.updateTable('feedback').set({ moderation_state: 'rejected', updated_at: closedAt }).where('id', '=', rejected.id).execute();

    // 23 months on: nothing is due yet.
    expect(await runRetention(db, CFG, monthsLater(closedAt, 23))).toMatchObject({ contactsAnonymised: 0 });
    expect((await contactOf(closed.id)).email).toBe(`tutup.${tag}@contoh.id`);

    // 25 months on: the closed and the rejected item's contacts go; the open one stays.
    const now = monthsLater(closedAt, 25);
    expect(await runRetention(db, CFG, now)).toMatchObject({ contactsAnonymised: 2 });
    expect(await contactOf(closed.id)).toEqual({ name: null, email: null, phone: null, anonymised_at: now });
    expect((await contactOf(rejected.id)).email).toBeNull();
    expect((await contactOf(open.id)).email).toBe(`buka.${tag}@contoh.id`);
    // The feedback itself stays, still linked to its author (only contact details expire).
    expect((await db.selectFrom('feedback').select('author_id').where('id', '=', closed.id).executeTakeFirstOrThrow()).author_id).toBe(author.user.id);

    // Idempotent: a second run finds nothing.
    expect(await runRetention(db, CFG, monthsLater(closedAt, 26))).toMatchObject({ contactsAnonymised: 0 });
    const entries = await db.selectFrom('audit_log').select(['actor_label', 'after']).where('action', '=', 'privacy.retention_contacts').execute();
    expect(entries).toHaveLength(1);
    expect(entries[0]!.actor_label).toBe('system');
    expect((entries[0]!.after as { feedback: number[] }).feedback.sort()).toEqual([closed.id, rejected.id].sort());
  });

  it('honours a shorter configured period', async () => {
    const db = get().db;
    const item = await submit(db, { contactEmail: `pendek.${tag}@contoh.id` });
    const closedAt = new Date();
    await db.updateTable('feedback').set({ status: 'closed', closed_at: closedAt }).where('id', '=', item.id).execute();
    expect(await runRetention(db, { ...CFG, retentionContactMonths: 6 }, monthsLater(closedAt, 5))).toMatchObject({ contactsAnonymised: 0 });
    expect(await runRetention(db, { ...CFG, retentionContactMonths: 6 }, monthsLater(closedAt, 7))).toMatchObject({ contactsAnonymised: 1 });
    expect((await contactOf(item.id)).email).toBeNull();
  });

  it('empties the bodies (tracking codes) of sent emails after the configured days, never unsent ones', async () => {
    const db = get().db;
    const sentTo = `terkirim.${tag}@contoh.id`;
    const pendingTo = `antre.${tag}@contoh.id`;
    await submit(db, { contactEmail: sentTo });
    await submit(db, { contactEmail: pendingTo });
    const sent = await db.selectFrom('outbox').selectAll().where('to_email', '=', sentTo).executeTakeFirstOrThrow();
    expect(sent.text_body).toMatch(/BD-[A-Z0-9]{5}-[A-Z0-9]{5}/);
    await markDelivered(db, sent.id, 'sent', new Date());
    const at = sent.created_at;

    expect((await runRetention(db, CFG, new Date(at.getTime() + 89 * DAY))).outboxPruned).toBe(0);
    const r = await runRetention(db, CFG, new Date(at.getTime() + 91 * DAY));
    expect(r.outboxPruned).toBeGreaterThanOrEqual(1);
    const after = await db.selectFrom('outbox').selectAll().where('id', '=', sent.id).executeTakeFirstOrThrow();
    expect({ subject: after.subject, text: after.text_body, html: after.html_body, attachments: after.attachments }).toEqual({ subject: '', text: '', html: '', attachments: null });
    expect(after.body_pruned_at).not.toBeNull();
    expect(after.template).toBe('feedback_receipt');
    const pending = await db.selectFrom('outbox').selectAll().where('to_email', '=', pendingTo).executeTakeFirstOrThrow();
    expect(pending.status).toBe('pending');
    expect(pending.text_body).toMatch(/BD-/);
    expect((await runRetention(db, CFG, new Date(at.getTime() + 92 * DAY))).outboxPruned).toBe(0);
  });
});

describePostgres('retention job: several workers at once', (get) => {
  it('anonymises every due contact exactly once when four runs race', async () => {
    const db = get().db;
    const ids: number[] = [];
    for (let i = 0; i < 30; i++) ids.push((await submit(db, { contactEmail: `balapan.${i}.${Date.now()}@contoh.id` })).id);
    const closedAt = new Date();
    await db.updateTable('feedback').set({ status: 'closed', closed_at: closedAt }).where('id', 'in', ids).execute();
    const now = monthsLater(closedAt, 25);
    const results = await Promise.all([0, 1, 2, 3].map(() => runRetention(db, CFG, now, 7)));
    expect(results.reduce((s, r) => s + r.contactsAnonymised, 0)).toBe(30);
    const left = await sql<{ n: number }>`select count(*)::int as n from feedback_contacts where email is not null and feedback_id in (${sql.join(ids)})`.execute(db);
    expect(left.rows[0]!.n).toBe(0);
    const audited = await db.selectFrom('audit_log').select('after').where('action', '=', 'privacy.retention_contacts').execute();
    const all = audited.flatMap((e) => (e.after as { feedback: number[] }).feedback);
    expect(all.sort((x, y) => x - y)).toEqual([...ids].sort((x, y) => x - y));
  });
}, { poolSize: 8 });
