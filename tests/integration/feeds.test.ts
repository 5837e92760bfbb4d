import { beforeAll, expect, it } from 'vitest';
import { cityFeed, FEED_SIZE, itemFeed, kecamatanFeed, unitFeed } from '../../src/server/feeds/service.ts';
import { describeEachDb } from '../support/db.ts';
import { bulkPublished, buildWorld, parseXml, PUBLIC_URL, SECRETS, type World } from '../support/open311-fixtures.ts';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const text = (v: any): string => (typeof v === 'object' && v !== null ? String(v['#text'] ?? '') : String(v ?? ''));

/**
 * RFC 4287's requirements on what it parses back: the Atom namespace; the feed's id (an IRI),
 * title, updated (RFC 3339), an author (on the feed, so entries may omit it) and a rel=self link;
 * every entry's id, title, updated, an alternate link, and a summary or content. Entry ids are
 * unique. Returns the parsed feed.
 */
function checkAtom(xml: string, selfPath: string) {
  const doc = parseXml(xml);
  const feed = doc.feed;
  expect(feed['@_xmlns']).toBe('http://www.w3.org/2005/Atom');
  expect(text(feed.id)).toMatch(/^(tag:|https?:)/);
  expect(text(feed.title).length).toBeGreaterThan(0);
  expect(text(feed.updated)).toMatch(RFC3339);
  expect(feed.author?.name).toBeTruthy();
  const links: any[] = feed.link;
  expect(links.find((l) => l['@_rel'] === 'self')?.['@_href']).toBe(`${PUBLIC_URL}${selfPath}`);
  const entries: any[] = feed.entry ?? [];
  for (const e of entries) {
    expect(text(e.id)).toMatch(/^tag:localhost,2026:(feedback|answer)-\d+$/);
    expect(text(e.title).length).toBeGreaterThan(0);
    expect(text(e.updated)).toMatch(RFC3339);
    expect(e.link.find((l: any) => (l['@_rel'] ?? 'alternate') === 'alternate')['@_href']).toMatch(new RegExp(`^${PUBLIC_URL}/masukan/\\d+$`));
    expect(e.summary !== undefined || e.content !== undefined).toBe(true);
    expect(e.author?.name).toBeTruthy();
  }
  expect(new Set(entries.map((e) => text(e.id))).size).toBe(entries.length);
  const newest = entries.reduce((m, e) => Math.max(m, Date.parse(text(e.updated))), 0);
  if (entries.length) expect(Date.parse(text(feed.updated))).toBe(newest);
  return { feed, entries, ids: entries.map((e) => text(e.id)) };
}

describeEachDb('Atom feeds', (get) => {
  const db = () => get().db;
  let w: World;
  const r = { publicUrl: PUBLIC_URL, locale: 'id' as const };
  beforeAll(async () => {
    w = await buildWorld(db());
  });
  const item = (id: number) => `tag:localhost,2026:feedback-${id}`;

  it('the city feed: publications and public answers, nothing private', async () => {
    const xml = await cityFeed(db(), r);
    const { ids, entries } = checkAtom(xml, '/masukan.atom');
    expect(ids).toContain(item(w.answered));
    expect(ids).toContain(item(w.closed));
    // The old item is public: feeds show what was published, whenever it was sent.
    expect(ids).toContain(item(w.old));
    for (const never of [w.pending, w.confidential, w.rejected, w.hidden]) expect(ids).not.toContain(item(never));
    const answers = entries.filter((e) => text(e.id).includes(':answer-'));
    expect(answers.map((e) => text(e.content))).toEqual(expect.arrayContaining([expect.stringContaining(w.answerText)]));
    for (const secret of Object.values(SECRETS)) expect(xml).not.toContain(secret);
    expect(xml).not.toContain('Masukan rahasia tentang pungli');
  });

  it('a unit feed holds only that unit; a kecamatan feed only that kecamatan', async () => {
    const a = checkAtom((await unitFeed(db(), w.slugA, r))!, `/unit/${w.slugA}.atom`);
    expect(a.ids).toContain(item(w.answered));
    expect(a.ids).not.toContain(item(w.closed));
    const b = checkAtom((await unitFeed(db(), w.slugB, r))!, `/unit/${w.slugB}.atom`);
    expect(b.ids).toContain(item(w.closed));
    expect(b.ids).not.toContain(item(w.answered));
    expect(await unitFeed(db(), 'tidak-ada', r)).toBeNull();
    const k = checkAtom((await kecamatanFeed(db(), w.kecamatanA, r))!, `/masukan/kecamatan/${w.kecamatanA}.atom`);
    expect(k.ids).toContain(item(w.answered));
    expect(k.ids).not.toContain(item(w.closed));
    expect(await kecamatanFeed(db(), '81.71.99', r)).toBeNull();
    expect(await kecamatanFeed(db(), 'x', r)).toBeNull();
  });

  it('an item feed: its publication and its answers; none for items that are not public', async () => {
    const f = checkAtom((await itemFeed(db(), w.answered, r))!, `/masukan/${w.answered}.atom`);
    expect(f.ids[0]).toMatch(/:answer-\d+$/);
    expect(f.ids).toContain(item(w.answered));
    expect(f.ids).toHaveLength(2);
    for (const id of [w.pending, w.confidential, w.rejected, w.hidden, 987654321]) expect(await itemFeed(db(), id, r)).toBeNull();
  });

  it('an empty feed is still valid', async () => {
    const other = await db().selectFrom('units').select('slug').where('short_name', '=', 'Dinkes').executeTakeFirstOrThrow();
    const f = checkAtom((await unitFeed(db(), other.slug, r))!, `/unit/${other.slug}.atom`);
    expect(f.entries).toHaveLength(0);
  });

  it(`feeds hold the latest ${FEED_SIZE} entries`, async () => {
    await bulkPublished(db(), w.unitB, FEED_SIZE + 5);
    const { entries } = checkAtom(await cityFeed(db(), r), '/masukan.atom');
    expect(entries).toHaveLength(FEED_SIZE);
    const times = entries.map((e) => Date.parse(text(e.updated)));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });
});
