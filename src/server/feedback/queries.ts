import { sql, type Expression, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { Db } from '../db/index.ts';
import type { Database, FeedbackChannel, FeedbackKind, FeedbackEventKind, FlagReason, HandlingStatus, NotifyChannels, Sector } from '../db/schema.ts';

/**
 * Every SQL statement of the feedback domain (submission, reading, tracking, the board).
 *
 * Why it is one file of more than 400 lines: it is a flat list of short, independent statements
 * grouped under section comments, with no logic between them; keeping the domain's SQL in one
 * module is what the rule 'SQL only in queries' (eslint baku/sql-in-queries) points readers to,
 * and the use cases that call it are split by topic instead. The board's filter (whereBoardFilter)
 * is shared with the map and the exports, which is another reason to keep it next to the
 * statements that use it.
 */

// ---- reference lookups for the form

export function selectUnitsForForm(db: Db) {
  return db.selectFrom('units').select(['id', 'short_name', 'name', 'sector', 'slug']).where('active', '=', true).orderBy('sector').orderBy('short_name').execute();
}

export function selectAreasForForm(db: Db) {
  return db.selectFrom('areas').select(['id', 'code', 'name', 'kind', 'kecamatan_code']).orderBy('kecamatan_code').orderBy('name').execute();
}

export function findUnit(db: Db, id: number) {
  return db.selectFrom('units').select(['id', 'sector', 'short_name', 'slug']).where('id', '=', id).where('active', '=', true).executeTakeFirst();
}

export function findKecamatan(db: Db, code: string) {
  return db.selectFrom('areas').select(['code', 'name']).where('code', '=', code).where('kind', '=', 'kecamatan').executeTakeFirst();
}

/** A feedback item anyone may see (published, not confidential): what alerts and feeds may follow. */
export function findPublicFeedback(db: Db, id: number) {
  return db
    .selectFrom('feedback')
    .select(['id', 'title'])
    .where('id', '=', id)
    .where('moderation_state', '=', 'published')
    .where('confidential', '=', false)
    .executeTakeFirst();
}

export function findArea(db: Db, id: number) {
  return db.selectFrom('areas').select(['id', 'code', 'kecamatan_code', 'kind', 'name']).where('id', '=', id).executeTakeFirst();
}

// ---- writing

export interface FeedbackInsert {
  tracking_hash: string;
  idempotency_hash: string;
  code_attempt: number;
  kind: FeedbackKind;
  unit_id: number | null;
  sector: Sector | null;
  area_id: number | null;
  kecamatan_code: string | null;
  location_text: string | null;
  /** The optional map pin, already checked to be inside the city. */
  latitude?: number | null;
  longitude?: number | null;
  occurred_on: string | null;
  title: string;
  body_md: string;
  body_html: string;
  officer_named: string | null;
  anonymous: boolean;
  confidential: boolean;
  author_id: string | null;
  status: HandlingStatus;
  verify_due_at: Date;
  channel?: FeedbackChannel;
}

export async function insertFeedback(db: Db, f: FeedbackInsert): Promise<{ id: number; created_at: Date }> {
  return db.insertInto('feedback').values(f).returning(['id', 'created_at']).executeTakeFirstOrThrow();
}

export function findFeedbackIdByIdempotency(db: Db, hash: string) {
  return db.selectFrom('feedback').select(['id', 'code_attempt']).where('idempotency_hash', '=', hash).executeTakeFirst();
}

export async function insertContact(db: Db, c: { feedback_id: number; name: string | null; email: string | null; phone: string | null; locale: 'id' | 'en'; notify?: NotifyChannels }): Promise<void> {
  await db.insertInto('feedback_contacts').values(c).execute();
}

export function selectContact(db: Db, feedbackId: number) {
  return db.selectFrom('feedback_contacts').selectAll().where('feedback_id', '=', feedbackId).executeTakeFirst();
}

export async function insertEvent(
  db: Db,
  e: {
    feedback_id: number;
    kind: FeedbackEventKind;
    public: boolean;
    actor_id?: string | null;
    actor_role?: string | null;
    from_status?: HandlingStatus | null;
    to_status?: HandlingStatus | null;
    body_md?: string | null;
    body_html?: string | null;
    at?: Date;
  },
): Promise<void> {
  await db.insertInto('feedback_events').values(e).execute();
}

export async function insertPhoto(
  db: Db,
  p: { feedback_id: number; file_name: string; mime: 'image/jpeg' | 'image/png' | 'image/webp'; width: number; height: number; bytes: number },
): Promise<void> {
  await db.insertInto('feedback_photos').values(p).execute();
}

export async function updateFeedbackStatus(
  db: Db,
  id: number,
  patch: { status: HandlingStatus; closed_at?: Date | null; autoclose_at?: Date | null; updated_at: Date },
): Promise<void> {
  await db.updateTable('feedback').set(patch).where('id', '=', id).execute();
}

// ---- reading one feedback

/** The whole row, for services that decide what the viewer may see. */
export function findFeedback(db: Db, id: number) {
  return db
    .selectFrom('feedback')
    .leftJoin('units', 'units.id', 'feedback.unit_id')
    .leftJoin('areas', 'areas.id', 'feedback.area_id')
    .leftJoin('areas as kec', (j) => j.onRef('kec.code', '=', 'feedback.kecamatan_code'))
    .selectAll('feedback')
    .select(['units.short_name as unit_short_name', 'units.name as unit_name', 'units.slug as unit_slug', 'areas.name as area_name', 'kec.name as kecamatan_name'])
    .where('feedback.id', '=', id)
    .executeTakeFirst();
}

export function findFeedbackByTrackingHash(db: Db, hash: string) {
  return db.selectFrom('feedback').select('id').where('tracking_hash', '=', hash).executeTakeFirst();
}

export function selectUserDisplayName(db: Db, userId: string) {
  return db.selectFrom('users').select('display_name').where('id', '=', userId).executeTakeFirst();
}

/** The reporter added something: the item is touched, and an answered item goes back in progress when `reopen`. */
export async function touchByReporter(db: Db, id: number, now: Date, reopen: boolean): Promise<void> {
  await db
    .updateTable('feedback')
    .set(reopen ? { updated_at: now, autoclose_at: null, status: 'in_progress' } : { updated_at: now })
    .where('id', '=', id)
    .execute();
}

export function lockFeedback(db: Db, id: number) {
  return db
    .selectFrom('feedback')
    .select(['id', 'status', 'moderation_state', 'confidential', 'author_id', 'closed_at', 'responded_at', 'autoclose_at'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/** The item, when this account sent it (signed in); undefined for anyone else's. */
export function findFeedbackOfAuthor(db: Db, id: number, authorId: string) {
  return db.selectFrom('feedback').select('id').where('id', '=', id).where('author_id', '=', authorId).executeTakeFirst();
}

export function selectEvents(db: Db, feedbackId: number, opts: { publicOnly: boolean; alsoKinds?: FeedbackEventKind[] }) {
  let q = db
    .selectFrom('feedback_events')
    .leftJoin('users', 'users.id', 'feedback_events.actor_id')
    .select([
      'feedback_events.id',
      'feedback_events.at',
      'feedback_events.kind',
      'feedback_events.public',
      'feedback_events.actor_role',
      'feedback_events.from_status',
      'feedback_events.to_status',
      'feedback_events.body_html',
      'feedback_events.body_md',
      'users.display_name as actor_name',
    ])
    .where('feedback_events.feedback_id', '=', feedbackId);
  if (opts.publicOnly) {
    const kinds = opts.alsoKinds ?? [];
    q = q.where((eb) => (kinds.length ? eb.or([eb('feedback_events.public', '=', true), eb('feedback_events.kind', 'in', kinds)]) : eb('feedback_events.public', '=', true)));
  }
  return q.orderBy('feedback_events.at').orderBy('feedback_events.id').execute();
}

export function selectPhotos(db: Db, feedbackId: number, includeHidden: boolean) {
  let q = db.selectFrom('feedback_photos').select(['id', 'file_name', 'mime', 'width', 'height', 'hidden']).where('feedback_id', '=', feedbackId);
  if (!includeHidden) q = q.where('hidden', '=', false);
  return q.orderBy('id').execute();
}

export function findPhotoWithFeedback(db: Db, fileName: string) {
  return db
    .selectFrom('feedback_photos')
    .innerJoin('feedback', 'feedback.id', 'feedback_photos.feedback_id')
    .select(['feedback_photos.file_name', 'feedback_photos.mime', 'feedback_photos.hidden', 'feedback.id as feedback_id', 'feedback.moderation_state', 'feedback.confidential', 'feedback.unit_id', 'feedback.author_id'])
    .where('feedback_photos.file_name', '=', fileName)
    .executeTakeFirst();
}

export function selectRating(db: Db, feedbackId: number) {
  return db.selectFrom('feedback_ratings').select(['score', 'comment', 'created_at', 'updated_at']).where('feedback_id', '=', feedbackId).executeTakeFirst();
}

export async function upsertRating(db: Db, r: { feedback_id: number; score: number; comment: string | null }): Promise<void> {
  await db
    .insertInto('feedback_ratings')
    .values(r)
    .onConflict((oc) => oc.column('feedback_id').doUpdateSet({ score: r.score, comment: r.comment, updated_at: sql`now()` }))
    .execute();
}

// ---- supports and flags

/** Adds a support once per person; returns false when it already existed. */
export async function insertSupport(db: Db, feedbackId: number, userId: string): Promise<boolean> {
  const r = await db
    .insertInto('feedback_supports')
    .values({ feedback_id: feedbackId, user_id: userId })
    .onConflict((oc) => oc.columns(['feedback_id', 'user_id']).doNothing())
    .returning('user_id')
    .executeTakeFirst();
  return r !== undefined;
}

export async function incrementSupportCount(db: Db, feedbackId: number): Promise<number> {
  const r = await db
    .updateTable('feedback')
    .set({ support_count: sql`support_count + 1` })
    .where('id', '=', feedbackId)
    .returning('support_count')
    .executeTakeFirstOrThrow();
  return r.support_count;
}

export async function hasSupported(db: Db, feedbackId: number, userId: string): Promise<boolean> {
  return !!(await db.selectFrom('feedback_supports').select('user_id').where('feedback_id', '=', feedbackId).where('user_id', '=', userId).executeTakeFirst());
}

/** Adds a flag unless this reporter already has an open one on the item. */
export async function insertFlag(
  db: Db,
  f: { feedback_id: number; user_id: string | null; reporter_key: string; reason: FlagReason; note: string | null },
): Promise<boolean> {
  const r = await db
    .insertInto('feedback_flags')
    .values(f)
    .onConflict((oc) => oc.columns(['feedback_id', 'reporter_key']).where('resolved_at', 'is', null).doNothing())
    .returning('id')
    .executeTakeFirst();
  return r !== undefined;
}

// ---- lists

export interface BoardFilter {
  kind?: FeedbackKind;
  unitId?: number;
  sector?: Sector;
  kecamatan?: string;
  status?: HandlingStatus;
  from?: Date;
  to?: Date;
  q?: string;
}

export type BoardSort = 'new' | 'support' | 'waiting';

/** The board's filters except the text search (shared by the list and its map view). */
export function whereBoardFilter<O>(q: SelectQueryBuilder<Database, 'feedback', O>, filter: BoardFilter): SelectQueryBuilder<Database, 'feedback', O> {
  if (filter.kind) q = q.where('feedback.kind', '=', filter.kind);
  if (filter.unitId) q = q.where('feedback.unit_id', '=', filter.unitId);
  if (filter.sector) q = q.where('feedback.sector', '=', filter.sector);
  if (filter.kecamatan) q = q.where('feedback.kecamatan_code', '=', filter.kecamatan);
  if (filter.status) q = q.where('feedback.status', '=', filter.status);
  if (filter.from) q = q.where('feedback.created_at', '>=', filter.from);
  if (filter.to) q = q.where('feedback.created_at', '<', filter.to);
  return q;
}

export interface BoardCursor {
  /** created_at in microseconds since the epoch (new/waiting), or support_count (support). */
  v: number;
  id: number;
}

/** An instant given in microseconds since the epoch, exactly. */
function atMicros(us: number) {
  return sql`(timestamptz 'epoch' + ${us}::float8 * interval '1 microsecond')`;
}

/**
 * One page of the public board: published, non-confidential feedback only, in keyset order
 * (no OFFSET, no COUNT), so every page costs the same on a million rows.
 *
 * The page is chosen from `feedback` alone (filters, cursor, order, limit) and only then joined
 * to units and areas: with the joins inside, a low row estimate (a cursor among the many items
 * with 0 supports is estimated at 1 row) lets the planner hash-join and sort the whole remaining
 * board before the limit applies.
 */
export async function selectBoardPage(db: Db, filter: BoardFilter, sort: BoardSort, after: BoardCursor | null, limit: number) {
  // "Waiting longest" lists open items only: a resolved/closed status filter matches nothing, and
  // the database would walk the whole open-items index to find that out.
  if (sort === 'waiting' && (filter.status === 'resolved' || filter.status === 'closed')) return [];
  const query = filter.q ? filter.q.trim() : '';
  if (!query) return boardPageQuery(db, filter, sort, after, limit, 'none').execute();
  // Search. The planner guesses how many items match from word frequencies and guesses badly
  // both ways: words that never occur together ("puskesmas angkot") or at all look common enough
  // to walk the listing's index, which then reads most of it (tens of milliseconds to seconds);
  // words that always occur together ("lampu jalan mati") look rare, so it collects and sorts
  // tens of thousands of matches. So: first look among the first items of the listing (a window of
  // bounded size, walked in listing order through the leading facet's index); a full page there
  // is the answer. Otherwise matches are sparse there, and the GIN index over the vector and the
  // filter columns finds them all (forced: index scans in listing order are off for that query),
  // at most about limit × listing / window rows.
  const recent = await boardPageQuery(db, filter, sort, after, limit, 'window').execute();
  if (recent.length >= limit) return recent;
  return db.transaction().execute(async (trx) => {
    await sql`set local enable_indexscan = off`.execute(trx);
    await sql`set local enable_seqscan = off`.execute(trx);
    // A plan for thousands of estimated matches can cross the JIT threshold; compiling it costs
    // more (~100 ms) than running it.
    await sql`set local jit = off`.execute(trx);
    return boardPageQuery(trx, filter, sort, after, limit, 'all').execute();
  });
}

type Facet = 'unitId' | 'sector' | 'kecamatan' | 'kind' | 'status';

function facetsOf(filter: BoardFilter): Facet[] {
  return (['unitId', 'sector', 'kecamatan', 'kind', 'status'] as const).filter((f) => filter[f] !== undefined);
}

/**
 * The facet whose listing index a window walks, or null for the whole board's. A status leads
 * when it is chosen: within its own listing the other facets are spread about evenly along the
 * order, so a window that finds few of them means few exist; within another facet's listing a
 * status is not (closed items are old and much supported, open ones young and little
 * supported), and an empty window would say nothing about the rest. "Waiting longest" lists
 * open items only and has no index by status: there the narrowest kind of listing leads.
 */
function leadFacet(filter: BoardFilter, sort: BoardSort): Facet | null {
  if (filter.status && sort !== 'waiting') return 'status';
  return facetsOf(filter).find((f) => f !== 'status') ?? null;
}

const FACET_COLUMN = { unitId: 'unit_id', sector: 'sector', kecamatan: 'kecamatan_code', kind: 'kind', status: 'status' } as const;

/**
 * How many items of a listing a window looks through before the GIN index is used. The window
 * reads heap pages in listing order and the GIN path one heap page per match, so the worst case
 * (matches just too sparse to fill a page in the window) reads about w·W + limit × listing / W
 * pages, least at W ≈ √(limit × listing / w), w being the heap pages per window row. The whole
 * board's window walks the heap in the order it was written (newest items are neighbours, about
 * 5 to a page: w ≈ 0.2, listing ≈ 800,000: W ≈ 9,000); a facet's listing's rows are scattered
 * (w ≈ 1) and the listing is a sector, kecamatan, unit or kind (≤ 200,000: W ≈ 2,000), or a
 * status (closed items are most of the board: ≤ 600,000, W ≈ 3,500). Either way the worst case
 * is about 4,000 to 7,000 pages on a million items.
 */
function windowSize(lead: Facet | null): number {
  return lead === null ? 8000 : lead === 'status' ? 4000 : 2000;
}

function boardPageQuery(db: Db, filter: BoardFilter, sort: BoardSort, after: BoardCursor | null, limit: number, mode: 'none' | 'window' | 'all') {
  const query = filter.q ? filter.q.trim() : '';
  const lead = leadFacet(filter, sort);
  // The window's inner query has the leading facet only: the others, and the words, are looked
  // for within the window.
  const scope: BoardFilter = mode === 'window' ? { ...(lead ? { [lead]: filter[lead] } : {}), from: filter.from, to: filter.to } : filter;
  let q = db
    .selectFrom('feedback')
    .select([
      'feedback.id',
      'feedback.kind',
      'feedback.title',
      'feedback.body_md',
      'feedback.status',
      'feedback.support_count',
      'feedback.created_at',
      'feedback.unit_id',
      'feedback.area_id',
      'feedback.kecamatan_code',
      'feedback.sector',
      'feedback.search',
      // The cursor keeps the database's full (microsecond) precision; a JavaScript Date would not.
      sql<number>`(extract(epoch from feedback.created_at) * 1000000)::bigint`.as('created_us'),
    ])
    .where('feedback.moderation_state', '=', 'published')
    .where('feedback.confidential', '=', false);
  q = whereBoardFilter(q, scope);
  if (sort === 'waiting') q = q.where('feedback.status', 'not in', ['resolved', 'closed']);
  // Indonesian stemming (pelayanan ~ melayani) or exact words (names, codes).
  const tsq = sql`(websearch_to_tsquery('indonesian', ${query}) || websearch_to_tsquery('simple', ${query}))`;
  if (mode === 'all') q = q.where(sql<SqlBool>`feedback.search @@ ${tsq}`);
  if (after) {
    const cmp: Expression<SqlBool> =
      sort === 'new'
        ? sql<SqlBool>`(feedback.created_at, feedback.id) < (${atMicros(after.v)}, ${after.id})`
        : sort === 'waiting'
          ? sql<SqlBool>`(feedback.created_at, feedback.id) > (${atMicros(after.v)}, ${after.id})`
          : sql<SqlBool>`(feedback.support_count, feedback.id) < (${after.v}, ${after.id})`;
    q = q.where(cmp);
  }
  q =
    sort === 'new'
      ? q.orderBy('feedback.created_at', 'desc').orderBy('feedback.id', 'desc')
      : sort === 'waiting'
        ? q.orderBy('feedback.created_at', 'asc').orderBy('feedback.id', 'asc')
        : q.orderBy('feedback.support_count', 'desc').orderBy('feedback.id', 'desc');
  let inner = q.limit(mode === 'window' ? windowSize(lead) : limit).as('f');
  if (mode === 'window') {
    // The window in listing order, then the matches within it, still in listing order.
    let w = db.selectFrom(inner).selectAll('f');
    for (const facet of facetsOf(filter)) if (facet !== lead) w = w.where(sql.ref(`f.${FACET_COLUMN[facet]}`), '=', filter[facet]!);
    w = w.where(sql<SqlBool>`f.search @@ ${tsq}`);
    w =
      sort === 'new'
        ? w.orderBy('f.created_at', 'desc').orderBy('f.id', 'desc')
        : sort === 'waiting'
          ? w.orderBy('f.created_at', 'asc').orderBy('f.id', 'asc')
          : w.orderBy('f.support_count', 'desc').orderBy('f.id', 'desc');
    inner = w.limit(limit).as('f');
  }
  const page = db
    .selectFrom(inner)
    .leftJoin('units', 'units.id', 'f.unit_id')
    .leftJoin('areas', 'areas.id', 'f.area_id')
    .select([
      'f.id',
      'f.kind',
      'f.title',
      'f.status',
      'f.support_count',
      'f.created_at',
      'f.unit_id',
      'f.kecamatan_code',
      'f.created_us',
      'units.short_name as unit_short_name',
      'areas.name as area_name',
      (query
        ? sql<string | null>`ts_headline('indonesian', f.title, ${tsq}, 'StartSel=<mark>, StopSel=</mark>, HighlightAll=true')`
        : sql<string | null>`null::text`
      ).as('title_highlight'),
      (query
        ? sql<string | null>`ts_headline('indonesian', f.body_md, ${tsq}, 'StartSel=<mark>, StopSel=</mark>, MaxWords=30, MinWords=12, MaxFragments=1')`
        : sql<string | null>`left(f.body_md, 220)`
      ).as('excerpt_highlight'),
    ]);
  return sort === 'new'
    ? page.orderBy('f.created_at', 'desc').orderBy('f.id', 'desc')
    : sort === 'waiting'
      ? page.orderBy('f.created_at', 'asc').orderBy('f.id', 'asc')
      : page.orderBy('f.support_count', 'desc').orderBy('f.id', 'desc');
}

/**
 * The words of a typed title as the board's search index stores them for titles (Indonesian
 * stemming, stop words dropped), longest first: the similar-feedback suggestion looks up
 * candidates by these.
 */
export async function selectTitleLexemes(db: Db, title: string, max: number): Promise<string[]> {
  const r = await sql<{ lexeme: string }>`
    select lexeme from unnest(to_tsvector('indonesian', ${title})) order by length(lexeme) desc, lexeme limit ${max}`.execute(db);
  return r.rows.map((x) => x.lexeme);
}

export interface SimilarScope {
  unitId?: number;
  areaId?: number;
  kecamatan?: string;
}

function similarRows(db: Db, title: string) {
  return db
    .selectFrom('feedback')
    .leftJoin('units', 'units.id', 'feedback.unit_id')
    .select([
      'feedback.id',
      'feedback.title',
      'feedback.status',
      'feedback.support_count',
      'feedback.kind',
      'feedback.created_at',
      'units.short_name as unit_short_name',
      sql<number>`similarity(feedback.title, ${title})`.as('score'),
    ])
    .where(sql<SqlBool>`feedback.title % ${title}`);
}

/** A tsquery of title words (weight A in feedback.search), joined by `|` or `&`. */
const titleWords = (lexemes: string[], op: '|' | '&') => sql<string>`to_tsquery('simple', ${lexemes.map((w) => `${w}:A`).join(` ${op} `)})`;

/**
 * Similar feedback among the newest `window` public items of the unit (else the kecamatan, else
 * the city): those whose title shares a word with the one typed and is trigram-similar to it
 * (`%`, pg_trgm's threshold), the most similar first. Reads `window` rows of a board index.
 */
export function selectSimilarRecent(db: Db, title: string, lexemes: string[], scope: SimilarScope, window: number, limit: number) {
  let recent = db
    .selectFrom('feedback')
    .select(['feedback.id', 'feedback.title', 'feedback.status', 'feedback.support_count', 'feedback.kind', 'feedback.created_at', 'feedback.unit_id', 'feedback.search'])
    .where('feedback.moderation_state', '=', 'published')
    .where('feedback.confidential', '=', false);
  if (scope.unitId) recent = recent.where('feedback.unit_id', '=', scope.unitId);
  else if (scope.kecamatan) recent = recent.where('feedback.kecamatan_code', '=', scope.kecamatan);
  return db
    .selectFrom(recent.orderBy('feedback.created_at', 'desc').orderBy('feedback.id', 'desc').limit(window).as('r'))
    .leftJoin('units', 'units.id', 'r.unit_id')
    .select(['r.id', 'r.title', 'r.status', 'r.support_count', 'r.kind', 'r.created_at', 'units.short_name as unit_short_name', sql<number>`similarity(r.title, ${title})`.as('score')])
    .where(sql<SqlBool>`r.search @@ ${titleWords(lexemes, '|')}`)
    .where(sql<SqlBool>`r.title % ${title}`)
    .orderBy('score', 'desc')
    .orderBy('r.id', 'desc')
    .limit(limit)
    .execute();
}

/**
 * Similar feedback among public items of the unit, area or kecamatan (any of those given) whose
 * title has every word typed: up to `sample` of them in table order, not newest first, so that
 * the read stops after `sample` rows. Run it after `bitmapScansOnly`: then it is read through the
 * search GIN index, whose intersection of the words' posting lists is cheap however common each
 * word is, and never by walking a table or index in the hope of meeting matches soon (when
 * common words rarely occur together, that walk read the whole table).
 */
export function selectSimilarAllWords(db: Db, title: string, lexemes: string[], scope: SimilarScope, sample: number, limit: number) {
  let ids = db
    .selectFrom('feedback')
    .select('feedback.id')
    .where('feedback.moderation_state', '=', 'published')
    .where('feedback.confidential', '=', false)
    .where(sql<SqlBool>`feedback.search @@ ${titleWords(lexemes, '&')}`);
  const any = [
    scope.unitId ? sql<SqlBool>`feedback.unit_id = ${scope.unitId}` : null,
    scope.areaId ? sql<SqlBool>`feedback.area_id = ${scope.areaId}` : null,
    scope.kecamatan ? sql<SqlBool>`feedback.kecamatan_code = ${scope.kecamatan}` : null,
  ].filter((x): x is ReturnType<typeof sql<SqlBool>> => x !== null);
  if (any.length) ids = ids.where((eb) => eb.or(any));
  return similarRows(db, title).where('feedback.id', 'in', ids.limit(sample)).orderBy('score', 'desc').orderBy('feedback.id', 'desc').limit(limit).execute();
}

/** Within the calling transaction, the planner may read tables through bitmap scans only. */
export async function bitmapScansOnly(db: Db) {
  await sql`select set_config('enable_seqscan', 'off', true), set_config('enable_indexscan', 'off', true), set_config('enable_indexonlyscan', 'off', true)`.execute(db);
}

export function selectByAuthor(db: Db, userId: string, limit: number) {
  return db
    .selectFrom('feedback')
    .leftJoin('units', 'units.id', 'feedback.unit_id')
    .select(['feedback.id', 'feedback.kind', 'feedback.title', 'feedback.status', 'feedback.moderation_state', 'feedback.confidential', 'feedback.created_at', 'feedback.reject_reason', 'units.short_name as unit_short_name'])
    .where('feedback.author_id', '=', userId)
    .orderBy('feedback.created_at', 'desc')
    .limit(limit)
    .execute();
}

// ---- moderation primitives used by this domain's services

export async function setModerationState(db: Db, id: number, state: 'published' | 'rejected' | 'hidden' | 'pending', now: Date): Promise<void> {
  await db
    .updateTable('feedback')
    .set(state === 'published' ? { moderation_state: state, published_at: now, updated_at: now } : { moderation_state: state, updated_at: now })
    .where('id', '=', id)
    .execute();
}
