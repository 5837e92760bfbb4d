import { sql, type Insertable, type SelectQueryBuilder, type Updateable } from 'kysely';
import type { Db } from '../db/index.ts';
import type { CommitmentStatus, Database, ForumRegistrationTable, ForumStatus, ForumTable, QuestionStatus, SeatPool } from '../db/schema.ts';

/**
 * Every SQL statement of the forums domain. Functions take the database or a transaction first.
 *
 * Why it is one file of more than 400 lines: it is a flat list of short, independent statements
 * grouped under section comments, with no logic between them; keeping the domain's SQL in one
 * module is what the rule 'SQL only in queries' (eslint baku/sql-in-queries) points readers to,
 * and the use cases that call it are split by topic instead.
 */

export type ForumRow = NonNullable<Awaited<ReturnType<typeof selectForumBySlug>>>;

const FORUM_COLUMNS = [
  'id', 'slug', 'title', 'description_md', 'description_html', 'starts_at', 'ends_at', 'venue', 'address', 'mode', 'online_url',
  'capacity', 'reserved_asn', 'resident_taken', 'asn_taken', 'registration_opens_at', 'registration_closes_at', 'status', 'sequence',
  'cancel_reason', 'copied_from', 'minutes_md', 'minutes_html', 'minutes_published_at', 'attendee_count', 'reminder_sent_at',
  'survey_sent_at', 'created_at', 'updated_at',
] as const;

export function selectForumBySlug(db: Db, slug: string) {
  return db.selectFrom('forums').select(FORUM_COLUMNS).where('slug', '=', slug).executeTakeFirst();
}

export function selectForumById(db: Db, id: number) {
  return db.selectFrom('forums').select(FORUM_COLUMNS).where('id', '=', id).executeTakeFirst();
}

/**
 * Locks the forum row for the rest of the transaction. Every change of seats (register,
 * cancel, promote, check in a waitlisted person, walk in) takes this lock first and only
 * then reads the counters, so decisions are made one at a time per forum and in arrival order.
 */
export function lockForum(trx: Db, id: number) {
  return trx.selectFrom('forums').select(FORUM_COLUMNS).where('id', '=', id).forUpdate().executeTakeFirst();
}

export function deleteForum(db: Db, id: number) {
  return db.deleteFrom('forums').where('id', '=', id).execute();
}

export function slugExists(db: Db, slug: string) {
  return db.selectFrom('forums').select('id').where('slug', '=', slug).executeTakeFirst();
}

export function insertForum(db: Db, values: Insertable<ForumTable>) {
  return db.insertInto('forums').values(values).returning(['id', 'slug']).executeTakeFirstOrThrow();
}

export function updateForumRow(db: Db, id: number, values: Record<string, unknown>) {
  // The forum edit passes its parsed form, whose `mode` zod types as a plain string (forums/service.ts,
  // `forumSchema`); `Updateable<ForumTable>` here needs that schema to carry ForumMode first.
  // eslint-disable-next-line no-restricted-syntax
  return db.updateTable('forums').set({ ...values, updated_at: new Date() } as never).where('id', '=', id).execute();
}

export function bumpSeats(db: Db, id: number, pool: SeatPool, delta: number) {
  const bump = (col: 'resident_taken' | 'asn_taken') => sql<number>`${sql.ref(col)} + ${delta}`;
  return db.updateTable('forums').set(pool === 'resident' ? { resident_taken: bump('resident_taken') } : { asn_taken: bump('asn_taken') }).where('id', '=', id).execute();
}

export function selectForumUnits(db: Db, forumId: number) {
  return db
    .selectFrom('forum_units')
    .innerJoin('units', 'units.id', 'forum_units.unit_id')
    .select(['units.id', 'units.slug', 'units.short_name', 'units.name', 'units.sector'])
    .where('forum_units.forum_id', '=', forumId)
    .orderBy('units.short_name')
    .execute();
}

export async function replaceForumUnits(db: Db, forumId: number, unitIds: number[]) {
  await db.deleteFrom('forum_units').where('forum_id', '=', forumId).execute();
  if (unitIds.length) await db.insertInto('forum_units').values(unitIds.map((unit_id) => ({ forum_id: forumId, unit_id }))).execute();
}

