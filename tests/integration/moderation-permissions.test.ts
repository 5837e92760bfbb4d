import { beforeAll, describe, expect, it } from 'vitest';
import type { SessionUser } from '../../src/server/accounts/sessions.ts';
import { canViewAsStaff, canViewContact, canViewOfficerNamed, canViewReporterIdentity } from '../../src/server/feedback/permissions.ts';
import { getFeedbackForStaff, viewContact } from '../../src/server/feedback/service.ts';
import { runHandlingAction } from '../../src/server/handling/actions.ts';
import { canHandle, canManageTemplates, canOpenInbox } from '../../src/server/handling/permissions.ts';
import { createTemplate, getForHandling, listInbox, removeTemplate, templateBody } from '../../src/server/handling/service.ts';
import { canModerate } from '../../src/server/moderation/permissions.ts';
import { publishFeedback, rejectFeedback } from '../../src/server/moderation/service.ts';
import { describeEachDb } from '../support/db.ts';
import {
  anonymousHandCtx,
  auditOf,
  errorKeys,
  eventsOf,
  feedbackRow,
  handCtx,
  modCtx,
  outboxTo,
  person,
  snapshot,
  submit,
  submitAssigned,
  unitIdOf,
  valueOf,
  type Person,
} from '../support/handling-fixtures.ts';

type RoleName = 'anonymous' | 'resident' | 'asnOwn' | 'asnOther' | 'moderator' | 'admin';
const ROLES: RoleName[] = ['anonymous', 'resident', 'asnOwn', 'asnOther', 'moderator', 'admin'];
type SignedInRole = Exclude<RoleName, 'anonymous'>;
const ALLOWED_TO_HANDLE: SignedInRole[] = ['asnOwn', 'moderator', 'admin'];
const REFUSED_TO_HANDLE: RoleName[] = ['anonymous', 'resident', 'asnOther'];

const HANDLING_FORMS = {
  acknowledge: { action: 'acknowledge' },
  answer: { action: 'answer', text: 'Lampu sudah **diganti** oleh petugas kami.' },
  note: { action: 'note', text: 'Catatan internal: cek gudang lampu.' },
  ask: { action: 'ask', text: 'Di tiang nomor berapa lampunya?' },
  resolve: { action: 'resolve' },
} as const;
type HandlingActionName = keyof typeof HANDLING_FORMS;

