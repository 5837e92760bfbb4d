import { beforeAll, describe, expect, it } from 'vitest';
import { getPublicFeedback } from '../../src/server/feedback/service.ts';
import { supportFeedback } from '../../src/server/feedback/tracking.ts';
import { flagFeedback } from '../../src/server/moderation/flags.ts';
import { describeEachDb, describePostgres } from '../support/db.ts';
import { countRows, errorKeys, errorsOf, makeCtx, makeUser, submit, submitPublished, type TestUser, valueOf } from '../support/feedback-fixtures.ts';

describeEachDb('supporting and flagging feedback', (get) => {
  const db = () => get().db;
  let mod: TestUser;
  let author: TestUser;

  beforeAll(async () => {
    mod = await makeUser(db(), { role: 'moderator' });
    author = await makeUser(db());
  });

  const supportRows = (id: number) => countRows(db(), 'feedback_supports', { column: 'feedback_id', value: id });
  const supportCount = async (id: number) =>
    (await db().selectFrom('feedback').select('support_count').where('id', '=', id).executeTakeFirstOrThrow()).support_count;

  describe('supports', () => {
    it('a resident supports a public item once; supporting again changes nothing', async () => {
      const item = await submitPublished(db(), mod.actor, {}, { user: author.user });
      const resident = await makeUser(db());
      expect(valueOf(await supportFeedback(db(), resident.user, item.feedbackId))).toEqual({ count: 1, added: true });
      expect(valueOf(await supportFeedback(db(), resident.user, item.feedbackId))).toEqual({ count: 1, added: false });
      expect(await supportRows(item.feedbackId)).toBe(1);
      expect(await supportCount(item.feedbackId)).toBe(1);
      const other = await makeUser(db());
      expect(valueOf(await supportFeedback(db(), other.user, item.feedbackId))).toEqual({ count: 2, added: true });

      const view = await getPublicFeedback(db(), item.feedbackId, resident.user);
      expect(view).toMatchObject({
        supported: true,
        canSupport: true,
        feedback: { support_count: 2 },
      });
      expect((await getPublicFeedback(db(), item.feedbackId, author.user))!.canSupport).toBe(false);
      expect((await getPublicFeedback(db(), item.feedbackId, null))!.canSupport).toBe(false);
    });

    it('the author cannot support their own item', async () => {
      const item = await submitPublished(db(), mod.actor, {}, { user: author.user });
      expect(errorKeys(errorsOf(await supportFeedback(db(), author.user, item.feedbackId)))).toEqual({ _form: 'err.cannotSupport' });
      expect(await supportRows(item.feedbackId)).toBe(0);
    });

    it('pending, confidential, hidden and unknown items cannot be supported', async () => {
      const resident = await makeUser(db());
      const pending = await submit(db());
      const confidential = await submitPublished(db(), mod.actor, {
        confidential: 'on',
      });
      const hidden = await submitPublished(db(), mod.actor);
      await db().updateTable('feedback').set({ moderation_state: 'hidden' }).where('id', '=', hidden.feedbackId).execute();
      for (const id of [pending.feedbackId, confidential.feedbackId, hidden.feedbackId, 987654321]) {
        expect(errorKeys(errorsOf(await supportFeedback(db(), resident.user, id)))).toEqual({ _form: 'err.cannotSupport' });
      }
      expect(
        await countRows(db(), 'feedback_supports', {
          column: 'user_id',
          value: resident.user.id,
        }),
      ).toBe(0);
      for (const id of [pending.feedbackId, confidential.feedbackId, hidden.feedbackId]) expect(await supportCount(id)).toBe(0);
    });
  });

  describe('flags', () => {
    const flags = (id: number) =>
      db()
        .selectFrom('feedback_flags')
        .select(['user_id', 'reporter_key', 'reason', 'note', 'resolved_at'])
        .where('feedback_id', '=', id)
        .orderBy('id')
        .execute();

    it('a signed-in resident flags an item once; a second flag is not added', async () => {
      const item = await submitPublished(db(), mod.actor);
      const resident = await makeUser(db());
      expect(
        valueOf(
          await flagFeedback(db(), makeCtx(), resident.user, item.feedbackId, {
            reason: 'personal_data',
            note: 'Ada nomor HP orang lain.',
          }),
        ),
      ).toEqual({ added: true });
      // Another address, same account: still the same person.
      expect(
        valueOf(
          await flagFeedback(db(), makeCtx(), resident.user, item.feedbackId, {
            reason: 'spam',
          }),
        ),
      ).toEqual({ added: false });
      expect(await flags(item.feedbackId)).toEqual([
        {
          user_id: resident.user.id,
          reporter_key: `user:${resident.user.id}`,
          reason: 'personal_data',
          note: 'Ada nomor HP orang lain.',
          resolved_at: null,
        },
      ]);
    });

    it('anonymous flags are keyed by the client address', async () => {
      const item = await submitPublished(db(), mod.actor);
      const a = makeCtx();
      const b = makeCtx();
      expect(
        valueOf(
          await flagFeedback(db(), a, null, item.feedbackId, {
            reason: 'abusive',
          }),
        ),
      ).toEqual({ added: true });
      expect(
        valueOf(
          await flagFeedback(db(), a, null, item.feedbackId, {
            reason: 'abusive',
          }),
        ),
      ).toEqual({ added: false });
      expect(
        valueOf(
          await flagFeedback(db(), b, null, item.feedbackId, {
            reason: 'other',
            note: '',
          }),
        ),
      ).toEqual({ added: true });
      expect((await flags(item.feedbackId)).map((f) => [f.user_id, f.reporter_key, f.note])).toEqual([
        [null, `ip:${a.ip}`, null],
        [null, `ip:${b.ip}`, null],
      ]);
    });

    it('an unknown or missing reason is refused', async () => {
      const item = await submitPublished(db(), mod.actor);
      for (const input of [{ reason: 'bosan' }, {}, { reason: '' }]) {
        expect(errorKeys(errorsOf(await flagFeedback(db(), makeCtx(), null, item.feedbackId, input)))).toEqual({ reason: 'err.flagReason' });
      }
      expect(await flags(item.feedbackId)).toEqual([]);
    });

    it('items that are not public cannot be flagged', async () => {
      const pending = await submit(db());
      const confidential = await submitPublished(db(), mod.actor, {
        confidential: 'on',
      });
      const resident = await makeUser(db());
      for (const id of [pending.feedbackId, confidential.feedbackId, 987654321]) {
        const r = await flagFeedback(db(), makeCtx(), resident.user, id, {
          reason: 'spam',
        });
        expect(Object.keys(errorsOf(r))).toEqual(['_form']);
        expect(await flags(id)).toEqual([]);
      }
    });
  });
});

