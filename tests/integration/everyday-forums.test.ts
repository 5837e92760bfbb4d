import { beforeAll, expect, it } from 'vitest';
import { listForums } from '../../src/server/forums/service.ts';
import { questionsFor, submitQuestion } from '../../src/server/forums/questions.ts';
import { suggestAgenda } from '../../src/server/forums/agenda.ts';
import { registerForForum } from '../../src/server/forums/registration.ts';
import { describeEachDb } from '../support/db.ts';
import { fctx, forumRow, makeForum, outboxTo, person, regOpen, unitIdOf, valueOf, wit, type Person } from '../support/forum-fixtures.ts';

/** Forum defects found in everyday use (issue 11: 1, 6, 12, 15). */
describeEachDb('everyday: forums', (get) => {
  const db = () => get().db;
  let mod: Person;
  let dinkes: number;
  let pupr: number;

  beforeAll(async () => {
    mod = await person(db(), 'moderator');
    dinkes = await unitIdOf(db(), 'Dinkes');
    pupr = await unitIdOf(db(), 'Dinas PUPR');
  });

  it('a question to "all participating units" (no unit chosen) reaches the staff of every participating unit, and no other', async () => {
    const f = await makeForum(db(), mod, { starts: wit('2032-02-10T10:00'), unitIds: [dinkes, pupr] });
    const r = await person(db(), 'resident');
    valueOf(await registerForForum(db(), fctx(r, regOpen(f)), f.id));
    const q = valueOf(await submitQuestion(db(), fctx(r, regOpen(f)), f.id, { body: 'Bagaimana unit-unit bekerja sama soal banjir?' }));
    const forum = await forumRow(db(), f.id);
    for (const unitId of [dinkes, pupr]) {
      const asn = await person(db(), 'asn', { unitId });
      expect((await questionsFor(db(), asn.user, forum)).map((x) => x.id)).toEqual([q!.id]);
    }
    const outsider = await person(db(), 'asn', { unitId: await unitIdOf(db(), 'Dishub') });
    expect(await questionsFor(db(), outsider.user, forum)).toEqual([]);
  });

  it('the suggested agenda runs since the last forum that took place, and names it; a forum still ahead is not "the previous forum"', async () => {
    const held = await makeForum(db(), mod, { title: 'Forum Januari yang sudah berlangsung', starts: wit('2033-01-10T10:00'), unitIds: [dinkes] });
    await makeForum(db(), mod, { title: 'Forum Februari yang belum berlangsung', starts: wit('2033-02-10T10:00'), unitIds: [dinkes] });
    const next = await makeForum(db(), mod, { starts: wit('2033-03-10T10:00'), unitIds: [dinkes] });
    // Planned on 1 February: January took place, February has not.
    const s = await suggestAgenda(db(), next, wit('2033-02-01T09:00'));
    expect(s.since).toEqual(held.starts_at);
    expect(s.sinceForum).toEqual({ title: 'Forum Januari yang sudah berlangsung', slug: held.slug });
  });

  it('the confirmation email of a hybrid or online forum carries the online link; an in-person one does not', async () => {
    for (const mode of ['hybrid', 'online', 'in_person'] as const) {
      const f = await makeForum(db(), mod, { starts: wit('2032-04-10T10:00'), mode, onlineUrl: mode === 'in_person' ? '' : `https://meet.ambon.go.id/forum-${mode}`, unitIds: [dinkes] });
      const r = await person(db(), 'resident');
      valueOf(await registerForForum(db(), fctx(r, regOpen(f)), f.id));
      const [mail] = await outboxTo(db(), r.user.email, 'forum_registered');
      if (mode === 'in_person') expect(mail!.text_body).not.toContain('meet.ambon.go.id');
      else {
        expect(mail!.text_body).toContain(`https://meet.ambon.go.id/forum-${mode}`);
        expect(mail!.html_body).toContain(`https://meet.ambon.go.id/forum-${mode}`);
      }
    }
  });

  it('a forum that took place (ended, or its minutes published) is under "past", not "upcoming"; one under way is upcoming', async () => {
    const ended = await makeForum(db(), mod, { starts: wit('2034-03-10T10:00'), hours: 2, unitIds: [dinkes] });
    const minuted = await makeForum(db(), mod, { starts: wit('2034-03-10T11:00'), hours: 6, unitIds: [dinkes] });
    const underWay = await makeForum(db(), mod, { starts: wit('2034-03-10T12:00'), hours: 3, unitIds: [dinkes] });
    await db().updateTable('forums').set({ minutes_md: 'Notula', minutes_html: '<p>Notula</p>', minutes_published_at: wit('2034-03-10T12:30') }).where('id', '=', minuted.id).execute();
    const now = wit('2034-03-10T13:00');
    const l = await listForums(db(), null, now);
    const up = l.upcoming.map((f) => f.id);
    const past = l.past.map((f) => f.id);
    expect(up).toContain(underWay.id);
    expect(up).not.toContain(ended.id);
    expect(up).not.toContain(minuted.id);
    expect(past).toEqual(expect.arrayContaining([ended.id, minuted.id]));
    expect(past).not.toContain(underWay.id);
  });
});
