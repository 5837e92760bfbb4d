import XMLBuilder from 'fast-xml-builder';
import { w3c } from '../open311/format.ts';

/**
 * Atom 1.0 (RFC 4287) documents: a feed with id, title, updated, author and its rel=self link;
 * entries with id, title, updated, published, author, an alternate link, a summary and HTML
 * content. Values are escaped by the builder; characters XML cannot carry are dropped.
 */

export interface AtomEntry {
  id: string;
  title: string;
  updated: Date;
  published: Date;
  link: string;
  author: string;
  summary: string;
  /** Sanitised HTML (stored by the Markdown pipeline). */
  html: string;
  category?: { term: string; label: string };
}

export interface AtomFeed {
  id: string;
  title: string;
  selfUrl: string;
  alternateUrl: string;
  author: string;
  lang: string;
  /** Used as `updated` when there is no entry yet. */
  emptyUpdated: Date;
  entries: AtomEntry[];
}

const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const clean = (s: string) => s.replace(NOT_XML, '');
const text = (s: string) => ({ '#text': clean(s), '@_type': 'text' });

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, suppressEmptyNode: true });

export function atomXml(feed: AtomFeed): string {
  const updated = feed.entries.reduce<Date>((max, e) => (e.updated > max ? e.updated : max), feed.entries.length ? new Date(0) : feed.emptyUpdated);
  const doc = {
    feed: {
      '@_xmlns': 'http://www.w3.org/2005/Atom',
      '@_xml:lang': feed.lang,
      id: feed.id,
      title: text(feed.title),
      updated: w3c(updated),
      link: [
        { '@_rel': 'self', '@_type': 'application/atom+xml', '@_href': feed.selfUrl },
        { '@_rel': 'alternate', '@_type': 'text/html', '@_href': feed.alternateUrl },
      ],
      author: { name: clean(feed.author) },
      generator: 'Baku Dengar',
      entry: feed.entries.map((e) => ({
        id: e.id,
        title: text(e.title),
        updated: w3c(e.updated),
        published: w3c(e.published),
        author: { name: clean(e.author) },
        link: { '@_rel': 'alternate', '@_type': 'text/html', '@_href': e.link },
        ...(e.category ? { category: { '@_term': e.category.term, '@_label': clean(e.category.label) } } : {}),
        summary: text(e.summary),
        content: { '#text': clean(e.html), '@_type': 'html' },
      })),
    },
  };
  return `<?xml version="1.0" encoding="utf-8"?>\n${builder.build(doc)}`;
}
