/**
 * Fills a migrated and seeded PostgreSQL database with a realistic feedback data set for the
 * benchmarks, entirely server-side (INSERT ... SELECT over generate_series, in chunks on two
 * connections), then VACUUM ANALYZE and a CHECKPOINT.
 *
 *   DATABASE_URL=postgres://... node scripts/db-migrate.ts     # first: schema and units/areas
 *   DATABASE_URL=postgres://... node bench/generate.ts [--count 1000000] [--truncate]
 *
 * or into the embedded database (PGlite) of a DATA_DIR, with the server stopped:
 *
 *   DATA_DIR=/tmp/d node scripts/db-migrate.ts
 *   node bench/generate.ts --data-dir /tmp/d --count 50000
 *
 * Options:
 *   --count N      feedback items (default 1,000,000)
 *   --years Y      spread over the last Y years (default 3)
 *   --chunk N      rows per INSERT (default 50,000)
 *   --workers N    parallel connections (default 2)
 *   --truncate     empty feedback (and everything referencing it) first; without it the
 *                  generator refuses to touch a database that already has feedback
 *   --no-events    skip feedback_events / feedback_ratings
 *
 * Distributions (see bench/corpus.ts for the words): kinds keluhan 55% / saran 18% /
 * pertanyaan 15% / apresiasi 12%; units weighted (Disdukcapil, PUPR, DLHP most), 8% without a
 * unit; 85% with an area weighted by kecamatan population; ~86% published, ~9% rejected,
 * ~4% hidden, pending mostly in the last two days; 6% confidential; 25% anonymous; handling
 * status by age; support_count heavy-tailed (median ~1, max ~1,800); volume growing over time.
 *
 * Secondary indexes on feedback and feedback_events are dropped during the load and rebuilt
 * from their saved definitions afterwards (much faster than maintaining them row by row); the
 * definitions are kept in a table until rebuilt, so an interrupted run recovers them. The load
 * ends with VACUUM ANALYZE, a CHECKPOINT and a `sync`.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { PGlite } from '@electric-sql/pglite';
import { DETAIL_SENTENCES, IMPACT_SENTENCES, KECAMATAN_WEIGHTS, KIND_ORDER, OFFICER_NAMES, PLACE_PHRASES, PUSKESMAS_WEIGHT, REQUEST_SENTENCES, SECTOR_ORDER, SECTOR_TEXT, TIME_PHRASES, UNIT_WEIGHTS } from './corpus.ts';
import { log, newPool, secondsSince } from './lib.ts';

/** The kernel's dirty page-cache pages, MiB (/proc/meminfo), or -1 where there is none. */
function dirtyMiB(): number {
  try {
    const m = /^Dirty:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/meminfo', 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : -1;
  } catch {
    return -1;
  }
}

const RESPONSES = [
  'Terima kasih atas masukan Bapak/Ibu. Kami sudah menugaskan petugas untuk memeriksa di lapangan.',
  'Mohon maaf atas ketidaknyamanan ini. Mulai pekan depan kami menambah petugas di jam sibuk.',
  'Masukan ini sudah kami bahas dalam rapat unit. Perbaikan dijadwalkan bulan depan.',
  'Terima kasih. Hal ini sudah ditindaklanjuti dan petugas terkait sudah mengikuti pembinaan pelayanan prima.',
  'Petugas kami sudah turun ke lokasi dan pekerjaan perbaikan sedang berjalan.',
];

/** The part of a pg connection the generator uses; PGlite's query has the same shape. */
interface GenClient {
  query<R = any>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
  release(): void;
}

interface GenPool {
  connect(): Promise<GenClient>;
  end(): Promise<void>;
}

/** PGlite is one connection: every "connection" of the pool is the same, used by one worker. */
function pglitePool(db: PGlite): GenPool {
  const client: GenClient = { query: (sql, params) => db.query(sql, params), release: () => {} };
  return { connect: async () => client, end: async () => {} };
}

export interface GenerateOptions {
  /** A PostgreSQL server, or an open PGlite (then one worker, whatever `workers` says). */
  databaseUrl?: string;
  pglite?: PGlite;
  count: number;
  years: number;
  chunk: number;
  workers: number;
  truncate: boolean;
  events: boolean;
}