export function selectActiveUnitIds(db: Db, ids: number[]) {
  if (!ids.length) return Promise.resolve([] as { id: number }[]);
  return db.selectFrom('units').select('id').where('id', 'in', ids).where('active', '=', true).execute();
}

export interface ForumListFilter {
  from?: Date;
  to?: Date;
  statuses: readonly ForumStatus[];
  order: 'asc' | 'desc';
  limit: number;
  /**
   * 'ahead': not yet taken place at `now` (not ended, no minutes published, not closed);
   * 'held': taken place (ended, minutes published or closed), whatever its start.
   */
  taken?: { now: Date; is: 'ahead' | 'held' };
}

/**
 * What the forum listings (/forum, its month view, /forum/kelola) show: no descriptions or
 * minutes, which can be long and would be read, copied and parsed for nothing on every view.
 */
const FORUM_LIST_COLUMNS = [
  'id', 'slug', 'title', 'starts_at', 'ends_at', 'venue', 'mode', 'capacity', 'reserved_asn', 'resident_taken', 'asn_taken',
  'registration_opens_at', 'registration_closes_at', 'status', 'minutes_published_at', 'attendee_count',
] as const;

/** Forums for a listing: the columns it shows (FORUM_LIST_COLUMNS). */
export function selectForumList(db: Db, f: ForumListFilter) {
  return forumsWhere(db.selectFrom('forums').select(FORUM_LIST_COLUMNS), f).execute();
}

/**
 * Forums for a listing with the short names of their units (`units`), in one statement instead of a
 * second round trip per listing.
 */
export function selectForumListWithUnits(db: Db, f: ForumListFilter) {
  return forumsWhere(
    db
      .selectFrom('forums')
      .select(FORUM_LIST_COLUMNS)
      .select(
        sql<string[]>`array(select units.short_name from forum_units inner join units on units.id = forum_units.unit_id where forum_units.forum_id = forums.id)`.as('units'),
      ),
    f,
  ).execute();
}

/** Forums with every column (the iCalendar feed). */
export function selectForums(db: Db, f: ForumListFilter) {
  return forumsWhere(db.selectFrom('forums').select(FORUM_COLUMNS), f).execute();
}

function forumsWhere<O>(query: SelectQueryBuilder<Database, 'forums', O>, f: ForumListFilter) {
  let q = query.where('status', 'in', f.statuses);
  if (f.from) q = q.where('starts_at', '>=', f.from);
  if (f.to) q = q.where('starts_at', '<', f.to);
  if (f.taken) {
    const now = f.taken.now;
    q =
      f.taken.is === 'ahead'
        ? q.where('ends_at', '>', now).where('minutes_published_at', 'is', null).where('status', '<>', 'closed')
        : q.where((eb) => eb.or([eb('ends_at', '<=', now), eb('minutes_published_at', 'is not', null), eb('status', '=', 'closed')]));
  }
  return q.orderBy('starts_at', f.order).orderBy('id', f.order).limit(f.limit);
}

/* ---------- registrations ---------- */

const REG_COLUMNS = [
  'forum_registrations.id', 'forum_registrations.forum_id', 'forum_registrations.user_id', 'forum_registrations.walk_in_name',
  'forum_registrations.pool', 'forum_registrations.unit_id', 'forum_registrations.status', 'forum_registrations.queue_seq',
  'forum_registrations.code', 'forum_registrations.created_at', 'forum_registrations.promoted_at', 'forum_registrations.cancelled_at',
  'forum_registrations.checked_in_at',
] as const;

export function selectRegistration(db: Db, forumId: number, userId: string) {
  return db.selectFrom('forum_registrations').select(REG_COLUMNS).where('forum_id', '=', forumId).where('user_id', '=', userId).executeTakeFirst();
}

export function selectRegistrationById(db: Db, id: number) {
  return db.selectFrom('forum_registrations').select(REG_COLUMNS).where('id', '=', id).executeTakeFirst();
}

export function selectRegistrationByCode(db: Db, forumId: number, code: string) {
  return db
    .selectFrom('forum_registrations')
    .leftJoin('users', 'users.id', 'forum_registrations.user_id')
    .select([...REG_COLUMNS, 'users.display_name'])
    .where('forum_registrations.forum_id', '=', forumId)
    .where('forum_registrations.code', '=', code)
    .executeTakeFirst();
}

