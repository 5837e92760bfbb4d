import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { signIn } from '../../src/server/accounts/service.ts';
import { signUpConfirmed } from '../support/accounts.ts';
import type { SessionUser } from '../../src/server/accounts/sessions.ts';
import { supportFeedback } from '../../src/server/feedback/tracking.ts';
import { viewContact } from '../../src/server/feedback/service.ts';
import { flagFeedback } from '../../src/server/moderation/flags.ts';
import { registerForForum } from '../../src/server/forums/registration.ts';
import { submitQuestion } from '../../src/server/forums/questions.ts';
import { publishFeedback } from '../../src/server/moderation/service.ts';
import { composeEmail, enqueueEmail } from '../../src/server/notifications/service.ts';
import { canDeleteOwnAccount, canManageOwnData, canRestrictProcessing } from '../../src/server/privacy/permissions.ts';
import {
  correctMyContact,
  correctMyProfile,
  deleteMyAccount,
  exportMyData,
  listRestrictions,
  setProcessingRestriction,
  type PersonalDataExport,
} from '../../src/server/privacy/service.ts';
import { describeEachDb } from '../support/db.ts';
import { columnsContaining } from '../support/feedback-fixtures.ts';
import { fctx, makeForum, registrationOf } from '../support/forum-fixtures.ts';
import { auditOf, errorKeys, modCtx, outboxTo, person, pngFile, requestCtx, submit, tempPhotoStore, unitIdOf, valueOf, type Person } from '../support/handling-fixtures.ts';

const DAY = 86400_000;

/** A resident with a real password (deletion asks for it), signed up through the service. */
async function resident(db: Parameters<typeof signUpConfirmed>[0], name: string, email: string) {
  const password = `Sagu-Lempeng ${Math.random().toString(36).slice(2)}`;
  const r = valueOf(await signUpConfirmed(db, requestCtx({ userAgent: 'RightsTest/1.0' }), { displayName: name, email, password }));
  const user: SessionUser = { id: r.user.id, email, displayName: name, role: 'resident', unitId: null, unitShortName: null, unitSlug: null, locale: 'id' };
  return { user, password, person: { row: r.user, user, actor: { id: r.user.id, label: `${name} <${email}>`, ip: '10.1.1.1' } } as Person };
}