export interface GenerateResult {
  seconds: number;
  feedback: number;
  events: number;
  /** What the closing `sync` wrote back: the dirty pages before it, and how long it took. */
  flushed?: { dirtyMiB: number; seconds: number };
}

/** Spreads `slots` slots over keys in proportion to their weights (largest remainder). */
function slotArray<K>(entries: [K, number][], slots: number): K[] {
  const total = entries.reduce((a, [, w]) => a + w, 0);
  const raw = entries.map(([k, w]) => ({ k, exact: (w / total) * slots }));
  const out: K[] = [];
  for (const r of raw) for (let i = 0; i < Math.floor(r.exact); i++) out.push(r.k);
  const rest = [...raw].sort((a, b) => (b.exact % 1) - (a.exact % 1));
  for (let i = 0; out.length < slots; i++) out.push(rest[i % rest.length]!.k);
  return out;
}

/** Flattens groups of strings into one array plus 1-based offsets and counts per group. */
function flatten(groups: string[][]): { items: string[]; off: number[]; cnt: number[] } {
  const items: string[] = [];
  const off: number[] = [];
  const cnt: number[] = [];
  for (const g of groups) {
    off.push(items.length + 1);
    cnt.push(g.length);
    items.push(...g);
  }
  return { items, off, cnt };
}

async function columnsOf(c: GenClient, table: string): Promise<Set<string>> {
  const r = await c.query<{ column_name: string }>(`select column_name from information_schema.columns where table_schema = current_schema() and table_name = $1`, [table]);
  return new Set(r.rows.map((x) => x.column_name));
}

