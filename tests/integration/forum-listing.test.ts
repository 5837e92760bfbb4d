import { beforeAll, expect, it } from 'vitest';
import { forumMonth, listForums } from '../../src/server/forums/service.ts';
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
});
