import { beforeAll, describe, expect, it } from 'vitest';
import { addInformation, getTrackingView, lookupTrackingCode, rateAnswer, reopenFeedback } from '../../src/server/feedback/tracking.ts';
import { getPublicFeedback } from '../../src/server/feedback/service.ts';
import { type Submitted } from '../../src/server/feedback/submission.ts';
import { insertEvent } from '../../src/server/feedback/queries.ts';
import { newSubmissionKey, trackingCodeFor } from '../../src/server/feedback/tracking-code.ts';
import { describeEachDb } from '../support/db.ts';
import {
  countRows,
  errorKeys,
  errorsOf,
  makeCtx,
  makeUser,
  publish,
  startOfFreshWindow,
  submit,
  type TestUser,
  valueOf,
} from '../support/feedback-fixtures.ts';

describeEachDb('feedback tracking by code', (get) => {
  const db = () => get().db;
  let moderator: TestUser;

  beforeAll(async () => {
    moderator = await makeUser(db(), { role: 'moderator' });
  });

  async function setStatus(id: number, status: 'responded' | 'closed' | 'received', closedAt: Date | null = null) {
    await db().updateTable('feedback').set({ status, closed_at: closedAt }).where('id', '=', id).execute();
  }

  describe('lookupTrackingCode', () => {
    let s: Submitted;
    beforeAll(async () => {
      s = await submit(db(), { title: 'Air PDAM tidak mengalir seminggu' });
    });

    it('finds the feedback by its code, also lowercase, without dashes or with spaces', async () => {
      const bare = s.trackingCode.replace(/-/g, '');
      for (const input of [s.trackingCode, s.trackingCode.toLowerCase(), bare, bare.toLowerCase(), `  ${s.trackingCode.replace(/-/g, ' ')}  `]) {
        expect(valueOf(await lookupTrackingCode(db(), makeCtx(), input))).toEqual({ code: s.trackingCode, feedbackId: s.feedbackId });
      }
    });

    it('a wrong code and a malformed code get the identical "not found"', async () => {
      const wrong = trackingCodeFor(newSubmissionKey());
      expect(wrong).not.toBe(s.trackingCode);
      const ipA = makeCtx();
      const notFound = errorsOf(await lookupTrackingCode(db(), ipA, wrong));
      expect(errorKeys(notFound)).toEqual({ code: 'err.trackingNotFound' });
      for (const malformed of ['', 'BD-12345-67890', 'halo', `${s.trackingCode}X`, 'BD-OOOOO-IIIII', "' or 1=1 --"]) {
        expect(errorsOf(await lookupTrackingCode(db(), ipA, malformed))).toStrictEqual(notFound);
      }
    });

    it('after 20 look-ups from one address within 10 minutes the next is refused, even with the right code; other addresses are unaffected', async () => {
      await startOfFreshWindow(600, 30_000);
      const ctx = makeCtx();
      for (let i = 0; i < 20; i++) {
        const r = await lookupTrackingCode(db(), ctx, i % 2 ? s.trackingCode : trackingCodeFor(newSubmissionKey()));
        if (!r.ok) expect(errorKeys(r.errors)).toEqual({ code: 'err.trackingNotFound' });
      }
      const refused = errorsOf(await lookupTrackingCode(db(), ctx, s.trackingCode));
      expect(refused.code?.key).toBe('err.rateLimited');
      expect(Number(refused.code?.params?.seconds)).toBeGreaterThan(0);
      expect(Number(refused.code?.params?.seconds)).toBeLessThanOrEqual(600);
      expect(valueOf(await lookupTrackingCode(db(), makeCtx(), s.trackingCode)).feedbackId).toBe(s.feedbackId);
    });
  });

  describe('getTrackingView and addInformation', () => {
    it("shows public events and the reporter's own additions, never internal notes or the named officer", async () => {
      const s = await submit(db(), {
        title: 'Petugas loket meminta uang tambahan',
        officer: 'Ibu Sari, loket 3',
      });
      await insertEvent(db(), {
        feedback_id: s.feedbackId,
        kind: 'note',
        public: false,
        actor_id: moderator.user.id,
        actor_role: 'moderator',
        body_md: 'Catatan internal: cek CCTV',
        body_html: '<p>Catatan internal: cek CCTV</p>',
      });
      await insertEvent(db(), {
        feedback_id: s.feedbackId,
        kind: 'response',
        public: true,
        actor_role: 'asn',
        body_md: 'Kami sedang memeriksa.',
        body_html: '<p>Kami sedang memeriksa.</p>',
      });

      valueOf(
        await addInformation(db(), s.trackingCode, {
          text: 'Kejadiannya hari Senin pukul **10.00**. <script>x()</script>',
        }),
      );
      const info = await db().selectFrom('feedback_events').selectAll().where('feedback_id', '=', s.feedbackId).where('kind', '=', 'info_added').execute();
      expect(info).toHaveLength(1);
      expect(info[0]).toMatchObject({ public: false, actor_role: 'reporter' });
      expect(info[0]!.body_html).toContain('<strong>10.00</strong>');
      expect(info[0]!.body_html).not.toMatch(/<script/i);

      const view = await getTrackingView(db(), s.trackingCode.toLowerCase());
      expect(view).not.toBeNull();
      expect(view!.feedback.id).toBe(s.feedbackId);
      expect(view!.feedback.officer_named).toBeNull();
      expect(view!.events.map((e) => e.kind)).toEqual(['submitted', 'response', 'info_added']);
      expect(JSON.stringify(view!.events)).not.toContain('Catatan internal');
      expect(view!.canRate).toBe(false);
      expect(view!.canReopen).toBe(false);
      expect(view!.reopenUntil).toBeNull();

      // Once published, the public page shows the public events only (not the reporter's addition).
      await publish(db(), moderator.actor, s.feedbackId);
      const pub = await getPublicFeedback(db(), s.feedbackId, null);
      expect(pub!.events.map((e) => e.kind)).toEqual(['submitted', 'response', 'published']);
    });

    it('an unknown code has no view and cannot add information; empty text is refused', async () => {
      const wrong = trackingCodeFor(newSubmissionKey());
      expect(await getTrackingView(db(), wrong)).toBeNull();
      expect(await getTrackingView(db(), 'bukan kode')).toBeNull();
      expect(errorKeys(errorsOf(await addInformation(db(), wrong, { text: 'halo' })))).toEqual({ _form: 'err.trackingNotFound' });
      const s = await submit(db());
      expect(errorKeys(errorsOf(await addInformation(db(), s.trackingCode, { text: '   ' })))).toEqual({ text: 'err.required' });
      expect(await db().selectFrom('feedback_events').select('kind').where('feedback_id', '=', s.feedbackId).execute()).toEqual([{ kind: 'submitted' }]);
    });
  });

  describe('rateAnswer', () => {
    it('is refused before an answer, allowed once responded, and rating again replaces the rating', async () => {
      const s = await submit(db(), {
        title: 'Jadwal posyandu tidak diumumkan',
      });
      expect(errorKeys(errorsOf(await rateAnswer(db(), s.trackingCode, { score: '4' })))).toEqual({ _form: 'err.notAnswered' });
      expect(
        await countRows(db(), 'feedback_ratings', {
          column: 'feedback_id',
          value: s.feedbackId,
        }),
      ).toBe(0);

      await setStatus(s.feedbackId, 'responded');
      expect(errorKeys(errorsOf(await rateAnswer(db(), s.trackingCode, { score: '6' })))).toEqual({ score: 'err.scoreRequired' });
      expect(errorKeys(errorsOf(await rateAnswer(db(), s.trackingCode, {})))).toEqual({ score: 'err.scoreRequired' });
      valueOf(
        await rateAnswer(db(), s.trackingCode, {
          score: '2',
          comment: 'Jawaban tidak menjawab pertanyaan.',
        }),
      );
      valueOf(
        await rateAnswer(db(), s.trackingCode.toLowerCase(), {
          score: '5',
          comment: '',
        }),
      );

      const ratings = await db().selectFrom('feedback_ratings').selectAll().where('feedback_id', '=', s.feedbackId).execute();
      expect(ratings).toHaveLength(1);
      expect(ratings[0]).toMatchObject({ score: 5, comment: null });

      const view = await getTrackingView(db(), s.trackingCode);
      expect(view!.canRate).toBe(true);
      expect(view!.rating).toMatchObject({ score: 5, comment: null });
      expect(view!.events.filter((e) => e.kind === 'rating')).toHaveLength(2);
    });
  });

  describe('reopenFeedback', () => {
    // Closed on Friday 13 March 2026 at 00:30 WIT (still Thursday 12 March in UTC). Working days
    // after it, with the 2026 holidays: 16, 17 Mar (1, 2); 18–24 Mar are Nyepi and Idul Fitri
    // holidays and joint leave (with a weekend); 25, 26, 27, 30, 31 Mar (3–7); 1, 2 Apr (8, 9);
    // 3 Apr is Good Friday; Monday 6 Apr is the 10th working day.
    const closedAt = new Date('2026-03-13T00:30:00+09:00');
    const deadline = new Date('2026-04-06T23:59:59.999+09:00');
    const justAfter = new Date(deadline.getTime() + 1);

    async function closedItem(): Promise<Submitted> {
      const s = await submit(db(), {
        title: 'Drainase tersumbat di Jalan Diponegoro',
      });
      await setStatus(s.feedbackId, 'closed', closedAt);
      return s;
    }

    it('is refused while the item is not closed', async () => {
      const s = await submit(db());
      expect(
        errorKeys(
          errorsOf(
            await reopenFeedback(db(), s.trackingCode, {
              text: 'Belum selesai',
            }),
          ),
        ),
      ).toEqual({ _form: 'err.cannotReopen' });
      await setStatus(s.feedbackId, 'responded');
      expect(
        errorKeys(
          errorsOf(
            await reopenFeedback(db(), s.trackingCode, {
              text: 'Belum selesai',
            }),
          ),
        ),
      ).toEqual({ _form: 'err.cannotReopen' });
      expect(await db().selectFrom('feedback').select('status').where('id', '=', s.feedbackId).executeTakeFirstOrThrow()).toEqual({ status: 'responded' });
    });

    it('the tracking view offers reopening until the end of the 10th working day after closing (WIT, holidays skipped)', async () => {
      const s = await closedItem();
      const at = await getTrackingView(db(), s.trackingCode, deadline);
      expect(at!.reopenUntil?.toISOString()).toBe(deadline.toISOString());
      expect(at!.canReopen).toBe(true);
      expect(at!.canRate).toBe(true);
      expect((await getTrackingView(db(), s.trackingCode, justAfter))!.canReopen).toBe(false);
    });

    it('reopens at the last instant of the window: status reopened, closed_at cleared, a public reopened event', async () => {
      const s = await closedItem();
      valueOf(await reopenFeedback(db(), s.trackingCode, { text: 'Saluran tersumbat lagi setelah hujan.' }, deadline));
      const f = await db().selectFrom('feedback').select(['status', 'closed_at']).where('id', '=', s.feedbackId).executeTakeFirstOrThrow();
      expect(f).toEqual({ status: 'reopened', closed_at: null });
      const events = await db().selectFrom('feedback_events').selectAll().where('feedback_id', '=', s.feedbackId).where('kind', '=', 'reopened').execute();
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        public: true,
        from_status: 'closed',
        to_status: 'reopened',
        actor_role: 'reporter',
      });
      expect(events[0]!.at.toISOString()).toBe(deadline.toISOString());
      expect((await getTrackingView(db(), s.trackingCode, deadline))!.events.map((e) => e.kind)).toContain('reopened');
      // Not closed any more: a second reopen is refused.
      expect(errorKeys(errorsOf(await reopenFeedback(db(), s.trackingCode, { text: 'lagi' }, deadline)))).toEqual({ _form: 'err.cannotReopen' });
    });

    it('is refused one millisecond after the window, and nothing changes', async () => {
      const s = await closedItem();
      expect(errorKeys(errorsOf(await reopenFeedback(db(), s.trackingCode, { text: 'Terlambat?' }, justAfter)))).toEqual({ _form: 'err.reopenExpired' });
      const f = await db().selectFrom('feedback').select(['status', 'closed_at']).where('id', '=', s.feedbackId).executeTakeFirstOrThrow();
      expect(f.status).toBe('closed');
      expect(f.closed_at?.toISOString()).toBe(closedAt.toISOString());
      expect(await db().selectFrom('feedback_events').select('id').where('feedback_id', '=', s.feedbackId).where('kind', '=', 'reopened').execute()).toEqual(
        [],
      );
    });

    it('a reopen the day after closing (now) works', async () => {
      const s = await submit(db());
      await setStatus(s.feedbackId, 'closed', new Date(Date.now() - 86400_000));
      valueOf(
        await reopenFeedback(db(), s.trackingCode, {
          text: 'Masih bermasalah.',
        }),
      );
      expect((await db().selectFrom('feedback').select('status').where('id', '=', s.feedbackId).executeTakeFirstOrThrow()).status).toBe('reopened');
    });
  });
});