export function nextQueueSeq(db: Db) {
  return sql<{ seq: string }>`select nextval('forum_queue_seq') as seq`.execute(db).then((r) => Number(r.rows[0]!.seq));
}

/** Inserts unless the code is taken (then null: draw another code). */
export function insertRegistration(
  db: Db,
  v: { forum_id: number; user_id: string | null; walk_in_name?: string | null; pool: SeatPool; unit_id: number | null; status: 'registered' | 'waitlisted'; queue_seq: number; code: string; checked_in_at?: Date | null; checked_in_by?: string | null },
) {
  return db.insertInto('forum_registrations').values(v).onConflict((oc) => oc.column('code').doNothing()).returning('id').executeTakeFirst();
}

export function updateRegistration(db: Db, id: number, values: Updateable<ForumRegistrationTable>) {
  return db.updateTable('forum_registrations').set({ ...values, updated_at: new Date() }).where('id', '=', id).execute();
}

/** The first in line on the waitlist of a pool (arrival order). */
export function selectFirstWaitlisted(db: Db, forumId: number, pool: SeatPool) {
  return db
    .selectFrom('forum_registrations')
    .select(['id', 'user_id', 'code', 'queue_seq'])
    .where('forum_id', '=', forumId)
    .where('pool', '=', pool)
    .where('status', '=', 'waitlisted')
    .orderBy('queue_seq')
    .limit(1)
    .executeTakeFirst();
}

