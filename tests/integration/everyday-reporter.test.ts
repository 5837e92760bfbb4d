import { beforeAll, describe, expect, it } from 'vitest';
import { holidaysAround } from '../../src/server/calendar/service.ts';
import { workingDayDeadline } from '../../src/server/calendar/working-days.ts';
import { getTrackingView, reopenFeedback } from '../../src/server/feedback/tracking.ts';
import { myFeedback } from '../../src/server/feedback/board.ts';
import { photoForViewer } from '../../src/server/feedback/service.ts';
import { submitFeedback } from '../../src/server/feedback/submission.ts';
import { runReporterAction } from '../../src/server/feedback/tracking-actions.ts';
import { answer, resolve } from '../../src/server/handling/service.ts';
import { makeConfidential, rejectFeedback } from '../../src/server/moderation/service.ts';
import { describeEachDb } from '../support/db.ts';
import { asFile, formInput, jpegWithExif, makeCtx, tempPhotos } from '../support/feedback-fixtures.ts';
import { errorKeys, handCtx, modCtx, person, RULES, submit, submitAssigned, unitIdOf, valueOf, type Person } from '../support/handling-fixtures.ts';

/** Residents manage their own feedback from their account, and reopen from "resolved" on. */
describeEachDb('everyday: the reporter through their account and the reopen window', (get) => {
  const db = () => get().db;
  let mod: Person;
  let author: Person;
  let other: Person;
  let asn: Person;
  let unitId: number;

  beforeAll(async () => {
    unitId = await unitIdOf(db(), 'Dinkes');
    mod = await person(db(), 'moderator');
    author = await person(db(), 'resident');
    other = await person(db(), 'resident');
    asn = await person(db(), 'asn', { unitId });
  });

  const mine = (id: number, p: Person = author) => ({ feedbackId: id, authorId: p.user.id });

  it('an item marked resolved offers reopen at once, until the window after its automatic closing; reopening clears the autoclose clock', async () => {
    const c = await submitAssigned(db(), mod, unitId, { author });
    valueOf(await answer(db(), handCtx(asn), c.id, { text: 'Sudah kami perbaiki.' }));
    valueOf(await resolve(db(), handCtx(asn), c.id));
    const f = await db().selectFrom('feedback').select(['status', 'autoclose_at']).where('id', '=', c.id).executeTakeFirstOrThrow();
    expect(f.status).toBe('resolved');
    const until = workingDayDeadline(f.autoclose_at!, RULES.autocloseWorkingDays, await holidaysAround(db(), f.autoclose_at!));
    const view = (await getTrackingView(db(), c.code))!;
    expect(view.canReopen).toBe(true);
    expect(view.reopenUntil?.toISOString()).toBe(until.toISOString());
    // The same view through the account, without the code.
    expect((await getTrackingView(db(), mine(c.id)))!.canReopen).toBe(true);
    // Not after the window.
    expect((await getTrackingView(db(), c.code, new Date(until.getTime() + 1)))!.canReopen).toBe(false);
    expect(errorKeys(await reopenFeedback(db(), c.code, { text: 'Terlambat' }, new Date(until.getTime() + 1)))).toEqual({ _form: 'err.reopenExpired' });

    const r = await runReporterAction(db(), mine(c.id), RULES, { intent: 'reopen', text: 'Masih bocor.' });
    expect(r?.result.ok).toBe(true);
    const after = await db().selectFrom('feedback').select(['status', 'autoclose_at']).where('id', '=', c.id).executeTakeFirstOrThrow();
    expect(after).toEqual({ status: 'reopened', autoclose_at: null });
    const ev = await db().selectFrom('feedback_events').selectAll().where('feedback_id', '=', c.id).where('kind', '=', 'reopened').executeTakeFirstOrThrow();
    expect(ev).toMatchObject({ from_status: 'resolved', to_status: 'reopened', public: true, actor_role: 'reporter' });
  });

  it('the window follows the configured AUTOCLOSE_WORKING_DAYS', async () => {
    const c = await submitAssigned(db(), mod, unitId, { author });
    const closedAt = new Date('2026-06-01T10:00:00+09:00'); // a Monday
    await db().updateTable('feedback').set({ status: 'closed', closed_at: closedAt }).where('id', '=', c.id).execute();
    const three = (await getTrackingView(db(), c.code, closedAt, 3))!.reopenUntil!;
    const ten = (await getTrackingView(db(), c.code, closedAt, 10))!.reopenUntil!;
    expect(three.toISOString()).toBe(new Date('2026-06-04T23:59:59.999+09:00').toISOString());
    expect(ten > three).toBe(true);
    const r = await runReporterAction(db(), c.code, { autocloseWorkingDays: 0 }, { intent: 'reopen', text: 'Belum beres.' });
    expect(r && !r.result.ok && r.result.errors._form?.key).toBe('err.reopenExpired');
  });

  it("another resident's account reaches nothing: no view, no information, no rating, no reopen", async () => {
    const c = await submitAssigned(db(), mod, unitId, { author });
    valueOf(await resolve(db(), handCtx(asn), c.id));
    expect(await getTrackingView(db(), mine(c.id, other))).toBeNull();
    const forms: Record<string, string>[] = [{ intent: 'info', text: 'Saya bukan pelapornya' }, { intent: 'rate', score: '1' }, { intent: 'reopen', text: 'Buka!' }];
    for (const form of forms) {
      const r = await runReporterAction(db(), mine(c.id, other), RULES, form);
      expect(r && !r.result.ok && r.result.errors._form?.key).toBe('err.trackingNotFound');
    }
    expect((await db().selectFrom('feedback').select('status').where('id', '=', c.id).executeTakeFirstOrThrow()).status).toBe('resolved');
    expect(await db().selectFrom('feedback_events').select('kind').where('feedback_id', '=', c.id).where('actor_role', '=', 'reporter').execute()).toEqual([]);
    expect(await runReporterAction(db(), mine(c.id), RULES, { intent: 'nonsense' })).toBeNull();
  });

  it('/masukan/saya lists every state (pending, rejected with its reason, published, confidential), each with a private view', async () => {
    const pending = await submit(db(), { author, title: 'Masukan menunggu verifikasi' });
    const rejected = await submit(db(), { author, title: 'Masukan yang ditolak moderator' });
    valueOf(await rejectFeedback(db(), modCtx(mod), rejected.id, null, { reason: 'incomplete', note: 'Sebutkan lokasinya.' }));
    const published = await submitAssigned(db(), mod, unitId, { author, title: 'Masukan yang sudah terbit' });
    const confidential = await submitAssigned(db(), mod, unitId, { author, title: 'Masukan yang dirahasiakan' });
    valueOf(await makeConfidential(db(), modCtx(mod), confidential.id, null));
    const list = await myFeedback(db(), author.user);
    const byId = new Map(list.map((i) => [i.id, i]));
    expect(byId.get(pending.id)).toMatchObject({ moderation_state: 'pending', reject_reason: null });
    expect(byId.get(rejected.id)).toMatchObject({ moderation_state: 'rejected', reject_reason: 'incomplete' });
    expect(byId.get(published.id)).toMatchObject({ moderation_state: 'published', confidential: false });
    expect(byId.get(confidential.id)).toMatchObject({ moderation_state: 'published', confidential: true });
    for (const c of [pending, rejected, published, confidential]) expect(await getTrackingView(db(), mine(c.id))).not.toBeNull();
    const r = (await getTrackingView(db(), mine(rejected.id)))!;
    expect(r.rejectReason).toBe('incomplete');
    expect(r.rejectNote).toBe('Sebutkan lokasinya.');
    expect((await getTrackingView(db(), mine(published.id)))!.rejectReason).toBeNull();
    expect(await myFeedback(db(), other.user)).toEqual([]);
  });

  it("the author's own photos show in their private view while pending; never to another resident", async () => {
    const photos = await tempPhotos();
    try {
      const r = await submitFeedback(db(), makeCtx(), author.user, formInput(), [asFile(await jpegWithExif(), 'a.jpg', 'image/jpeg')], photos.store);
      const id = valueOf(r).feedbackId;
      const view = (await getTrackingView(db(), mine(id)))!;
      expect(view.photos).toHaveLength(1);
      const name = view.photos[0]!.file_name;
      expect(await photoForViewer(db(), author.user, name, null)).toMatchObject({ file_name: name });
      expect(await photoForViewer(db(), other.user, name, null)).toBeNull();
      expect(await photoForViewer(db(), null, name, null)).toBeNull();
    } finally {
      await photos.cleanup();
    }
  });

  describe('answer templates that tell people to reopen', () => {
    it('the demo template says what is true: after it is marked resolved the reporter may reopen', async () => {
      const { DEMO_TEMPLATE_RESOLVED } = await import('../../src/server/demo/feedback.ts');
      expect(DEMO_TEMPLATE_RESOLVED).toMatch(/buka kembali/i);
      const c = await submitAssigned(db(), mod, unitId, { author });
      valueOf(await answer(db(), handCtx(asn), c.id, { text: DEMO_TEMPLATE_RESOLVED }));
      valueOf(await resolve(db(), handCtx(asn), c.id));
      expect((await getTrackingView(db(), mine(c.id)))!.canReopen).toBe(true);
    });
  });
});
