import { beforeAll, describe, expect, it } from 'vitest';
import { revokeApiKey, createApiKey } from '../../src/server/open311/api-keys.ts';
import type { Format } from '../../src/server/open311/format.ts';
import { discovery, getRequest, listRequests, listServices, postRequest, resolveToken, serviceDefinition } from '../../src/server/open311/service.ts';
import { listQueue, publishFeedback } from '../../src/server/moderation/service.ts';
import { RATE_RULES } from '../../src/server/rate-limit/service.ts';
import { describeEachDb } from '../support/db.ts';
import { auditOf, modCtx, outboxTo, tempPhotoStore, valueOf } from '../support/handling-fixtures.ts';
import { bulkPublished, buildWorld, call, JURISDICTION, o311Ctx, PUBLIC_URL, SECRETS, type World } from '../support/open311-fixtures.ts';

const FORMATS: Format[] = ['json', 'xml'];
/** Every field of a request in GeoReport v2, in the spec's order. */
const REQUEST_FIELDS = [
  'service_request_id',
  'status',
  'status_notes',
  'service_name',
  'service_code',
  'description',
  'agency_responsible',
  'service_notice',
  'requested_datetime',
  'updated_datetime',
  'expected_datetime',
  'address',
  'address_id',
  'zipcode',
  'lat',
  'long',
  'media_url',
];
const W3C = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00$/;

/** The requests of an answer, whatever the format (XML values are strings; empty elements are ''). */
function requestsOf(format: Format, body: any): Record<string, unknown>[] {
  if (format === 'json') return body;
  return body.service_requests?.request ?? [];
}
const idsOf = (format: Format, body: any) => requestsOf(format, body).map((r) => String(r.service_request_id));
function errorsOf(format: Format, body: any): { code: unknown; description: string }[] {
  return format === 'json' ? body : body.errors.error;
}

