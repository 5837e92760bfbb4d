import ical, { type CalendarComponent, type VEvent } from 'node-ical';
import QRCode from 'qrcode';
import { beforeAll, expect, it } from 'vitest';
import type { Db } from '../../src/server/db/index.ts';
import { createTransport, deliverDueEmails, type Transport } from '../../src/server/messaging/worker.ts';
import { forumCalendar, forumUid } from '../../src/server/forums/calendar.ts';
import { registerForForum } from '../../src/server/forums/registration.ts';
import { cancelForum, updateForum } from '../../src/server/forums/schedule.ts';
import { listFeedForums } from '../../src/server/forums/service.ts';
import { describeEachDb } from '../support/db.ts';
import { startSmtp } from '../support/handling-smtp.ts';
import {
  attachmentsOf,
  editForm,
  fctx,
  forumRow,
  icsOf,
  makeForum,
  outboxTo,
  person,
  PUBLIC_URL,
  regOpen,
  residents,
  unitId,
  valueOf,
  wit,
  type Person,
} from '../support/forum-fixtures.ts';

// The logging transport (used to clear the outbox) would print a line per message.
process.env.LOG_LEVEL = 'error';

const FROM = 'Baku Dengar <no-reply@bakudengar.test>';

async function drain(db: Db, transport: Transport): Promise<void> {
  while ((await deliverDueEmails(db, transport, new Date(Date.now() + 1000), 50)) > 0);
}

/** Parses an iCalendar text with node-ical (a real parser, not our generator) and returns its events by UID. */
function parse(text: string): { events: Map<string, VEvent>; all: CalendarComponent[] } {
  const data = ical.sync.parseICS(text);
  const all = Object.values(data) as CalendarComponent[];
  const events = new Map<string, VEvent>();
  for (const c of all) if (c.type === 'VEVENT') events.set(c.uid, c as VEvent);
  return { events, all };
}

function onlyEvent(text: string): VEvent {
  const { events } = parse(text);
  expect(events.size).toBe(1);
  return [...events.values()][0]!;
}