describePostgres(
  'supporting feedback under concurrency',
  (get) => {
    it('30 residents supporting at the same moment: support_count is exactly 30, with 30 rows', async () => {
      const db = get().db;
      const mod = await makeUser(db, { role: 'moderator' });
      const item = await submitPublished(db, mod.actor);
      const residents = await Promise.all(Array.from({ length: 30 }, () => makeUser(db)));
      const results = await Promise.all(residents.map((r) => supportFeedback(db, r.user, item.feedbackId).then(valueOf)));
      expect(results.every((r) => r.added)).toBe(true);
      expect(results.map((r) => r.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      expect(
        await countRows(db, 'feedback_supports', {
          column: 'feedback_id',
          value: item.feedbackId,
        }),
      ).toBe(30);
      expect((await db.selectFrom('feedback').select('support_count').where('id', '=', item.feedbackId).executeTakeFirstOrThrow()).support_count).toBe(30);
    });

    it('one resident double-clicking five times at once counts once', async () => {
      const db = get().db;
      const mod = await makeUser(db, { role: 'moderator' });
      const item = await submitPublished(db, mod.actor);
      const resident = await makeUser(db);
      const results = await Promise.all(Array.from({ length: 5 }, () => supportFeedback(db, resident.user, item.feedbackId).then(valueOf)));
      expect(results.filter((r) => r.added)).toHaveLength(1);
      expect(
        await countRows(db, 'feedback_supports', {
          column: 'feedback_id',
          value: item.feedbackId,
        }),
      ).toBe(1);
      expect((await db.selectFrom('feedback').select('support_count').where('id', '=', item.feedbackId).executeTakeFirstOrThrow()).support_count).toBe(1);
    });
  },
  { poolSize: 20 },
);
