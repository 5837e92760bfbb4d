import { beforeAll, expect, it } from 'vitest';
import type { Db } from '../../src/server/db/index.ts';
import { getFinding, recordFinding } from '../../src/server/evaluation/findings.ts';
import { describeEachDb } from '../support/db.ts';
import { insertItem, unitIdOf, wit } from '../support/evaluation-fixtures.ts';
import { makeUser, valueOf, type TestUser } from '../support/feedback-fixtures.ts';

/** What the ASN staff of a unit read in a finding about their unit. */
describeEachDb('evaluation: security of findings', (get) => {
  const db = (): Db => get().db;
  let unit: number, other: number;
  let coordinator: TestUser, asnOwn: TestUser;

  beforeAll(async () => {
    unit = await unitIdOf(db(), 'Puskesmas Rijali');
    other = await unitIdOf(db(), 'Dishub');
    coordinator = await makeUser(db(), { role: 'moderator' });
    asnOwn = await makeUser(db(), { role: 'asn', unitId: unit });
  });

  it('cited feedback is named to the unit’s staff only while they may open it (not once moved to another unit)', async () => {
    const stays = await insertItem(db(), { unitId: unit, created: wit('2026-10-05T09:00'), title: 'Antrean obat terlalu lama' });
    const moved = await insertItem(db(), { unitId: unit, created: wit('2026-10-06T09:00'), title: 'Pak Yos, sopir angkot trayek Passo, ugal-ugalan' });
    const id = valueOf(await recordFinding(db(), coordinator.user, coordinator.actor, {
      unit: String(unit), periodKind: 'month', period: '2026-10', title: 'Waktu tunggu', body: 'Antrean panjang.', feedback: `${stays}, ${moved}`,
    }));
    // Moderators find that the second item belongs to the transport agency.
    await db().updateTable('feedback').set({ unit_id: other }).where('id', '=', moved).execute();

    expect((await getFinding(db(), coordinator.user, id))!.feedback.map((f) => f.id)).toEqual([stays, moved]);
    const staff = (await getFinding(db(), asnOwn.user, id))!;
    expect(staff.feedback.map((f) => f.id)).toEqual([stays]);
    expect(JSON.stringify(staff.feedback)).not.toContain('Pak Yos');
  });
});