describeEachDb('data rights: export, correction, deletion', (get) => {
  const tag = Math.random().toString(36).slice(2, 8);
  const A = { name: `Nona Tahitu ${tag}`, email: `nona.${tag}@contoh.id`, contactName: `Kontak Nona ${tag}`, contactEmail: `kontak.nona.${tag}@contoh.id`, phone: '+628114700123' };
  const B = { name: `Bung Pattimura ${tag}`, email: `bung.${tag}@contoh.id`, contactName: `Kontak Bung ${tag}`, contactEmail: `kontak.bung.${tag}@contoh.id` };
  let a: Awaited<ReturnType<typeof resident>>;
  let b: Awaited<ReturnType<typeof resident>>;
  let mod: Person;
  let unit: number;
  let ownId: number;
  let anonId: number;
  let othersId: number;
  let forumId: number;
  let photos: Awaited<ReturnType<typeof tempPhotoStore>>;

  beforeAll(async () => {
    const db = get().db;
    unit = await unitIdOf(db, 'Dinas PUPR');
    mod = await person(db, 'moderator', { name: `Moderator ${tag}` });
    a = await resident(db, A.name, A.email);
    b = await resident(db, B.name, B.email);
    // A signs in once more: a session with its address and a per-account rate-limit window keyed by the email.
    valueOf(await signIn(db, requestCtx({ userAgent: 'RightsTest/1.0' }), { email: A.email, password: a.password }));
    photos = await tempPhotoStore();
    ownId = (await submit(db, { author: a.person, unitId: unit, contactName: A.contactName, contactEmail: A.contactEmail, contactPhone: A.phone, title: `Jalan berlubang ${tag} di Batu Merah`, files: [await pngFile()], photos: photos.store })).id;
    anonId = (await submit(db, { author: a.person, anonymous: true, title: `Saran anonim ${tag} untuk puskesmas` })).id;
    othersId = (await submit(db, { author: b.person, contactName: B.contactName, contactEmail: B.contactEmail, title: `Keluhan orang lain ${tag} tentang air` })).id;
    for (const id of [ownId, othersId]) valueOf(await publishFeedback(db, modCtx(mod), id, null));
    await viewContact(db, mod.user, mod.actor, ownId);
    valueOf(await supportFeedback(db, a.user, othersId));
    valueOf(await supportFeedback(db, b.user, ownId));
    valueOf(await flagFeedback(db, requestCtx(), a.user, othersId, { reason: 'other', note: `Catatan tanda ${tag}` }));
    await db.insertInto('feedback_ratings').values({ feedback_id: ownId, score: 4, comment: `Cukup baik ${tag}` }).execute();
    const forum = await makeForum(db, mod, { unitIds: [unit], starts: new Date(Date.now() + 5 * DAY), capacity: 1 });
    forumId = forum.id;
    valueOf(await registerForForum(db, fctx(a.person), forumId));
    valueOf(await registerForForum(db, fctx(b.person), forumId)); // waitlisted behind A
    valueOf(await submitQuestion(db, fctx(a.person), forumId, { body: `Pertanyaan Nona ${tag} tentang jalan`, feedback_id: String(ownId) }));
    const reg = await registrationOf(db, forumId, a.user.id);
    await db.insertInto('forum_survey_responses').values({ registration_id: reg!.id, forum_id: forumId, score: 5, comment: `Survei Nona ${tag}` }).execute();
  });
  afterAll(async () => {
    await photos?.cleanup();
  });

  it('the JSON export holds everything tied to the person and nothing of anyone else', async () => {
    const db = get().db;
    const r = valueOf(await exportMyData(db, requestCtx(), a.user, 'json'));
    const data = JSON.parse(r.body) as PersonalDataExport;
    expect(r.fileName).toMatch(/^baku-dengar-data-\d{4}-\d{2}-\d{2}\.json$/);
    expect(data.account).toMatchObject({ id: a.user.id, email: A.email, display_name: A.name, role: 'resident' });
    expect(data.sessions.length).toBe(2);
    expect(data.sessions.every((s) => s.user_agent === 'RightsTest/1.0' && s.ip)).toBe(true);
    expect(data.feedback.map((f) => f.id).sort()).toEqual([ownId, anonId].sort());
    const own = data.feedback.find((f) => f.id === ownId)!;
    expect(own).toMatchObject({ contact_name: A.contactName, contact_email: A.contactEmail, contact_phone: A.phone, rating_score: 4, rating_comment: `Cukup baik ${tag}` });
    expect(own.photos).toHaveLength(1);
    expect(own.timeline.map((e) => e.kind)).toEqual(expect.arrayContaining(['submitted', 'published']));
    expect(data.supports.map((s) => s.feedback_id)).toEqual([othersId]);
    expect(data.flags).toEqual([expect.objectContaining({ feedback_id: othersId, note: `Catatan tanda ${tag}` })]);
    expect(data.forum_registrations).toEqual([expect.objectContaining({ forum_id: forumId, status: 'registered', survey_score: 5, survey_comment: `Survei Nona ${tag}` })]);
    expect(data.forum_questions).toEqual([expect.objectContaining({ body: `Pertanyaan Nona ${tag} tentang jalan`, feedback_id: ownId })]);
    const templates = data.emails.map((m) => m.template);
    expect(templates).toEqual(expect.arrayContaining(['feedback_receipt', 'feedback_published']));
    expect(data.emails.every((m) => m.to_email === A.email || m.to_email === A.contactEmail)).toBe(true);
    const actions = data.audit.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['user.sign_up', 'feedback.contact_view', 'forum.question', 'privacy.export']));
    // Nothing of the other resident or of the moderator who looked at the contact.
    for (const other of [B.name, B.email, B.contactName, B.contactEmail, b.user.id, mod.user.email, mod.user.displayName, mod.user.id]) {
      expect(r.body).not.toContain(other);
    }
    expect(r.body).not.toMatch(/tracking_hash|password_hash|idempotency/);
  });

  it('the CSV export has the same facts, one value a row', async () => {
    const db = get().db;
    const r = valueOf(await exportMyData(db, requestCtx(), a.user, 'csv'));
    const rows = parse(r.body, { bom: true, columns: true }) as { section: string; record: string; field: string; value: string }[];
    const find = (section: string, field: string) => rows.filter((x) => x.section === section && x.field === field).map((x) => x.value);
    expect(find('account', 'email')).toEqual([A.email]);
    expect(find('feedback', 'contact_phone')).toContain(A.phone);
    expect(find('forum_questions', 'body')).toEqual([`Pertanyaan Nona ${tag} tentang jalan`]);
    expect(rows.some((x) => x.section === 'feedback' && x.field.startsWith('photos[0].file_name'))).toBe(true);
    expect(r.body).not.toContain(B.email);
    expect((await auditOf(db, a.user.id, 'privacy.export')).map((e) => (e.after as { format: string }).format)).toEqual(['json', 'csv']);
  });

  it('corrects name, email and the contact details on own feedback only, auditing fields not values', async () => {
    const db = get().db;
    expect(errorKeys(await correctMyProfile(db, requestCtx(), a.user, { displayName: A.name, email: B.email }))).toEqual({ email: 'err.emailTaken' });
    expect(errorKeys(await correctMyProfile(db, requestCtx(), a.user, { displayName: 'X', email: 'bukan surel' }))).toMatchObject({ email: 'err.email' });
    const newName = `${A.name} Latuconsina`;
    expect(valueOf(await correctMyProfile(db, requestCtx(), a.user, { displayName: newName, email: A.email })).changed).toEqual(['display_name']);
    expect((await db.selectFrom('users').select('display_name').where('id', '=', a.user.id).executeTakeFirstOrThrow()).display_name).toBe(newName);
    A.name = newName;
    a.user = { ...a.user, displayName: newName };

    // Someone else's item: as if it did not exist.
    expect(await correctMyContact(db, requestCtx(), a.user, othersId, { contactName: 'X' })).toBeNull();
    expect(errorKeys(await correctMyContact(db, requestCtx(), a.user, ownId, { contactEmail: 'salah@', contactPhone: '12' }))).toEqual({ contactEmail: 'err.email', contactPhone: 'err.phone' });
    const newPhone = '+62 812 9900 456';
    valueOf(await correctMyContact(db, requestCtx(), a.user, ownId, { contactName: A.contactName, contactEmail: A.contactEmail, contactPhone: newPhone }));
    // Stored in E.164, as at submission.
    expect((await db.selectFrom('feedback_contacts').select('phone').where('feedback_id', '=', ownId).executeTakeFirstOrThrow()).phone).toBe('+628129900456');
    A.phone = '+628129900456';
    // A contact added to an item that had none, then erased by leaving the fields empty.
    valueOf(await correctMyContact(db, requestCtx(), a.user, anonId, { contactEmail: `tambahan.${tag}@contoh.id` }));
    expect(await db.selectFrom('feedback_contacts').select('email').where('feedback_id', '=', anonId).executeTakeFirst()).toEqual({ email: `tambahan.${tag}@contoh.id` });
    valueOf(await correctMyContact(db, requestCtx(), a.user, anonId, { contactName: '', contactEmail: '', contactPhone: '' }));
    expect(await db.selectFrom('feedback_contacts').select('email').where('feedback_id', '=', anonId).executeTakeFirst()).toBeUndefined();
    const entries = await db.selectFrom('audit_log').selectAll().where('action', 'in', ['privacy.correct_profile', 'privacy.correct_contact']).where('actor_id', '=', a.user.id).execute();
    expect(entries.map((e) => e.after)).toEqual([{ fields: ['display_name'] }, { fields: ['phone'] }, { fields: ['email'] }, { fields: ['email'] }]);
    expect(JSON.stringify(entries.map((e) => [e.before, e.after]))).not.toContain(newPhone);
    expect(JSON.stringify(entries.map((e) => [e.before, e.after]))).not.toContain(A.phone);
  });

  it('staff cannot delete their own account; a wrong password or no confirmation refuses', async () => {
    const db = get().db;
    expect(canDeleteOwnAccount(mod.user)).toBe(false);
    expect(errorKeys(await deleteMyAccount(db, requestCtx(), mod.user, { password: 'x', confirm: 'on' }))).toEqual({ _form: 'privacy.err.staffCannotDelete' });
    expect(errorKeys(await deleteMyAccount(db, requestCtx(), a.user, { password: 'salah sekali', confirm: 'on' }))).toEqual({ password: 'err.currentPassword' });
    expect(errorKeys(await deleteMyAccount(db, requestCtx(), a.user, { password: a.password }))).toEqual({ confirm: 'privacy.err.confirm' });
    expect((await db.selectFrom('users').select('deleted_at').where('id', '=', a.user.id).executeTakeFirstOrThrow()).deleted_at).toBeNull();
  });

  it('deleting the account keeps the feedback, anonymised, and leaves no personal data anywhere', async () => {
    const db = get().db;
    const before = await db.selectFrom('feedback').select(['id', 'title', 'support_count']).where('id', 'in', [ownId, anonId]).orderBy('id').execute();
    const outcome = valueOf(await deleteMyAccount(db, requestCtx(), a.user, { password: a.password, confirm: 'on' }));
    expect(outcome).toEqual({ feedbackKept: 2, registrationsCancelled: 1 });

    // The feedback stays (title, supports), without author or contact details.
    const after = await db.selectFrom('feedback').select(['id', 'title', 'support_count', 'author_id']).where('id', 'in', [ownId, anonId]).orderBy('id').execute();
    expect(after.map(({ author_id: _, ...f }) => f)).toEqual(before);
    expect(after.every((f) => f.author_id === null)).toBe(true);
    expect(await db.selectFrom('feedback_contacts').select(['name', 'email', 'phone']).where('feedback_id', '=', ownId).executeTakeFirstOrThrow()).toEqual({ name: null, email: null, phone: null });
    expect(await db.selectFrom('feedback_photos').select('id').where('feedback_id', '=', ownId).execute()).toHaveLength(1);

    // No trace of name, email, contact details or phone in any text column of any table.
    for (const needle of [A.name, A.email, A.contactName, A.contactEmail, A.phone, `Nona Tahitu ${tag}`]) {
      expect({ needle, columns: await columnsContaining(db, needle) }).toEqual({ needle, columns: [] });
    }
    expect(await db.selectFrom('sessions').select('id').where('user_id', '=', a.user.id).execute()).toEqual([]);
    expect(await db.selectFrom('password_tokens').select('user_id').where('user_id', '=', a.user.id).execute()).toEqual([]);
    expect(await outboxTo(db, A.email)).toEqual([]);
    expect(await outboxTo(db, A.contactEmail)).toEqual([]);
    const auditIps = await db.selectFrom('audit_log').select('ip').where('actor_id', '=', a.user.id).where('ip', 'is not', null).execute();
    expect(auditIps).toEqual([]);

    // The seat went to the waitlisted person; the question stays without its author.
    expect((await registrationOf(db, forumId, a.user.id))!.status).toBe('cancelled');
    expect((await registrationOf(db, forumId, b.user.id))!.status).toBe('registered');
    expect(await db.selectFrom('forum_questions').select('user_id').where('forum_id', '=', forumId).execute()).toEqual([{ user_id: null }]);

    // The account cannot be used again; the deletion itself is audited without personal data.
    expect(errorKeys(await signIn(db, requestCtx(), { email: A.email, password: a.password }))).toEqual({ _form: 'err.invalidCredentials' });
    const [entry] = await auditOf(db, a.user.id, 'privacy.account_delete');
    expect(entry!.after).toEqual({ feedback_kept: 2, registrations_cancelled: 1 });
    expect(entry!.ip).toBeNull();
    // History is kept: the sign-up is still there, without its values.
    const signUpEntry = (await auditOf(db, a.user.id, 'user.sign_up'))[0]!;
    expect([signUpEntry.before, signUpEntry.after]).toEqual([null, null]);
    // The other resident's data is untouched.
    expect(await db.selectFrom('feedback_contacts').select('email').where('feedback_id', '=', othersId).executeTakeFirstOrThrow()).toEqual({ email: B.contactEmail });
    expect((await db.selectFrom('users').select('email').where('id', '=', b.user.id).executeTakeFirstOrThrow()).email).toBe(B.email);
  });

  it('the audit log still refuses ordinary updates and deletes', async () => {
    const db = get().db;
    await expect(sql`update audit_log set action = 'x' where id = (select min(id) from audit_log)`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log where id = (select min(id) from audit_log)`.execute(db)).rejects.toThrow(/append-only/);
    // Even with erasure asked for, ids, times, actions and objects cannot change.
    await expect(
      db.transaction().execute(async (trx) => {
        await sql`select set_config('baku.audit_erasure', 'on', true)`.execute(trx);
        await sql`update audit_log set action = 'forged' where id = (select min(id) from audit_log)`.execute(trx);
      }),
    ).rejects.toThrow(/append-only/);
  });
});

describeEachDb('data rights: restriction of processing', (get) => {
  const tag = Math.random().toString(36).slice(2, 8);
  let mod: Person;
  let resident: Person;
  let asn: Person;

  beforeAll(async () => {
    const db = get().db;
    mod = await person(db, 'moderator');
    resident = await person(db, 'resident');
    asn = await person(db, 'asn', { unitId: await unitIdOf(db, 'Dinas PUPR') });
  });

  it('only moderators and admins restrict', async () => {
    const db = get().db;
    expect([resident, asn, mod].map((p) => canRestrictProcessing(p.user))).toEqual([false, false, true]);
    expect(errorKeys(await setProcessingRestriction(db, resident.user, resident.actor, true, { email: resident.user.email, reason: 'saya sendiri' }))).toEqual({ _form: 'privacy.err.forbidden' });
    expect(await listRestrictions(db, asn.user)).toBeNull();
    expect(canManageOwnData(null)).toBe(false);
  });

  it('a restricted contact gets no email and is hidden from staff, until lifted; every change audited', async () => {
    const db = get().db;
    const contactEmail = `dibatasi.${tag}@contoh.id`;
    const first = await submit(db, { contactEmail, contactName: `Warga Dibatasi ${tag}` });
    expect(await outboxTo(db, contactEmail, 'feedback_receipt')).toHaveLength(1);
    expect(errorKeys(await setProcessingRestriction(db, mod.user, mod.actor, true, { reason: 'permintaan' }))).toEqual({ email: 'privacy.err.whom' });
    expect(errorKeys(await setProcessingRestriction(db, mod.user, mod.actor, true, { email: `tidak.ada.${tag}@contoh.id`, reason: 'permintaan' }))).toEqual({ email: 'privacy.err.nobody' });
    expect(valueOf(await setProcessingRestriction(db, mod.user, mod.actor, true, { email: contactEmail, reason: 'permintaan surat 12/2026' }))).toEqual({ accounts: 0, contacts: 1 });

    valueOf(await publishFeedback(db, modCtx(mod), first.id, null));
    expect(await outboxTo(db, contactEmail, 'feedback_published')).toEqual([]);
    expect(await enqueueEmail(db, contactEmail, 'id', 'test', composeEmail('id', 'email.receipt.subject', 'email.receipt.body', { code: 'X', title: 'Y', link: 'Z' }))).toBe(0);
    expect(await viewContact(db, mod.user, mod.actor, first.id)).toMatchObject({ restricted: true, name: null, email: null, phone: null });
    const lists = (await listRestrictions(db, mod.user))!;
    expect(lists.contacts.map((c) => c.feedback_id)).toContain(first.id);

    valueOf(await setProcessingRestriction(db, mod.user, mod.actor, false, { email: contactEmail, reason: 'dicabut atas permintaan' }));
    expect(await viewContact(db, mod.user, mod.actor, first.id)).toMatchObject({ restricted: false, email: contactEmail });
    expect(await enqueueEmail(db, contactEmail, 'id', 'test', composeEmail('id', 'email.receipt.subject', 'email.receipt.body', { code: 'X', title: 'Y', link: 'Z' }))).toBeGreaterThan(0);
    const entries = await db.selectFrom('audit_log').select(['action', 'after', 'actor_id']).where('action', 'in', ['privacy.restrict', 'privacy.unrestrict']).orderBy('id').execute();
    expect(entries.map((e) => [e.action, e.actor_id])).toEqual([
      ['privacy.restrict', mod.user.id],
      ['privacy.unrestrict', mod.user.id],
    ]);
    expect(JSON.stringify(entries)).not.toContain(contactEmail);
  });

  it('restricting by feedback number also restricts the author account, whose email then stops', async () => {
    const db = get().db;
    const author = await person(db, 'resident');
    const item = await submit(db, { author });
    expect(await outboxTo(db, author.user.email, 'feedback_receipt')).toHaveLength(1);
    expect(errorKeys(await setProcessingRestriction(db, mod.user, mod.actor, true, { feedback: '99999999', reason: 'permintaan' }))).toEqual({ feedback: 'privacy.err.feedbackUnknown' });
    expect(valueOf(await setProcessingRestriction(db, mod.user, mod.actor, true, { feedback: `#${item.id}`, reason: 'permintaan lisan' }))).toEqual({ accounts: 1, contacts: 0 });
    valueOf(await publishFeedback(db, modCtx(mod), item.id, null));
    expect(await outboxTo(db, author.user.email, 'feedback_published')).toEqual([]);
    const r = valueOf(await exportMyData(db, requestCtx(), author.user, 'json'));
    expect((JSON.parse(r.body) as PersonalDataExport).account!.processing_restricted_at).not.toBeNull();
  });
});
