import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addInformation, getTrackingView } from '../../src/server/feedback/tracking.ts';
import { getFeedbackForStaff, getPublicFeedback, photoForViewer, viewContact } from '../../src/server/feedback/service.ts';
import { type Submitted } from '../../src/server/feedback/submission.ts';
import { decideFeedback } from '../../src/server/moderation/service.ts';
import { describeEachDb } from '../support/db.ts';
import {
  asFile,
  errorKeys,
  errorsOf,
  jpegWithExif,
  makeUser,
  pngImage,
  submit,
  submitPublished,
  tempPhotos,
  type TestUser,
  unitByShortName,
  valueOf,
} from '../support/feedback-fixtures.ts';

describeEachDb('who sees what of a feedback', (get) => {
  const db = () => get().db;
  let unitId: number;
  let mod: TestUser, asnOwn: TestUser, asnOther: TestUser, author: TestUser, resident: TestUser;
  let named: Submitted, anonymous: Submitted, pending: Submitted, confidential: Submitted;

  beforeAll(async () => {
    unitId = (await unitByShortName(db(), 'Disdukcapil')).id;
    const otherUnit = (await unitByShortName(db(), 'Dishub')).id;
    mod = await makeUser(db(), {
      role: 'moderator',
      displayName: 'Moderator Satu',
    });
    asnOwn = await makeUser(db(), {
      role: 'asn',
      unitId,
      displayName: 'ASN Disdukcapil',
    });
    asnOther = await makeUser(db(), {
      role: 'asn',
      unitId: otherUnit,
      displayName: 'ASN Dishub',
    });
    author = await makeUser(db(), { displayName: 'Yohanis Latumahina' });
    resident = await makeUser(db(), { displayName: 'Warga Lain' });
    const common = {
      unit: String(unitId),
      contactEmail: 'kontak.pelapor@contoh.id',
      contactPhone: '0812 3456 7890',
    };
    named = await submitPublished(
      db(),
      mod.actor,
      {
        ...common,
        title: 'Pungutan di loket akta kelahiran',
        officer: 'Pak Budi Loket 2',
      },
      { user: author.user },
    );
    anonymous = await submitPublished(
      db(),
      mod.actor,
      {
        ...common,
        anonymous: 'on',
        title: 'Petugas membentak warga',
        officer: 'Ibu Sari Loket 3',
      },
      { user: author.user },
    );
    pending = await submit(db(), { ...common, title: 'Belum diperiksa moderator' }, { user: author.user });
    confidential = await submitPublished(db(), mod.actor, { ...common, confidential: 'on', title: 'Rahasia: dugaan pungli' }, { user: author.user });
  });

  describe('getPublicFeedback', () => {
    it('shows a published item without the named officer, with the reporter named when not anonymous', async () => {
      const v = await getPublicFeedback(db(), named.feedbackId, null);
      expect(v).not.toBeNull();
      expect(v!.feedback.officer_named).toBeNull();
      expect(v!.reporterName).toBe('Yohanis Latumahina');
      for (const key of ['tracking_hash', 'idempotency_hash', 'author_id', 'search']) expect(v!.feedback).not.toHaveProperty(key);
      const text = JSON.stringify(v);
      for (const secret of ['Pak Budi', 'kontak.pelapor@contoh.id', '3456 7890', author.user.email, author.user.id]) expect(text).not.toContain(secret);
    });

    it('never names the reporter of an anonymous item', async () => {
      const v = await getPublicFeedback(db(), anonymous.feedbackId, resident.user);
      expect(v!.reporterName).toBeNull();
      expect(v!.feedback.officer_named).toBeNull();
      const text = JSON.stringify(v);
      for (const secret of ['Yohanis', 'Latumahina', 'Ibu Sari', author.user.email]) expect(text).not.toContain(secret);
    });

    it('pending, confidential, rejected, hidden and unknown items are not found', async () => {
      const rejected = await submit(db(), { unit: String(unitId) });
      valueOf(await decideFeedback(db(), mod.actor, rejected.feedbackId, 'reject', null));
      const hidden = await submitPublished(db(), mod.actor, {
        unit: String(unitId),
      });
      await db().updateTable('feedback').set({ moderation_state: 'hidden' }).where('id', '=', hidden.feedbackId).execute();
      for (const id of [pending.feedbackId, confidential.feedbackId, rejected.feedbackId, hidden.feedbackId, 987654321]) {
        expect(await getPublicFeedback(db(), id, null)).toBeNull();
        expect(await getPublicFeedback(db(), id, mod.user)).toBeNull();
      }
    });
  });

  describe('getFeedbackForStaff', () => {
    it("ASN of the item's unit see it, but never the named officer; the reporter only when not anonymous", async () => {
      const n = await getFeedbackForStaff(db(), named.feedbackId, asnOwn.user);
      expect(n).not.toBeNull();
      expect(n!.feedback.officer_named).toBeNull();
      expect(n!.reporterName).toBe('Yohanis Latumahina');
      const a = await getFeedbackForStaff(db(), anonymous.feedbackId, asnOwn.user);
      expect(a!.feedback.officer_named).toBeNull();
      expect(a!.reporterName).toBeNull();
      expect(JSON.stringify(a)).not.toContain('Latumahina');
      // Their unit's confidential items too, but nothing moderators have not verified yet.
      expect(await getFeedbackForStaff(db(), pending.feedbackId, asnOwn.user)).toBeNull();
      expect(await getFeedbackForStaff(db(), confidential.feedbackId, asnOwn.user)).not.toBeNull();
    });

    it('ASN of another unit and residents get nothing, as if it did not exist', async () => {
      for (const id of [named.feedbackId, anonymous.feedbackId, pending.feedbackId, confidential.feedbackId]) {
        expect(await getFeedbackForStaff(db(), id, asnOther.user)).toBeNull();
        expect(await getFeedbackForStaff(db(), id, resident.user)).toBeNull();
        expect(await getFeedbackForStaff(db(), id, author.user)).toBeNull();
      }
    });

    it('moderators see the named officer and the reporter, even when anonymous, and internal events', async () => {
      const a = await getFeedbackForStaff(db(), anonymous.feedbackId, mod.user);
      expect(a!.feedback.officer_named).toBe('Ibu Sari Loket 3');
      expect(a!.reporterName).toBe('Yohanis Latumahina');
      const n = await getFeedbackForStaff(db(), named.feedbackId, mod.user);
      expect(n!.feedback.officer_named).toBe('Pak Budi Loket 2');
      const p = await getFeedbackForStaff(db(), pending.feedbackId, mod.user);
      valueOf(
        await addInformation(db(), pending.trackingCode, {
          text: 'Tambahan dari pelapor',
        }),
      );
      const again = await getFeedbackForStaff(db(), pending.feedbackId, mod.user);
      expect(again!.events.length).toBe(p!.events.length + 1);
      expect(again!.events.at(-1)).toMatchObject({
        kind: 'info_added',
        public: false,
      });
    });
  });

  describe('viewContact', () => {
    it('gives moderators the contact and records the view in the audit log', async () => {
      const c = await viewContact(db(), mod.user, mod.actor, named.feedbackId);
      expect(c).toMatchObject({
        feedback_id: named.feedbackId,
        email: 'kontak.pelapor@contoh.id',
        phone: '+6281234567890',
      });
      const audit = await db()
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'feedback.contact_view')
        .where('object_id', '=', String(named.feedbackId))
        .execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({
        actor_id: mod.user.id,
        object_type: 'feedback',
        actor_label: mod.actor.label,
      });
    });

    it('gives ASN and residents nothing and records nothing', async () => {
      for (const u of [asnOwn, asnOther, resident]) expect(await viewContact(db(), u.user, u.actor, anonymous.feedbackId)).toBeNull();
      const audit = await db()
        .selectFrom('audit_log')
        .select('id')
        .where('action', '=', 'feedback.contact_view')
        .where('object_id', '=', String(anonymous.feedbackId))
        .execute();
      expect(audit).toEqual([]);
    });
  });

  describe('photoForViewer', () => {
    let photos: Awaited<ReturnType<typeof tempPhotos>>;
    let pub: Submitted, conf: Submitted;
    let shownName: string, hiddenName: string, confName: string;

    beforeAll(async () => {
      photos = await tempPhotos();
      const jpg = await jpegWithExif();
      const png = await pngImage();
      pub = await submitPublished(
        db(),
        mod.actor,
        { unit: String(unitId) },
        {
          files: [asFile(jpg, 'a.jpg', 'image/jpeg'), asFile(png, 'b.png', 'image/png')],
          photos: photos.store,
        },
      );
      conf = await submitPublished(
        db(),
        mod.actor,
        { unit: String(unitId), confidential: 'on' },
        { files: [asFile(jpg, 'c.jpg', 'image/jpeg')], photos: photos.store },
      );
      const rows = await db()
        .selectFrom('feedback_photos')
        .select(['id', 'feedback_id', 'file_name'])
        .where('feedback_id', 'in', [pub.feedbackId, conf.feedbackId])
        .orderBy('id')
        .execute();
      shownName = rows[0]!.file_name;
      hiddenName = rows[1]!.file_name;
      confName = rows[2]!.file_name;
      await db().updateTable('feedback_photos').set({ hidden: true }).where('id', '=', rows[1]!.id).execute();
    });
    afterAll(async () => {
      await photos.cleanup();
    });

    it('a hidden photo is not given to the public, but to moderators and the unit', async () => {
      expect(await photoForViewer(db(), null, shownName, null)).toMatchObject({
        file_name: shownName,
        feedback_id: pub.feedbackId,
      });
      expect(await photoForViewer(db(), null, hiddenName, null)).toBeNull();
      expect(await photoForViewer(db(), resident.user, hiddenName, null)).toBeNull();
      expect(await photoForViewer(db(), asnOther.user, hiddenName, null)).toBeNull();
      expect(await photoForViewer(db(), null, hiddenName, pub.feedbackId)).toBeNull();
      expect(await photoForViewer(db(), mod.user, hiddenName, null)).toMatchObject({ file_name: hiddenName, hidden: true });
      expect(await photoForViewer(db(), asnOwn.user, hiddenName, null)).toMatchObject({ file_name: hiddenName });

      expect((await getPublicFeedback(db(), pub.feedbackId, null))!.photos.map((p) => p.file_name)).toEqual([shownName]);
      expect((await getTrackingView(db(), pub.trackingCode))!.photos.map((p) => p.file_name)).toEqual([shownName]);
      expect((await getFeedbackForStaff(db(), pub.feedbackId, mod.user))!.photos.map((p) => p.file_name)).toEqual([shownName, hiddenName]);
    });

    it("a confidential item's photo is given to the reporter tracking it, not to the public", async () => {
      expect(await photoForViewer(db(), null, confName, null)).toBeNull();
      expect(await photoForViewer(db(), resident.user, confName, null)).toBeNull();
      expect(await photoForViewer(db(), asnOther.user, confName, null)).toBeNull();
      expect(await photoForViewer(db(), null, confName, pub.feedbackId)).toBeNull();
      expect(await photoForViewer(db(), null, confName, conf.feedbackId)).toMatchObject({ file_name: confName });
      expect(await photoForViewer(db(), mod.user, confName, null)).toMatchObject({ file_name: confName });
      expect(await photoForViewer(db(), asnOwn.user, confName, null)).toMatchObject({ file_name: confName });
      expect(await photoForViewer(db(), mod.user, 'ffffffffffffffffffffffffffffffff.jpg', null)).toBeNull();
    });
  });

  describe('decideFeedback', () => {
    const audit = (action: string, id: number) =>
      db().selectFrom('audit_log').selectAll().where('action', '=', action).where('object_id', '=', String(id)).execute();
    const state = (id: number) =>
      db().selectFrom('feedback').select(['moderation_state', 'updated_at', 'published_at']).where('id', '=', id).executeTakeFirstOrThrow();

    it('refuses a stale edit (the item changed after the moderator opened it) and changes nothing', async () => {
      const s = await submit(db(), {
        unit: String(unitId),
        title: 'Diubah saat moderator membaca',
      });
      const seen = (await state(s.feedbackId)).updated_at;
      await new Promise((r) => setTimeout(r, 5));
      valueOf(
        await addInformation(db(), s.trackingCode, {
          text: 'Saya tambahkan nomor antrean: A-17.',
        }),
      );
      const changed = await state(s.feedbackId);
      expect(changed.updated_at.getTime()).toBeGreaterThan(seen.getTime());

      expect(errorKeys(errorsOf(await decideFeedback(db(), mod.actor, s.feedbackId, 'publish', seen)))).toEqual({ _form: 'err.staleEdit' });
      expect(errorKeys(errorsOf(await decideFeedback(db(), mod.actor, s.feedbackId, 'reject', seen)))).toEqual({ _form: 'err.staleEdit' });
      expect(await state(s.feedbackId)).toEqual(changed);
      expect(await audit('feedback.publish', s.feedbackId)).toEqual([]);
      expect(await audit('feedback.reject', s.feedbackId)).toEqual([]);
      const kinds = (await db().selectFrom('feedback_events').select('kind').where('feedback_id', '=', s.feedbackId).execute()).map((e) => e.kind);
      expect(kinds).not.toContain('published');
      expect(kinds).not.toContain('rejected');

      // With the fresh timestamp it goes through, and is audited.
      valueOf(await decideFeedback(db(), mod.actor, s.feedbackId, 'publish', changed.updated_at));
      expect((await state(s.feedbackId)).moderation_state).toBe('published');
      const entries = await audit('feedback.publish', s.feedbackId);
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({
        actor_id: mod.user.id,
        actor_label: mod.actor.label,
        object_type: 'feedback',
      });
      const before = typeof entries[0]!.before === 'string' ? JSON.parse(entries[0]!.before) : entries[0]!.before;
      const after = typeof entries[0]!.after === 'string' ? JSON.parse(entries[0]!.after) : entries[0]!.after;
      expect(before).toMatchObject({ moderation_state: 'pending' });
      expect(after).toMatchObject({ moderation_state: 'published' });
    });

    // notifyReporter's contract, as for the submission receipt: the contact email, or the
    // account's email unless the reporter chose to be anonymous.
    it('publishing emails the reporter at the contact address, or the account address unless anonymous', async () => {
      const withContact = await submit(db(), { contactEmail: 'kontak.terbit@contoh.id', anonymous: 'on' }, { user: resident.user });
      const named2 = await submit(db(), {}, { user: author.user });
      const anonReporter = await makeUser(db());
      const anon = await submit(db(), { anonymous: 'on' }, { user: anonReporter.user });
      const published = (to: string) =>
        db().selectFrom('outbox').select('id').where('to_email', '=', to).where('template', '=', 'feedback_published').execute();
      const before = {
        resident: (await published(resident.user.email)).length,
        author: (await published(author.user.email)).length,
        anon: (await published(anonReporter.user.email)).length,
      };
      for (const s of [withContact, named2, anon]) valueOf(await decideFeedback(db(), mod.actor, s.feedbackId, 'publish', null));
      expect(await published('kontak.terbit@contoh.id')).toHaveLength(1);
      expect(await published(resident.user.email)).toHaveLength(before.resident);
      expect(await published(author.user.email)).toHaveLength(before.author + 1);
      expect(await published(anonReporter.user.email)).toHaveLength(before.anon);
    });

    it('every publish through the helper writes one feedback.publish entry', async () => {
      for (const s of [named, anonymous, confidential]) {
        expect(await audit('feedback.publish', s.feedbackId)).toHaveLength(1);
      }
      expect(await audit('feedback.publish', pending.feedbackId)).toEqual([]);
    });
  });
});
