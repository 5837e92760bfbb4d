import { formatDateTime, translator } from '../../i18n/index.ts';
import type { RequestContext } from '../accounts/service.ts';
import { generateToken, hashToken } from '../accounts/tokens.ts';
import { recordAudit } from '../audit/service.ts';
import { WIT_OFFSET_MS } from '../calendar/working-days.ts';
import type { Db } from '../db/index.ts';
import { FEEDBACK_KINDS, type FeedbackKind, type Sector } from '../db/schema.ts';
import { insideCity, roundForPublic } from '../geo/bounds.ts';
import type { PhotoStore } from '../feedback/photos.ts';
import { markdownToText } from '../feedback/service.ts';
import { submitFeedback } from '../feedback/submission.ts';
import { newSubmissionKey } from '../feedback/tracking-code.ts';
import { RATE_RULES } from '../rate-limit/service.ts';
import { apiKeyActor, authenticateApiKey } from './api-keys.ts';
import { error, listDoc, ok, w3c, type Open311Outcome } from './format.ts';
import * as q from './queries.ts';

/**
 * Open311 GeoReport v2 (open311.org) over the city's feedback. Services are the units that take
 * feedback; requests are published, non-confidential feedback with public fields only (never a
 * contact, an account, the named officer, the tracking code or moderation data), pins rounded by
 * `roundForPublic` (the site's own rounding). POST needs an API key and goes through the web form's own submission service, so
 * the item waits in the moderators' queue like any other.
 *
 * Every use case takes the request's parameters as strings and answers an Open311Outcome (a
 * document or an error in the spec's format); the routes only render it as XML or JSON.
 *
 * Why it is one file of a little more than 400 lines: it is the one resource set of one
 * specification, whose use cases share the jurisdiction check, the parameter parsing and the
 * mapping of rows to records; split apart they would import each other's helpers.
 */

export interface Open311Context {
  db: Db;
  /** The web request's context (client address, locale, public URL, deadlines). */
  request: RequestContext;
  jurisdictionId: string;
}

type Params = Record<string, string | undefined>;

/** The API's revision, for discovery's `changeset`. */
const CHANGESET = '2026-12-04T11:00:00+09:00';
/** At most this many requests per answer, and this long a date range (the spec's defaults). */
export const MAX_REQUESTS = 1000;
export const MAX_RANGE_DAYS = 90;
const DAY_MS = 86_400_000;

/** `jurisdiction_id` may be left out; when given it must be this city's. */
function wrongJurisdiction(ctx: Open311Context, p: Params): Open311Outcome | null {
  const j = p.jurisdiction_id;
  if (j === undefined || j === '' || j.trim().toLowerCase() === ctx.jurisdictionId) return null;
  return error(404, `jurisdiction_id not found: this server serves ${ctx.jurisdictionId}`);
}

const t = (ctx: Open311Context) => translator(ctx.request.locale);

// ---- discovery and services

export function discovery(ctx: Open311Context, p: Params): Open311Outcome {
  const bad = wrongJurisdiction(ctx, p);
  if (bad) return bad;
  const base = `${ctx.request.publicUrl}/open311/v2`;
  const endpoint = { specification: 'http://wiki.open311.org/GeoReport_v2', url: base, changeset: CHANGESET, type: 'production' };
  const formats = ['text/xml', 'application/json'];
  const head = { changeset: CHANGESET, contact: t(ctx)('open311.contact', { url: ctx.request.publicUrl }), key_service: t(ctx)('open311.keyService', { url: `${ctx.request.publicUrl}/admin/api` }) };
  return ok({
    json: { ...head, endpoints: [{ ...endpoint, formats }] },
    xml: { discovery: { ...head, endpoints: { endpoint: [{ ...endpoint, formats: { format: formats } }] } } },
  });
}

export async function listServices(ctx: Open311Context, p: Params): Promise<Open311Outcome> {
  const bad = wrongJurisdiction(ctx, p);
  if (bad) return bad;
  const tr = t(ctx);
  const units = await q.selectServiceUnits(ctx.db);
  return ok(
    listDoc(
      'services',
      'service',
      units.map((u) => ({
        service_code: u.slug,
        service_name: u.name,
        description: tr('open311.serviceDescription', { name: u.name }),
        metadata: true,
        type: 'realtime',
        keywords: [u.short_name, tr(`sector.${u.sector as Sector}`), tr(`open311.unitKind.${u.kind}`)].join(', '),
        group: tr(`sector.${u.sector as Sector}`),
      })),
    ),
  );
}