export async function generate(o: GenerateOptions): Promise<GenerateResult> {
  const t0 = performance.now();
  const embedded = !!o.pglite;
  if (embedded) o = { ...o, workers: 1 };
  else if (!o.databaseUrl) throw new Error('generate: databaseUrl or pglite is required');
  const pool: GenPool = o.pglite ? pglitePool(o.pglite) : newPool(o.databaseUrl!, o.workers + 1);
  const c = await pool.connect();
  try {
    const tables = await c.query(`select to_regclass('feedback') as f, to_regclass('units') as u`);
    if (!tables.rows[0].f) throw new Error('no feedback table: migrate first (DATABASE_URL=... node scripts/db-migrate.ts)');
    const units = (await c.query<{ id: number; short_name: string; sector: string; kind: string }>(`select id, short_name, sector, kind from units where active order by id`)).rows;
    const areas = (await c.query<{ id: number; name: string; kind: string; kecamatan_code: string }>(`select id, name, kind, kecamatan_code from areas order by id`)).rows;
    if (!units.length || !areas.length) throw new Error('units/areas are empty: run node scripts/db-migrate.ts (it loads reference data)');

    const existing = Number((await c.query(`select count(*) as n from feedback`)).rows[0].n);
    if (existing > 0) {
      if (!o.truncate) throw new Error(`feedback already has ${existing} rows; pass --truncate to replace them`);
      log(`truncating feedback (${existing} rows) and everything that references it`);
      await c.query(`truncate feedback restart identity cascade`);
    }

    // ---- reference arrays passed as parameters
    const sectorIdx = (s: string) => {
      const i = SECTOR_ORDER.indexOf(s as (typeof SECTOR_ORDER)[number]);
      return i < 0 ? 1 : i + 1;
    };
    const unitSector: (number | null)[] = [];
    for (const u of units) unitSector[u.id - 1] = sectorIdx(u.sector);
    for (let i = 0; i < unitSector.length; i++) unitSector[i] ??= 1;
    const unitSlots = slotArray(
      units.map((u) => [u.id, UNIT_WEIGHTS[u.short_name] ?? (u.kind === 'puskesmas' ? PUSKESMAS_WEIGHT : 1)] as [number, number]),
      2000,
    );
    const places = areas.filter((a) => a.kind !== 'kecamatan');
    const perKec = new Map<string, number>();
    for (const a of places) perKec.set(a.kecamatan_code, (perKec.get(a.kecamatan_code) ?? 0) + 1);
    // Within a kecamatan the first-listed (urban) areas get more: weight 1/(1 + rank/3).
    const rankInKec = new Map<string, number>();
    const areaSlots = slotArray(
      places.map((a) => {
        const rank = rankInKec.get(a.kecamatan_code) ?? 0;
        rankInKec.set(a.kecamatan_code, rank + 1);
        const kecW = KECAMATAN_WEIGHTS[a.kecamatan_code] ?? 0.05;
        const n = perKec.get(a.kecamatan_code)!;
        const norm = Array.from({ length: n }, (_, r) => 1 / (1 + r / 3)).reduce((x, y) => x + y, 0);
        return [a.id, (kecW * (1 / (1 + rank / 3))) / norm] as [number, number];
      }),
      2000,
    );
    const maxArea = Math.max(...areas.map((a) => a.id));
    const areaKec: (string | null)[] = Array.from({ length: maxArea }, () => null);
    const areaName: (string | null)[] = Array.from({ length: maxArea }, () => null);
    for (const a of areas) {
      areaKec[a.id - 1] = a.kecamatan_code;
      areaName[a.id - 1] = a.name;
    }
    const titles = flatten(SECTOR_ORDER.flatMap((s) => KIND_ORDER.map((k) => SECTOR_TEXT[s][k])));
    const bodies = flatten(SECTOR_ORDER.map((s) => SECTOR_TEXT[s].body));

    // ---- optional columns from later migrations (filled when present)
    const cols = await columnsOf(c, 'feedback');
    const optional: [string, string][] = [];
    if (cols.has('priority')) optional.push(['priority', `case when r_pri < 0.02 then 'urgent' when r_pri < 0.10 then 'high' when r_pri < 0.15 then 'low' else 'normal' end`]);
    if (cols.has('assigned_at')) optional.push(['assigned_at', 'assigned_at']);
    if (cols.has('first_response_at')) optional.push(['first_response_at', 'responded_at']);
    // As the app keeps them: the answer deadline only while unanswered, the autoclose clock only
    // while still running (the worker closes items whose clock ran out, so none are left behind).
    if (cols.has('answer_due_at')) optional.push(['answer_due_at', `case when status in ('assigned','in_progress','reopened') and responded_at is null then assigned_at + interval '7 days' end`]);
    if (cols.has('autoclose_at'))
      optional.push(['autoclose_at', `case when status in ('responded','resolved') and responded_at + interval '14 days' > now() then responded_at + interval '14 days' end`]);
    if (cols.has('verify_due_at')) optional.push(['verify_due_at', `case when moderation_state = 'pending' then created_at + interval '3 days' end`]);

    // ---- drop secondary indexes (saved first, so an interrupted run can rebuild them)
    await c.query(`create table if not exists bench_saved_indexes (name text primary key, def text not null)`);
    await c.query(`
      insert into bench_saved_indexes (name, def)
      select i.indexname, i.indexdef from pg_indexes i
      join pg_class ic on ic.relname = i.indexname and ic.relnamespace = (select oid from pg_namespace where nspname = i.schemaname)
      where i.schemaname = current_schema() and i.tablename in ('feedback', 'feedback_events')
        and not exists (select 1 from pg_constraint k where k.conindid = ic.oid)
      on conflict (name) do nothing`);
    const saved = (await c.query<{ name: string; def: string }>(`select name, def from bench_saved_indexes order by name`)).rows;
    for (const s of saved) await c.query(`drop index if exists ${pgIdent(s.name)}`);
    log(`dropped ${saved.length} secondary indexes for the load`);

    const now = new Date();
    const spanSeconds = o.years * 365.25 * 86400;
    const start = new Date(now.getTime() - spanSeconds * 1000);

    const P = {
      n: o.count,
      start: start.toISOString(),
      span: spanSeconds,
      now: now.toISOString(),
      unitSlots,
      unitSector,
      areaSlots,
      areaKec,
      areaName,
      sectors: [...SECTOR_ORDER],
      kinds: [...KIND_ORDER],
      tItems: titles.items,
      tOff: titles.off,
      tCnt: titles.cnt,
      bItems: bodies.items,
      bOff: bodies.off,
      bCnt: bodies.cnt,
      timeP: TIME_PHRASES,
      placeP: PLACE_PHRASES,
      impact: IMPACT_SENTENCES,
      request: REQUEST_SENTENCES,
      detail: DETAIL_SENTENCES,
      officers: OFFICER_NAMES,
    };
    const names = Object.keys(P) as (keyof typeof P)[];
    const types: Record<keyof typeof P, string> = {
      n: 'float8', start: 'timestamptz', span: 'float8', now: 'timestamptz', unitSlots: 'int[]', unitSector: 'int[]', areaSlots: 'int[]', areaKec: 'text[]',
      areaName: 'text[]', sectors: 'text[]', kinds: 'text[]', tItems: 'text[]', tOff: 'int[]', tCnt: 'int[]', bItems: 'text[]', bOff: 'int[]', bCnt: 'int[]',
      timeP: 'text[]', placeP: 'text[]', impact: 'text[]', request: 'text[]', detail: 'text[]', officers: 'text[]',
    };
    // $1, $2 are the chunk bounds; the rest are the arrays above.
    const p = (k: keyof typeof P) => `$${names.indexOf(k) + 3}::${types[k]}`;
    const pick = (k: keyof typeof P) => `(${p(k)})[1 + floor(random() * cardinality(${p(k)}))::int]`;

    const insertFeedback = `
      insert into feedback (id, tracking_hash, idempotency_hash, kind, unit_id, sector, area_id, kecamatan_code, location_text, occurred_on,
        title, body_md, body_html, officer_named, anonymous, confidential, author_id, moderation_state, status, support_count,
        created_at, updated_at, published_at, responded_at, closed_at${optional.map(([k]) => `, ${k}`).join('')})
      select i, md5('bench-track-' || i), case when i % 10 < 7 then md5('bench-idem-' || i) end, kind, unit_id, (${p('sectors')})[unit_sector], area_id,
        (${p('areaKec')})[area_id], location_text, occurred_on, title, body, '<p>' || body || '</p>', officer_named, anonymous, confidential, null,
        moderation_state, status, support_count, created_at, greatest(created_at, coalesce(closed_at, responded_at, published_at, created_at)),
        published_at, responded_at, closed_at${optional.map(([, e]) => `, ${e}`).join('')}
      from (
        select z.*,
          (${p('tItems')})[(${p('tOff')})[tkey] + floor(r_t1 * (${p('tCnt')})[tkey])::int]
            || case when area_id is not null and r_t2 < 0.30 then ' di ' || (${p('areaName')})[area_id]
                    when kind = 'keluhan' and r_t2 < 0.50 then ' ' || ${pick('timeP')}
                    else '' end as title,
          (${p('bItems')})[(${p('bOff')})[text_sector] + floor(r_b1 * (${p('bCnt')})[text_sector])::int]
            || case when r_b2 < 0.6 then ' ' || (${p('bItems')})[(${p('bOff')})[text_sector] + floor(r_b3 * (${p('bCnt')})[text_sector])::int] else '' end
            || case when area_id is not null and r_b4 < 0.5 then ' Lokasinya ' || ${pick('placeP')} || ', ' || (${p('areaName')})[area_id] || '.'
                    when area_id is not null then ' Kejadian di ' || (${p('areaName')})[area_id] || ' ' || ${pick('timeP')} || '.'
                    else '' end
            || case when kind = 'keluhan' then ' ' || ${pick('impact')} else '' end
            || case when r_b5 < 0.12 then ' ' || ${pick('detail')} else '' end
            || case when officer_named is not null then ' Petugas yang melayani: ' || officer_named || '.' else '' end
            || ' ' || ${pick('request')} as body
        from (
          select y.*,
            case when moderation_state in ('published','hidden') then least(${p('now')}, created_at + (0.05 + r_t * 1.5) * interval '1 day') end as published_at,
            case when status in ('responded','resolved','closed','reopened') then least(${p('now')}, created_at + (1 + r_t * 9) * interval '1 day') end as responded_at,
            case when status = 'closed' then least(${p('now')}, created_at + (11 + r_t * 12) * interval '1 day') end as closed_at,
            case when unit_id is not null and status <> 'received' and moderation_state in ('published','hidden')
                 then least(${p('now')}, created_at + (0.2 + r_t) * interval '1 day') end as assigned_at,
            case when moderation_state = 'published' and not confidential
                 then least(5000, floor(0.5 * power(1 / (1 - r_sup), 1.1) * least(1.0, age_days / 7)))::int else 0 end as support_count
          from (
            select y0.*,
              case when moderation_state = 'pending' or moderation_state = 'rejected' then 'received'
                   when unit_id is null then (case when age_days > 30 and r_stat < 0.6 then 'closed' else 'received' end)
                   when age_days < 3 then (case when r_stat < 0.5 then 'received' when r_stat < 0.85 then 'assigned' else 'in_progress' end)
                   when age_days < 14 then (case when r_stat < 0.10 then 'received' when r_stat < 0.35 then 'assigned' when r_stat < 0.65 then 'in_progress' when r_stat < 0.95 then 'responded' else 'resolved' end)
                   when age_days < 60 then (case when r_stat < 0.03 then 'received' when r_stat < 0.10 then 'assigned' when r_stat < 0.25 then 'in_progress' when r_stat < 0.50 then 'responded' when r_stat < 0.70 then 'resolved' when r_stat < 0.98 then 'closed' else 'reopened' end)
                   else (case when r_stat < 0.01 then 'received' when r_stat < 0.03 then 'assigned' when r_stat < 0.07 then 'in_progress' when r_stat < 0.12 then 'responded' when r_stat < 0.25 then 'resolved' when r_stat < 0.98 then 'closed' else 'reopened' end)
              end as status
            from (
            select x.*,
              (${p('kinds')})[kind_i] as kind,
              (text_sector - 1) * 4 + kind_i as tkey,
              case when age_days < 2 then (case when r_mod < 0.40 then 'pending' when r_mod < 0.95 then 'published' else 'rejected' end)
                   else (case when r_mod < 0.003 then 'pending' when r_mod < 0.863 then 'published' when r_mod < 0.96 then 'rejected' else 'hidden' end)
              end as moderation_state
            from (
              select i, created_at, extract(epoch from (${p('now')} - created_at)) / 86400 as age_days,
                (${p('unitSector')})[txt_unit] as text_sector,
                case when r_nounit < 0.08 then null else txt_unit end as unit_id,
                case when r_nounit < 0.08 then null else (${p('unitSector')})[txt_unit] end as unit_sector,
                case when r_area < 0.85 then (${p('areaSlots')})[1 + floor(random() * cardinality(${p('areaSlots')}))::int] end as area_id,
                case when r_kind < 0.55 then 1 when r_kind < 0.73 then 2 when r_kind < 0.88 then 3 else 4 end as kind_i,
                case when random() < 0.5 then ${pick('placeP')} end as location_text,
                (created_at - floor(random() * 5) * interval '1 day')::date as occurred_on,
                case when random() < 0.03 then ${pick('officers')} end as officer_named,
                random() < 0.25 as anonymous,
                random() < 0.06 as confidential,
                r_mod, r_stat, r_t, r_sup, r_pri, r_t1, r_t2, r_b1, r_b2, r_b3, r_b4, r_b5
              from (
                select i,
                  ${p('start')} + power((i - 1 + random() * 0.9) / ${p('n')}, 0.75) * ${p('span')} * interval '1 second' as created_at,
                  (${p('unitSlots')})[1 + floor(random() * cardinality(${p('unitSlots')}))::int] as txt_unit,
                  random() as r_nounit, random() as r_area, random() as r_kind, random() as r_mod, random() as r_stat, random() as r_t,
                  random() as r_sup, random() as r_pri, random() as r_t1, random() as r_t2, random() as r_b1, random() as r_b2,
                  random() as r_b3, random() as r_b4, random() as r_b5
                from generate_series($1::bigint, $2::bigint) as i
                offset 0
              ) w
              offset 0
            ) x
            offset 0
            ) y0
            offset 0
          ) y
          offset 0
        ) z
        offset 0
      ) f`;

    const eventCols = await columnsOf(c, 'feedback_events');
    const insertEvents = [
      // submitted
      `insert into feedback_events (feedback_id, at, kind, public, to_status)
       select id, created_at, 'submitted', true, 'received' from feedback where id between $1 and $2`,
      // published / rejected / (hidden items were published first)
      `insert into feedback_events (feedback_id, at, kind, public, actor_role)
       select id, coalesce(published_at, created_at + interval '6 hours'), case when moderation_state = 'rejected' then 'rejected' else 'published' end, true, 'moderator'
       from feedback where id between $1 and $2 and moderation_state <> 'pending'`,
      // the unit's answer
      `insert into feedback_events (feedback_id, at, kind, public, actor_role, from_status, to_status, body_md, body_html)
       select id, responded_at, 'response', true, 'asn', 'in_progress', 'responded', r.t, '<p>' || r.t || '</p>'
       from feedback cross join lateral (select ($3::text[])[1 + (id % cardinality($3::text[]))::int] as t) r
       where id between $1 and $2 and responded_at is not null`,
      // closing
      `insert into feedback_events (feedback_id, at, kind, public, actor_role, from_status, to_status)
       select id, closed_at, 'status', true, 'asn', 'resolved', 'closed' from feedback where id between $1 and $2 and closed_at is not null`,
      `insert into feedback_ratings (feedback_id, score, comment, created_at, updated_at)
       select id, 1 + floor(power(random(), 0.7) * 5)::int, case when random() < 0.3 then 'Terima kasih, sudah ditangani.' end, coalesce(closed_at, responded_at), coalesce(closed_at, responded_at)
       from feedback where id between $1 and $2 and status in ('resolved','closed') and unit_id is not null and random() < 0.3`,
    ];
    if (!eventCols.has('body_md')) throw new Error('feedback_events has no body_md column: the generator needs updating');

    const values = names.map((k) => P[k]);
    const chunks: [number, number][] = [];
    for (let lo = 1; lo <= o.count; lo += o.chunk) chunks.push([lo, Math.min(o.count, lo + o.chunk - 1)]);
    let done = 0;
    const tLoad = performance.now();
    async function worker(w: number): Promise<void> {
      const wc = await pool.connect();
      try {
        await wc.query(`set session_replication_role = replica`); // skip FK triggers: the data is consistent by construction
        await wc.query(`set synchronous_commit = off`);
        for (let k = w; k < chunks.length; k += o.workers) {
          const [lo, hi] = chunks[k]!;
          await wc.query(`select setseed($1)`, [((k * 7919) % 10000) / 10000]);
          await wc.query('begin');
          await wc.query(insertFeedback, [lo, hi, ...values]);
          if (o.events) for (const sql of insertEvents) await wc.query(sql, sql.includes('$3') ? [lo, hi, RESPONSES] : [lo, hi]);
          await wc.query('commit');
          done += hi - lo + 1;
          log(`  ${done.toLocaleString('en')} / ${o.count.toLocaleString('en')} rows (${secondsSince(tLoad)} s)`);
        }
      } catch (e) {
        await wc.query('rollback').catch(() => {});
        throw e;
      } finally {
        wc.release();
      }
    }
    log(`inserting ${o.count.toLocaleString('en')} feedback items in ${chunks.length} chunks on ${o.workers} connections`);
    await Promise.all(Array.from({ length: o.workers }, (_, w) => worker(w)));
    log(`rows inserted in ${secondsSince(tLoad)} s`);
    await c.query(`select setval(pg_get_serial_sequence('feedback', 'id'), greatest(1, (select max(id) from feedback)))`);

    // ---- rebuild the indexes, two at a time
    const tIdx = performance.now();
    const queue = [...saved].sort((a, b) => Number(/using gin/i.test(b.def)) - Number(/using gin/i.test(a.def)));
    async function indexWorker(): Promise<void> {
      const wc = await pool.connect();
      try {
        await wc.query(`set maintenance_work_mem = '${embedded ? '128MB' : '512MB'}'`);
        for (let s = queue.shift(); s; s = queue.shift()) {
          const t = performance.now();
          await wc.query(s.def.replace(/^CREATE (UNIQUE )?INDEX /i, (m) => `${m}IF NOT EXISTS `));
          log(`  index ${s.name} (${secondsSince(t)} s)`);
        }
      } finally {
        wc.release();
      }
    }
    await Promise.all(embedded ? [indexWorker()] : [indexWorker(), indexWorker()]);
    await c.query(`drop table bench_saved_indexes`);
    log(`indexes rebuilt in ${secondsSince(tIdx)} s`);

    const tVac = performance.now();
    for (const t of ['feedback', 'feedback_events', 'feedback_ratings']) await c.query(`vacuum (analyze) ${t}`);
    log(`vacuum analyze in ${secondsSince(tVac)} s`);
    // As a restore ends: the loaded gigabytes written out now, not by the checkpointer during the
    // first minutes of measuring.
    const tCkpt = performance.now();
    await c.query('checkpoint');
    log(`checkpoint in ${secondsSince(tCkpt)} s`);
    // The test cluster runs with fsync off: the checkpoint leaves its gigabytes in the kernel's
    // page cache, which writes them back to disk during the first minute of measuring. A
    // restored production database has them on disk already.
    const dirty = dirtyMiB();
    const tSync = performance.now();
    execFileSync('sync');
    const flushed = { dirtyMiB: dirty, seconds: (performance.now() - tSync) / 1000 };
    log(`sync: ${dirty} MiB of dirty pages written back in ${secondsSince(tSync)} s`);

    const counts = (await c.query(`select (select count(*) from feedback) as feedback, (select count(*) from feedback_events) as events`)).rows[0];
    const seconds = (performance.now() - t0) / 1000;
    log(`done: ${Number(counts.feedback).toLocaleString('en')} feedback, ${Number(counts.events).toLocaleString('en')} events in ${seconds.toFixed(1)} s`);
    return { seconds, feedback: Number(counts.feedback), events: Number(counts.events), flushed };
  } finally {
    c.release();
    await pool.end();
  }
}

