import { translator, type Locale } from '../../i18n/index.ts';
import type { Db } from '../db/index.ts';
import { findKecamatan, findPublicFeedback } from '../feedback/queries.ts';
import { markdownToText } from '../markdown.ts';
import { atomXml, type AtomEntry } from './atom.ts';
import * as q from './queries.ts';

/**
 * Atom feeds of newly published feedback and public answers: the whole city, one unit, one
 * kecamatan, one item. Public data only (published, non-confidential items; official answers;
 * never a reporter's name, contact, the named officer or private notes), the latest 50 entries.
 */

export const FEED_SIZE = 50;
/** `updated` of a feed that has no entry yet. */
const EMPTY_UPDATED = new Date('2026-12-04T00:00:00+09:00');

export interface FeedRequest {
  publicUrl: string;
  locale: Locale;
}

/** The feed's own URL, for `<link rel="alternate" type="application/atom+xml">` on the page it follows. */
export const feedPaths = {
  city: () => '/masukan.atom',
  unit: (slug: string) => `/unit/${encodeURIComponent(slug)}.atom`,
  kecamatan: (code: string) => `/masukan/kecamatan/${encodeURIComponent(code)}.atom`,
  item: (id: number) => `/masukan/${id}.atom`,
};

function tagAuthority(publicUrl: string): string {
  return new URL(publicUrl).hostname;
}

/** Entries of a scope: publications and answers merged, newest first, at most FEED_SIZE. */
async function entries(db: Db, scope: q.FeedScope, r: FeedRequest): Promise<AtomEntry[]> {
  const t = translator(r.locale);
  const tag = (what: string) => `tag:${tagAuthority(r.publicUrl)},2026:${what}`;
  const [published, answers] = await Promise.all([q.selectPublished(db, scope, FEED_SIZE), q.selectAnswers(db, scope, FEED_SIZE)]);
  const list: AtomEntry[] = [
    ...published.map((f) => ({
      id: tag(`feedback-${f.id}`),
      title: t('feed.published', { id: f.id, title: f.title }),
      updated: f.published_at!,
      published: f.published_at!,
      link: `${r.publicUrl}/masukan/${f.id}`,
      author: t('feed.citizen'),
      summary: summary(f.body_html),
      html: f.body_html,
      category: { term: f.kind, label: t(`kind.${f.kind}`) },
    })),
    ...answers.map((a) => ({
      id: tag(`answer-${a.id}`),
      title: a.unit_name ? t('feed.answer', { unit: a.unit_name, id: a.feedback_id, title: a.title }) : t('feed.answerNoUnit', { id: a.feedback_id, title: a.title }),
      updated: a.at,
      published: a.at,
      link: `${r.publicUrl}/masukan/${a.feedback_id}`,
      author: a.unit_name ?? t('site.name'),
      summary: summary(a.body_html ?? ''),
      html: a.body_html ?? '',
    })),
  ];
  return list.sort((x, y) => y.updated.getTime() - x.updated.getTime() || (x.id < y.id ? 1 : -1)).slice(0, FEED_SIZE);
}

/** Plain text of stored (sanitised) HTML, cut to about 300 characters. */
function summary(html: string): string {
  const s = markdownToText(html);
  return s.length > 300 ? `${s.slice(0, 297)}…` : s;
}

async function build(db: Db, scope: q.FeedScope, r: FeedRequest, path: string, alternate: string, title: string, idPart: string): Promise<string> {
  const t = translator(r.locale);
  return atomXml({
    id: `tag:${tagAuthority(r.publicUrl)},2026:feed-${idPart}`,
    title,
    selfUrl: `${r.publicUrl}${path}`,
    alternateUrl: `${r.publicUrl}${alternate}`,
    author: t('site.name'),
    lang: r.locale,
    emptyUpdated: EMPTY_UPDATED,
    entries: await entries(db, scope, r),
  });
}

export function cityFeed(db: Db, r: FeedRequest): Promise<string> {
  return build(db, { kind: 'city' }, r, feedPaths.city(), '/masukan', translator(r.locale)('feed.cityTitle'), 'city');
}

/** Null when no unit has this slug. */
export async function unitFeed(db: Db, slug: string, r: FeedRequest): Promise<string | null> {
  const unit = await q.findUnitBySlug(db, slug);
  if (!unit) return null;
  return build(db, { kind: 'unit', unitId: unit.id }, r, feedPaths.unit(unit.slug), `/unit/${unit.slug}`, translator(r.locale)('feed.unitTitle', { name: unit.name }), `unit-${unit.id}`);
}

/** Null when the code is not a kecamatan of the city. */
export async function kecamatanFeed(db: Db, code: string, r: FeedRequest): Promise<string | null> {
  const kec = /^81\.71\.0\d$/.test(code) ? await findKecamatan(db, code) : undefined;
  if (!kec) return null;
  return build(db, { kind: 'kecamatan', code: kec.code }, r, feedPaths.kecamatan(kec.code), `/masukan?kecamatan=${kec.code}`, translator(r.locale)('feed.kecamatanTitle', { name: kec.name }), `kecamatan-${kec.code}`);
}

/** Null unless the item is public (published, not confidential). */
export async function itemFeed(db: Db, id: number, r: FeedRequest): Promise<string | null> {
  const item = await findPublicFeedback(db, id);
  if (!item) return null;
  return build(db, { kind: 'item', feedbackId: id }, r, feedPaths.item(id), `/masukan/${id}`, translator(r.locale)('feed.itemTitle', { id }), `item-${id}`);
}

export function atomResponse(body: string | null): Response {
  if (body === null) return new Response('Not found', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  return new Response(body, { headers: { 'Content-Type': 'application/atom+xml; charset=utf-8', 'Cache-Control': 'public, max-age=300' } });
}