interface Attribute {
  variable: boolean;
  code: string;
  datatype: 'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist';
  required: boolean;
  datatype_description: string;
  order: number;
  description: string;
  values?: { key: string; name: string }[];
}

/** The attributes a POST may carry: what the web form asks besides the Open311 core fields. */
async function attributes(ctx: Open311Context): Promise<Attribute[]> {
  const tr = t(ctx);
  const all = await q.selectAreas(ctx.db);
  const areas = all.filter((a) => a.kind !== 'kecamatan');
  const kecamatan = new Map(all.filter((a) => a.kind === 'kecamatan').map((a) => [a.code, a.name]));
  const yesNo = [
    { key: 'false', name: tr('open311.no') },
    { key: 'true', name: tr('open311.yes') },
  ];
  const list: Omit<Attribute, 'order' | 'variable'>[] = [
    { code: 'kind', datatype: 'singlevaluelist', required: true, datatype_description: '', description: tr('fb.field.kind'), values: FEEDBACK_KINDS.map((k) => ({ key: k, name: tr(`kind.${k}`) })) },
    { code: 'title', datatype: 'string', required: false, datatype_description: tr('open311.titleFormat'), description: tr('fb.field.title') },
    {
      code: 'area',
      datatype: 'singlevaluelist',
      required: false,
      datatype_description: tr('open311.areaFormat'),
      description: tr('fb.field.area'),
      values: areas.map((a) => ({ key: a.code, name: `${a.name} (${tr('fb.field.kecamatan')} ${kecamatan.get(a.kecamatan_code) ?? a.kecamatan_code})` })),
    },
    { code: 'occurred_on', datatype: 'datetime', required: false, datatype_description: tr('open311.dateFormat'), description: tr('fb.field.occurredOn') },
    { code: 'officer', datatype: 'string', required: false, datatype_description: tr('fb.field.officerHint'), description: tr('fb.field.officer') },
    { code: 'anonymous', datatype: 'singlevaluelist', required: false, datatype_description: tr('fb.field.anonymousHint'), description: tr('fb.field.anonymous'), values: yesNo },
    { code: 'confidential', datatype: 'singlevaluelist', required: false, datatype_description: tr('fb.field.confidentialHint'), description: tr('fb.field.confidential'), values: yesNo },
  ];
  return list.map((a, i) => ({ variable: true, ...a, order: i + 1 }));
}

export async function serviceDefinition(ctx: Open311Context, code: string, p: Params): Promise<Open311Outcome> {
  const bad = wrongJurisdiction(ctx, p);
  if (bad) return bad;
  const unit = await q.findServiceUnit(ctx.db, code);
  if (!unit) return error(404, `service_code not found: ${code}`);
  const attrs = await attributes(ctx);
  const order = ['variable', 'code', 'datatype', 'required', 'datatype_description', 'order', 'description'] as const;
  const xmlAttrs = attrs.map((a) => ({ ...Object.fromEntries(order.map((k) => [k, a[k]])), ...(a.values ? { values: { value: a.values } } : {}) }));
  return ok({
    json: { service_code: unit.slug, attributes: attrs },
    xml: { service_definition: { service_code: unit.slug, attributes: { attribute: xmlAttrs } } },
  });
}

// ---- reading requests

/**
 * A W3C date-time: a date alone means that WIT day (its start for `start_date`, its end for
 * `end_date`); a time without an offset is WIT.
 */
export function parseW3c(s: string, end: boolean): Date | null {
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?)?$/.exec(s.trim());
  if (!m) return null;
  const [, day, time, zone] = m;
  let ms: number;
  if (!time) ms = Date.parse(`${day}T00:00:00Z`) - WIT_OFFSET_MS + (end ? DAY_MS - 1 : 0);
  else {
    const z = zone ? (zone === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone) : '+09:00';
    ms = Date.parse(`${day}T${time.length === 5 ? `${time}:00` : time}${z}`);
  }
  return Number.isNaN(ms) ? null : new Date(ms);
}

function splitList(s: string): string[] {
  return s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
}

type RequestRow = Awaited<ReturnType<typeof q.selectPublicRequests>>[number];

