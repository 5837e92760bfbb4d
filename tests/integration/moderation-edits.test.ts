import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFeedbackForStaff, getPublicFeedback, photoForViewer } from '../../src/server/feedback/service.ts';
import { getTrackingView } from '../../src/server/feedback/tracking.ts';
import { listBoard, parseBoardQuery } from '../../src/server/feedback/board.ts';
import { runModerationAction } from '../../src/server/moderation/actions.ts';
import { listRedactions } from '../../src/server/moderation/service.ts';
import { describeEachDb } from '../support/db.ts';
import {
  auditOf,
  errorKeys,
  eventsOf,
  feedbackRow,
  modCtx,
  person,
  pngFile,
  snapshot,
  submit,
  tempPhotoStore,
  unitIdOf,
  valueOf,
  wit,
  type Person,
} from '../support/handling-fixtures.ts';

describeEachDb('moderation edits: stale edits, redaction, photos', (get) => {
  const db = () => get().db;
  let modA: Person;
  let modB: Person;
  let asn: Person;
  let unitA: number;

  beforeAll(async () => {
    unitA = await unitIdOf(db(), 'Dinas PUPR');
    modA = await person(db(), 'moderator', { name: 'Moderator A' });
    modB = await person(db(), 'moderator', { name: 'Moderator B' });
    asn = await person(db(), 'asn', { unitId: unitA });
  });

  const seenOf = async (id: number) => (await feedbackRow(db(), id)).updated_at.toISOString();

  describe('stale edit', () => {
    it('two moderators open the same item; A assigns; B rejects with the old page → err.staleEdit, nothing of B written', async () => {
      const f = await submit(db(), { contactEmail: 'basi@contoh.id' });
      const seenA = await seenOf(f.id);
      const seenB = await seenOf(f.id);
      const auditBefore = (await auditOf(db(), f.id)).length;

      valueOf((await runModerationAction(db(), modCtx(modA, wit('2026-03-13T10:00')), { action: 'assign', unitId: String(unitA), id: String(f.id), seen: seenA })).result);
      const afterA = await snapshot(db(), f.id);

      const r = await runModerationAction(db(), modCtx(modB, wit('2026-03-13T10:01')), { action: 'reject', reason: 'spam', id: String(f.id), seen: seenB });
      expect(errorKeys(r.result)).toEqual({ _form: 'err.staleEdit' });
      expect(await snapshot(db(), f.id)).toEqual(afterA);
      const row = await feedbackRow(db(), f.id);
      expect(row).toMatchObject({ moderation_state: 'pending', status: 'assigned', unit_id: unitA, reject_reason: null });
      const audit = (await auditOf(db(), f.id)).slice(auditBefore);
      expect(audit.map((a) => [a.action, a.actor_id])).toEqual([['feedback.assign', modA.user.id]]);

      // B reloads (new seen) and may act.
      valueOf((await runModerationAction(db(), modCtx(modB, wit('2026-03-13T10:02')), { action: 'reject', reason: 'spam', id: String(f.id), seen: await seenOf(f.id) })).result);
      expect((await feedbackRow(db(), f.id)).moderation_state).toBe('rejected');
    });

    it('every seen-checked action refuses a stale page: publish, reject, assign, correct, redact, confidential', async () => {
      const forms: Record<string, string>[] = [
        { action: 'publish' },
        { action: 'reject', reason: 'spam' },
        { action: 'assign', unitId: String(unitA) },
        { action: 'correct', kind: 'saran', priority: 'high' },
        { action: 'redact', title: 'Judul lain sama sekali', body: 'Isi lain yang cukup panjang.' },
        { action: 'confidential' },
      ];
      for (const form of forms) {
        const f = await submit(db());
        const stale = await seenOf(f.id);
        // Another moderator's change in between (a photo toggle or a note would do the same).
        valueOf((await runModerationAction(db(), modCtx(modA, new Date(Date.now() + 5000)), { action: 'correct', kind: 'keluhan', priority: 'low', id: String(f.id), seen: stale })).result);
        const before = await snapshot(db(), f.id);
        const r = await runModerationAction(db(), modCtx(modB), { ...form, id: String(f.id), seen: stale });
        expect(errorKeys(r.result), form.action).toEqual({ _form: 'err.staleEdit' });
        expect(await snapshot(db(), f.id), form.action).toEqual(before);
      }
    });

    it('the seen value a page renders (updated_at.toISOString()) is accepted on a freshly submitted item', async () => {
      // created_at/updated_at come from now() with microseconds; the page only has milliseconds.
      for (let i = 0; i < 5; i++) {
        const f = await submit(db());
        valueOf((await runModerationAction(db(), modCtx(modA), { action: 'publish', id: String(f.id), seen: await seenOf(f.id) })).result);
      }
    });
  });

  describe('redaction', () => {
    const original = {
      title: 'Petugas Budi Santoso membentak warga',
      body: 'Petugas **Budi Santoso** (HP 0812-3333-4444) membentak saya di loket tiga.',
      location: 'Loket 3, dekat rumah Budi Santoso',
    };
    const redacted = {
      title: 'Petugas membentak warga',
      body: 'Petugas **[disamarkan]** membentak saya di loket tiga.',
      location: 'Loket 3',
    };

    it('title, body and location replaced; body_html re-rendered; originals kept in feedback_redactions and the audit log; non-public event; the public never sees the original', async () => {
      const f = await submit(db(), { ...original, unitId: unitA });
      valueOf((await runModerationAction(db(), modCtx(modA), { action: 'publish', id: String(f.id) })).result);
      const now = wit('2026-03-20T11:00');
      valueOf((await runModerationAction(db(), modCtx(modA, now), { action: 'redact', ...redacted, id: String(f.id), seen: await seenOf(f.id) })).result);

      const row = await feedbackRow(db(), f.id);
      expect(row).toMatchObject({ title: redacted.title, body_md: redacted.body, location_text: redacted.location, updated_at: now });
      expect(row.body_html).toContain('<strong>[disamarkan]</strong>');
      expect(row.body_html).not.toContain('Budi');

      const kept = await listRedactions(db(), f.id);
      expect(kept.map((k) => [k.field, k.original, k.redacted, k.actor_id]).sort()).toEqual(
        [
          ['body', original.body, redacted.body, modA.user.id],
          ['location', original.location, redacted.location, modA.user.id],
          ['title', original.title, redacted.title, modA.user.id],
        ].sort(),
      );
      const [audit] = await auditOf(db(), f.id, 'feedback.redact');
      expect(audit).toMatchObject({ actor_id: modA.user.id, before: original, after: redacted });
      expect((await eventsOf(db(), f.id)).at(-1)).toMatchObject({ kind: 'redacted', public: false });

      const pub = await getPublicFeedback(db(), f.id, null);
      expect(pub).not.toBeNull();
      expect(JSON.stringify(pub)).not.toMatch(/Budi|3333/);
      const tracked = await getTrackingView(db(), f.code);
      expect(JSON.stringify(tracked)).not.toMatch(/Budi|3333/);
      // The unit's staff work from the redacted text too.
      expect(JSON.stringify(await getFeedbackForStaff(db(), f.id, asn.user))).not.toMatch(/Budi|3333/);
      // Search of the public board no longer finds the original words.
      const search = await listBoard(db(), parseBoardQuery(new URLSearchParams({ q: 'Santoso' })));
      expect(search.items.map((i) => i.id)).not.toContain(f.id);
      const searchNew = await listBoard(db(), parseBoardQuery(new URLSearchParams({ q: 'disamarkan' })));
      expect(searchNew.items.map((i) => i.id)).toContain(f.id);
    });

    it('only what changed is recorded; an unchanged form records nothing', async () => {
      const f = await submit(db(), { ...original });
      valueOf((await runModerationAction(db(), modCtx(modA), { action: 'redact', title: redacted.title, body: original.body, location: original.location, id: String(f.id) })).result);
      expect((await listRedactions(db(), f.id)).map((k) => k.field)).toEqual(['title']);
      expect((await auditOf(db(), f.id, 'feedback.redact'))[0]).toMatchObject({ before: { title: original.title }, after: { title: redacted.title } });
      const before = await snapshot(db(), f.id);
      valueOf((await runModerationAction(db(), modCtx(modA), { action: 'redact', title: redacted.title, body: original.body, location: original.location, id: String(f.id) })).result);
      expect(await snapshot(db(), f.id)).toEqual(before);
    });

    it('clearing the location is a redaction of the location', async () => {
      const f = await submit(db(), { ...original });
      valueOf((await runModerationAction(db(), modCtx(modA), { action: 'redact', title: original.title, body: original.body, location: '', id: String(f.id) })).result);
      expect((await feedbackRow(db(), f.id)).location_text).toBeNull();
      expect((await listRedactions(db(), f.id)).map((k) => [k.field, k.original, k.redacted])).toEqual([['location', original.location, '']]);
    });
  });

  describe('photos', () => {
    let store: Awaited<ReturnType<typeof tempPhotoStore>>;
    beforeAll(async () => {
      store = await tempPhotoStore();
    });
    afterAll(async () => {
      await store.cleanup();
    });

    it('photo-hide / photo-show: hidden from the public, still shown to staff; non-public events; audit; updated_at moves', async () => {
      const f = await submit(db(), { unitId: unitA, files: [await pngFile('a.png'), await pngFile('b.png')], photos: store.store });
      valueOf((await runModerationAction(db(), modCtx(modA), { action: 'publish', id: String(f.id) })).result);
      valueOf((await runModerationAction(db(), modCtx(modA), { action: 'assign', unitId: String(unitA), id: String(f.id) })).result);
      const photos = await db().selectFrom('feedback_photos').select(['id', 'file_name', 'hidden']).where('feedback_id', '=', f.id).orderBy('id').execute();
      expect(photos.length).toBe(2);
      const [p1, p2] = photos as [(typeof photos)[number], (typeof photos)[number]];
      const seen = await seenOf(f.id);

      const now = wit('2026-03-20T12:00');
      valueOf((await runModerationAction(db(), modCtx(modA, now), { action: 'photo-hide', photo: String(p1.id), id: String(f.id), seen })).result);
      expect((await db().selectFrom('feedback_photos').select('hidden').where('id', '=', p1.id).executeTakeFirstOrThrow()).hidden).toBe(true);
      expect((await getPublicFeedback(db(), f.id, null))!.photos.map((p) => p.id)).toEqual([p2.id]);
      expect((await getFeedbackForStaff(db(), f.id, asn.user))!.photos.map((p) => [p.id, p.hidden])).toEqual([
        [p1.id, true],
        [p2.id, false],
      ]);
      expect(await photoForViewer(db(), null, p1.file_name, null)).toBeNull();
      expect(await photoForViewer(db(), asn.user, p1.file_name, null)).not.toBeNull();
      expect((await eventsOf(db(), f.id)).at(-1)).toMatchObject({ kind: 'hidden', public: false, actor_id: modA.user.id });
      expect((await auditOf(db(), p1.id, 'photo.hide'))[0]).toMatchObject({ object_type: 'feedback_photo', before: { hidden: false }, after: { hidden: true } });
      expect((await feedbackRow(db(), f.id)).updated_at).toEqual(now);
      // A page rendered before the photo was hidden is now stale.
      expect(errorKeys((await runModerationAction(db(), modCtx(modB), { action: 'confidential', id: String(f.id), seen })).result)).toEqual({ _form: 'err.staleEdit' });

      valueOf((await runModerationAction(db(), modCtx(modA), { action: 'photo-show', photo: String(p1.id), id: String(f.id) })).result);
      expect((await getPublicFeedback(db(), f.id, null))!.photos.map((p) => p.id)).toEqual([p1.id, p2.id]);
      expect((await eventsOf(db(), f.id)).at(-1)).toMatchObject({ kind: 'shown', public: false });
      expect((await auditOf(db(), p1.id, 'photo.show')).length).toBe(1);
      // Showing a visible photo again: no event.
      const events = (await eventsOf(db(), f.id)).length;
      valueOf((await runModerationAction(db(), modCtx(modA), { action: 'photo-show', photo: String(p1.id), id: String(f.id) })).result);
      expect((await eventsOf(db(), f.id)).length).toBe(events);
    });
  });
});