describeEachDb('permission matrix: moderation and unit inbox', (get) => {
  const db = () => get().db;
  let unitA: number;
  let unitB: number;
  const people = {} as Record<SignedInRole, Person>;
  let asnNoUnit: Person;
  let author: Person;

  const userOf = (r: RoleName): SessionUser | null => (r === 'anonymous' ? null : people[r].user);
  const ctxOf = (r: RoleName) => (r === 'anonymous' ? anonymousHandCtx() : handCtx(people[r]));

  beforeAll(async () => {
    unitA = await unitIdOf(db(), 'Dinas PUPR');
    unitB = await unitIdOf(db(), 'Dinsos');
    people.resident = await person(db(), 'resident');
    people.asnOwn = await person(db(), 'asn', { unitId: unitA, name: 'ASN PUPR' });
    people.asnOther = await person(db(), 'asn', { unitId: unitB, name: 'ASN Dinsos' });
    people.moderator = await person(db(), 'moderator');
    people.admin = await person(db(), 'admin');
    // The database refuses an ASN account without a unit (users_asn_unit); the services must
    // still match nothing for such a session, so it is built by hand from a resident row.
    const base = await person(db(), 'resident');
    asnNoUnit = { ...base, user: { ...base.user, role: 'asn', unitId: null } };
    author = await person(db(), 'resident', { name: 'Pelapor Bernama Jelas' });
  });

  describe('named predicates', () => {
    it('canModerate, canOpenInbox, canViewContact, canViewOfficerNamed: moderators and admins (and the inbox for every ASN)', () => {
      const expected: Record<RoleName, [boolean, boolean, boolean, boolean]> = {
        anonymous: [false, false, false, false],
        resident: [false, false, false, false],
        asnOwn: [false, true, false, false],
        asnOther: [false, true, false, false],
        moderator: [true, true, true, true],
        admin: [true, true, true, true],
      };
      for (const r of ROLES) {
        const u = userOf(r);
        expect([canModerate(u), canOpenInbox(u), canViewContact(u), canViewOfficerNamed(u)], r).toEqual(expected[r]);
      }
      expect(canModerate(asnNoUnit.user)).toBe(false);
    });

    it('canHandle, canManageTemplates, canViewAsStaff: the unit of the item, moderators and admins', () => {
      const own: Record<RoleName, boolean> = { anonymous: false, resident: false, asnOwn: true, asnOther: false, moderator: true, admin: true };
      for (const r of ROLES) {
        const u = userOf(r);
        expect([canHandle(u, { unit_id: unitA }), canManageTemplates(u, unitA), canViewAsStaff(u, { unit_id: unitA, moderation_state: 'published' })], r).toEqual([own[r], own[r], own[r]]);
        // An item no unit has yet: moderators only.
        const mod = r === 'moderator' || r === 'admin';
        expect([canHandle(u, { unit_id: null }), canViewAsStaff(u, { unit_id: null, moderation_state: 'published' })], `${r} unassigned`).toEqual([mod, mod]);
        // Not yet verified, or rejected: moderators only, even for the unit's staff.
        for (const state of ['pending', 'rejected']) expect(canViewAsStaff(u, { unit_id: unitA, moderation_state: state }), `${r} ${state}`).toBe(mod);
      }
      // An ASN account without a unit matches nothing, not even items without a unit.
      expect(canHandle(asnNoUnit.user, { unit_id: null })).toBe(false);
      expect(canViewAsStaff(asnNoUnit.user, { unit_id: null, moderation_state: 'published' })).toBe(false);
      expect(canHandle(asnNoUnit.user, { unit_id: unitA })).toBe(false);
    });

    it('canViewReporterIdentity: anonymous reporters are named to moderators only', () => {
      const anon = { anonymous: true, unit_id: unitA, moderation_state: 'published' };
      const named = { anonymous: false, unit_id: unitA, moderation_state: 'published' };
      const expected: Record<RoleName, [boolean, boolean]> = {
        anonymous: [false, false],
        resident: [false, false],
        asnOwn: [false, true],
        asnOther: [false, false],
        moderator: [true, true],
        admin: [true, true],
      };
      for (const r of ROLES) expect([canViewReporterIdentity(userOf(r), anon), canViewReporterIdentity(userOf(r), named)], r).toEqual(expected[r]);
    });
  });

  describe('unit inbox actions through runHandlingAction', () => {
    for (const action of Object.keys(HANDLING_FORMS) as HandlingActionName[]) {
      it(`${action}: refused (null) for anonymous, resident and ASN of another unit, with nothing changed`, async () => {
        const email = `pelapor.${action}.refused@contoh.id`;
        const f = await submitAssigned(db(), people.moderator, unitA, { contactEmail: email });
        const before = await snapshot(db(), f.id);
        for (const r of REFUSED_TO_HANDLE) {
          const { result } = await runHandlingAction(db(), ctxOf(r), f.id, { ...HANDLING_FORMS[action] });
          expect(result, `${action} by ${r}`).toBeNull();
          expect(await snapshot(db(), f.id), `${action} by ${r}`).toEqual(before);
        }
        expect(await getForHandling(db(), people.asnOther.user, f.id)).toBeNull();
        expect(await getForHandling(db(), people.resident.user, f.id)).toBeNull();
      });

      for (const r of ALLOWED_TO_HANDLE) {
        it(`${action}: done by ${r}`, async () => {
          const email = `pelapor.${action}.${r.toLowerCase()}@contoh.id`;
          const f = await submitAssigned(db(), people.moderator, unitA, { contactEmail: email, contactPhone: '0812 9999 0001' });
          const before = await feedbackRow(db(), f.id);
          const eventsBefore = (await eventsOf(db(), f.id)).length;
          const mailsBefore = (await outboxTo(db(), email)).length;
          expect(await getForHandling(db(), people[r].user, f.id)).not.toBeNull();

          const { result } = await runHandlingAction(db(), ctxOf(r), f.id, { ...HANDLING_FORMS[action] });
          valueOf(result);
          const after = await feedbackRow(db(), f.id);
          const events = await eventsOf(db(), f.id);
          const added = events.slice(eventsBefore);
          const mails = (await outboxTo(db(), email)).slice(mailsBefore);
          expect(added.length, 'one new event').toBe(1);
          const ev = added[0]!;
          expect(ev.actor_id).toBe(people[r].user.id);
          expect(ev.actor_role).toBe(people[r].user.role);
          switch (action) {
            case 'acknowledge':
              expect(after.status).toBe('in_progress');
              expect(ev).toMatchObject({ kind: 'status', public: true, from_status: 'assigned', to_status: 'in_progress' });
              expect(mails.map((m) => m.template)).toEqual(['feedback_status']);
              break;
            case 'answer':
              expect(after.status).toBe('responded');
              expect(after.first_response_at).not.toBeNull();
              expect(after.autoclose_at).not.toBeNull();
              expect(after.answer_due_at).toBeNull();
              expect(ev).toMatchObject({ kind: 'response', public: true, to_status: 'responded' });
              expect(ev.body_html).toContain('<strong>diganti</strong>');
              expect(mails.map((m) => m.template)).toEqual(['feedback_answer']);
              break;
            case 'note':
              expect(after.status).toBe(before.status);
              expect(ev).toMatchObject({ kind: 'note', public: false });
              expect(mails).toEqual([]);
              break;
            case 'ask':
              expect(after.status).toBe(before.status);
              expect(ev).toMatchObject({ kind: 'info_request', public: false });
              expect(mails.map((m) => m.template)).toEqual(['feedback_info_request']);
              expect(mails[0]!.text_body).toContain('Di tiang nomor berapa lampunya?');
              break;
            case 'resolve':
              expect(after.status).toBe('resolved');
              expect(after.autoclose_at).not.toBeNull();
              expect(ev).toMatchObject({ kind: 'status', public: true, to_status: 'resolved' });
              break;
          }
          expect((await auditOf(db(), f.id)).at(-1)!.actor_id).toBe(people[r].user.id);
        });
      }
    }

    it('nobody handles an item that is still pending or was rejected (moderators included)', async () => {
      const pending = await submit(db(), { unitId: unitA });
      const rejected = await submit(db(), { unitId: unitA });
      valueOf(await rejectFeedback(db(), modCtx(people.moderator), rejected.id, null, { reason: 'spam' }));
      for (const id of [pending.id, rejected.id]) {
        const before = await snapshot(db(), id);
        for (const r of ROLES) {
          for (const action of Object.keys(HANDLING_FORMS) as HandlingActionName[]) {
            const { result } = await runHandlingAction(db(), ctxOf(r), id, { ...HANDLING_FORMS[action] });
            expect(result, `${action} by ${r} on #${id}`).toBeNull();
          }
          if (r !== 'anonymous') expect(await getForHandling(db(), userOf(r)!, id), r).toBeNull();
        }
        expect(await snapshot(db(), id)).toEqual(before);
      }
    });

    it('a published item without a unit: moderators may handle it, no ASN can', async () => {
      const f = await submit(db());
      valueOf(await publishFeedback(db(), modCtx(people.moderator), f.id, null));
      const before = await snapshot(db(), f.id);
      for (const r of ['asnOwn', 'asnOther'] as const) {
        expect((await runHandlingAction(db(), handCtx(people[r]), f.id, { ...HANDLING_FORMS.note })).result).toBeNull();
      }
      expect((await runHandlingAction(db(), handCtx(asnNoUnit), f.id, { ...HANDLING_FORMS.note })).result).toBeNull();
      expect(await snapshot(db(), f.id)).toEqual(before);
      valueOf((await runHandlingAction(db(), handCtx(people.moderator), f.id, { ...HANDLING_FORMS.note })).result);
    });

    it('an id that does not exist is null for everybody', async () => {
      for (const r of ROLES) expect((await runHandlingAction(db(), ctxOf(r), 987654321, { action: 'acknowledge' })).result, r).toBeNull();
    });

    it('listInbox: an ASN sees only their own unit whatever filter they pass; moderators may filter by any unit', async () => {
      const a = await submitAssigned(db(), people.moderator, unitA);
      const b = await submitAssigned(db(), people.moderator, unitB);
      const other = await listInbox(db(), people.asnOther.user, { unitId: unitA });
      expect(other.map((i) => i.id)).toContain(b.id);
      expect(other.map((i) => i.id)).not.toContain(a.id);
      expect(new Set(other.map((i) => i.unit_short_name))).toEqual(new Set(['Dinsos']));
      const own = await listInbox(db(), people.asnOwn.user, { unitId: null });
      expect(own.map((i) => i.id)).toContain(a.id);
      expect(own.map((i) => i.id)).not.toContain(b.id);
      const mod = await listInbox(db(), people.moderator.user, { unitId: unitA });
      expect(mod.map((i) => i.id)).toContain(a.id);
      expect(mod.map((i) => i.id)).not.toContain(b.id);
    });
  });

  describe('staff view, contact details and templates', () => {
    let anon: number;
    let named: number;
    const officer = 'Bapak Petugas Loket Tiga';

    beforeAll(async () => {
      anon = (await submitAssigned(db(), people.moderator, unitA, { author, anonymous: true, officer, contactEmail: 'anon.kontak@contoh.id', contactPhone: '0813 1111 2222' })).id;
      named = (await submitAssigned(db(), people.moderator, unitA, { author, officer })).id;
    });

    it('getFeedbackForStaff: null for residents (the author too) and ASN of another unit; ASN of the unit never sees an anonymous reporter or the named officer; moderators see everything', async () => {
      for (const id of [anon, named]) {
        expect(await getFeedbackForStaff(db(), id, people.resident.user)).toBeNull();
        expect(await getFeedbackForStaff(db(), id, author.user)).toBeNull();
        expect(await getFeedbackForStaff(db(), id, people.asnOther.user)).toBeNull();
        expect(await getFeedbackForStaff(db(), id, asnNoUnit.user)).toBeNull();
      }
      const asnAnon = (await getFeedbackForStaff(db(), anon, people.asnOwn.user))!;
      expect(asnAnon.reporterName).toBeNull();
      expect(asnAnon.feedback.officer_named).toBeNull();
      expect(JSON.stringify(asnAnon)).not.toContain(author.user.id);
      expect(JSON.stringify(asnAnon)).not.toContain('Pelapor Bernama Jelas');
      expect(JSON.stringify(asnAnon)).not.toContain(officer);
      expect(JSON.stringify(asnAnon)).not.toContain('anon.kontak@contoh.id');
      expect(JSON.stringify(asnAnon)).not.toContain('1111 2222');
      const asnNamed = (await getFeedbackForStaff(db(), named, people.asnOwn.user))!;
      expect(asnNamed.reporterName).toBe('Pelapor Bernama Jelas');
      expect(asnNamed.feedback.officer_named).toBeNull();
      for (const r of ['moderator', 'admin'] as const) {
        const v = (await getFeedbackForStaff(db(), anon, people[r].user))!;
        expect(v.reporterName, r).toBe('Pelapor Bernama Jelas');
        expect(v.feedback.officer_named, r).toBe(officer);
        expect(v.feedback).not.toHaveProperty('author_id');
        expect(v.feedback).not.toHaveProperty('tracking_hash');
      }
    });

    it('viewContact: null and no audit entry for residents and ASN; moderators and admins get it, each view audited', async () => {
      const audited = async () => (await auditOf(db(), anon, 'feedback.contact_view')).length;
      const start = await audited();
      for (const r of ['resident', 'asnOwn', 'asnOther'] as const) {
        expect(await viewContact(db(), people[r].user, people[r].actor, anon), r).toBeNull();
      }
      expect(await audited()).toBe(start);
      for (const r of ['moderator', 'admin'] as const) {
        const c = await viewContact(db(), people[r].user, people[r].actor, anon);
        expect(c, r).toMatchObject({ email: 'anon.kontak@contoh.id', phone: '+6281311112222' });
      }
      const entries = await auditOf(db(), anon, 'feedback.contact_view');
      expect(entries.length).toBe(start + 2);
      expect(entries.slice(-2).map((e) => e.actor_id)).toEqual([people.moderator.user.id, people.admin.user.id]);
    });

    it('createTemplate / removeTemplate / templateBody per role', async () => {
      const count = async () => (await db().selectFrom('answer_templates').select('id').where('unit_id', '=', unitA).execute()).length;
      const start = await count();
      for (const r of ['resident', 'asnOther'] as const) {
        expect(errorKeys(await createTemplate(db(), people[r].user, people[r].actor, unitA, { title: 'Templat', body: 'Isi templat' })), r).toEqual({ _form: 'err.notYourUnit' });
      }
      expect(errorKeys(await createTemplate(db(), asnNoUnit.user, asnNoUnit.actor, unitA, { title: 'Templat', body: 'Isi' }))).toEqual({ _form: 'err.notYourUnit' });
      expect(await count()).toBe(start);

      const made: Record<string, number> = {};
      for (const r of ALLOWED_TO_HANDLE) {
        made[r] = valueOf(await createTemplate(db(), people[r].user, people[r].actor, unitA, { title: `Templat ${r}`, body: `Isi templat ${r}` }));
        expect((await auditOf(db(), made[r]!, 'template.create')).length, r).toBe(1);
      }
      expect(await count()).toBe(start + 3);

      // Reading a template's body: the unit's staff and moderators only.
      expect(await templateBody(db(), people.asnOther.user, made.asnOwn!)).toBeNull();
      expect(await templateBody(db(), people.resident.user, made.asnOwn!)).toBeNull();
      expect(await templateBody(db(), people.moderator.user, made.asnOwn!)).toBe('Isi templat asnOwn');
      expect(await templateBody(db(), people.asnOwn.user, made.moderator!)).toBe('Isi templat moderator');

      for (const r of ['resident', 'asnOther'] as const) {
        expect(errorKeys(await removeTemplate(db(), people[r].user, people[r].actor, made.asnOwn!)), r).toEqual({ _form: 'err.notYourUnit' });
      }
      expect(await count()).toBe(start + 3);
      for (const r of ALLOWED_TO_HANDLE) {
        valueOf(await removeTemplate(db(), people[r].user, people[r].actor, made[r]!));
        expect((await auditOf(db(), made[r]!, 'template.delete')).length, r).toBe(1);
      }
      expect(await count()).toBe(start);
    });
  });
});
