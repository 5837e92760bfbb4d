import { beforeAll, expect, it } from 'vitest';
import { forumIndex, forumMonth, listForums, listForumsInMonth } from '../../src/server/forums/service.ts';
import { selectForumListWithUnits } from '../../src/server/forums/queries.ts';
import { describeEachDb } from '../support/db.ts';
import { makeForum, person, unitIdOf, wit, type Person } from '../support/forum-fixtures.ts';

describeEachDb('forum listings', (get) => {
  const db = () => get().db;
  let mod: Person;
  let dinkes: number;
  let pupr: number;

  beforeAll(async () => {
    mod = await person(db(), 'moderator');
    dinkes = await unitIdOf(db(), 'Dinkes');
    pupr = await unitIdOf(db(), 'Dinas PUPR');
  });

  it('each listed forum carries the short names of its units, and the month view lists it on its day', async () => {
    const two = await makeForum(db(), mod, { starts: wit('2035-05-06T10:00'), unitIds: [dinkes, pupr] });
    const one = await makeForum(db(), mod, { starts: wit('2035-05-07T10:00'), unitIds: [pupr] });
    const { upcoming, past } = await listForums(db(), null, wit('2035-05-01T00:00'));
    const byId = new Map([...upcoming, ...past].map((f) => [f.id, f]));
    expect([...byId.get(two.id)!.units].sort()).toEqual(['Dinas PUPR', 'Dinkes']);
    expect(byId.get(one.id)!.units).toEqual(['Dinas PUPR']);
    const month = await forumMonth(db(), null, '2035-05', wit('2035-05-01T00:00'));
    expect(month.byDay.get(6)?.map((f) => f.id)).toEqual([two.id]);
  });

  it('reads the forum index in one statement with the same listings as reading each apart', async () => {
    const now = wit('2035-08-15T00:00');
    // Past and upcoming forums, two on one day (the order by start then id), one a draft.
    const past = await makeForum(db(), mod, { starts: wit('2035-08-02T10:00'), unitIds: [dinkes] });
    const a = await makeForum(db(), mod, { starts: wit('2035-08-20T10:00'), unitIds: [pupr, dinkes] });
    const b = await makeForum(db(), mod, { starts: wit('2035-08-20T10:00'), unitIds: [dinkes] });
    const draft = await makeForum(db(), mod, { starts: wit('2035-08-21T10:00'), unitIds: [pupr] }, { publish: false });
    for (const user of [null, mod.user]) {
      const statuses = user ? (['draft', 'published', 'cancelled', 'closed'] as const) : (['published', 'cancelled', 'closed'] as const);
      const index = await forumIndex(db(), user, '2035-08', now);
      expect(index.upcoming).toEqual(await selectForumListWithUnits(db(), { statuses: [...statuses], order: 'asc', limit: 24, taken: { now, is: 'ahead' } }));
      expect(index.past).toEqual(await selectForumListWithUnits(db(), { statuses: [...statuses], order: 'desc', limit: 24, taken: { now, is: 'held' } }));
      expect(index.cal).toEqual(await forumMonth(db(), user, '2035-08', now));
      expect(index.cal.byDay.get(20)).toEqual((await listForumsInMonth(db(), user, '2035-08')).filter((f) => f.id === a.id || f.id === b.id));
      expect(index.upcoming.map((f) => f.id)).toEqual(expect.arrayContaining([a.id, b.id]));
      expect(index.past.map((f) => f.id)).toContain(past.id);
      expect(index.upcoming.some((f) => f.id === draft.id)).toBe(user !== null);
    }
    // A malformed month falls back to the current month, as forumMonth does.
    expect((await forumIndex(db(), null, '2035-13', now)).cal).toEqual(await forumMonth(db(), null, '2035-13', now));
  });
});