describeEachDb('forums: iCalendar (feed and email attachments) read back with node-ical', (get) => {
  const db = () => get().db;
  let mod: Person;
  let dinkes: number;

  beforeAll(async () => {
    mod = await person(db(), 'moderator');
    dinkes = await unitId(db(), 'Dinkes');
  });

  it('times in WIT with a VTIMEZONE (10.00 WIT = 01.00Z), stable UID, SEQUENCE 0, place, online link and page', async () => {
    const f = await makeForum(db(), mod, { starts: wit('2027-05-12T10:00'), hours: 2, mode: 'hybrid', unitIds: [dinkes] });
    const text = forumCalendar([f], PUBLIC_URL, 'id', 'Forum Baku Dengar', { onlineLink: true });
    expect(text).toContain('DTSTART;TZID=Asia/Jayapura:20270512T100000');
    expect(text).toContain('DTEND;TZID=Asia/Jayapura:20270512T120000');
    const { all } = parse(text);
    const tz = all.find((c) => c.type === 'VTIMEZONE') as unknown as Record<string, unknown>;
    expect(tz).toBeDefined();
    expect(tz.tzid).toBe('Asia/Jayapura');
    const std = Object.values(tz).find((v) => typeof v === 'object' && v !== null && (v as { type?: string }).type === 'STANDARD') as Record<string, unknown>;
    expect(std).toMatchObject({ tzoffsetfrom: '+0900', tzoffsetto: '+0900' });

    const ev = onlyEvent(text);
    expect(ev.uid).toBe(`forum-${f.id}@localhost`);
    expect(ev.uid).toBe(forumUid(f, PUBLIC_URL));
    expect(ev.start.toISOString()).toBe('2027-05-12T01:00:00.000Z');
    expect(ev.end!.toISOString()).toBe('2027-05-12T03:00:00.000Z');
    expect(ev.start.getTime()).toBe(f.starts_at.getTime());
    expect(ev.end!.getTime()).toBe(f.ends_at.getTime());
    expect((ev.start as Date & { tz?: string }).tz).toBe('Asia/Jayapura');
    expect(Number(ev.sequence)).toBe(0);
    expect(ev.status).toBe('CONFIRMED');
    expect(ev.summary).toBe(f.title);
    expect(ev.location).toBe('Aula Balai Kota Ambon, Jl. Sultan Khairun No. 1');
    expect(ev.description).toContain('https://meet.ambon.go.id/forum');
    expect(ev.description).toContain('perangkat daerah');
    expect(ev.description).not.toContain('*');
    expect(ev.description).toContain(`${PUBLIC_URL}/forum/${f.slug}`);
    // DTSTAMP stays in UTC.
    expect(text).toMatch(/DTSTAMP:\d{8}T\d{6}Z/);
  });

  it('online only: the link is the location; in person: no link anywhere', async () => {
    const online = await makeForum(db(), mod, { mode: 'online', onlineUrl: 'https://zoom.example.id/j/123', unitIds: [dinkes] });
    const ev = onlyEvent(forumCalendar([online], PUBLIC_URL, 'en', 'x', { onlineLink: true }));
    expect(ev.location).toBe('https://zoom.example.id/j/123');
    expect(ev.description).toContain('Online link: https://zoom.example.id/j/123');
    const inPerson = await makeForum(db(), mod, { mode: 'in_person', unitIds: [dinkes] });
    const ev2 = onlyEvent(forumCalendar([inPerson], PUBLIC_URL, 'id', 'x'));
    expect(ev2.description).not.toContain('meet.ambon.go.id');
    expect(ev2.location).toBe('Aula Balai Kota Ambon, Jl. Sultan Khairun No. 1');
  });

  it('the email .ics: same UID; SEQUENCE raised by a change of time or place (and the change mailed with the new .ics), not by capacity; cancellation → STATUS:CANCELLED and a higher SEQUENCE', async () => {
    const f = await makeForum(db(), mod, { starts: wit('2027-06-09T10:00'), capacity: 1, mode: 'hybrid', unitIds: [dinkes] });
    const now = regOpen(f);
    const [a, b] = await residents(db(), 2);
    valueOf(await registerForForum(db(), fctx(a!, now), f.id));
    valueOf(await registerForForum(db(), fctx(b!, now), f.id));
    const uid = `forum-${f.id}@localhost`;

    const [confirm] = await outboxTo(db(), a!.user.email, 'forum_registered');
    const ev0 = onlyEvent(icsOf(confirm!));
    expect(ev0).toMatchObject({ uid, status: 'CONFIRMED' });
    expect(Number(ev0.sequence)).toBe(0);
    expect(ev0.start.toISOString()).toBe('2027-06-09T01:00:00.000Z');
    const [waitMail] = await outboxTo(db(), b!.user.email, 'forum_waitlisted');
    expect(onlyEvent(icsOf(waitMail!)).uid).toBe(uid);

    // Capacity only: no new SEQUENCE, nobody told.
    const cap = valueOf(await updateForum(db(), fctx(mod, now), f.id, await editForm(db(), f.id, { capacity: '1', reserved_asn: '2' })));
    expect(cap.notified).toBe(0);
    expect((await forumRow(db(), f.id)).sequence).toBe(0);
    expect(Number(onlyEvent(forumCalendar([await forumRow(db(), f.id)], PUBLIC_URL, 'id', 'x')).sequence)).toBe(0);

    // Moved an hour later: SEQUENCE 1, both the registered and the waitlisted person get the new .ics.
    const moved = valueOf(await updateForum(db(), fctx(mod, now), f.id, await editForm(db(), f.id, { starts_at: '2027-06-09T11:00', ends_at: '2027-06-09T13:00' })));
    expect(moved.notified).toBe(2);
    for (const p of [a!, b!]) {
      const mails = await outboxTo(db(), p.user.email, 'forum_changed');
      expect(mails).toHaveLength(1);
      expect(mails[0]!.text_body).toContain(f.title);
      const ev = onlyEvent(icsOf(mails[0]!));
      expect(ev.uid).toBe(uid);
      expect(Number(ev.sequence)).toBe(1);
      expect(ev.start.toISOString()).toBe('2027-06-09T02:00:00.000Z');
      expect(ev.end!.toISOString()).toBe('2027-06-09T04:00:00.000Z');
      expect((ev.start as Date & { tz?: string }).tz).toBe('Asia/Jayapura');
    }

    // A new venue: SEQUENCE 2 and a new location.
    valueOf(await updateForum(db(), fctx(mod, now), f.id, await editForm(db(), f.id, { venue: 'Gedung Siwalima', address: 'Jl. Pattimura' })));
    const row = await forumRow(db(), f.id);
    expect(row.sequence).toBe(2);
    const ev2 = onlyEvent(forumCalendar([row], PUBLIC_URL, 'id', 'x'));
    expect(ev2).toMatchObject({ uid, location: 'Gedung Siwalima, Jl. Pattimura' });
    expect(Number(ev2.sequence)).toBe(2);
    expect((await outboxTo(db(), a!.user.email, 'forum_changed')).length).toBe(2);
    // The online link changed: a calendar shows it, so SEQUENCE 3.
    valueOf(await updateForum(db(), fctx(mod, now), f.id, await editForm(db(), f.id, { online_url: 'https://meet.ambon.go.id/forum-baru' })));
    expect((await forumRow(db(), f.id)).sequence).toBe(3);

    // Cancelled: STATUS:CANCELLED, SEQUENCE 4, same UID, in the email to everyone and in the feed.
    const cancel = valueOf(await cancelForum(db(), fctx(mod, now), f.id, { reason: 'Gedung dipakai untuk kegiatan darurat.' }));
    expect(cancel.notified).toBe(2);
    for (const p of [a!, b!]) {
      const [m] = await outboxTo(db(), p.user.email, 'forum_cancelled');
      expect(m!.text_body).toContain('Gedung dipakai untuk kegiatan darurat.');
      const ev = onlyEvent(icsOf(m!));
      expect(ev).toMatchObject({ uid, status: 'CANCELLED' });
      expect(Number(ev.sequence)).toBe(4);
      expect(ev.summary).toContain(f.title);
    }
    const feed = parse(forumCalendar(await listFeedForums(db(), now), PUBLIC_URL, 'id', 'Forum'));
    expect(feed.events.get(uid)).toMatchObject({ status: 'CANCELLED' });
    expect(Number(feed.events.get(uid)!.sequence)).toBe(4);
  });

  it('the .ics attachment declares no iTIP method its content does not carry', async () => {
    const f = await makeForum(db(), mod, { unitIds: [dinkes] });
    const p = await person(db(), 'resident');
    valueOf(await registerForForum(db(), fctx(p, regOpen(f)), f.id));
    const [m] = await outboxTo(db(), p.user.email, 'forum_registered');
    const att = attachmentsOf(m!).find((x) => x.filename.endsWith('.ics'))!;
    expect(att.filename).toBe(`${f.slug}.ics`);
    const text = icsOf(m!);
    // RFC 6047 §2.4: a Content-Type method parameter must equal the object's METHOD property.
    const declared = /method=([A-Z]+)/i.exec(att.contentType)?.[1]?.toUpperCase() ?? null;
    const inside = /^METHOD:(.+)$/m.exec(text)?.[1]?.trim().toUpperCase() ?? null;
    expect(declared).toBe(inside);
  });

  it('the feed lists published, cancelled and closed forums, never drafts', async () => {
    const now = wit('2027-01-05T10:00');
    const published = await makeForum(db(), mod, { starts: wit('2027-07-07T10:00'), unitIds: [dinkes] });
    const draft = await makeForum(db(), mod, { starts: wit('2027-07-08T10:00'), unitIds: [dinkes] }, { publish: false });
    const cancelled = await makeForum(db(), mod, { starts: wit('2027-07-09T10:00'), unitIds: [dinkes] });
    valueOf(await cancelForum(db(), fctx(mod), cancelled.id, { reason: 'Dipindah ke bulan depan.' }));
    const ids = (await listFeedForums(db(), now)).map((f) => f.id);
    expect(ids).toContain(published.id);
    expect(ids).toContain(cancelled.id);
    expect(ids).not.toContain(draft.id);
    const events = parse(forumCalendar(await listFeedForums(db(), now), PUBLIC_URL, 'id', 'Forum')).events;
    expect(events.get(`forum-${published.id}@localhost`)!.status).toBe('CONFIRMED');
    expect(events.get(`forum-${cancelled.id}@localhost`)!.status).toBe('CANCELLED');
    expect(events.has(`forum-${draft.id}@localhost`)).toBe(false);
  });

  it('through a real SMTP server: the confirmation has the QR code (PNG of the check-in URL, inline by cid) and the .ics as text/calendar, read back by node-ical', async () => {
    const smtp = await startSmtp();
    try {
      await drain(db(), createTransport(undefined, FROM));
      const f = await makeForum(db(), mod, { starts: wit('2027-05-19T10:00'), mode: 'hybrid', unitIds: [dinkes] });
      const p = await person(db(), 'resident');
      const { code } = valueOf(await registerForForum(db(), fctx(p, regOpen(f)), f.id));
      const [row] = await outboxTo(db(), p.user.email, 'forum_registered');
      await drain(db(), createTransport(smtp.url, FROM));
      const got = smtp.received.filter((m) => m.outboxId === row!.id);
      expect(got).toHaveLength(1);
      const mail = got[0]!;
      expect(mail.envelopeTo).toEqual([p.user.email]);
      expect(mail.parsed.text).toContain(code);
      expect(mail.raw).toContain('cid:registration-qr');

      const png = mail.parsed.attachments.find((a) => a.contentType === 'image/png')!;
      expect(png).toBeDefined();
      expect(png.filename).toBe(`${code}.png`);
      expect(png.cid).toBe('registration-qr');
      // The QR code holds the moderators' check-in URL with the code (same image as qrcode draws for it).
      const expected = await QRCode.toBuffer(`${PUBLIC_URL}/forum/${f.slug}/checkin?kode=${code}`, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 240 });
      expect(Buffer.compare(png.content, expected)).toBe(0);

      const cal = mail.parsed.attachments.find((a) => a.contentType === 'text/calendar')!;
      expect(cal).toBeDefined();
      expect(cal.filename).toBe(`${f.slug}.ics`);
      const ev = onlyEvent(cal.content.toString('utf8'));
      expect(ev.uid).toBe(`forum-${f.id}@localhost`);
      expect(ev.start.toISOString()).toBe('2027-05-19T01:00:00.000Z');
      expect((ev.start as Date & { tz?: string }).tz).toBe('Asia/Jayapura');
    } finally {
      await smtp.close();
    }
  });
});
