import { isValidMonth } from '../../domain/dates.ts';
import type { SessionUser } from '../accounts/sessions.ts';
import type { Db } from '../db/index.ts';
import { cachedRead } from '../db/read-cache.ts';
import { FEEDBACK_KINDS, HANDLING_STATUSES, SECTORS, type FeedbackKind, type HandlingStatus, type Sector } from '../db/schema.ts';
import * as q from './queries.ts';

/**
 * The public board and lists: its query string, pages by cursor, similar items while typing,
 * and a person's own feedback.
 */

// ---- lists

export const BOARD_PAGE_SIZE = 20;

export interface BoardQuery {
  filter: q.BoardFilter;
  sort: q.BoardSort;
  after: q.BoardCursor | null;
}

function encodeCursor(c: q.BoardCursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(s: string | null): q.BoardCursor | null {
  if (!s || s.length > 200) return null;
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as q.BoardCursor;
    if (!Number.isSafeInteger(c.id) || !Number.isSafeInteger(c.v)) return null;
    return { v: c.v, id: c.id };
  } catch {
    return null;
  }
}

/** Reads the board's state from URL parameters, ignoring anything malformed. */
export function parseBoardQuery(sp: URLSearchParams): BoardQuery & { raw: Record<string, string> } {
  const get = (k: string) => (sp.get(k) ?? '').trim();
  const kind = FEEDBACK_KINDS.includes(get('jenis') as FeedbackKind) ? (get('jenis') as FeedbackKind) : undefined;
  const status = HANDLING_STATUSES.includes(get('status') as HandlingStatus) ? (get('status') as HandlingStatus) : undefined;
  const sector = SECTORS.includes(get('sektor') as Sector) ? (get('sektor') as Sector) : undefined;
  const unitId = /^\d{1,9}$/.test(get('unit')) ? Number(get('unit')) : undefined;
  const kecamatan = /^81\.71\.0\d$/.test(get('kecamatan')) ? get('kecamatan') : undefined;
  const month = (s: string) => (isValidMonth(s) ? s : undefined);
  const fromMonth = month(get('dari'));
  const toMonth = month(get('sampai'));
  // Months are WIT months: 00:00 WIT on the 1st is 15:00 UTC the day before.
  const from = fromMonth ? new Date(Date.parse(`${fromMonth}-01T00:00:00+09:00`)) : undefined;
  let to: Date | undefined;
  if (toMonth) {
    const [y, m] = toMonth.split('-').map(Number) as [number, number];
    to = new Date(Date.parse(`${m === 12 ? y + 1 : y}-${String(m === 12 ? 1 : m + 1).padStart(2, '0')}-01T00:00:00+09:00`));
  }
  const qText = get('q').slice(0, 200) || undefined;
  const sort: q.BoardSort = get('urut') === 'dukungan' ? 'support' : get('urut') === 'terlama' ? 'waiting' : 'new';
  const raw: Record<string, string> = {};
  for (const [k, v] of sp.entries()) if (k !== 'setelah') raw[k] = v;
  return { filter: { kind, status, sector, unitId, kecamatan, from, to, q: qText }, sort, after: decodeCursor(sp.get('setelah')), raw };
}

/** One page of the public board (the same for everyone: kept in memory until the content changes). */
export async function listBoard(db: Db, query: BoardQuery) {
  const rows = await cachedRead(db, `board:${JSON.stringify([query.filter, query.sort, query.after])}`, () =>
    q.selectBoardPage(db, query.filter, query.sort, query.after, BOARD_PAGE_SIZE + 1),
  );
  const items = rows.slice(0, BOARD_PAGE_SIZE);
  const last = items.at(-1);
  const next =
    rows.length > BOARD_PAGE_SIZE && last
      ? encodeCursor({ v: query.sort === 'support' ? last.support_count : last.created_us, id: last.id })
      : null;
  return { items, next };
}

/** Words of the typed title looked up, and how many items each read considers; see the queries. */
const SIMILAR_WORDS = 8;
const SIMILAR_RECENT_WINDOW = 2000;
const SIMILAR_ALL_WORDS_SAMPLE = 50;
const SIMILAR_SHOWN = 5;

/**
 * Published feedback with a title like the one being typed, for the form's "already reported?"
 * hint: the most similar of (1) recent items in the same unit (or kecamatan, or city) sharing a
 * word with it and (2) items of the same unit, area or kecamatan having all its words. Both
 * reads are bounded, so the hint costs the same on a million items as on a hundred.
 */
export async function similarFeedback(db: Db, input: { title: string; unit?: string; area?: string; kecamatan?: string }) {
  const title = input.title.trim().slice(0, 150);
  if (title.length < 4) return [];
  // Lexemes go into a tsquery: plain words (letters and digits) only. Words of one or two
  // letters ("di", "ke": the Indonesian configuration keeps them) would match most titles.
  const lexemes = (await q.selectTitleLexemes(db, title, SIMILAR_WORDS * 2)).filter((w) => /^[\p{L}\p{N}]{3,}$/u.test(w)).slice(0, SIMILAR_WORDS);
  if (lexemes.length === 0) return [];
  const scope = {
    unitId: /^\d{1,9}$/.test(input.unit ?? '') ? Number(input.unit) : undefined,
    areaId: /^\d{1,9}$/.test(input.area ?? '') ? Number(input.area) : undefined,
    kecamatan: /^81\.71\.0\d$/.test(input.kecamatan ?? '') ? input.kecamatan : undefined,
  };
  const recent = await q.selectSimilarRecent(db, title, lexemes, scope, SIMILAR_RECENT_WINDOW, SIMILAR_SHOWN);
  const allWords = await db.transaction().execute(async (trx) => {
    await q.bitmapScansOnly(trx);
    return q.selectSimilarAllWords(trx, title, lexemes, scope, SIMILAR_ALL_WORDS_SAMPLE, SIMILAR_SHOWN);
  });
  const seen = new Set<number>();
  return [...recent, ...allWords]
    .sort((a, b) => b.score - a.score || b.id - a.id)
    .filter((r) => !seen.has(r.id) && seen.add(r.id))
    .slice(0, SIMILAR_SHOWN);
}

export function myFeedback(db: Db, user: SessionUser) {
  return q.selectByAuthor(db, user.id, 200);
}
