import { beforeAll, expect, it } from 'vitest';
import { translator } from '../../src/i18n/index.ts';
import type { SessionUser } from '../../src/server/accounts/sessions.ts';
import { cancelMyRegistration, registerForForum } from '../../src/server/forums/registration.ts';
import { addAgendaItem, moveAgendaItem } from '../../src/server/forums/agenda.ts';
import { questionsFor, submitQuestion } from '../../src/server/forums/questions.ts';
import { sendForumSurveys } from '../../src/server/forums/reminders.ts';
import { updateForum } from '../../src/server/forums/schedule.ts';
import { GET as feedGet } from '../../src/pages/forum.ics.ts';
import { GET as oneIcsGet } from '../../src/pages/forum/[slug].ics.ts';
import { describeEachDb } from '../support/db.ts';
import {
  auditOfForum,
  editForm,
  icsOf,
  errorKeys,
  fctx,
  forumRow,
  insertFeedback,
  makeForum,
  outboxTo,
  person,
  PUBLIC_URL,
  regOpen,
  unitId,
  valueOf,
  wit,
  type Person,
} from '../support/forum-fixtures.ts';
import type { Db } from '../../src/server/db/index.ts';

process.env.LOG_LEVEL = 'error';

/** Calls an endpoint module's GET the way Astro does, with the locals our middleware sets. */
async function callGet(handler: unknown, db: Db, user: SessionUser | null, params: Record<string, string> = {}): Promise<Response> {
  const ctx = {
    locals: { db, user, locale: 'id', t: translator('id'), requestContext: { publicUrl: PUBLIC_URL } },
    params,
    rewrite: async () => new Response('not found', { status: 404 }),
  };
  return (handler as (c: unknown) => Promise<Response>)(ctx);
}

