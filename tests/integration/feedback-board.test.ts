import { beforeAll, describe, expect, it } from 'vitest';
import { listBoard, parseBoardQuery, similarFeedback } from '../../src/server/feedback/board.ts';
import { supportFeedback } from '../../src/server/feedback/tracking.ts';
import { type Submitted } from '../../src/server/feedback/submission.ts';
import { decideFeedback } from '../../src/server/moderation/service.ts';
import type { Db } from '../../src/server/db/index.ts';
import { describeEachDb } from '../support/db.ts';
import {
  areaByName,
  boardIds,
  makeUser,
  setCreatedAt,
  submit,
  submitPublished,
  type TestUser,
  unitByShortName,
  valueOf,
  walkBoard,
} from '../support/feedback-fixtures.ts';

/** The ids of `all` that appear in `ids`, in the order of `ids`. */
function only(ids: number[], all: number[]): number[] {
  return ids.filter((id) => all.includes(id));
}

/** The board order computed independently, straight from the table. */
async function expectedOrder(db: Db, sort: 'new' | 'waiting' | 'support', unitId: number): Promise<number[]> {
  let q = db.selectFrom('feedback').select('id').where('moderation_state', '=', 'published').where('confidential', '=', false).where('unit_id', '=', unitId);
  if (sort === 'waiting') q = q.where('status', 'not in', ['resolved', 'closed']);
  q =
    sort === 'new'
      ? q.orderBy('created_at', 'desc').orderBy('id', 'desc')
      : sort === 'waiting'
        ? q.orderBy('created_at', 'asc').orderBy('id', 'asc')
        : q.orderBy('support_count', 'desc').orderBy('id', 'desc');
  return (await q.execute()).map((r) => r.id);
}