async function requestRecords(ctx: Open311Context, rows: RequestRow[]) {
  const ids = rows.map((r) => r.id);
  const [answers, photos] = await Promise.all([q.selectLatestAnswers(ctx.db, ids), q.selectFirstVisiblePhotos(ctx.db, ids)]);
  const tr = t(ctx);
  return rows.map((r) => {
    const closed = q.CLOSED_STATUSES.includes(r.status);
    const pin = r.latitude !== null && r.longitude !== null && Number.isFinite(r.latitude) && Number.isFinite(r.longitude) ? roundForPublic({ latitude: r.latitude, longitude: r.longitude }) : null;
    const answer = answers.get(r.id);
    const photo = photos.get(r.id);
    const text = markdownToText(r.body_md);
    return {
      service_request_id: String(r.id),
      status: closed ? 'closed' : 'open',
      status_notes: answer ? markdownToText(answer) : null,
      service_name: r.unit_name,
      service_code: r.unit_slug,
      description: text ? `${r.title}\n\n${text}` : r.title,
      agency_responsible: r.unit_name,
      service_notice: null,
      requested_datetime: w3c(r.created_at),
      updated_datetime: w3c(r.updated_at),
      expected_datetime: !closed && !r.first_response_at ? w3c(r.answer_due_at) : null,
      address: [r.location_text, r.area_name, r.kecamatan_name ? `${tr('fb.field.kecamatan')} ${r.kecamatan_name}` : null, 'Kota Ambon'].filter(Boolean).join(', '),
      address_id: r.area_code ?? r.kecamatan_code,
      zipcode: null,
      lat: pin?.latitude ?? null,
      long: pin?.longitude ?? null,
      media_url: photo ? `${ctx.request.publicUrl}/foto/${encodeURIComponent(photo)}` : null,
    };
  });
}

/**
 * `GET requests`: by `service_request_id` (a comma list; every other filter is then ignored), or
 * by `service_code` (comma list), `start_date`/`end_date` (at most 90 days apart; the last 90
 * days by default) and `status` (open, closed or both). At most 1,000, newest first.
 */
export async function listRequests(ctx: Open311Context, p: Params, now = new Date()): Promise<Open311Outcome> {
  const bad = wrongJurisdiction(ctx, p);
  if (bad) return bad;
  const filter: q.RequestFilter = {};
  if (p.service_request_id !== undefined && p.service_request_id.trim() !== '') {
    const ids = splitList(p.service_request_id);
    if (ids.some((i) => !/^\d{1,15}$/.test(i))) return error(400, 'service_request_id must be a comma-separated list of request numbers');
    if (ids.length > MAX_REQUESTS) return error(400, `service_request_id lists at most ${MAX_REQUESTS} numbers`);
    filter.ids = [...new Set(ids.map(Number))];
  } else {
    if (p.service_code !== undefined && p.service_code.trim() !== '') {
      const unitIds: number[] = [];
      for (const code of splitList(p.service_code)) {
        const unit = await q.findServiceUnit(ctx.db, code);
        if (!unit) return error(400, `service_code not found: ${code}`);
        unitIds.push(unit.id);
      }
      filter.unitIds = unitIds;
    }
    const start = p.start_date ? parseW3c(p.start_date, false) : undefined;
    const end = p.end_date ? parseW3c(p.end_date, true) : undefined;
    if (start === null) return error(400, 'start_date must be a W3C date-time, e.g. 2026-12-01T00:00:00+09:00');
    if (end === null) return error(400, 'end_date must be a W3C date-time, e.g. 2026-12-31T23:59:59+09:00');
    const span = MAX_RANGE_DAYS * DAY_MS;
    filter.from = start ?? new Date((end ?? now).getTime() - span);
    filter.to = end ?? (start ? new Date(start.getTime() + span) : now);
    if (filter.from > filter.to) return error(400, 'start_date must not be after end_date');
    if (filter.to.getTime() - filter.from.getTime() > span) return error(400, `start_date and end_date may be at most ${MAX_RANGE_DAYS} days apart`);
    if (p.status !== undefined && p.status.trim() !== '') {
      const statuses = new Set(splitList(p.status.toLowerCase()));
      if ([...statuses].some((s) => s !== 'open' && s !== 'closed')) return error(400, 'status must be open, closed or both (comma-separated)');
      if (statuses.size === 1) filter.status = [...statuses][0] as 'open' | 'closed';
    }
  }
  const rows = await q.selectPublicRequests(ctx.db, filter, MAX_REQUESTS);
  return ok(listDoc('service_requests', 'request', await requestRecords(ctx, rows)));
}