/** 1-based place on the waitlist. */
export async function waitlistPosition(db: Db, forumId: number, pool: SeatPool, queueSeq: number): Promise<number> {
  const r = await db
    .selectFrom('forum_registrations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('forum_id', '=', forumId)
    .where('pool', '=', pool)
    .where('status', '=', 'waitlisted')
    .where('queue_seq', '<=', queueSeq)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function countWaitlisted(db: Db, forumId: number) {
  const rows = await db
    .selectFrom('forum_registrations')
    .select(['pool', (eb) => eb.fn.countAll<number>().as('n')])
    .where('forum_id', '=', forumId)
    .where('status', '=', 'waitlisted')
    .groupBy('pool')
    .execute();
  return { resident: Number(rows.find((r) => r.pool === 'resident')?.n ?? 0), asn: Number(rows.find((r) => r.pool === 'asn')?.n ?? 0) };
}

export async function countCheckedIn(db: Db, forumId: number): Promise<number> {
  const r = await db
    .selectFrom('forum_registrations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('forum_id', '=', forumId)
    .where('checked_in_at', 'is not', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * People to tell about the forum (registered and waitlisted, with an account), each with
 * their place in their pool's line (for the waitlisted: their waitlist position), counted over
 * every registration of the forum in one pass.
 */
export function selectRegistrantsToNotify(db: Db, forumId: number) {
  const lined = db
    .selectFrom('forum_registrations')
    .select(['id', 'user_id', 'status', 'code', 'pool', 'queue_seq', sql<number>`row_number() over (partition by pool, status order by queue_seq)`.as('place')])
    .where('forum_id', '=', forumId)
    .where('status', 'in', ['registered', 'waitlisted'])
    .as('r');
  return db
    .selectFrom(lined)
    .innerJoin('users', 'users.id', 'r.user_id')
    .select(['r.id', 'r.status', 'r.code', 'r.pool', 'r.queue_seq', 'r.place', 'users.email', 'users.locale', 'users.display_name'])
    .where('users.disabled_at', 'is', null)
    .orderBy('r.queue_seq')
    .execute();
}

export function selectUserContact(db: Db, userId: string) {
  return db.selectFrom('users').select(['email', 'locale', 'display_name']).where('id', '=', userId).where('disabled_at', 'is', null).executeTakeFirst();
}

export interface RegistrationSearch {
  q?: string;
  code?: string | null;
  limit: number;
}

/** Registrations for the moderators' lists and check-in: by name (prefix or words) or exact code. */
export function selectRegistrations(db: Db, forumId: number, s: RegistrationSearch) {
  let q = db
    .selectFrom('forum_registrations')
    .leftJoin('users', 'users.id', 'forum_registrations.user_id')
    .leftJoin('units', 'units.id', 'forum_registrations.unit_id')
    .select([...REG_COLUMNS, 'users.display_name', 'units.short_name as unit_short_name'])
    .where('forum_registrations.forum_id', '=', forumId);
  if (s.code) q = q.where('forum_registrations.code', '=', s.code);
  else if (s.q) {
    const like = `%${s.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) => eb.or([eb('users.display_name', 'ilike', like), eb('forum_registrations.walk_in_name', 'ilike', like)]));
  }
  return q
    .orderBy(sql`case forum_registrations.status when 'registered' then 0 when 'waitlisted' then 1 else 2 end`)
    .orderBy('forum_registrations.queue_seq')
    .limit(s.limit)
    .execute();
}

export function selectMyRegistrations(db: Db, userId: string) {
  return db
    .selectFrom('forum_registrations')
    .innerJoin('forums', 'forums.id', 'forum_registrations.forum_id')
    .select(['forums.slug', 'forums.title', 'forums.starts_at', 'forums.status as forum_status', 'forum_registrations.status', 'forum_registrations.code', 'forum_registrations.checked_in_at'])
    .where('forum_registrations.user_id', '=', userId)
    .where('forum_registrations.status', '!=', 'cancelled')
    .orderBy('forums.starts_at', 'desc')
    .limit(50)
    .execute();
}

/**
 * Forums a person attended as ASN: registered in the ASN pool and checked in at the door. What the
 * coaching record and the evaluation's evidence count as attendance; callers add order and window.
 */
export function attendedAsAsn(db: Db, userId: string) {
  return db
    .selectFrom('forum_registrations as r')
    .innerJoin('forums', 'forums.id', 'r.forum_id')
    .leftJoin('units', 'units.id', 'r.unit_id')
    .select(['forums.id', 'forums.slug', 'forums.title', 'forums.starts_at', 'r.checked_in_at', 'units.short_name as unit_short_name'])
    .where('r.user_id', '=', userId)
    .where('r.pool', '=', 'asn')
    .where('r.checked_in_at', 'is not', null);
}

/* ---------- agenda ---------- */

export function selectAgenda(db: Db, forumId: number) {
  return db
    .selectFrom('forum_agenda_items')
    .leftJoin('units', 'units.id', 'forum_agenda_items.unit_id')
    .select(['forum_agenda_items.id', 'forum_agenda_items.position', 'forum_agenda_items.title', 'forum_agenda_items.note', 'forum_agenda_items.unit_id', 'forum_agenda_items.question_id', 'units.short_name as unit_short_name'])
    .where('forum_agenda_items.forum_id', '=', forumId)
    .orderBy('forum_agenda_items.position')
    .orderBy('forum_agenda_items.id')
    .execute();
}

export function selectAgendaCitations(db: Db, forumId: number) {
  return db
    .selectFrom('forum_agenda_citations')
    .innerJoin('forum_agenda_items', 'forum_agenda_items.id', 'forum_agenda_citations.agenda_item_id')
    .innerJoin('feedback', 'feedback.id', 'forum_agenda_citations.feedback_id')
    .select(['forum_agenda_citations.agenda_item_id', 'feedback.id', 'feedback.title', 'feedback.moderation_state', 'feedback.confidential', 'feedback.support_count'])
    .where('forum_agenda_items.forum_id', '=', forumId)
    .execute();
}

export async function nextAgendaPosition(db: Db, forumId: number): Promise<number> {
  const r = await db.selectFrom('forum_agenda_items').select((eb) => eb.fn.max('position').as('m')).where('forum_id', '=', forumId).executeTakeFirst();
  return Number(r?.m ?? 0) + 1;
}

export function insertAgendaItem(db: Db, v: { forum_id: number; position: number; title: string; note: string | null; unit_id: number | null; question_id: number | null }) {
  return db.insertInto('forum_agenda_items').values(v).returning('id').executeTakeFirstOrThrow();
}

export function insertAgendaCitations(db: Db, itemId: number, feedbackIds: number[]) {
  if (!feedbackIds.length) return Promise.resolve();
  return db
    .insertInto('forum_agenda_citations')
    .values(feedbackIds.map((feedback_id) => ({ agenda_item_id: itemId, feedback_id })))
    .onConflict((oc) => oc.doNothing())
    .execute()
    .then(() => undefined);
}

export function selectAgendaItem(db: Db, forumId: number, id: number) {
  return db.selectFrom('forum_agenda_items').selectAll().where('forum_id', '=', forumId).where('id', '=', id).executeTakeFirst();
}

export function deleteAgendaItem(db: Db, id: number) {
  return db.deleteFrom('forum_agenda_items').where('id', '=', id).execute();
}

export function setAgendaPosition(db: Db, id: number, position: number) {
  return db.updateTable('forum_agenda_items').set({ position }).where('id', '=', id).execute();
}

/** Feedback that may be cited: it exists and is published (hidden or pending items are not shown publicly). */
export function selectCitableFeedback(db: Db, ids: number[]) {
  if (!ids.length) return Promise.resolve([] as { id: number; title: string }[]);
  return db.selectFrom('feedback').select(['id', 'title']).where('id', 'in', ids).where('moderation_state', '=', 'published').execute();
}

/** Records an invitation once; true when it is new (then the email is sent). */
export async function claimCitationInvite(db: Db, forumId: number, feedbackId: number): Promise<boolean> {
  const r = await db.insertInto('forum_citation_invites').values({ forum_id: forumId, feedback_id: feedbackId }).onConflict((oc) => oc.doNothing()).returning('feedback_id').executeTakeFirst();
  return !!r;
}

/**
 * The most supported unresolved published feedback of the units, newer than `since`: served by
 * the per-unit "most supported" board index.
 */
export function selectAgendaCandidates(db: Db, unitIds: number[], since: Date | null, limit: number) {
  if (!unitIds.length) return Promise.resolve([]);
  let q = db
    .selectFrom('feedback')
    .innerJoin('units', 'units.id', 'feedback.unit_id')
    .select(['feedback.id', 'feedback.title', 'feedback.kind', 'feedback.support_count', 'feedback.status', 'feedback.created_at', 'feedback.unit_id', 'units.short_name as unit_short_name'])
    .where('feedback.unit_id', 'in', unitIds)
    .where('feedback.moderation_state', '=', 'published')
    .where('feedback.confidential', '=', false)
    .where('feedback.status', 'not in', ['resolved', 'closed']);
  if (since) q = q.where('feedback.created_at', '>=', since);
  return q.orderBy('feedback.support_count', 'desc').orderBy('feedback.id', 'desc').limit(limit).execute();
}

/**
 * The most frequent words (Indonesian stems) in the titles of the units' recent published
 * feedback: a sample of at most `sample` newest items, so the cost is bounded.
 */
export async function selectThemes(db: Db, unitIds: number[], since: Date | null, sample: number, limit: number) {
  if (!unitIds.length) return [];
  const r = await sql<{ word: string; ndoc: number }>`
    with recent as (
      select title from feedback
      where unit_id in (${sql.join(unitIds)}) and moderation_state = 'published' and not confidential
        ${since ? sql`and created_at >= ${since}` : sql``}
      order by created_at desc limit ${sample}
    )
    select w.lexeme as word, count(*)::int as ndoc
    from recent, unnest(to_tsvector('indonesian', recent.title)) as w
    where length(w.lexeme) >= 4
    group by w.lexeme order by ndoc desc, w.lexeme limit ${limit}`.execute(db);
  return r.rows.map((x) => ({ word: x.word, count: Number(x.ndoc) }));
}

/** The last forum before `before` that took place by `now` (ended, or its minutes published). */
export function selectPreviousForumStart(db: Db, before: Date, now: Date) {
  return db
    .selectFrom('forums')
    .select(['starts_at', 'title', 'slug'])
    .where('starts_at', '<', before)
    .where('status', 'in', ['published', 'closed'])
    .where((eb) => eb.or([eb('ends_at', '<=', now), eb('minutes_published_at', 'is not', null)]))
    .orderBy('starts_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/* ---------- questions ---------- */

export function insertQuestion(db: Db, v: { forum_id: number; user_id: string; unit_id: number | null; feedback_id: number | null; body: string }) {
  return db.insertInto('forum_questions').values(v).returning('id').executeTakeFirstOrThrow();
}

export async function countQuestionsBy(db: Db, forumId: number, userId: string): Promise<number> {
  const r = await db.selectFrom('forum_questions').select((eb) => eb.fn.countAll<number>().as('n')).where('forum_id', '=', forumId).where('user_id', '=', userId).executeTakeFirstOrThrow();
  return Number(r.n);
}

export function selectQuestions(db: Db, forumId: number, filter: { unitId?: number; userId?: string }) {
  let q = db
    .selectFrom('forum_questions')
    .leftJoin('units', 'units.id', 'forum_questions.unit_id')
    .leftJoin('feedback', 'feedback.id', 'forum_questions.feedback_id')
    .select([
      'forum_questions.id', 'forum_questions.body', 'forum_questions.status', 'forum_questions.position', 'forum_questions.created_at',
      'forum_questions.unit_id', 'forum_questions.feedback_id', 'forum_questions.user_id', 'units.short_name as unit_short_name', 'feedback.title as feedback_title',
      'feedback.moderation_state as feedback_moderation_state', 'feedback.confidential as feedback_confidential', 'feedback.unit_id as feedback_unit_id',
    ])
    .where('forum_questions.forum_id', '=', forumId);
  // A question without a unit is for all participating units: their staff see it too.
  if (filter.unitId !== undefined) q = q.where((eb) => eb.or([eb('forum_questions.unit_id', '=', filter.unitId!), eb('forum_questions.unit_id', 'is', null)]));
  if (filter.userId !== undefined) q = q.where('forum_questions.user_id', '=', filter.userId);
  return q.orderBy(sql`forum_questions.position nulls last`).orderBy('forum_questions.created_at').execute();
}

export function selectQuestion(db: Db, forumId: number, id: number) {
  return db.selectFrom('forum_questions').selectAll().where('forum_id', '=', forumId).where('id', '=', id).executeTakeFirst();
}

export function updateQuestion(db: Db, id: number, values: { status?: QuestionStatus; position?: number | null }) {
  return db.updateTable('forum_questions').set({ ...values, updated_at: new Date() }).where('id', '=', id).execute();
}

/** The person's own published-or-pending feedback, for citing in a question. */
export function selectOwnFeedback(db: Db, userId: string, limit = 50) {
  return db
    .selectFrom('feedback')
    .select(['id', 'title', 'unit_id'])
    .where('author_id', '=', userId)
    .where('moderation_state', 'in', ['published', 'pending'])
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
}

/* ---------- commitments ---------- */

export function insertCommitment(db: Db, v: { forum_id: number; unit_id: number; body_md: string; body_html: string; due_on: string | null }) {
  return db.insertInto('forum_commitments').values(v).returning('id').executeTakeFirstOrThrow();
}

export function insertCommitmentCitations(db: Db, commitmentId: number, feedbackIds: number[]) {
  if (!feedbackIds.length) return Promise.resolve();
  return db
    .insertInto('forum_commitment_citations')
    .values(feedbackIds.map((feedback_id) => ({ commitment_id: commitmentId, feedback_id })))
    .onConflict((oc) => oc.doNothing())
    .execute()
    .then(() => undefined);
}

export function selectCommitment(db: Db, id: number) {
  return db.selectFrom('forum_commitments').selectAll().where('id', '=', id).executeTakeFirst();
}

export function updateCommitmentStatus(db: Db, id: number, status: CommitmentStatus) {
  return db.updateTable('forum_commitments').set({ status, updated_at: new Date() }).where('id', '=', id).execute();
}

const COMMITMENT_COLUMNS = [
  'forum_commitments.id', 'forum_commitments.forum_id', 'forum_commitments.unit_id', 'forum_commitments.body_html', 'forum_commitments.body_md',
  'forum_commitments.status', 'forum_commitments.due_on', 'forum_commitments.created_at', 'forum_commitments.updated_at', 'units.short_name as unit_short_name', 'units.slug as unit_slug',
] as const;

export function selectCommitmentsOfForum(db: Db, forumId: number) {
  return db
    .selectFrom('forum_commitments')
    .innerJoin('units', 'units.id', 'forum_commitments.unit_id')
    .select(COMMITMENT_COLUMNS)
    .where('forum_commitments.forum_id', '=', forumId)
    .orderBy('forum_commitments.id')
    .execute();
}

export function selectCommitmentsOfUnit(db: Db, unitId: number, limit: number) {
  return db
    .selectFrom('forum_commitments')
    .innerJoin('units', 'units.id', 'forum_commitments.unit_id')
    .innerJoin('forums', 'forums.id', 'forum_commitments.forum_id')
    .select([...COMMITMENT_COLUMNS, 'forums.slug as forum_slug', 'forums.title as forum_title', 'forums.starts_at as forum_starts_at'])
    .where('forum_commitments.unit_id', '=', unitId)
    .where('forums.status', '!=', 'draft')
    .orderBy('forum_commitments.created_at', 'desc')
    .limit(limit)
    .execute();
}

export function selectCommitmentCitations(db: Db, commitmentIds: number[]) {
  if (!commitmentIds.length) return Promise.resolve([]);
  return db
    .selectFrom('forum_commitment_citations')
    .innerJoin('feedback', 'feedback.id', 'forum_commitment_citations.feedback_id')
    .select(['forum_commitment_citations.commitment_id', 'feedback.id', 'feedback.title', 'feedback.moderation_state', 'feedback.confidential'])
    .where('forum_commitment_citations.commitment_id', 'in', commitmentIds)
    .execute();
}

/* ---------- survey ---------- */

export function insertSurveyResponse(db: Db, v: { registration_id: number; forum_id: number; score: number; comment: string | null }) {
  return db.insertInto('forum_survey_responses').values(v).onConflict((oc) => oc.column('registration_id').doNothing()).returning('registration_id').executeTakeFirst();
}

export function selectSurveyResponse(db: Db, registrationId: number) {
  return db.selectFrom('forum_survey_responses').selectAll().where('registration_id', '=', registrationId).executeTakeFirst();
}

export async function selectSurveyResults(db: Db, forumId: number) {
  const rows = await db.selectFrom('forum_survey_responses').select(['score', 'comment', 'created_at']).where('forum_id', '=', forumId).orderBy('created_at').execute();
  return rows;
}

/* ---------- jobs ---------- */

/** Published forums whose reminder is due: starting within the window and not yet reminded. */
export function selectForumsDueReminder(db: Db, now: Date, until: Date) {
  return db
    .selectFrom('forums')
    .select(['id', 'starts_at'])
    .where('status', '=', 'published')
    .where('reminder_sent_at', 'is', null)
    .where('starts_at', '>', now)
    .where('starts_at', '<=', until)
    .execute();
}

/** Claims a forum's reminder once (whatever the number of processes). */
export function claimReminder(db: Db, id: number, now: Date) {
  return db.updateTable('forums').set({ reminder_sent_at: now }).where('id', '=', id).where('reminder_sent_at', 'is', null).returning('id').executeTakeFirst();
}

export function selectForumsDueSurvey(db: Db, now: Date, since: Date) {
  return db
    .selectFrom('forums')
    .select(['id'])
    .where('status', 'in', ['published', 'closed'])
    .where('survey_sent_at', 'is', null)
    .where('ends_at', '<=', now)
    .where('ends_at', '>', since)
    .execute();
}

export function claimSurvey(db: Db, id: number, now: Date) {
  return db.updateTable('forums').set({ survey_sent_at: now }).where('id', '=', id).where('survey_sent_at', 'is', null).returning('id').executeTakeFirst();
}

export function selectAttendeesWithEmail(db: Db, forumId: number) {
  return db
    .selectFrom('forum_registrations')
    .innerJoin('users', 'users.id', 'forum_registrations.user_id')
    .select(['forum_registrations.id', 'users.email', 'users.locale', 'users.display_name'])
    .where('forum_registrations.forum_id', '=', forumId)
    .where('forum_registrations.checked_in_at', 'is not', null)
    .where('users.disabled_at', 'is', null)
    .execute();
}

/** Forums a unit's ASN attended (checked in on the ASN seats). */
export function selectForumsAttendedBy(db: Db, userId: string) {
  return db
    .selectFrom('forum_registrations')
    .innerJoin('forums', 'forums.id', 'forum_registrations.forum_id')
    .select(['forums.slug', 'forums.title', 'forums.starts_at', 'forum_registrations.checked_in_at'])
    .where('forum_registrations.user_id', '=', userId)
    .where('forum_registrations.checked_in_at', 'is not', null)
    .orderBy('forums.starts_at', 'desc')
    .execute();
}
