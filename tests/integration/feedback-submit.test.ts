import fs from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../../src/server/db/index.ts';
import { submitFeedback, type Submitted } from '../../src/server/feedback/submission.ts';
import { newSubmissionKey } from '../../src/server/feedback/tracking-code.ts';
import { describeEachDb, describePostgres } from '../support/db.ts';
import {
  areaByName,
  asFile,
  columnsContaining,
  countRows,
  errorKeys,
  errorsOf,
  formInput,
  jpegRotated,
  jpegWithExif,
  makeCtx,
  makeUser,
  NO_PHOTOS,
  pngImage,
  sha256Hex,
  startOfFreshWindow,
  submit,
  tempPhotos,
  textColumnsOf,
  TRACKING_CODE_RE,
  unitByShortName,
  valueOf,
  webpImage,
} from '../support/feedback-fixtures.ts';

/** A WIT calendar date `days` from today. */
function witDay(days: number): string {
  return new Date(Date.now() + 9 * 3600_000 + days * 86400_000).toISOString().slice(0, 10);
}

/** Every HTML start tag in `html` with its attribute names and values (escaped text is not a tag). */
function tagsOf(html: string): { tag: string; attrs: Record<string, string> }[] {
  const out: { tag: string; attrs: Record<string, string> }[] = [];
  for (const m of html.matchAll(/<([a-zA-Z][\w:-]*)([^>]*)>/g)) {
    const attrs: Record<string, string> = {};
    for (const a of (m[2] ?? '').matchAll(/([^\s=/"'>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
      attrs[a[1]!.toLowerCase()] = a[2] ?? a[3] ?? a[4] ?? '';
    }
    out.push({ tag: m[1]!.toLowerCase(), attrs });
  }
  return out;
}

describeEachDb('feedback submission', (get) => {
  const db = () => get().db;
  let disdukcapil: { id: number; sector: string };

  beforeAll(async () => {
    disdukcapil = await unitByShortName(db(), 'Disdukcapil');
  });

  it('stores a valid submission pending/received, keeps the contact apart, records the event, queues a receipt, and never stores the code', async () => {
    const benteng = await areaByName(db(), 'Benteng');
    const r = await submitFeedback(
      db(),
      makeCtx(),
      null,
      formInput({
        unit: String(disdukcapil.id),
        kecamatan: benteng.kecamatan_code,
        area: String(benteng.id),
        location: 'Kantor Disdukcapil, lantai 1',
        occurredOn: witDay(-3),
        title: 'KTP-el belum jadi setelah tiga bulan',
        body: 'Sudah tiga bulan menunggu KTP-el, setiap datang disuruh kembali minggu depan.',
        officer: 'Pak Budi di loket 2',
        contactName: 'Maria Latuconsina',
        contactEmail: 'Maria.Latuconsina@Contoh.ID',
        contactPhone: '+62 812-4700-1234',
      }),
      [],
      NO_PHOTOS,
    );
    const s = valueOf(r);
    expect(s.trackingCode).toMatch(TRACKING_CODE_RE);
    expect(s.duplicate).toBe(false);
    expect(s.receiptSent).toBe(true);

    const f = await db().selectFrom('feedback').selectAll().where('id', '=', s.feedbackId).executeTakeFirstOrThrow();
    expect(f).toMatchObject({
      moderation_state: 'pending',
      status: 'received',
      kind: 'keluhan',
      unit_id: disdukcapil.id,
      sector: 'kependudukan',
      area_id: benteng.id,
      kecamatan_code: '81.71.01',
      location_text: 'Kantor Disdukcapil, lantai 1',
      occurred_on: witDay(-3),
      anonymous: false,
      confidential: false,
      author_id: null,
      support_count: 0,
      officer_named: 'Pak Budi di loket 2',
      published_at: null,
    });
    // Only the SHA-256 of "code:<code>" is kept (recomputed here with node:crypto).
    expect(f.tracking_hash).toBe(sha256Hex(`code:${s.trackingCode}`));
    expect(f.idempotency_hash).toMatch(/^[0-9a-f]{64}$/);

    // Contact details live in feedback_contacts only (and the receipt's address in the outbox).
    expect(await db().selectFrom('feedback_contacts').selectAll().where('feedback_id', '=', s.feedbackId).executeTakeFirst()).toEqual({
      feedback_id: s.feedbackId,
      name: 'Maria Latuconsina',
      email: 'maria.latuconsina@contoh.id',
      // Stored in E.164.
      phone: '+6281247001234',
      locale: 'id',
      notify: 'email',
      // Data rights (issue 15): neither restricted nor anonymised.
      restricted_at: null,
      restricted_by: null,
      anonymised_at: null,
    });
    expect(await columnsContaining(db(), 'maria.latuconsina@contoh.id')).toEqual(['feedback_contacts.email', 'outbox.to_email']);
    expect(await columnsContaining(db(), '81247001234')).toEqual(['feedback_contacts.phone']);

    const events = await db().selectFrom('feedback_events').selectAll().where('feedback_id', '=', s.feedbackId).execute();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kind: 'submitted',
      public: true,
      to_status: 'received',
    });

    const mails = await db().selectFrom('outbox').selectAll().where('to_email', '=', 'maria.latuconsina@contoh.id').execute();
    expect(mails).toHaveLength(1);
    expect(mails[0]!.template).toBe('feedback_receipt');
    expect(mails[0]!.status).toBe('pending');
    expect(mails[0]!.text_body).toContain(s.trackingCode);
    expect(mails[0]!.text_body).toContain('http://localhost:4321/lacak');

    // The code itself is nowhere in the database but in the receipt waiting to be sent.
    expect(await textColumnsOf(db(), 'feedback')).toEqual(expect.arrayContaining(['title', 'body_md', 'body_html', 'tracking_hash', 'location_text']));
    expect(await textColumnsOf(db(), 'feedback_events')).toEqual(expect.arrayContaining(['body_md', 'body_html']));
    // Only in the body: lock screens show subjects.
    expect(await columnsContaining(db(), s.trackingCode)).toEqual(['outbox.html_body', 'outbox.text_body']);
    expect(await columnsContaining(db(), s.trackingCode, ['outbox'])).toEqual([]);
    expect(await columnsContaining(db(), s.trackingCode.replace(/-/g, ''), ['outbox'])).toEqual([]);
    expect(await columnsContaining(db(), s.trackingCode.slice(3), ['outbox'])).toEqual([]);
  });

  it('a signed-in resident gets the receipt at their account address; an anonymous one without contact email gets none', async () => {
    const { user } = await makeUser(db());
    const a = await submit(db(), { title: 'Lampu jalan padam di Jalan Sultan Hairun' }, { user });
    expect(a.receiptSent).toBe(true);
    expect(await db().selectFrom('feedback').select('author_id').where('id', '=', a.feedbackId).executeTakeFirstOrThrow()).toEqual({ author_id: user.id });
    expect(
      await countRows(db(), 'outbox', {
        column: 'to_email',
        value: user.email,
      }),
    ).toBe(1);
    expect(await db().selectFrom('feedback_contacts').select('feedback_id').where('feedback_id', '=', a.feedbackId).executeTakeFirst()).toBeUndefined();

    const before = await countRows(db(), 'outbox');
    const b = await submit(db(), { anonymous: 'on', title: 'Pungutan liar di loket parkir' }, { user });
    expect(b.receiptSent).toBe(false);
    expect(await countRows(db(), 'outbox')).toBe(before);
    expect(await db().selectFrom('feedback').select(['anonymous', 'author_id']).where('id', '=', b.feedbackId).executeTakeFirstOrThrow()).toEqual({
      anonymous: true,
      author_id: user.id,
    });
  });

  it('the same submission key twice gives the same feedback and code, marked duplicate, one row and one email', async () => {
    const key = newSubmissionKey();
    const email = 'dobel.klik@contoh.id';
    const first = await submit(db(), {
      submissionKey: key,
      contactEmail: email,
      title: 'Sampah menumpuk di pasar Mardika',
    });
    const second = await submit(db(), {
      submissionKey: key,
      contactEmail: email,
      title: 'Sampah menumpuk di pasar Mardika (kirim ulang)',
    });
    expect(second).toEqual({
      feedbackId: first.feedbackId,
      trackingCode: first.trackingCode,
      duplicate: true,
      receiptSent: false,
    });
    expect(
      await countRows(db(), 'feedback', {
        column: 'tracking_hash',
        value: sha256Hex(`code:${first.trackingCode}`),
      }),
    ).toBe(1);
    expect(await db().selectFrom('feedback').select('id').where('title', 'like', 'Sampah menumpuk di pasar Mardika%').execute()).toHaveLength(1);
    expect(await countRows(db(), 'outbox', { column: 'to_email', value: email })).toBe(1);
    expect(await db().selectFrom('feedback_events').select('id').where('feedback_id', '=', first.feedbackId).execute()).toHaveLength(1);
  });

  it('a filled honeypot is refused and nothing is stored', async () => {
    const before = await countRows(db(), 'feedback');
    const r = await submitFeedback(db(), makeCtx(), null, formInput({ website: 'http://spam.example' }), [], NO_PHOTOS);
    expect(errorKeys(errorsOf(r))).toEqual({ website: 'err.badRequest' });
    expect(await countRows(db(), 'feedback')).toBe(before);
  });

  it("accepts today's date in WIT (Ambon is 9 hours ahead of UTC) and refuses dates before 2000", async () => {
    const s = await submit(db(), { occurredOn: witDay(0) });
    expect((await db().selectFrom('feedback').select('occurred_on').where('id', '=', s.feedbackId).executeTakeFirstOrThrow()).occurred_on).toBe(witDay(0));
    const r = await submitFeedback(db(), makeCtx(), null, formInput({ occurredOn: '1999-12-31' }), [], NO_PHOTOS);
    expect(errorKeys(errorsOf(r))).toEqual({ occurredOn: 'err.dateFuture' });
  });

  it('limits submissions per client address: the 11th within the hour is refused; repeats of a stored one are not counted', async () => {
    await startOfFreshWindow(3600, 60_000);
    const ctx = makeCtx();
    const first = formInput();
    valueOf(await submitFeedback(db(), ctx, null, first, [], NO_PHOTOS));
    for (let i = 1; i < 10; i++) valueOf(await submitFeedback(db(), ctx, null, formInput(), [], NO_PHOTOS));
    expect(valueOf(await submitFeedback(db(), ctx, null, first, [], NO_PHOTOS)).duplicate).toBe(true);
    const before = await countRows(db(), 'feedback');
    const refused = errorsOf(await submitFeedback(db(), ctx, null, formInput(), [], NO_PHOTOS));
    expect(refused._form?.key).toBe('err.rateLimited');
    expect(await countRows(db(), 'feedback')).toBe(before);
    valueOf(await submitFeedback(db(), makeCtx(), null, formInput(), [], NO_PHOTOS));
  });

  describe('field errors', () => {
    const cases: {
      name: string;
      input: () => Promise<Record<string, string>>;
      expected: Record<string, string>;
    }[] = [
      {
        name: 'empty title',
        input: async () => formInput({ title: '   ' }),
        expected: { title: 'err.required' },
      },
      {
        name: 'empty body',
        input: async () => formInput({ body: '' }),
        expected: { body: 'err.required' },
      },
      {
        name: 'title too long',
        input: async () => formInput({ title: 'x'.repeat(151) }),
        expected: { title: 'err.tooLong' },
      },
      {
        name: 'invalid email',
        input: async () => formInput({ contactEmail: 'bukan-alamat@' }),
        expected: { contactEmail: 'err.email' },
      },
      {
        name: 'invalid phone',
        input: async () => formInput({ contactPhone: 'nomor saya 0812' }),
        expected: { contactPhone: 'err.phone' },
      },
      {
        name: 'unknown unit id',
        input: async () => formInput({ unit: '999999' }),
        expected: { unit: 'err.invalidChoice' },
      },
      {
        name: 'area outside the chosen kecamatan',
        input: async () => {
          const benteng = await areaByName(db(), 'Benteng'); // Nusaniwe 81.71.01
          return formInput({ kecamatan: '81.71.02', area: String(benteng.id) });
        },
        expected: { area: 'err.areaMismatch' },
      },
      {
        name: 'date in the future',
        input: async () => formInput({ occurredOn: witDay(2) }),
        expected: { occurredOn: 'err.dateFuture' },
      },
      {
        name: 'missing kind',
        input: async () => {
          const { kind: _k, ...rest } = formInput();
          return rest;
        },
        expected: { kind: 'err.kindRequired' },
      },
      {
        name: 'unknown kind',
        input: async () => formInput({ kind: 'pujian' }),
        expected: { kind: 'err.kindRequired' },
      },
      {
        name: 'unit not chosen',
        input: async () => formInput({ unit: '' }),
        expected: { unit: 'err.unitChoose' },
      },
    ];
    for (const c of cases) {
      it(`${c.name} → ${Object.values(c.expected).join(', ')}, nothing stored`, async () => {
        const before = await countRows(db(), 'feedback');
        const r = await submitFeedback(db(), makeCtx(), null, await c.input(), [], NO_PHOTOS);
        expect(errorKeys(errorsOf(r))).toEqual(c.expected);
        expect(await countRows(db(), 'feedback')).toBe(before);
      });
    }

    it('title too long names the maximum', async () => {
      const r = await submitFeedback(db(), makeCtx(), null, formInput({ title: 'x'.repeat(151) }), [], NO_PHOTOS);
      expect(errorsOf(r).title).toEqual({
        key: 'err.tooLong',
        params: { max: 150 },
      });
    });

    it('reports problems in several fields at once, photos included', async () => {
      const { kind: _k, ...rest } = formInput({
        title: '',
        body: '',
        contactEmail: 'x@',
        contactPhone: 'abc',
        unit: '',
      });
      const r = await submitFeedback(db(), makeCtx(), null, rest, [asFile('bukan gambar', 'foto.jpg', 'image/jpeg')], NO_PHOTOS);
      expect(errorKeys(errorsOf(r))).toEqual({
        kind: 'err.kindRequired',
        unit: 'err.unitChoose',
        title: 'err.required',
        body: 'err.required',
        contactEmail: 'err.email',
        contactPhone: 'err.phone',
        photos: 'err.photoType',
      });
    });
  });

  describe('photos', () => {
    let photos: Awaited<ReturnType<typeof tempPhotos>>;
    beforeAll(async () => {
      photos = await tempPhotos();
    });
    afterAll(async () => {
      await photos.cleanup();
    });

    async function storedPhotos(feedbackId: number) {
      return db().selectFrom('feedback_photos').selectAll().where('feedback_id', '=', feedbackId).orderBy('id').execute();
    }

    it('a JPEG with EXIF and GPS is stored re-encoded without any metadata, at its size', async () => {
      const original = await jpegWithExif(64, 48);
      expect((await sharp(original).metadata()).exif).toBeDefined(); // the test image does carry EXIF
      expect(original.toString('latin1')).toContain('Secret Person');
      const s = await submit(
        db(),
        {},
        {
          files: [asFile(original, 'IMG_0001.jpg', 'image/jpeg')],
          photos: photos.store,
        },
      );
      const rows = await storedPhotos(s.feedbackId);
      expect(rows).toHaveLength(1);
      const row = rows[0]!;
      expect(row).toMatchObject({
        mime: 'image/jpeg',
        width: 64,
        height: 48,
        hidden: false,
      });
      expect(row.file_name).toMatch(/^[a-f0-9]{32}\.jpg$/);
      const stored = await fs.readFile(path.join(photos.dir, 'uploads', row.file_name));
      expect(row.bytes).toBe(stored.length);
      const meta = await sharp(stored).metadata();
      expect(meta.format).toBe('jpeg');
      expect([meta.width, meta.height]).toEqual([64, 48]);
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(meta.icc).toBeUndefined();
      expect(stored.toString('latin1')).not.toContain('Secret Person');
    });

    it('a JPEG is turned upright by its orientation and large images are scaled to 2048 px', async () => {
      const s = await submit(
        db(),
        {},
        {
          files: [asFile(await jpegRotated(), 'miring.jpg', 'image/jpeg'), asFile(await jpegWithExif(3000, 1000), 'lebar.jpg', 'image/jpeg')],
          photos: photos.store,
        },
      );
      const [rotated, wide] = await storedPhotos(s.feedbackId);
      expect([rotated!.width, rotated!.height]).toEqual([48, 64]);
      const meta = await sharp(await fs.readFile(path.join(photos.dir, 'uploads', rotated!.file_name))).metadata();
      expect([meta.width, meta.height, meta.orientation]).toEqual([48, 64, undefined]);
      expect(wide!.width).toBe(2048);
      expect(wide!.height).toBeGreaterThanOrEqual(682);
      expect(wide!.height).toBeLessThanOrEqual(683);
    });

    it('PNG and WebP are accepted, by content whatever the name', async () => {
      const s = await submit(
        db(),
        {},
        {
          files: [asFile(await pngImage(40, 30), 'a.png', 'image/png'), asFile(await webpImage(50, 20), 'b.jpg', 'image/jpeg')],
          photos: photos.store,
        },
      );
      const rows = await storedPhotos(s.feedbackId);
      expect(rows.map((r) => [r.mime, r.width, r.height, r.file_name.split('.')[1]])).toEqual([
        ['image/png', 40, 30, 'png'],
        ['image/webp', 50, 20, 'webp'],
      ]);
      for (const r of rows)
        expect((await sharp(await fs.readFile(path.join(photos.dir, 'uploads', r.file_name))).metadata()).format).toBe(r.mime.split('/')[1]);
    });

    it('refuses a text file named .jpg, a 6 MB file and four photos, storing nothing', async () => {
      const filesBefore = await photos.files();
      const before = await countRows(db(), 'feedback');
      const fake = asFile('GIF89a? bukan, ini teks biasa', 'foto.jpg', 'image/jpeg');
      const r1 = await submitFeedback(db(), makeCtx(), null, formInput(), [fake], photos.store);
      expect(errorsOf(r1).photos).toMatchObject({
        key: 'err.photoType',
        params: { name: 'foto.jpg' },
      });

      const big = asFile(Buffer.alloc(6 * 1024 * 1024, 0xff), 'besar.jpg', 'image/jpeg');
      const r2 = await submitFeedback(db(), makeCtx(), null, formInput(), [big], photos.store);
      expect(errorKeys(errorsOf(r2))).toEqual({ photos: 'err.photoTooLarge' });

      const jpg = await jpegWithExif();
      const four = [1, 2, 3, 4].map((i) => asFile(jpg, `f${i}.jpg`, 'image/jpeg'));
      const r3 = await submitFeedback(db(), makeCtx(), null, formInput(), four, photos.store);
      expect(errorsOf(r3).photos).toEqual({
        key: 'err.photoCount',
        params: { max: 3 },
      });

      expect(await countRows(db(), 'feedback')).toBe(before);
      expect(await photos.files()).toEqual(filesBefore);
    });

    it('refuses SVG, GIF and a truncated JPEG as photos', async () => {
      const filesBefore = await photos.files();
      const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script><rect width="10" height="10"/></svg>';
      const gif = await sharp({
        create: { width: 8, height: 8, channels: 3, background: '#0c0' },
      })
        .gif()
        .toBuffer();
      const jpg = await jpegWithExif(200, 200);
      const truncated = jpg.subarray(0, Math.floor(jpg.length / 2));
      for (const f of [
        asFile(svg, 'gambar.svg', 'image/svg+xml'),
        asFile(svg, 'gambar.jpg', 'image/jpeg'),
        asFile(gif, 'anim.gif', 'image/gif'),
        asFile(truncated, 'rusak.jpg', 'image/jpeg'),
      ]) {
        const r = await submitFeedback(db(), makeCtx(), null, formInput(), [f], photos.store);
        expect(errorKeys(errorsOf(r)), f.name).toEqual({
          photos: 'err.photoType',
        });
      }
      expect(await photos.files()).toEqual(filesBefore);
    });

    it('an empty file input (no file chosen) is not a photo', async () => {
      const s = await submit(
        db(),
        {},
        {
          files: [new File([], '', { type: 'application/octet-stream' })],
          photos: photos.store,
        },
      );
      expect(await storedPhotos(s.feedbackId)).toEqual([]);
    });

    it('when the database refuses the feedback (account deleted meanwhile), the saved photo files are removed', async () => {
      const gone = await makeUser(db());
      await db().deleteFrom('users').where('id', '=', gone.user.id).execute();
      const filesBefore = await photos.files();
      const title = 'Jalan berlubang di depan sekolah (akun terhapus)';
      await expect(
        submitFeedback(db(), makeCtx(), gone.user, formInput({ title }), [asFile(await jpegWithExif(), 'a.jpg', 'image/jpeg')], photos.store),
      ).rejects.toThrow();
      expect(await photos.files()).toEqual(filesBefore);
      expect(await db().selectFrom('feedback').select('id').where('title', '=', title).execute()).toEqual([]);
    });

    it('when storing a photo row fails, the transaction rolls back and every saved file is removed', async () => {
      await sql`create function bd_test_refuse_photo() returns trigger language plpgsql as $$ begin raise exception 'photo row refused by test'; end $$`.execute(
        db(),
      );
      await sql`create trigger bd_test_refuse_photo before insert on feedback_photos for each row execute function bd_test_refuse_photo()`.execute(db());
      try {
        const filesBefore = await photos.files();
        const title = 'Foto gagal disimpan di basis data';
        const jpg = await jpegWithExif();
        await expect(
          submitFeedback(
            db(),
            makeCtx(),
            null,
            formInput({ title, contactEmail: 'foto.gagal@contoh.id' }),
            [asFile(jpg, 'a.jpg', 'image/jpeg'), asFile(await pngImage(), 'b.png', 'image/png')],
            photos.store,
          ),
        ).rejects.toThrow(/photo row refused by test/);
        expect(await photos.files()).toEqual(filesBefore);
        expect(await db().selectFrom('feedback').select('id').where('title', '=', title).execute()).toEqual([]);
        expect(
          await countRows(db(), 'outbox', {
            column: 'to_email',
            value: 'foto.gagal@contoh.id',
          }),
        ).toBe(0);
      } finally {
        await sql`drop trigger bd_test_refuse_photo on feedback_photos`.execute(db());
        await sql`drop function bd_test_refuse_photo()`.execute(db());
      }
    });
  });

  it('Markdown in the body is sanitized when stored: no script, no event or hx-* attributes, links marked nofollow ugc', async () => {
    const body = [
      'Petugas bilang **tunggu saja**.',
      '<script>alert(1)</script>',
      '<img src=x onerror="alert(2)">',
      '<div hx-get="/admin/pengguna" hx-trigger="load" data-x="1">isi</div>',
      'Info di [situs resmi](https://ambon.go.id/info) dan [jahat](javascript:alert(3)), juga <a href="https://evil.example" onclick="steal()">klik</a>.',
      '![pelacak](https://evil.example/pixel.gif)',
      '[a](JaVaScRiPt:alert(1)) [b](data:text/html;base64,PHNjcmlwdD4=) [c](//evil.example/x) [surat](mailto:dinas@ambon.go.id)',
    ].join('\n\n');
    const s = await submit(db(), { body });
    const f = await db().selectFrom('feedback').select(['body_md', 'body_html']).where('id', '=', s.feedbackId).executeTakeFirstOrThrow();
    expect(f.body_md).toBe(body);
    const html = f.body_html;
    expect(html).toContain('<strong>tunggu saja</strong>');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<div/i);
    expect(html.toLowerCase()).not.toContain('javascript:');
    expect(html).not.toContain('data:text/html');
    expect(html).not.toContain('//evil.example/x');
    const tags = tagsOf(html);
    expect(tags.length).toBeGreaterThan(0);
    for (const t of tags) {
      expect(['p', 'br', 'strong', 'em', 'a', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li']).toContain(t.tag);
      for (const name of Object.keys(t.attrs)) {
        expect(name).not.toMatch(/^(on|hx-|data-|style$)/);
      }
    }
    const links = tags.filter((t) => t.tag === 'a');
    expect(links.map((l) => l.attrs.href).filter(Boolean)).toEqual(['https://ambon.go.id/info', 'mailto:dinas@ambon.go.id']);
    for (const l of links) {
      // An unsafe link keeps its text but loses its href.
      if (l.attrs.href !== undefined) expect(l.attrs.href).toMatch(/^(https:\/\/|mailto:)/);
      expect((l.attrs.rel ?? '').split(/\s+/)).toEqual(expect.arrayContaining(['nofollow', 'ugc']));
    }
  });
});

describePostgres('feedback submission under concurrency', (get) => {
  let a: DbHandle;
  let b: DbHandle;
  let photos: Awaited<ReturnType<typeof tempPhotos>>;
  beforeAll(async () => {
    // Two pools: two app processes behind a load balancer, sharing one PostgreSQL and DATA_DIR.
    a = await openDb({ databaseUrl: get().url!, dataDir: null, poolSize: 4 });
    b = await openDb({ databaseUrl: get().url!, dataDir: null, poolSize: 4 });
    photos = await tempPhotos();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await photos?.cleanup();
  });

  async function racedSubmissions(copies: number, email: string) {
    const input = formInput({
      contactEmail: email,
      title: `Balapan kirim ganda ${email}`,
    });
    const jpg = await jpegWithExif();
    const results = await Promise.all(
      Array.from({ length: copies }, (_, i) =>
        submitFeedback(i % 2 ? b.db : a.db, makeCtx(), null, { ...input }, [asFile(jpg, 'a.jpg', 'image/jpeg')], photos.store).then(valueOf),
      ),
    );
    return results;
  }

  function expectOneFeedback(results: Submitted[]) {
    const first = results[0]!;
    for (const r of results) {
      expect(r.feedbackId).toBe(first.feedbackId);
      expect(r.trackingCode).toBe(first.trackingCode);
    }
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(results.filter((r) => r.receiptSent)).toHaveLength(1);
  }

  it('two copies of one submission at the same moment store one feedback, one receipt and one photo file', async () => {
    const results = await racedSubmissions(2, 'balapan.dua@contoh.id');
    expectOneFeedback(results);
    const db = get().db;
    expect(
      await countRows(db, 'feedback', {
        column: 'tracking_hash',
        value: sha256Hex(`code:${results[0]!.trackingCode}`),
      }),
    ).toBe(1);
    expect(
      await countRows(db, 'outbox', {
        column: 'to_email',
        value: 'balapan.dua@contoh.id',
      }),
    ).toBe(1);
    const rows = await db.selectFrom('feedback_photos').select('file_name').where('feedback_id', '=', results[0]!.feedbackId).execute();
    expect(rows).toHaveLength(1);
    // The loser's saved file was removed: only the winner's remains on disk.
    expect(await photos.files()).toEqual([rows[0]!.file_name]);
  });

  it('six copies racing over two pools still store exactly one feedback', async () => {
    const results = await racedSubmissions(6, 'balapan.enam@contoh.id');
    expectOneFeedback(results);
    const db = get().db;
    expect(
      await countRows(db, 'feedback', {
        column: 'tracking_hash',
        value: sha256Hex(`code:${results[0]!.trackingCode}`),
      }),
    ).toBe(1);
    expect(
      await countRows(db, 'outbox', {
        column: 'to_email',
        value: 'balapan.enam@contoh.id',
      }),
    ).toBe(1);
    const all = await db.selectFrom('feedback_photos').select('file_name').orderBy('file_name').execute();
    expect(await photos.files()).toEqual(all.map((r) => r.file_name).sort());
  });
});
