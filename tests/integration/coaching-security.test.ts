import { beforeAll, expect, it } from 'vitest';
import { createCoachingAction } from '../../src/server/coaching/editing.ts';
import { getCoachingAction } from '../../src/server/coaching/service.ts';
import { describeEachDb } from '../support/db.ts';
import { actionForm, coachCtx, insertFinding } from '../support/coaching-fixtures.ts';
import { person, unitIdOf, valueOf, type Person } from '../support/handling-fixtures.ts';

/** What a participant of a coaching action learns about its origin. */
describeEachDb('coaching: security of an action’s origin', (get) => {
  const db = () => get().db;
  let mod: Person;
  let ownUnit: Person;
  let otherUnit: Person;
  let unitA: number;
  let unitB: number;

  beforeAll(async () => {
    unitA = await unitIdOf(db(), 'Dinkes');
    unitB = await unitIdOf(db(), 'Dishub');
    mod = await person(db(), 'moderator');
    ownUnit = await person(db(), 'asn', { unitId: unitA });
    otherUnit = await person(db(), 'asn', { unitId: unitB });
  });

  it('a finding about one unit is named only to participants who may read it (its unit’s staff)', async () => {
    const finding = await insertFinding(db(), unitA, 'Petugas loket 2 Dinkes sering membentak warga', 'Banyak keluhan sikap.');
    const id = valueOf(await createCoachingAction(db(), coachCtx(mod), actionForm([unitA, unitB], { dari_temuan: String(finding), participants: [ownUnit.user.id, otherUnit.user.id] })));
    expect((await getCoachingAction(db(), mod.user, id))!.finding?.id).toBe(finding);
    expect((await getCoachingAction(db(), ownUnit.user, id))!.finding?.id).toBe(finding);
    const other = (await getCoachingAction(db(), otherUnit.user, id))!;
    expect(other).not.toBeNull();
    expect(other.finding).toBeNull();
  });
});
