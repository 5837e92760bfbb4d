import { getVtimezoneComponent } from '@touch4it/ical-timezones';
import ical, { ICalEventStatus } from 'ical-generator';
import { DateTime } from 'luxon';
import { TIME_ZONE, translator, type Locale } from '../../i18n/index.ts';
import { markdownToText } from '../markdown.ts';
import type { ForumRow } from './queries.ts';

/** The stable UID of a forum's event: never changes, whatever is edited (the id never does). */
export function forumUid(forum: Pick<ForumRow, 'id'>, publicUrl: string): string {
  return `forum-${forum.id}@${new URL(publicUrl).hostname}`;
}

const wit = (d: Date) => DateTime.fromJSDate(d).setZone(TIME_ZONE);

/**
 * An iCalendar document (RFC 5545) of forums, times in WIT with its VTIMEZONE. SEQUENCE is
 * the forum's `sequence` (raised on every change a calendar shows); a cancelled forum stays
 * in the feed with STATUS:CANCELLED so subscribed calendars remove it.
 *
 * The online link is for registered people (and the moderators) only, as on the forum page:
 * it is written only with `onlineLink: true` (a seated registrant's email, their own .ics);
 * public documents (the feed, the .ics for anyone) leave it out.
 */
export function forumCalendar(forums: ForumRow[], publicUrl: string, locale: Locale, name: string, opts: { onlineLink?: boolean } = {}): string {
  const withLink = opts.onlineLink === true;
  const t = translator(locale);
  const cal = ical({ name, prodId: { company: 'Pemerintah Kota Ambon', product: 'Baku Dengar', language: locale.toUpperCase() }, ttl: 3600 });
  // VTIMEZONE for the events' zone, but no calendar-wide zone: DTSTAMP and LAST-MODIFIED stay in UTC.
  cal.timezone({ name: null, generator: getVtimezoneComponent });
  for (const f of forums) {
    const url = `${publicUrl}/forum/${f.slug}`;
    const place = [f.venue, f.address].filter(Boolean).join(', ');
    const online = withLink && f.mode !== 'in_person' && f.online_url ? f.online_url : null;
    const description = [markdownToText(f.description_md ?? ''), online ? `${t('forum.onlineLink')}: ${online}` : '', url].filter(Boolean).join('\n\n');
    cal.createEvent({
      id: forumUid(f, publicUrl),
      sequence: f.sequence,
      start: wit(f.starts_at),
      end: wit(f.ends_at),
      timezone: TIME_ZONE,
      stamp: f.updated_at,
      lastModified: f.updated_at,
      summary: f.status === 'cancelled' ? `${t('forum.status.cancelled')}: ${f.title}` : f.title,
      description,
      location: place || (online ? online : null),
      url,
      status: f.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    });
  }
  return cal.toString();
}