function pgIdent(s: string): string {
  return `"${s.replaceAll('"', '""')}"`;
}

export function parseGenerateArgs(argv: string[]): Omit<GenerateOptions, 'databaseUrl' | 'pglite'> {
  const { values } = parseArgs({
    args: argv,
    strict: false,
    options: {
      count: { type: 'string' },
      years: { type: 'string' },
      chunk: { type: 'string' },
      workers: { type: 'string' },
      truncate: { type: 'boolean' },
      'no-events': { type: 'boolean' },
    },
  });
  const num = (v: unknown, d: number) => (typeof v === 'string' && v.trim() ? Number(v.replaceAll('_', '').replaceAll(',', '')) : d);
  return {
    count: num(values.count, 1_000_000),
    years: num(values.years, 3),
    chunk: num(values.chunk, 50_000),
    workers: num(values.workers, 2),
    truncate: !!values.truncate,
    events: !values['no-events'],
  };
}

if (import.meta.main) {
  const databaseUrl = process.env.DATABASE_URL;
  const dataDir = parseArgs({ args: process.argv.slice(2), strict: false, options: { 'data-dir': { type: 'string' } } }).values['data-dir'];
  if (!databaseUrl && typeof dataDir !== 'string') {
    process.stderr.write('DATABASE_URL (a migrated and seeded PostgreSQL database) or --data-dir DIR (a migrated embedded one) is required\n');
    process.exit(2);
  }
  try {
    let r: GenerateResult;
    if (databaseUrl) r = await generate({ databaseUrl, ...parseGenerateArgs(process.argv.slice(2)) });
    else {
      const { lockDataDir } = await import('../src/server/db/index.ts');
      const { openPGlite } = await import('../src/server/db/pglite-engine.ts');
      const dir = path.resolve(dataDir as string);
      const release = lockDataDir(dir);
      const pglite = await openPGlite(path.join(dir, 'pglite'));
      try {
        r = await generate({ pglite, ...parseGenerateArgs(process.argv.slice(2)) });
      } finally {
        await pglite.close();
        release();
      }
    }
    console.log(JSON.stringify(r));
  } catch (e) {
    process.stderr.write(`generate failed: ${(e as Error).message}\n`);
    process.exit(1);
  }
}