/** `GET requests/<id>`: a list with the one request, or 404 unless it is public. */
export async function getRequest(ctx: Open311Context, id: string, p: Params): Promise<Open311Outcome> {
  const bad = wrongJurisdiction(ctx, p);
  if (bad) return bad;
  if (!/^\d{1,15}$/.test(id)) return error(404, 'service_request_id not found');
  const rows = await q.selectPublicRequests(ctx.db, { ids: [Number(id)] }, 1);
  if (rows.length === 0) return error(404, `service_request_id not found: ${id}`);
  return ok(listDoc('service_requests', 'request', await requestRecords(ctx, rows)));
}

/** `GET tokens/<token>`: the request number a POST's token stands for. */
export async function resolveToken(ctx: Open311Context, token: string, p: Params): Promise<Open311Outcome> {
  const bad = wrongJurisdiction(ctx, p);
  if (bad) return bad;
  const row = /^[a-z2-7]{32}$/.test(token) ? await q.findToken(ctx.db, hashToken(token)) : undefined;
  if (!row) return error(404, 'token not found');
  return ok(listDoc('service_requests', 'request', [{ service_request_id: String(row.feedback_id), token }]));
}

// ---- writing a request

/** Open311 parameter names of the submission service's fields, for error descriptions. */
const FIELD_NAMES: Record<string, string> = {
  kind: 'attribute[kind]',
  unit: 'service_code',
  kecamatan: 'address_id',
  area: 'attribute[area]',
  location: 'address_string',
  occurredOn: 'attribute[occurred_on]',
  title: 'attribute[title]',
  body: 'description',
  officer: 'attribute[officer]',
  contactName: 'first_name',
  contactEmail: 'email',
  contactPhone: 'phone',
};

const bool = (v: string | undefined): boolean | null => (v === undefined || v === '' ? false : v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : null);

/** A title for items posted without one: the description's first line, cut at a word. */
function titleFrom(description: string): string {
  const line = (description.split(/\r?\n/).find((l) => l.trim() !== '') ?? '').trim();
  if (line.length <= 100) return line;
  const cut = line.slice(0, 100);
  return `${cut.slice(0, cut.lastIndexOf(' ') > 40 ? cut.lastIndexOf(' ') : 100)}…`;
}

/**
 * `POST requests`: with a valid API key (403 without one, or when revoked), one location
 * (`lat`+`long` inside Kota Ambon, `address_string`, or `address_id` = an area code), the
 * service's attributes and optional contact fields. The item enters the web form's submission
 * service (pending, in the moderators' triage queue, contact details in the private contact
 * table, a receipt email with the tracking code when `email` is given). The answer carries the
 * feedback number and a token, which `tokens/<token>` resolves; the request itself is readable at
 * `requests/<id>` once moderators publish it.
 */
