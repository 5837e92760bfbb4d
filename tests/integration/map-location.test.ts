import { beforeAll, expect, it } from 'vitest';
import { getPublicFeedback } from '../../src/server/feedback/service.ts';
import { submitFeedback } from '../../src/server/feedback/submission.ts';
import { boardMap } from '../../src/server/board-map/service.ts';
import { sql } from 'kysely';
import { mapPointsQuery } from '../../src/server/board-map/queries.ts';
import { describeEachDb, describePostgres } from '../support/db.ts';
import { errorKeys, errorsOf, formInput, makeCtx, makeUser, NO_PHOTOS, publish, submit, unitByShortName, type TestUser } from '../support/feedback-fixtures.ts';

/** Places used below: inside the city (Sirimau, the airport at Laha) and outside it. */
const SIRIMAU = { latitude: '-3.695512', longitude: '128.181437' };
const LAHA = { latitude: '-3.7103', longitude: '128.0891' };
const OUTSIDE = {
  /** Tulehu, Kabupaten Maluku Tengah, on the same island. */
  tulehu: { latitude: '-3.588', longitude: '128.33' },
  /** Jakarta. */
  jakarta: { latitude: '-6.2', longitude: '106.816' },
  /** Masohi, on Seram. */
  masohi: { latitude: '-3.30', longitude: '128.96' },
};

describeEachDb('map pins on feedback', (get) => {
  const db = () => get().db;
  let mod: TestUser;
  let dinkes: { id: number };

  beforeAll(async () => {
    mod = await makeUser(db(), { role: 'moderator' });
    dinkes = await unitByShortName(db(), 'Dinkes');
  });

  it('stores a pin inside Kota Ambon exactly as chosen', async () => {
    const s = await submit(db(), SIRIMAU);
    const row = await db().selectFrom('feedback').select(['latitude', 'longitude']).where('id', '=', s.feedbackId).executeTakeFirstOrThrow();
    expect(row).toEqual({ latitude: -3.695512, longitude: 128.181437 });
  });

  it('stores no pin when none was chosen', async () => {
    const s = await submit(db(), { latitude: '', longitude: '' });
    const row = await db().selectFrom('feedback').select(['latitude', 'longitude']).where('id', '=', s.feedbackId).executeTakeFirstOrThrow();
    expect(row).toEqual({ latitude: null, longitude: null });
  });

  it('refuses a point outside the city with a message on the pin field, keeping nothing', async () => {
    for (const p of Object.values(OUTSIDE)) {
      const before = await db().selectFrom('feedback').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const r = await submitFeedback(db(), makeCtx(), null, formInput(p), [], NO_PHOTOS);
      expect(errorKeys(errorsOf(r))).toEqual({ pin: 'map.err.pinOutside' });
      const after = await db().selectFrom('feedback').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(after.n)).toBe(Number(before.n));
    }
  });

  it('refuses a malformed or half pin, and reports it with the other field errors', async () => {
    for (const p of [{ latitude: '-3.69', longitude: '' }, { latitude: 'abc', longitude: '128.1' }, { latitude: '-91', longitude: '128' }, { latitude: '-3.6e1', longitude: '128' }]) {
      const r = await submitFeedback(db(), makeCtx(), null, formInput(p), [], NO_PHOTOS);
      expect(errorKeys(errorsOf(r))).toEqual({ pin: 'map.err.pinInvalid' });
    }
    const r = await submitFeedback(db(), makeCtx(), null, formInput({ ...OUTSIDE.jakarta, title: '' }), [], NO_PHOTOS);
    expect(errorKeys(errorsOf(r))).toMatchObject({ pin: 'map.err.pinOutside', title: expect.any(String) });
  });

  it('shows the public a published item rounded to 3 decimals, and never a confidential one', async () => {
    const open = await submit(db(), SIRIMAU);
    await publish(db(), mod.actor, open.feedbackId);
    const view = await getPublicFeedback(db(), open.feedbackId, null);
    expect(view?.feedback.pin).toEqual({ latitude: -3.696, longitude: 128.181 });
    expect(JSON.stringify(view)).not.toContain('695512');
    expect(JSON.stringify(view)).not.toContain('181437');

    const secret = await submit(db(), { ...SIRIMAU, confidential: 'on' });
    await publish(db(), mod.actor, secret.feedbackId);
    expect(await getPublicFeedback(db(), secret.feedbackId, null)).toBeNull();
    const map = await boardMap(db(), {});
    expect(map.points.map((p) => p.id)).toContain(open.feedbackId);
    expect(map.points.map((p) => p.id)).not.toContain(secret.feedbackId);

    const pending = await submit(db(), SIRIMAU);
    expect((await boardMap(db(), {})).points.map((p) => p.id)).not.toContain(pending.feedbackId);
  });

  it("the board map follows the board's filter, rounds every point, and is bounded", async () => {
    const a = await submit(db(), { ...LAHA, unit: String(dinkes.id) });
    const b = await submit(db(), { ...SIRIMAU, unit: String(dinkes.id), kind: 'saran' });
    const c = await submit(db(), { unit: String(dinkes.id) });
    for (const s of [a, b, c]) await publish(db(), mod.actor, s.feedbackId);
    const map = await boardMap(db(), { unitId: dinkes.id });
    expect(map.points.map((p) => p.id)).toEqual([b.feedbackId, a.feedbackId]);
    expect(map.points[1]!.at).toEqual({ latitude: -3.71, longitude: 128.089 });
    for (const p of map.points) {
      expect(Math.round(p.at.latitude * 1000) / 1000).toBe(p.at.latitude);
      expect(Math.round(p.at.longitude * 1000) / 1000).toBe(p.at.longitude);
    }
    expect(map.limited).toBe(false);
    expect((await boardMap(db(), { unitId: dinkes.id, kind: 'saran' })).points.map((p) => p.id)).toEqual([b.feedbackId]);
    const word = 'petaqzxwvy';
    const d = await submit(db(), { ...LAHA, title: `Jalan ${word} berlubang dalam` });
    await publish(db(), mod.actor, d.feedbackId);
    expect((await boardMap(db(), { q: word })).points.map((p) => p.id)).toEqual([d.feedbackId]);
    const small = await boardMap(db(), { unitId: dinkes.id }, 1);
    expect(small).toMatchObject({ limited: true, points: [{ id: b.feedbackId }] });
  });
});

describePostgres('the board map reads its index', (get) => {
  it('the map query is answered from feedback_map_idx, in order, without sorting or scanning the table', async () => {
    const { db } = get();
    const plan = await db.transaction().execute(async (trx) => {
      await sql`set local enable_seqscan = off`.execute(trx);
      const rows = await mapPointsQuery(trx, { kind: 'keluhan' }, 501).explain('json');
      return JSON.stringify(rows);
    });
    expect(plan).toContain('feedback_map_idx');
    expect(plan).not.toContain('"Sort"');
  });
});