describeEachDb('forums: security (online link, registration rate, questions, audit)', (get) => {
  const db = () => get().db;
  let mod: Person;
  let dinkes: number;
  let pupr: number;

  beforeAll(async () => {
    mod = await person(db(), 'moderator');
    dinkes = await unitId(db(), 'Dinkes');
    pupr = await unitId(db(), 'Dinas PUPR');
  });

  it('the online link is for registered people: the public feed and .ics leave it out', async () => {
    const url = 'https://zoom.example.id/j/rahasia-123';
    const f = await makeForum(db(), mod, { mode: 'hybrid', onlineUrl: url, unitIds: [dinkes], starts: new Date(Date.now() + 5 * 86400_000) });
    const feed = await (await callGet(feedGet, db(), null)).text();
    expect(feed).toContain(`forum-${f.id}@`);
    expect(feed).not.toContain('rahasia-123');

    const anonymous = await callGet(oneIcsGet, db(), null, { slug: f.slug });
    expect(anonymous.status).toBe(200);
    expect(await anonymous.text()).not.toContain('rahasia-123');

    // A resident who did not register: no link either.
    const stranger = await person(db(), 'resident');
    expect(await (await callGet(oneIcsGet, db(), stranger.user, { slug: f.slug })).text()).not.toContain('rahasia-123');

    // Registered (seat taken): the link, in a response no shared cache keeps.
    const r = await person(db(), 'resident');
    valueOf(await registerForForum(db(), fctx(r), f.id));
    const mine = await callGet(oneIcsGet, db(), r.user, { slug: f.slug });
    expect(await mine.text()).toContain('rahasia-123');
    expect(mine.headers.get('Cache-Control')).toMatch(/private/);
    // Moderators run the forum: they see it too.
    expect(await (await callGet(oneIcsGet, db(), mod.user, { slug: f.slug })).text()).toContain('rahasia-123');
  });

  it('emails: the .ics of a waitlisted person leaves the online link out; a seated person gets it', async () => {
    const url = 'https://zoom.example.id/j/antrean-456';
    const f = await makeForum(db(), mod, { mode: 'online', onlineUrl: url, unitIds: [dinkes], capacity: 1 });
    const now = regOpen(f);
    const seated = await person(db(), 'resident');
    const waiting = await person(db(), 'resident');
    valueOf(await registerForForum(db(), fctx(seated, now), f.id));
    expect(valueOf(await registerForForum(db(), fctx(waiting, now), f.id)).status).toBe('waitlisted');
    expect(icsOf((await outboxTo(db(), seated.user.email, 'forum_registered'))[0]!)).toContain('antrean-456');
    expect(icsOf((await outboxTo(db(), waiting.user.email, 'forum_waitlisted'))[0]!)).not.toContain('antrean-456');
    // The time moves: both are told, with the new .ics; the link only to the seated one.
    valueOf(await updateForum(db(), fctx(mod, now), f.id, await editForm(db(), f.id, { starts_at: '2027-03-10T11:00', ends_at: '2027-03-10T13:00' })));
    expect(icsOf((await outboxTo(db(), seated.user.email, 'forum_changed'))[0]!)).toContain('antrean-456');
    expect(icsOf((await outboxTo(db(), waiting.user.email, 'forum_changed'))[0]!)).not.toContain('antrean-456');
  });

  it('register/cancel cycles are rate limited per account (each registration emails the account address)', async () => {
    const f = await makeForum(db(), mod, { unitIds: [dinkes], capacity: 5 });
    const r = await person(db(), 'resident');
    const now = regOpen(f);
    let refused: Record<string, string> | null = null;
    for (let i = 0; i < 15 && !refused; i++) {
      const reg = await registerForForum(db(), fctx(r, now), f.id);
      if (reg && !reg.ok) {
        refused = errorKeys(reg);
        break;
      }
      valueOf(await cancelMyRegistration(db(), fctx(r, now), f.id));
    }
    expect(refused).toEqual({ _form: 'err.rateLimited' });
    expect((await outboxTo(db(), r.user.email)).length).toBeLessThanOrEqual(10);
  });

  it('staff of a unit do not see the titles of feedback they may not open, cited in questions', async () => {
    const f = await makeForum(db(), mod, { unitIds: [dinkes, pupr] });
    const now = regOpen(f);
    const asnDinkes = await person(db(), 'asn', { unitId: dinkes });
    const r = await person(db(), 'resident');
    valueOf(await registerForForum(db(), fctx(r, now), f.id));
    // Still pending (not verified by moderators), about another unit.
    const pending = await insertFeedback(db(), { unitId: pupr, authorId: r.user.id, moderation: 'pending', title: 'Nama saya Ibu Rahma, rumah no. 12 dibongkar' });
    const published = await insertFeedback(db(), { unitId: pupr, authorId: r.user.id, title: 'Jalan rusak di Batu Merah' });
    const body = 'Bagaimana tindak lanjut masukan saya ini?';
    const q1 = valueOf(await submitQuestion(db(), fctx(r, now), f.id, { body, unit_id: String(dinkes), feedback_id: String(pending) }));
    const q2 = valueOf(await submitQuestion(db(), fctx(r, now), f.id, { body, unit_id: String(dinkes), feedback_id: String(published) }));
    const forum = await forumRow(db(), f.id);

    const staffView = await questionsFor(db(), asnDinkes.user, forum);
    const one = staffView.find((x) => x.id === q1.id)!;
    expect(one.feedback_title).toBeNull();
    expect(one.feedback_id).toBeNull();
    expect(staffView.find((x) => x.id === q2.id)!.feedback_title).toBe('Jalan rusak di Batu Merah');
    // Moderators and the author still see what was cited.
    expect((await questionsFor(db(), mod.user, forum)).find((x) => x.id === q1.id)!.feedback_title).toMatch(/Ibu Rahma/);
    expect((await questionsFor(db(), r.user, forum)).find((x) => x.id === q1.id)!.feedback_id).toBe(pending);
  });

  it('reordering the agenda and sending the survey are written to the audit log', async () => {
    const f = await makeForum(db(), mod, { unitIds: [dinkes], starts: wit('2031-03-10T10:00') });
    const a = valueOf(await addAgendaItem(db(), fctx(mod), f.id, { title: 'Pembukaan' }));
    valueOf(await addAgendaItem(db(), fctx(mod), f.id, { title: 'Tanya jawab' }));
    valueOf(await moveAgendaItem(db(), fctx(mod), f.id, a.id, 'down'));
    expect((await auditOfForum(db(), f.id, 'forum.agenda_move')).length).toBe(1);

    await sendForumSurveys(db(), PUBLIC_URL, wit('2031-03-10T13:00'));
    expect((await auditOfForum(db(), f.id, 'forum.surveys')).length).toBe(1);
  });
});