export async function postRequest(ctx: Open311Context, form: Params, photos: PhotoStore, now = new Date()): Promise<Open311Outcome> {
  const bad = wrongJurisdiction(ctx, form);
  if (bad) return bad;
  const client = await authenticateApiKey(ctx.db, form.api_key, now);
  if (!client) return error(403, form.api_key ? 'api_key is not valid or has been revoked' : 'api_key is required');
  const tr = translator('en');

  const code = (form.service_code ?? '').trim();
  if (!code) return error(400, 'service_code is required');
  const unit = await q.findServiceUnit(ctx.db, code);
  if (!unit) return error(400, `service_code not found: ${code}`);

  // Location: a pin, a place in words, or an area code; at least one.
  const latS = (form.lat ?? '').trim();
  const longS = (form.long ?? '').trim();
  let pin: { latitude: number; longitude: number } | null = null;
  if (latS !== '' || longS !== '') {
    const lat = Number(latS);
    const long = Number(longS);
    if (latS === '' || longS === '' || !Number.isFinite(lat) || !Number.isFinite(long)) return error(400, 'lat and long must both be given as decimal degrees (WGS 84)');
    if (!insideCity({ latitude: lat, longitude: long })) return error(400, 'lat/long: the point is outside Kota Ambon');
    pin = { latitude: lat, longitude: long };
  }
  const addressString = (form.address_string ?? '').trim();
  const addressId = (form.address_id ?? '').trim();
  if (!pin && !addressString && !addressId) return error(400, 'a location is required: lat and long, address_string or address_id');

  const areaCode = (form['attribute[area]'] ?? '').trim() || addressId;
  let areaId = '';
  let kecamatan = '';
  if (areaCode) {
    const area = await q.findAreaByCode(ctx.db, areaCode);
    if (!area) return error(400, `${form['attribute[area]'] ? 'attribute[area]' : 'address_id'}: unknown area code ${areaCode}`);
    if (area.kind === 'kecamatan') kecamatan = area.code;
    else areaId = String(area.id);
  }

  const kind = (form['attribute[kind]'] ?? '').trim();
  if (!kind) return error(400, 'attribute[kind] is required');
  if (!FEEDBACK_KINDS.includes(kind as FeedbackKind)) return error(400, `attribute[kind] must be one of ${FEEDBACK_KINDS.join(', ')}`);
  const anonymous = bool(form['attribute[anonymous]']);
  const confidential = bool(form['attribute[confidential]']);
  if (anonymous === null) return error(400, 'attribute[anonymous] must be true or false');
  if (confidential === null) return error(400, 'attribute[confidential] must be true or false');
  let occurredOn = '';
  if (form['attribute[occurred_on]']) {
    const d = parseW3c(form['attribute[occurred_on]'], false);
    if (!d) return error(400, 'attribute[occurred_on] must be a W3C date or date-time');
    occurredOn = new Date(d.getTime() + WIT_OFFSET_MS).toISOString().slice(0, 10);
  }

  const description = (form.description ?? '').trim();
  const mediaUrl = (form.media_url ?? '').trim();
  if (mediaUrl && (!/^https?:\/\/\S+$/i.test(mediaUrl) || mediaUrl.length > 500)) return error(400, 'media_url must be an http(s) URL');
  const name = [form.first_name, form.last_name].map((s) => (s ?? '').trim()).filter(Boolean).join(' ');

  // Filled in by the submission's transaction (onStored), read once it committed.
  const stored: { token: string; verifyDue: Date | null } = { token: '', verifyDue: null };
  const r = await submitFeedback(
    ctx.db,
    ctx.request,
    null,
    {
      kind,
      unit: String(unit.id),
      kecamatan,
      area: areaId,
      location: addressString,
      occurredOn,
      title: (form['attribute[title]'] ?? '').trim() || titleFrom(description),
      // The media is linked, never fetched: moderators see the link and decide.
      body: mediaUrl ? `${description}\n\nMedia: <${mediaUrl}>` : description,
      officer: form['attribute[officer]'] ?? '',
      anonymous: anonymous ? 'on' : '',
      confidential: confidential ? 'on' : '',
      contactName: name,
      contactEmail: form.email ?? '',
      contactPhone: form.phone ?? '',
      submissionKey: newSubmissionKey(),
    },
    [],
    photos,
    {
      channel: 'open311',
      limits: [[RATE_RULES.open311PerKey, String(client.id)]],
      pin,
      onStored: async (trx, feedbackId) => {
        stored.token = generateToken();
        stored.verifyDue = await q.verifyDeadline(trx, feedbackId);
        await q.insertToken(trx, { token_hash: hashToken(stored.token), feedback_id: feedbackId, api_key_id: client.id });
        await recordAudit(trx, apiKeyActor(client, ctx.request.ip), 'open311.request_create', { type: 'feedback', id: feedbackId }, { after: { service_code: unit.slug, api_key_id: client.id } });
      },
    },
  );
  if (!r.ok) {
    const form_ = r.errors._form;
    if (form_?.key === 'err.rateLimited') {
      const seconds = Number(form_.params?.seconds ?? 60);
      return error(429, `too many requests with this api_key; retry in ${seconds} seconds`, { 'Retry-After': String(seconds) });
    }
    const parts = Object.entries(r.errors).map(([field, msg]) => `${FIELD_NAMES[field] ?? field}: ${tr(msg.key, msg.params)}`);
    return error(400, parts.join('; '));
  }
  const notice = stored.verifyDue ? t(ctx)('open311.notice', { date: formatDateTime(stored.verifyDue, ctx.request.locale) }) : null;
  const record = { service_request_id: String(r.value.feedbackId), token: stored.token, service_notice: notice, account_id: null };
  return ok(listDoc('service_requests', 'request', [record]), 201);
}
