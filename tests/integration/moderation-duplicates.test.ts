import { beforeAll, expect, it } from 'vitest';
import { supportFeedback } from '../../src/server/feedback/tracking.ts';
import { runModerationAction } from '../../src/server/moderation/actions.ts';
import { publishFeedback } from '../../src/server/moderation/service.ts';
import { describeEachDb } from '../support/db.ts';
import { auditOf, eventsOf, feedbackRow, modCtx, outboxTo, person, PUBLIC_URL, submit, valueOf, type Person } from '../support/handling-fixtures.ts';

describeEachDb('reject as duplicate: linked to the original, supports joined', (get) => {
  const db = () => get().db;
  let mod: Person;

  beforeAll(async () => {
    mod = await person(db(), 'moderator');
  });

  async function published(o: Parameters<typeof submit>[1] = {}): Promise<number> {
    const f = await submit(db(), o);
    valueOf(await publishFeedback(db(), modCtx(mod), f.id, null));
    return f.id;
  }

  async function support(id: number, ...who: Person[]) {
    for (const p of who) expect(valueOf(await supportFeedback(db(), p.user, id)).added).toBe(true);
  }

  async function supporters(id: number): Promise<string[]> {
    return (await db().selectFrom('feedback_supports').select('user_id').where('feedback_id', '=', id).execute()).map((r) => r.user_id).sort();
  }

  it('supports u1,u2 on the duplicate and u2,u3 on the original, duplicate reporter with an account → original gains exactly u1 and the reporter', async () => {
    const origAuthor = await person(db(), 'resident');
    const dupAuthor = await person(db(), 'resident');
    const [u1, u2, u3] = [await person(db(), 'resident'), await person(db(), 'resident'), await person(db(), 'resident')];
    const original = await published({ author: origAuthor, title: 'Sampah menumpuk di Pasar Mardika' });
    const duplicate = await published({ author: dupAuthor, title: 'Tumpukan sampah Pasar Mardika' });
    await support(original, u2, u3);
    await support(duplicate, u1, u2);
    expect((await feedbackRow(db(), original)).support_count).toBe(2);

    valueOf((await runModerationAction(db(), modCtx(mod), { action: 'reject', reason: 'duplicate', duplicateOf: `#${original}`, id: String(duplicate) })).result);

    const orig = await feedbackRow(db(), original);
    expect(orig.support_count).toBe(4);
    expect(await supporters(original)).toEqual([u1.user.id, u2.user.id, u3.user.id, dupAuthor.user.id].sort());
    expect(orig.support_count).toBe((await supporters(original)).length);
    const dup = await feedbackRow(db(), duplicate);
    expect(dup).toMatchObject({ moderation_state: 'rejected', reject_reason: 'duplicate', duplicate_of: original });
    expect((await eventsOf(db(), duplicate)).at(-1)).toMatchObject({ kind: 'duplicate', public: true });
    expect((await auditOf(db(), duplicate, 'feedback.reject'))[0]).toMatchObject({ after: { reason: 'duplicate', duplicate_of: original, original_supports: 4 } });

    const [mail] = await outboxTo(db(), dupAuthor.user.email, 'feedback_rejected');
    expect(mail).toBeDefined();
    expect(mail!.text_body).toContain(`${PUBLIC_URL}/masukan/${original}`);
    expect(mail!.html_body).toContain(`<a href="${PUBLIC_URL}/masukan/${original}">`);
  });

  it('a duplicate without an account (contact email only) adds only its new supporters; the reporter is emailed the link', async () => {
    const [u1, u2] = [await person(db(), 'resident'), await person(db(), 'resident')];
    const original = await published();
    const duplicate = await published({ contactEmail: 'tanpa.akun.duplikat@contoh.id' });
    await support(original, u2);
    await support(duplicate, u1, u2);
    valueOf((await runModerationAction(db(), modCtx(mod), { action: 'reject', reason: 'duplicate', duplicateOf: String(original), id: String(duplicate) })).result);
    expect((await feedbackRow(db(), original)).support_count).toBe(2);
    expect(await supporters(original)).toEqual([u1.user.id, u2.user.id].sort());
    const [mail] = await outboxTo(db(), 'tanpa.akun.duplikat@contoh.id', 'feedback_rejected');
    expect(mail!.text_body).toContain(`${PUBLIC_URL}/masukan/${original}`);
  });

  it("the original's own reporter never becomes its supporter (as the duplicate's reporter or as a supporter of it)", async () => {
    const author = await person(db(), 'resident');
    const other = await person(db(), 'resident');
    const original = await published({ author });
    const byAuthor = await published({ author });
    valueOf((await runModerationAction(db(), modCtx(mod), { action: 'reject', reason: 'duplicate', duplicateOf: String(original), id: String(byAuthor) })).result);
    expect((await feedbackRow(db(), original)).support_count).toBe(0);
    expect(await supporters(original)).toEqual([]);

    const byOther = await published({ author: other });
    await support(byOther, author);
    valueOf((await runModerationAction(db(), modCtx(mod), { action: 'reject', reason: 'duplicate', duplicateOf: String(original), id: String(byOther) })).result);
    expect(await supporters(original)).toEqual([other.user.id]);
    expect((await feedbackRow(db(), original)).support_count).toBe(1);
  });
});