describeEachDb('Open311 GeoReport v2', (get) => {
  const db = () => get().db;
  let w: World;
  let photos: Awaited<ReturnType<typeof tempPhotoStore>>;
  beforeAll(async () => {
    w = await buildWorld(db());
    photos = await tempPhotoStore();
    return () => photos.cleanup();
  });
  const ctx = () => o311Ctx(db());

  describe.each(FORMATS)('reading, %s', (format) => {
    it('discovery names the endpoint, its formats and the changeset in W3C format', async () => {
      const r = await call(format, discovery(ctx(), {}));
      expect(r.status).toBe(200);
      expect(r.type).toContain(format === 'json' ? 'application/json' : 'text/xml');
      const d = format === 'json' ? r.body : r.body.discovery;
      expect(d.changeset).toMatch(W3C);
      expect(d.contact).toBeTruthy();
      expect(d.key_service).toContain('/admin/api');
      const endpoints = format === 'json' ? d.endpoints : d.endpoints.endpoint;
      expect(endpoints).toHaveLength(1);
      expect(endpoints[0].url).toBe(`${PUBLIC_URL}/open311/v2`);
      expect(endpoints[0].specification).toBe('http://wiki.open311.org/GeoReport_v2');
      expect(format === 'json' ? endpoints[0].formats : endpoints[0].formats.format).toEqual(['text/xml', 'application/json']);
    });

    it('services: one per active unit, with the spec fields, metadata=true and the sector as group', async () => {
      const units = await db().selectFrom('units').select(['slug', 'name', 'sector']).where('active', '=', true).execute();
      const r = await call(format, listServices(ctx(), {}));
      expect(r.status).toBe(200);
      const list = format === 'json' ? r.body : r.body.services.service;
      expect(list).toHaveLength(units.length);
      for (const s of list) expect(Object.keys(s)).toEqual(['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group']);
      const a = list.find((s: any) => s.service_code === w.slugA);
      const unitA = units.find((u) => u.slug === w.slugA)!;
      expect(a.service_name).toBe(unitA.name);
      expect(String(a.metadata)).toBe('true');
      expect(a.type).toBe('realtime');
      expect(a.group).toBe('Infrastructure');
      expect(a.keywords).toContain('Dinas PUPR');
    });

    it('service definition: the kind list, area codes and everything the web form asks', async () => {
      const r = await call(format, serviceDefinition(ctx(), w.slugA, {}));
      expect(r.status).toBe(200);
      const d = format === 'json' ? r.body : r.body.service_definition;
      expect(d.service_code).toBe(w.slugA);
      const attrs = format === 'json' ? d.attributes : d.attributes.attribute;
      expect(attrs.map((a: any) => a.code)).toEqual(['kind', 'title', 'area', 'occurred_on', 'officer', 'anonymous', 'confidential']);
      for (const a of attrs) {
        for (const k of ['variable', 'code', 'datatype', 'required', 'datatype_description', 'order', 'description']) expect(a).toHaveProperty(k);
        expect(['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist']).toContain(a.datatype);
      }
      const values = (a: any) => (format === 'json' ? a.values : a.values.value);
      const kind = attrs[0];
      expect(kind.datatype).toBe('singlevaluelist');
      expect(String(kind.required)).toBe('true');
      expect(values(kind).map((v: any) => v.key)).toEqual(['keluhan', 'apresiasi', 'saran', 'pertanyaan']);
      const area = attrs[2];
      const codes = await db().selectFrom('areas').select('code').where('kind', '!=', 'kecamatan').orderBy('code').execute();
      expect(values(area).map((v: any) => v.key)).toEqual(codes.map((c) => c.code));
      expect(values(attrs[6]).map((v: any) => v.key)).toEqual(['false', 'true']);
    });

    it('an unknown service code is a 404 in the errors format', async () => {
      const r = await call(format, serviceDefinition(ctx(), 'tidak-ada', {}));
      expect(r.status).toBe(404);
      const e = errorsOf(format, r.body);
      expect(e).toHaveLength(1);
      expect(String(e[0]!.code)).toBe('404');
      expect(e[0]!.description).toContain('service_code');
    });

    it('requests: only published, non-confidential items of the last 90 days, with public fields only', async () => {
      const r = await call(format, listRequests(ctx(), {}));
      expect(r.status).toBe(200);
      const ids = idsOf(format, r.body);
      expect(ids).toContain(String(w.answered));
      expect(ids).toContain(String(w.closed));
      for (const never of [w.pending, w.confidential, w.rejected, w.hidden, w.old]) expect(ids).not.toContain(String(never));
      for (const req of requestsOf(format, r.body)) expect(Object.keys(req)).toEqual(REQUEST_FIELDS);
      for (const secret of Object.values(SECRETS)) expect(r.text).not.toContain(secret);
      expect(r.text).not.toMatch(/BD-[0-9A-Z]{5}-[0-9A-Z]{5}/);
    });

    it('a request carries the unit, the rounded pin, the latest public answer and the visible photo', async () => {
      const r = await call(format, getRequest(ctx(), String(w.answered), {}));
      expect(r.status).toBe(200);
      const [req] = requestsOf(format, r.body) as any[];
      expect(requestsOf(format, r.body)).toHaveLength(1);
      expect(req.status).toBe('open');
      expect(req.status_notes).toBe(w.answerText);
      expect(req.service_code).toBe(w.slugA);
      expect(req.agency_responsible).toBe(req.service_name);
      expect(req.description).toContain('Jalan berlubang di depan sekolah');
      expect(req.requested_datetime).toMatch(W3C);
      expect(req.updated_datetime).toMatch(W3C);
      expect(String(req.lat)).toBe('-3.695');
      expect(String(req.long)).toBe('128.182');
      expect(req.media_url).toBe(`${PUBLIC_URL}/foto/${w.visiblePhoto}`);
      expect(req.address).toContain('Jl. Sultan Hasanudin');
      expect(req.address_id).toMatch(/^81\.71\./);
      const closed = requestsOf(format, (await call(format, getRequest(ctx(), String(w.closed), {}))).body)[0] as any;
      expect(closed.status).toBe('closed');
      expect(closed.status_notes).toBe('Bantuan sudah dicairkan.');
      expect(closed.expected_datetime === null || closed.expected_datetime === '').toBe(true);
    });

    it('requests/<id> of anything not public is a 404', async () => {
      for (const id of [w.pending, w.confidential, w.rejected, w.hidden, 987654321]) {
        const r = await call(format, getRequest(ctx(), String(id), {}));
        expect(r.status).toBe(404);
        expect(String(errorsOf(format, r.body)[0]!.code)).toBe('404');
      }
      expect((await call(format, getRequest(ctx(), 'abc', {}))).status).toBe(404);
    });

    it('filters: service_code, status (open, closed, both) and dates', async () => {
      const byCode = idsOf(format, (await call(format, listRequests(ctx(), { service_code: w.slugB }))).body);
      expect(byCode).toEqual([String(w.closed)]);
      const both = idsOf(format, (await call(format, listRequests(ctx(), { service_code: `${w.slugA},${w.slugB}` }))).body);
      expect(both).toEqual(expect.arrayContaining([String(w.answered), String(w.closed)]));
      const closed = idsOf(format, (await call(format, listRequests(ctx(), { status: 'closed' }))).body);
      expect(closed).toContain(String(w.closed));
      expect(closed).not.toContain(String(w.answered));
      const open = idsOf(format, (await call(format, listRequests(ctx(), { status: 'open' }))).body);
      expect(open).toContain(String(w.answered));
      expect(open).not.toContain(String(w.closed));
      const any = idsOf(format, (await call(format, listRequests(ctx(), { status: 'open,closed' }))).body);
      expect(any).toEqual(expect.arrayContaining([String(w.answered), String(w.closed)]));
      // A window 95 to 10 days ago holds the old item only; dates are W3C with or without a time.
      const day = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
      const window = idsOf(format, (await call(format, listRequests(ctx(), { start_date: day(95), end_date: `${day(10)}T23:59:59+09:00` }))).body);
      expect(window).toContain(String(w.old));
      expect(window).not.toContain(String(w.answered));
      const startOnly = idsOf(format, (await call(format, listRequests(ctx(), { start_date: `${day(101)}T00:00:00Z` }))).body);
      expect(startOnly).toEqual([String(w.old)]);
    });

    it('service_request_id lists ignore every other filter but never show what is not public', async () => {
      const r = await call(format, listRequests(ctx(), { service_request_id: `${w.old},${w.closed},${w.confidential},${w.pending}`, service_code: w.slugA, status: 'open', start_date: '2020-01-01', end_date: '2020-01-02' }));
      expect(r.status).toBe(200);
      expect(idsOf(format, r.body).sort()).toEqual([String(w.old), String(w.closed)].sort());
    });

    it('bad filters are 400s in the errors format', async () => {
      const day = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
      for (const p of [
        { start_date: day(120), end_date: day(0) },
        { start_date: day(1), end_date: day(5) },
        { start_date: 'kemarin' },
        { end_date: '2026-13-45T99:00' },
        { status: 'pending' },
        { service_code: 'tidak-ada' },
        { service_request_id: '12,abc' },
        { service_request_id: Array.from({ length: 1001 }, (_, i) => i + 1).join(',') },
      ]) {
        const r = await call(format, listRequests(ctx(), p));
        expect(r.status, JSON.stringify(p).slice(0, 80)).toBe(400);
        const e = errorsOf(format, r.body);
        expect(String(e[0]!.code)).toBe('400');
        expect(e[0]!.description.length).toBeGreaterThan(5);
      }
    });

    it('jurisdiction_id: the configured domain (any case) is accepted, another is a 404 on every endpoint', async () => {
      const good = { jurisdiction_id: JURISDICTION.toUpperCase() };
      expect((await call(format, discovery(ctx(), good))).status).toBe(200);
      expect((await call(format, listServices(ctx(), good))).status).toBe(200);
      const bad = { jurisdiction_id: 'kota-lain.go.id' };
      const outcomes = [
        discovery(ctx(), bad),
        listServices(ctx(), bad),
        serviceDefinition(ctx(), w.slugA, bad),
        listRequests(ctx(), bad),
        getRequest(ctx(), String(w.answered), bad),
        resolveToken(ctx(), 'a'.repeat(32), bad),
        postRequest(ctx(), { ...bad, api_key: w.key }, photos.store),
      ];
      for (const o of outcomes) {
        const r = await call(format, o);
        expect(r.status).toBe(404);
        expect(errorsOf(format, r.body)[0]!.description).toContain('jurisdiction_id');
      }
    });
  });

  describe.each(FORMATS)('writing, %s', (format) => {
    const valid = (extra: Record<string, string> = {}) => ({
      api_key: w.key,
      service_code: w.slugA,
      lat: '-3.6957',
      long: '128.1817',
      'attribute[kind]': 'keluhan',
      description: 'Saluran air tersumbat di depan pasar sejak minggu lalu.',
      ...extra,
    });

    it('without a key, with an unknown key or with a revoked key: 403 in the errors format', async () => {
      const revoked = valueOf(await createApiKey(db(), w.admin.actor, w.admin.user, { name: 'Kunci yang dicabut' }));
      valueOf(await revokeApiKey(db(), w.admin.actor, w.admin.user, revoked.id));
      const before = (await listQueue(db(), {})).length;
      for (const key of [undefined, '', 'bd_bukankuncisungguhan', revoked.key]) {
        const form = valid();
        if (key === undefined) delete (form as Record<string, string>).api_key;
        else form.api_key = key;
        const r = await call(format, postRequest(ctx(), form, photos.store));
        expect(r.status).toBe(403);
        const e = errorsOf(format, r.body);
        expect(String(e[0]!.code)).toBe('403');
        expect(e[0]!.description).toContain('api_key');
      }
      expect((await listQueue(db(), {})).length).toBe(before);
    });

    it('bad fields: 400 naming the Open311 parameter, and nothing stored', async () => {
      const before = (await listQueue(db(), {})).length;
      const cases: Array<[Record<string, string>, string]> = [
        [{ service_code: '' }, 'service_code'],
        [{ service_code: 'tidak-ada' }, 'service_code'],
        [{ lat: '', long: '' }, 'location'],
        [{ long: '' }, 'lat and long'],
        [{ lat: 'utara' }, 'lat and long'],
        [{ lat: '-6.2', long: '106.8' }, 'outside Kota Ambon'],
        [{ 'attribute[kind]': '' }, 'attribute[kind]'],
        [{ 'attribute[kind]': 'pujian' }, 'attribute[kind]'],
        [{ description: 'pendek' }, 'description'],
        [{ email: 'bukan-surel' }, 'email'],
        [{ address_id: '81.71.99.9999', lat: '', long: '' }, 'address_id'],
        [{ 'attribute[area]': '99' }, 'attribute[area]'],
        [{ 'attribute[anonymous]': 'mungkin' }, 'attribute[anonymous]'],
        [{ 'attribute[occurred_on]': 'kemarin' }, 'attribute[occurred_on]'],
        [{ media_url: 'javascript:alert(1)' }, 'media_url'],
      ];
      for (const [extra, mention] of cases) {
        const r = await call(format, postRequest(ctx(), valid(extra), photos.store));
        expect(r.status, JSON.stringify(extra)).toBe(400);
        const e = errorsOf(format, r.body);
        expect(String(e[0]!.code)).toBe('400');
        expect(e[0]!.description, JSON.stringify(extra)).toContain(mention);
      }
      expect((await listQueue(db(), {})).length).toBe(before);
    });

    it('a POSTed request enters the triage queue like the web form, answers its number, a token and the notice', async () => {
      const email = `pelapor.${format}@contoh.id`;
      const r = await call(
        format,
        postRequest(
          ctx(),
          valid({ email, first_name: 'Nona', last_name: 'Pelapor', phone: '+62 811 111 222', 'attribute[title]': `Saluran tersumbat (${format})`, address_string: 'Depan Pasar Mardika', 'attribute[confidential]': 'false', media_url: 'https://contoh.id/foto.jpg' }),
          photos.store,
        ),
      );
      expect(r.status).toBe(201);
      const [created] = requestsOf(format, r.body) as any[];
      expect(Object.keys(created)).toEqual(['service_request_id', 'token', 'service_notice', 'account_id']);
      const id = Number(created.service_request_id);
      expect(created.token).toMatch(/^[a-z2-7]{32}$/);
      expect(created.service_notice).toContain('Moderators verify it by');

      const queued = (await listQueue(db(), {})).find((q) => q.id === id);
      expect(queued?.title).toBe(`Saluran tersumbat (${format})`);
      const row = await db().selectFrom('feedback').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ moderation_state: 'pending', channel: 'open311', unit_id: w.unitA, latitude: -3.6957, longitude: 128.1817, location_text: 'Depan Pasar Mardika', author_id: null });
      expect(row.body_md).toContain('https://contoh.id/foto.jpg');
      const contact = await db().selectFrom('feedback_contacts').selectAll().where('feedback_id', '=', id).executeTakeFirstOrThrow();
      expect(contact).toMatchObject({ name: 'Nona Pelapor', email, phone: '+62811111222' });
      expect((await outboxTo(db(), email, 'feedback_receipt')).length).toBe(1);
      const audit = await auditOf(db(), id, 'open311.request_create');
      expect(audit).toHaveLength(1);
      expect(audit[0]!.actor_label).toContain('Aplikasi Mitra Uji');

      // The token resolves at once; the request itself is public only once moderators publish it.
      const t = await call(format, resolveToken(ctx(), created.token, {}));
      expect(t.status).toBe(200);
      expect(requestsOf(format, t.body)).toEqual([{ service_request_id: String(id), token: created.token }]);
      expect((await call(format, getRequest(ctx(), String(id), {}))).status).toBe(404);
      valueOf(await publishFeedback(db(), modCtx(w.mod), id, null));
      const pub = requestsOf(format, (await call(format, getRequest(ctx(), String(id), {}))).body)[0] as any;
      expect(String(pub.lat)).toBe('-3.696');
      expect(String(pub.long)).toBe('128.182');
      expect((await call(format, getRequest(ctx(), String(id), {}))).text).not.toContain(email);
    });

    it('an area code as address_id, a kecamatan code, and a title taken from the description', async () => {
      const area = await db().selectFrom('areas').select(['id', 'code', 'kecamatan_code']).where('kind', '=', 'negeri').executeTakeFirstOrThrow();
      const r = await call(format, postRequest(ctx(), valid({ lat: '', long: '', address_id: area.code, description: 'Puskesmas tutup lebih awal dari jadwal yang tertulis di papan.\nDetail lain.' }), photos.store));
      expect(r.status).toBe(201);
      const id = Number((requestsOf(format, r.body)[0] as any).service_request_id);
      const row = await db().selectFrom('feedback').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ area_id: area.id, kecamatan_code: area.kecamatan_code, latitude: null, title: 'Puskesmas tutup lebih awal dari jadwal yang tertulis di papan.' });
      const k = await call(format, postRequest(ctx(), valid({ lat: '', long: '', address_id: area.kecamatan_code }), photos.store));
      const kid = Number((requestsOf(format, k.body)[0] as any).service_request_id);
      expect((await db().selectFrom('feedback').select(['area_id', 'kecamatan_code']).where('id', '=', kid).executeTakeFirstOrThrow())).toEqual({ area_id: null, kecamatan_code: area.kecamatan_code });
    });

    it('an unknown token is a 404', async () => {
      for (const token of ['a'.repeat(32), 'bukan token']) {
        const r = await call(format, resolveToken(ctx(), token, {}));
        expect(r.status).toBe(404);
        expect(String(errorsOf(format, r.body)[0]!.code)).toBe('404');
      }
    });
  });

  it('POSTs are rate-limited per key: 429 with Retry-After in the errors format', async () => {
    const k = valueOf(await createApiKey(db(), w.admin.actor, w.admin.user, { name: 'Kunci sibuk' }));
    const windowMs = RATE_RULES.open311PerKey.windowSeconds * 1000;
    const start = new Date(Math.floor(Date.now() / windowMs) * windowMs);
    await db().insertInto('rate_limits').values({ key: `${RATE_RULES.open311PerKey.name}:${k.id}`, window_start: start, count: RATE_RULES.open311PerKey.limit }).execute();
    const r = await call('json', postRequest(ctx(), { api_key: k.key, service_code: w.slugA, address_string: 'Pasar', 'attribute[kind]': 'saran', description: 'Mohon tambah tempat sampah di pasar.' }, photos.store));
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(r.body[0].code).toBe(429);
  });

  it('at most 1,000 requests per answer, newest first', async () => {
    await bulkPublished(db(), w.unitB, 1005);
    for (const format of FORMATS) {
      const r = await call(format, listRequests(ctx(), {}));
      const list = requestsOf(format, r.body);
      expect(list).toHaveLength(1000);
      const times = list.map((x: any) => Date.parse(x.requested_datetime));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
    }
  });
});