describeEachDb('public board', (get) => {
  const db = () => get().db;
  let mod: TestUser;

  beforeAll(async () => {
    mod = await makeUser(db(), { role: 'moderator' });
  });

  it('shows only published, non-confidential feedback', async () => {
    const damkar = String((await unitByShortName(db(), 'Damkar')).id);
    const mk = (title: string, extra: Record<string, string> = {}) => submit(db(), { unit: damkar, title, ...extra });
    const pending = await mk('Hidran rusak di Batu Merah (menunggu)');
    const rejected = await mk('Hidran rusak di Batu Merah (ditolak)');
    valueOf(await decideFeedback(db(), mod.actor, rejected.feedbackId, 'reject', null));
    const hidden = await mk('Hidran rusak di Batu Merah (disembunyikan)');
    valueOf(await decideFeedback(db(), mod.actor, hidden.feedbackId, 'publish', null));
    await db().updateTable('feedback').set({ moderation_state: 'hidden' }).where('id', '=', hidden.feedbackId).execute();
    const confidential = await mk('Hidran rusak di Batu Merah (rahasia)', {
      confidential: 'on',
    });
    valueOf(await decideFeedback(db(), mod.actor, confidential.feedbackId, 'publish', null));
    const normal = await mk('Hidran rusak di Batu Merah (terbit)');
    valueOf(await decideFeedback(db(), mod.actor, normal.feedbackId, 'publish', null));

    const states = await db()
      .selectFrom('feedback')
      .select(['id', 'moderation_state', 'confidential'])
      .where('unit_id', '=', Number(damkar))
      .orderBy('id')
      .execute();
    expect(states.map((s) => [s.moderation_state, s.confidential])).toEqual([
      ['pending', false],
      ['rejected', false],
      ['hidden', false],
      ['published', true],
      ['published', false],
    ]);
    expect(await boardIds(db(), { unit: damkar })).toEqual([normal.feedbackId]);
    const everything = await boardIds(db());
    expect(everything).toContain(normal.feedbackId);
    for (const s of [pending, rejected, hidden, confidential]) expect(everything).not.toContain(s.feedbackId);
    expect(await boardIds(db(), { q: 'hidran Batu Merah' })).toEqual([normal.feedbackId]);
  });

  describe('filters', () => {
    let f1: Submitted, f2: Submitted, f3: Submitted, f4: Submitted;
    let ids: number[];
    let dishub: number, dinkes: number;

    beforeAll(async () => {
      dishub = (await unitByShortName(db(), 'Dishub')).id;
      dinkes = (await unitByShortName(db(), 'Dinkes')).id;
      const benteng = await areaByName(db(), 'Benteng'); // Nusaniwe 81.71.01
      const sirimauArea = await db()
        .selectFrom('areas')
        .select(['id'])
        .where('kecamatan_code', '=', '81.71.02')
        .where('kind', '!=', 'kecamatan')
        .executeTakeFirstOrThrow();
      f1 = await submitPublished(db(), mod.actor, {
        kind: 'keluhan',
        unit: String(dishub),
        area: String(benteng.id),
        title: 'Angkot ngetem sembarangan di Benteng',
      });
      f2 = await submitPublished(db(), mod.actor, {
        kind: 'saran',
        unit: String(dinkes),
        area: String(sirimauArea.id),
        title: 'Saran jam buka puskesmas sore',
      });
      f3 = await submitPublished(db(), mod.actor, {
        kind: 'apresiasi',
        unit: String(dishub),
        kecamatan: '81.71.03',
        title: 'Terima kasih petugas terminal Passo',
      });
      f4 = await submitPublished(db(), mod.actor, {
        kind: 'pertanyaan',
        unit: 'unsure',
        title: 'Ke mana mengurus izin keramaian?',
      });
      ids = [f1, f2, f3, f4].map((s) => s.feedbackId);
      // 23:30 WIT on 31 March is still March; 00:30 WIT on 1 April is already April (both 31 March in UTC).
      await setCreatedAt(db(), f1.feedbackId, '2026-03-31T23:30:00+09:00');
      await setCreatedAt(db(), f2.feedbackId, '2026-04-01T00:30:00+09:00');
      await setCreatedAt(db(), f3.feedbackId, '2026-05-10T12:00:00+09:00');
      await setCreatedAt(db(), f4.feedbackId, '2026-02-28T01:00:00+09:00');
      await db().updateTable('feedback').set({ status: 'responded' }).where('id', '=', f2.feedbackId).execute();
      await db()
        .updateTable('feedback')
        .set({ status: 'closed', closed_at: new Date('2026-05-20T00:00:00Z') })
        .where('id', '=', f3.feedbackId)
        .execute();
    });

    async function filtered(params: Record<string, string>) {
      const items = (await walkBoard(db(), params)).flat();
      return {
        items,
        mine: only(
          items.map((i) => i.id),
          ids,
        ),
      };
    }

    it('kind', async () => {
      const r = await filtered({ jenis: 'saran' });
      expect(r.items.every((i) => i.kind === 'saran')).toBe(true);
      expect(r.mine).toEqual([f2.feedbackId]);
    });

    it('unit (newest first)', async () => {
      const r = await filtered({ unit: String(dishub) });
      expect(r.items.every((i) => i.unit_id === dishub)).toBe(true);
      expect(r.mine).toEqual([f3.feedbackId, f1.feedbackId]);
    });

    it('sector', async () => {
      expect((await filtered({ sektor: 'perhubungan' })).mine).toEqual([f3.feedbackId, f1.feedbackId]);
      expect((await filtered({ sektor: 'kesehatan' })).mine).toEqual([f2.feedbackId]);
    });

    it('kecamatan, from the chosen area or the kecamatan alone', async () => {
      const nusaniwe = await filtered({ kecamatan: '81.71.01' });
      expect(nusaniwe.items.every((i) => i.kecamatan_code === '81.71.01')).toBe(true);
      expect(nusaniwe.mine).toEqual([f1.feedbackId]);
      expect((await filtered({ kecamatan: '81.71.02' })).mine).toEqual([f2.feedbackId]);
      expect((await filtered({ kecamatan: '81.71.03' })).mine).toEqual([f3.feedbackId]);
    });

    it('status', async () => {
      const r = await filtered({ status: 'responded' });
      expect(r.items.every((i) => i.status === 'responded')).toBe(true);
      expect(r.mine).toEqual([f2.feedbackId]);
      expect((await filtered({ status: 'closed' })).mine).toEqual([f3.feedbackId]);
      // Verifying an item whose reporter named a unit forwards it there (f1, Dishub); f4 has no unit yet.
      expect((await filtered({ status: 'assigned' })).mine).toEqual([f1.feedbackId]);
      expect((await filtered({ status: 'received' })).mine).toEqual([f4.feedbackId]);
    });

    it('period in WIT months (dari/sampai)', async () => {
      const april = await filtered({ dari: '2026-04', sampai: '2026-04' });
      expect(april.mine).toEqual([f2.feedbackId]);
      for (const i of april.items) {
        expect(i.created_at.getTime()).toBeGreaterThanOrEqual(Date.parse('2026-04-01T00:00:00+09:00'));
        expect(i.created_at.getTime()).toBeLessThan(Date.parse('2026-05-01T00:00:00+09:00'));
      }
      expect((await filtered({ dari: '2026-03', sampai: '2026-03' })).mine).toEqual([f1.feedbackId]);
      expect((await filtered({ sampai: '2026-03' })).mine).toEqual([f1.feedbackId, f4.feedbackId]);
      expect((await filtered({ dari: '2026-04' })).mine).toEqual([f3.feedbackId, f2.feedbackId]);
      expect((await filtered({ dari: '2026-02', sampai: '2026-05' })).mine).toEqual([f3.feedbackId, f2.feedbackId, f1.feedbackId, f4.feedbackId]);
      // December rolls over into the next year.
      expect((await filtered({ dari: '2025-12', sampai: '2025-12' })).mine).toEqual([]);
    });

    it('filters combine, and malformed values are ignored', async () => {
      expect((await filtered({ unit: String(dishub), status: 'closed' })).mine).toEqual([f3.feedbackId]);
      expect((await filtered({ unit: String(dishub), jenis: 'saran' })).mine).toEqual([]);
      const ignored = await filtered({
        jenis: 'semua',
        status: 'x',
        sektor: 'DROP TABLE',
        unit: '1; --',
        kecamatan: '81.71',
        dari: '2026-4',
        sampai: 'kemarin',
      });
      expect(ignored.mine).toEqual([f3.feedbackId, f2.feedbackId, f1.feedbackId, f4.feedbackId]);
    });
  });

  it("sort 'dukungan' orders by number of supports, most first", async () => {
    const dinsos = String((await unitByShortName(db(), 'Dinsos')).id);
    const a = await submitPublished(db(), mod.actor, {
      unit: dinsos,
      title: 'Bansos tidak tepat sasaran di Waihaong',
    });
    const b = await submitPublished(db(), mod.actor, {
      unit: dinsos,
      title: 'Data DTKS belum diperbarui',
    });
    const c = await submitPublished(db(), mod.actor, {
      unit: dinsos,
      title: 'Panti asuhan kekurangan tenaga',
    });
    const supporters = await Promise.all([1, 2, 3].map(() => makeUser(db())));
    for (const [item, n] of [
      [a, 1],
      [b, 3],
      [c, 2],
    ] as const) {
      for (const s of supporters.slice(0, n)) valueOf(await supportFeedback(db(), s.user, item.feedbackId));
    }
    const items = (await walkBoard(db(), { unit: dinsos, urut: 'dukungan' })).flat();
    expect(items.map((i) => [i.id, i.support_count])).toEqual([
      [b.feedbackId, 3],
      [c.feedbackId, 2],
      [a.feedbackId, 1],
    ]);
  });

  it("sort 'terlama' shows the longest-waiting first and leaves out resolved and closed", async () => {
    const dlhp = String((await unitByShortName(db(), 'DLHP')).id);
    const oldest = await submitPublished(db(), mod.actor, {
      unit: dlhp,
      title: 'Sampah tidak diangkut dua minggu',
    });
    const resolved = await submitPublished(db(), mod.actor, {
      unit: dlhp,
      title: 'TPS liar di pinggir kali',
    });
    const closed = await submitPublished(db(), mod.actor, {
      unit: dlhp,
      title: 'Bau dari TPA Toisapu',
    });
    const middle = await submitPublished(db(), mod.actor, {
      unit: dlhp,
      title: 'Pohon tumbang belum dipotong',
    });
    const newest = await submitPublished(db(), mod.actor, {
      unit: dlhp,
      title: 'Got mampet di Kebun Cengkeh',
    });
    await setCreatedAt(db(), oldest.feedbackId, '2026-01-05T09:00:00+09:00');
    await setCreatedAt(db(), resolved.feedbackId, '2026-01-04T09:00:00+09:00');
    await setCreatedAt(db(), closed.feedbackId, '2026-01-03T09:00:00+09:00');
    await setCreatedAt(db(), middle.feedbackId, '2026-02-05T09:00:00+09:00');
    await setCreatedAt(db(), newest.feedbackId, '2026-03-05T09:00:00+09:00');
    await db().updateTable('feedback').set({ status: 'resolved' }).where('id', '=', resolved.feedbackId).execute();
    await db().updateTable('feedback').set({ status: 'closed', closed_at: new Date() }).where('id', '=', closed.feedbackId).execute();
    await db().updateTable('feedback').set({ status: 'in_progress' }).where('id', '=', middle.feedbackId).execute();
    expect(await boardIds(db(), { unit: dlhp, urut: 'terlama' })).toEqual([oldest.feedbackId, middle.feedbackId, newest.feedbackId]);
    expect(await boardIds(db(), { unit: dlhp })).toEqual([newest.feedbackId, middle.feedbackId, oldest.feedbackId, resolved.feedbackId, closed.feedbackId]);
  });

  describe('search', () => {
    let melayani: Submitted, pelayanan: Submitted, names: Submitted, confidential: Submitted, pending: Submitted;
    beforeAll(async () => {
      melayani = await submitPublished(db(), mod.actor, {
        title: 'Petugas kelurahan tidak melayani warga',
        body: 'Saat mengurus surat pindah, petugas sibuk dengan ponselnya dan menyuruh kami kembali besok.',
      });
      pelayanan = await submitPublished(db(), mod.actor, {
        title: 'Antrean puskesmas terlalu panjang',
        body: 'Pelayanan di loket pendaftaran dibuka terlambat setiap pagi.',
      });
      names = await submitPublished(db(), mod.actor, {
        title: 'Cetak ulang KTP-EL ditolak',
        body: 'Bapak Latuconsina di loket bilang blangko habis. Tagihan SPPT juga dikirim ke alamat lama.',
      });
      confidential = await submitPublished(db(), mod.actor, {
        confidential: 'on',
        title: 'Pelayanan buruk oleh Latuconsina',
        body: 'Petugas tidak melayani; KTP-EL dan SPPT saya ditahan.',
      });
      pending = await submit(db(), {
        title: 'Pelayanan KTP-EL oleh Latuconsina (belum diperiksa)',
        body: 'Petugas tidak melayani pengurusan SPPT.',
      });
    });

    const hidden = () => [confidential.feedbackId, pending.feedbackId];

    it('Indonesian stemming: "pelayanan" finds "melayani" and the other way round', async () => {
      for (const q of ['pelayanan', 'melayani', 'Layanan']) {
        const found = await boardIds(db(), { q });
        expect(found, q).toEqual(expect.arrayContaining([melayani.feedbackId, pelayanan.feedbackId]));
        for (const id of hidden()) expect(found, q).not.toContain(id);
      }
    });

    it('exact words: a family name and code-like tokens', async () => {
      for (const q of ['Latuconsina', 'latuconsina', 'KTP-EL', 'ktp-el', 'SPPT']) {
        const found = await boardIds(db(), { q });
        expect(found, q).toContain(names.feedbackId);
        for (const id of hidden()) expect(found, q).not.toContain(id);
      }
      expect(await boardIds(db(), { q: 'Latukonsina' })).not.toContain(names.feedbackId);
    });

    it('highlights the matching words in the title with <mark>', async () => {
      const items = (await walkBoard(db(), { q: 'pelayanan' })).flat();
      const t = items.find((i) => i.id === melayani.feedbackId)!;
      expect(t.title_highlight).toContain('<mark>melayani</mark>');
      const e = items.find((i) => i.id === pelayanan.feedbackId)!;
      expect(e.excerpt_highlight).toContain('<mark>Pelayanan</mark>');
      const n = (await walkBoard(db(), { q: 'KTP-EL' })).flat().find((i) => i.id === names.feedbackId)!;
      expect(n.title_highlight).toMatch(/<mark>/);
    });

    it('search combines with filters and tolerates stray operators', async () => {
      const dinkes = String((await unitByShortName(db(), 'Dinkes')).id);
      expect(await boardIds(db(), { q: 'pelayanan', unit: dinkes })).not.toContain(melayani.feedbackId);
      for (const q of ['"pelayanan', 'pelayanan OR', '-', '!!! & | :*', "'; drop table feedback; --"]) {
        await expect(listBoard(db(), parseBoardQuery(new URLSearchParams({ q })))).resolves.toBeDefined();
      }
      expect(await boardIds(db(), { q: '"pelayanan' })).toEqual(expect.arrayContaining([melayani.feedbackId, pelayanan.feedbackId]));
    });
  });

  describe('similarFeedback', () => {
    let pupr: number, dishub: number;
    let same: Submitted, otherUnit: Submitted, confidential: Submitted, pending: Submitted;
    beforeAll(async () => {
      pupr = (await unitByShortName(db(), 'Dinas PUPR')).id;
      dishub = (await unitByShortName(db(), 'Dishub')).id;
      same = await submitPublished(db(), mod.actor, {
        unit: String(pupr),
        title: 'Jalan rusak parah di depan SD Negeri 5 Ambon',
      });
      otherUnit = await submitPublished(db(), mod.actor, {
        unit: String(dishub),
        title: 'Jalan rusak parah di depan SD Negeri 5 Ambon',
      });
      confidential = await submitPublished(db(), mod.actor, {
        unit: String(pupr),
        confidential: 'on',
        title: 'Jalan rusak parah di depan SD Negeri 7 Ambon',
      });
      pending = await submit(db(), {
        unit: String(pupr),
        title: 'Jalan rusak parah di depan SD Negeri 9 Ambon',
      });
    });

    it('finds a published item with a similar title in the same unit, never a confidential or pending one', async () => {
      const r = await similarFeedback(db(), {
        title: 'jalan rusak depan SD Negeri 5',
        unit: String(pupr),
      });
      expect(r.map((x) => x.id)).toEqual([same.feedbackId]);
      expect(r[0]!.score).toBeGreaterThan(0.3);
      expect(r[0]).toMatchObject({
        title: 'Jalan rusak parah di depan SD Negeri 5 Ambon',
        status: 'assigned',
      });
    });

    it('without a unit it looks everywhere (still only public items); very short titles find nothing', async () => {
      const ids = (
        await similarFeedback(db(), {
          title: 'Jalan rusak parah depan SD Negeri',
        })
      ).map((x) => x.id);
      expect(ids).toEqual(expect.arrayContaining([same.feedbackId, otherUnit.feedbackId]));
      expect(ids).not.toContain(confidential.feedbackId);
      expect(ids).not.toContain(pending.feedbackId);
      expect(await similarFeedback(db(), { title: 'Jal' })).toEqual([]);
      expect(
        await similarFeedback(db(), {
          title: 'Lampu lalu lintas mati',
          unit: String(pupr),
        }),
      ).toEqual([]);
    });

    it('tolerates a misspelt word: the other words find the recent item, the trigrams rank it', async () => {
      const ids = (await similarFeedback(db(), { title: 'Jalan rusak parah di depan SD Negri 5 Ambon', unit: String(pupr) })).map((x) => x.id);
      expect(ids).toEqual([same.feedbackId]);
    });

    it('in the chosen area it also finds another unit\'s item that has every word typed; without the area, not', async () => {
      const benteng = await areaByName(db(), 'Benteng');
      const there = await submitPublished(db(), mod.actor, {
        unit: String(dishub),
        area: String(benteng.id),
        title: 'Halte angkot Benteng rusak dan atapnya bocor',
      });
      const typed = 'Atap halte angkot Benteng bocor, rusak';
      const withArea = (await similarFeedback(db(), { title: typed, unit: String(pupr), area: String(benteng.id) })).map((x) => x.id);
      expect(withArea).toEqual([there.feedbackId]);
      expect(await similarFeedback(db(), { title: typed, unit: String(pupr) })).toEqual([]);
    });
  });

  describe('paging (45 items of one unit)', () => {
    const TOTAL = 45;
    let ids: number[];
    let unit: string;

    beforeAll(async () => {
      unit = String((await unitByShortName(db(), 'Satpol PP')).id);
      ids = [];
      for (let i = 0; i < TOTAL; i++)
        ids.push(
          (
            await submitPublished(db(), mod.actor, {
              unit,
              title: `Laporan nomor ${i + 1} tentang pedagang kaki lima`,
            })
          ).feedbackId,
        );
      // Supports with many ties, so the cursor's id tie-break matters.
      for (const id of ids)
        await db()
          .updateTable('feedback')
          .set({ support_count: id % 4 })
          .where('id', '=', id)
          .execute();
    });

    async function expectCompleteWalk(params: Record<string, string>, sort: 'new' | 'waiting' | 'support') {
      const pages = await walkBoard(db(), { ...params, unit });
      const walked = pages.flat().map((i) => i.id);
      const repeated = walked.filter((id, i) => walked.indexOf(id) !== i);
      const missing = ids.filter((id) => !walked.includes(id));
      expect({ repeated, missing }).toEqual({ repeated: [], missing: [] });
      expect(pages.map((p) => p.length)).toEqual([20, 20, 5]);
      expect(walked).toEqual(await expectedOrder(db(), sort, Number(unit))); // stable, documented order
    }

    it("'terbaru' (default): 20 + 20 + 5, newest first, no duplicates or gaps", async () => {
      await expectCompleteWalk({}, 'new');
    });

    // The cursor must keep PostgreSQL's microseconds: truncated to milliseconds, the last item of
    // an ascending page would still be "after" its cursor and show again on the next page.
    it("'terlama': 20 + 20 + 5, oldest first, no duplicates or gaps", async () => {
      await expectCompleteWalk({ urut: 'terlama' }, 'waiting');
    });

    it("'dukungan' with ties: 20 + 20 + 5, no duplicates or gaps", async () => {
      await expectCompleteWalk({ urut: 'dukungan' }, 'support');
    });

    // A status within a unit has listings of its own (migration 2026-12-05T140000): 30 matches
    // make pages of 20 and 10 in each order, the same as the table gives.
    it('unit and status together: 20 + 10 in each order, the same items and order as the table gives', async () => {
      const matching = ids.filter((_, i) => i % 3 !== 0);
      const before = await db().selectFrom('feedback').select(['id', 'status']).where('id', 'in', matching).execute();
      await db().updateTable('feedback').set({ status: 'in_progress' }).where('id', 'in', matching).execute();
      try {
        for (const [urut, sort] of [[undefined, 'new'], ['terlama', 'waiting'], ['dukungan', 'support']] as const) {
          const pages = await walkBoard(db(), { unit, status: 'in_progress', ...(urut ? { urut } : {}) });
          expect(pages.map((p) => p.length), sort).toEqual([20, 10]);
          expect(pages.flat().map((i) => i.id), sort).toEqual(only(await expectedOrder(db(), sort, Number(unit)), matching));
        }
      } finally {
        for (const r of before) await db().updateTable('feedback').set({ status: r.status }).where('id', '=', r.id).execute();
      }
    });

    it('a malformed cursor is ignored (first page)', async () => {
      const first = (await listBoard(db(), parseBoardQuery(new URLSearchParams({ unit })))).items.map((i) => i.id);
      const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
      for (const setelah of [
        '!!!',
        'abc',
        b64({ v: 'bukan tanggal', id: 3 }),
        b64({ v: '2026-01-01T00:00:00Z' }),
        b64({ v: null, id: 1 }),
        b64([1, 2]),
        'x'.repeat(500),
      ]) {
        const page = await listBoard(db(), parseBoardQuery(new URLSearchParams({ unit, setelah })));
        expect(
          page.items.map((i) => i.id),
          setelah,
        ).toEqual(first);
      }
    });

    it('items created at the same instant (one transaction, whole milliseconds) are neither repeated nor skipped', async () => {
      for (const id of ids) await setCreatedAt(db(), id, '2026-06-01T10:00:00.123+09:00');
      await expectCompleteWalk({}, 'new');
      await expectCompleteWalk({ urut: 'terlama' }, 'waiting');
    });

    // Same cause: with a truncated cursor the newest-first walk would skip the rest of a shared
    // microsecond timestamp.
    it('items created at the same instant with sub-millisecond precision (as now() stores them) are neither repeated nor skipped', async () => {
      // PostgreSQL keeps microseconds; every row inserted in one transaction shares now().
      for (const id of ids) await setCreatedAt(db(), id, '2026-06-01T10:00:00.123456+09:00');
      await expectCompleteWalk({}, 'new');
      await expectCompleteWalk({ urut: 'terlama' }, 'waiting');
    });
  });
});
