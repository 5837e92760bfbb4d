import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import type { Result } from '../../src/server/forms.ts';
import { cancelMyRegistration, cancelRegistrationAsModerator, checkInByCode, recordWalkIn, registerForForum, type RegistrationOutcome } from '../../src/server/forums/registration.ts';
import { sendForumReminders, sendForumSurveys } from '../../src/server/forums/reminders.ts';
import { updateForum } from '../../src/server/forums/schedule.ts';
import { describePostgres } from '../support/db.ts';
import {
  editForm,
  expectCountersConsistent,
  fctx,
  forumRow,
  makeForum,
  outboxTo,
  PUBLIC_URL,
  person,
  regOpen,
  registrationOf,
  registrationsOf,
  residents,
  unitId,
  valueOf,
  wit,
  type Person,
} from '../support/forum-fixtures.ts';

/**
 * No overbooking, ever: on PostgreSQL, with a pool of 25 connections, registrations,
 * cancellations, check-ins and walk-ins race for the same forum. Every decision is taken
 * under the forum row lock, so the outcome must equal some serial order: exactly the
 * capacity seated, the rest waitlisted in the order the decisions were taken (queue_seq).
 */
describePostgres(
  'forums: concurrent registrations, cancellations and check-ins',
  (get) => {
    const db = () => get().db;
    let mod: Person;
    let dinkes: number;

    beforeAll(async () => {
      mod = await person(db(), 'moderator');
      dinkes = await unitId(db(), 'Dinkes');
    });

    const keyOf = (r: Result<unknown> | null) => (r === null ? 'null' : r.ok ? 'ok' : Object.values(r.errors)[0]!.key);

    it('200 residents for 20 seats at once: exactly 20 registered and 180 waitlisted in decision order, none lost, none twice; then 15 cancel at once and exactly the next 15 are promoted, in order', async () => {
      const f = await makeForum(db(), mod, { capacity: 20, unitIds: [dinkes] });
      const now = regOpen(f);
      const people = await residents(db(), 200);

      const results = await Promise.all(people.map((p) => registerForForum(db(), fctx(p, now), f.id)));
      const outcomes = results.map((r) => valueOf(r) as RegistrationOutcome);
      expect(outcomes.filter((o) => o.status === 'registered')).toHaveLength(20);
      expect(outcomes.filter((o) => o.status === 'waitlisted')).toHaveLength(180);

      const rows = await registrationsOf(db(), f.id);
      expect(rows).toHaveLength(200);
      expect(new Set(rows.map((r) => r.user_id)).size).toBe(200);
      expect(new Set(rows.map((r) => r.code)).size).toBe(200);
      expect(new Set(rows.map((r) => r.user_id))).toEqual(new Set(people.map((p) => p.user.id)));
      const dup = await sql<{ n: number }>`select count(*)::int as n from (select user_id from forum_registrations where forum_id = ${f.id} group by user_id having count(*) > 1) d`.execute(db());
      expect(dup.rows[0]!.n).toBe(0);

      // queue_seq is strictly increasing in decision order: the first 20 decided got the seats.
      const seqs = rows.map((r) => Number(r.queue_seq));
      for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]!);
      expect(rows.slice(0, 20).every((r) => r.status === 'registered')).toBe(true);
      expect(rows.slice(20).every((r) => r.status === 'waitlisted')).toBe(true);

      // The place each person was told is their place by queue_seq: 1..180, contiguous.
      const told = new Map(people.map((p, i) => [p.user.id, outcomes[i]!]));
      expect(rows.slice(20).map((r) => told.get(r.user_id!)!.position)).toEqual(Array.from({ length: 180 }, (_, i) => i + 1));
      for (const r of rows) expect(told.get(r.user_id!)!.code).toBe(r.code);

      expect(await forumRow(db(), f.id)).toMatchObject({ resident_taken: 20, capacity: 20 });
      await expectCountersConsistent(db(), f.id);

      // Every decision audited and mailed once.
      const audit = await sql<{ action: string; n: number }>`
        select a.action, count(*)::int as n from audit_log a join forum_registrations r on a.object_type = 'forum_registration' and a.object_id = r.id::text
        where r.forum_id = ${f.id} group by a.action order by a.action`.execute(db());
      expect(audit.rows).toEqual([{ action: 'forum.register', n: 20 }, { action: 'forum.waitlist', n: 180 }]);
      const mails = await sql<{ template: string; n: number }>`
        select template, count(*)::int as n from outbox where to_email in (${sql.join(people.map((p) => p.user.email))}) group by template order by template`.execute(db());
      expect(mails.rows).toEqual([{ template: 'forum_registered', n: 20 }, { template: 'forum_waitlisted', n: 180 }]);

      // 15 seated people cancel at once: exactly the first 15 of the waitlist are promoted.
      const seated = rows.slice(0, 20);
      const leaving = seated.slice(0, 15).map((r) => people.find((p) => p.user.id === r.user_id)!);
      const cancels = await Promise.all(leaving.map((p) => cancelMyRegistration(db(), fctx(p, now), f.id)));
      expect(cancels.map(keyOf)).toEqual(Array(15).fill('ok'));

      const after = await registrationsOf(db(), f.id);
      const byUser = new Map(after.map((r) => [r.user_id!, r]));
      for (const p of leaving) expect(byUser.get(p.user.id)!.status).toBe('cancelled');
      const firstWaiting = rows.slice(20, 35);
      for (const r of firstWaiting) expect(byUser.get(r.user_id!)).toMatchObject({ status: 'registered', promoted_at: now });
      const stillWaiting = rows.slice(35);
      for (const r of stillWaiting) expect(byUser.get(r.user_id!)!.status).toBe('waitlisted');
      expect(after.filter((r) => r.promoted_at !== null)).toHaveLength(15);
      expect(after.filter((r) => r.status === 'registered')).toHaveLength(20);
      expect((await forumRow(db(), f.id)).resident_taken).toBe(20);
      await expectCountersConsistent(db(), f.id);

      // The waitlist closed up: 1..165 in queue order.
      const positions = await sql<{ user_id: string; pos: number }>`
        select user_id, row_number() over (order by queue_seq)::int as pos from forum_registrations where forum_id = ${f.id} and status = 'waitlisted'`.execute(db());
      expect(positions.rows.map((r) => r.user_id)).toEqual(stillWaiting.map((r) => r.user_id));

      const promotedMails = await sql<{ to_email: string }>`
        select to_email from outbox where template = 'forum_promoted' and to_email in (${sql.join(people.map((p) => p.user.email))})`.execute(db());
      const emailOf = new Map(people.map((p) => [p.user.id, p.user.email]));
      expect(promotedMails.rows.map((r) => r.to_email).sort()).toEqual(firstWaiting.map((r) => emailOf.get(r.user_id!)!).sort());
    });

    it('one person registering 10 times at once gets exactly one row; 9 are told forum.err.alreadyRegistered', async () => {
      const f = await makeForum(db(), mod, { capacity: 5, unitIds: [dinkes] });
      const p = await person(db(), 'resident');
      const results = await Promise.all(Array.from({ length: 10 }, () => registerForForum(db(), fctx(p, regOpen(f)), f.id)));
      const keys = results.map(keyOf);
      expect(keys.filter((k) => k === 'ok')).toHaveLength(1);
      expect(keys.filter((k) => k === 'forum.err.alreadyRegistered')).toHaveLength(9);
      expect(await registrationsOf(db(), f.id)).toHaveLength(1);
      expect((await forumRow(db(), f.id)).resident_taken).toBe(1);
      expect(await outboxTo(db(), p.user.email)).toHaveLength(1);
    });

    it('a mixed crowd at once: registrations, cancellations and re-registrations keep the counters exact', async () => {
      const f = await makeForum(db(), mod, { capacity: 10, reserved: 3, unitIds: [dinkes] });
      const now = regOpen(f);
      const first = await residents(db(), 15);
      for (const p of first) valueOf(await registerForForum(db(), fctx(p, now), f.id));
      const asn = await Promise.all(Array.from({ length: 5 }, () => person(db(), 'asn', { unitId: dinkes })));
      const newcomers = await residents(db(), 20);
      const ops = [
        ...newcomers.map((p) => registerForForum(db(), fctx(p, now), f.id)),
        ...asn.map((p) => registerForForum(db(), fctx(p, now), f.id)),
        ...first.slice(0, 12).map((p) => cancelMyRegistration(db(), fctx(p, now), f.id)),
      ];
      const keys = (await Promise.all(ops)).map(keyOf);
      expect(keys.every((k) => k === 'ok')).toBe(true);
      // Those who cancelled come back at once.
      const back = await Promise.all(first.slice(0, 6).map((p) => registerForForum(db(), fctx(p, now), f.id)));
      expect(back.map(keyOf)).toEqual(Array(6).fill('ok'));

      const rows = await registrationsOf(db(), f.id);
      expect(rows).toHaveLength(40);
      expect(rows.filter((r) => r.pool === 'resident' && r.status === 'registered')).toHaveLength(10);
      expect(rows.filter((r) => r.pool === 'asn' && r.status === 'registered')).toHaveLength(3);
      expect(rows.filter((r) => r.pool === 'asn' && r.status === 'waitlisted')).toHaveLength(2);
      expect(rows.filter((r) => r.status === 'cancelled')).toHaveLength(6);
      // Promotion follows queue order: nobody still waiting is ahead of anyone promoted.
      const waiting = rows.filter((r) => r.pool === 'resident' && r.status === 'waitlisted').map((r) => Number(r.queue_seq));
      const promoted = rows.filter((r) => r.pool === 'resident' && r.promoted_at !== null).map((r) => Number(r.queue_seq));
      if (waiting.length && promoted.length) expect(Math.max(...promoted)).toBeLessThan(Math.min(...waiting));
      await expectCountersConsistent(db(), f.id);
    });

    it('walk-ins and check-ins of waitlisted people racing for the last free seats never exceed the capacity', async () => {
      const f = await makeForum(db(), mod, { capacity: 10, unitIds: [dinkes] });
      const now = regOpen(f);
      const people = await residents(db(), 20);
      for (const p of people) valueOf(await registerForForum(db(), fctx(p, now), f.id));
      // After the end (check-in stays open a day), four no-shows are cancelled: freed seats promote nobody.
      const late = new Date(f.ends_at.getTime() + 60_000);
      for (const p of people.slice(0, 4)) {
        const reg = await registrationOf(db(), f.id, p.user.id);
        valueOf(await cancelRegistrationAsModerator(db(), fctx(mod, late), f.id, reg.id));
      }
      expect((await forumRow(db(), f.id)).resident_taken).toBe(6);

      const codes = await Promise.all(people.map(async (p) => (await registrationOf(db(), f.id, p.user.id)).code));
      const ops: Promise<Result<unknown> | null>[] = [
        // The six seated check in; ten waitlisted and twelve walk-ins want the four free seats.
        ...codes.slice(4, 10).map((c) => checkInByCode(db(), fctx(mod, late), f.id, c)),
        ...codes.slice(10).map((c) => checkInByCode(db(), fctx(mod, late), f.id, c.toLowerCase())),
        ...Array.from({ length: 12 }, (_, i) => recordWalkIn(db(), fctx(mod, late), f.id, { name: `Tamu ${i + 1}` })),
      ];
      const keys = (await Promise.all(ops)).map(keyOf);
      expect(keys.slice(0, 6)).toEqual(Array(6).fill('ok'));
      const racing = keys.slice(6);
      expect(racing.filter((k) => k === 'ok')).toHaveLength(4);
      for (const k of racing.filter((k) => k !== 'ok')) expect(['forum.err.waitlistedNoSeat', 'forum.err.walkInFull']).toContain(k);

      const g = await forumRow(db(), f.id);
      expect(g.resident_taken).toBe(10);
      await expectCountersConsistent(db(), f.id);
      const checkedIn = await sql<{ n: number }>`select count(*)::int as n from forum_registrations where forum_id = ${f.id} and checked_in_at is not null`.execute(db());
      expect(checkedIn.rows[0]!.n).toBe(10);
    });

    it('three workers sending reminders and surveys at once: each person gets each email once', async () => {
      const f = await makeForum(db(), mod, { starts: wit('2033-06-15T10:00'), capacity: 5, unitIds: [dinkes] });
      const people = await residents(db(), 8);
      for (const p of people) valueOf(await registerForForum(db(), fctx(p, regOpen(f)), f.id));
      const sent = await Promise.all([1, 2, 3].map(() => sendForumReminders(db(), PUBLIC_URL, wit('2033-06-14T09:30'))));
      expect(sent.reduce((a, b) => a + b, 0)).toBe(8);
      for (const p of people) expect(await outboxTo(db(), p.user.email, 'forum_reminder'), p.user.email).toHaveLength(1);

      for (const p of people.slice(0, 3)) valueOf(await checkInByCode(db(), fctx(mod, wit('2033-06-15T09:50')), f.id, (await registrationOf(db(), f.id, p.user.id)).code));
      const surveys = await Promise.all([1, 2, 3].map(() => sendForumSurveys(db(), PUBLIC_URL, wit('2033-06-15T12:30'))));
      expect(surveys.reduce((a, b) => a + b, 0)).toBe(3);
      for (const p of people) expect(await outboxTo(db(), p.user.email, 'forum_survey')).toHaveLength(people.slice(0, 3).includes(p) ? 1 : 0);
    });

    it('two moderators saving the same page at once: one edit wins, the other is told forum.err.staleEdit', async () => {
      const f = await makeForum(db(), mod, { capacity: 3, unitIds: [dinkes] });
      const other = await person(db(), 'moderator');
      const form = await editForm(db(), f.id);
      const results = await Promise.all([
        updateForum(db(), fctx(mod), f.id, { ...form, title: 'Forum Dialog versi Moderator Satu' }),
        updateForum(db(), fctx(other), f.id, { ...form, title: 'Forum Dialog versi Moderator Dua' }),
      ]);
      const keys = results.map(keyOf).sort();
      expect(keys).toEqual(['forum.err.staleEdit', 'ok']);
      const winner = results[0]!.ok ? 'Forum Dialog versi Moderator Satu' : 'Forum Dialog versi Moderator Dua';
      expect((await forumRow(db(), f.id)).title).toBe(winner);
    });

    it('raising the capacity while seated people cancel: every free seat goes to the waitlist in order, never above capacity', async () => {
      const f = await makeForum(db(), mod, { capacity: 10, unitIds: [dinkes] });
      const now = regOpen(f);
      const people = await residents(db(), 40);
      for (const p of people) valueOf(await registerForForum(db(), fctx(p, now), f.id));
      const form = await editForm(db(), f.id, { capacity: '15' });
      const results = await Promise.all([
        ...people.slice(0, 5).map((p) => cancelMyRegistration(db(), fctx(p, now), f.id)),
        updateForum(db(), fctx(mod, now), f.id, form),
        ...people.slice(5, 8).map((p) => cancelMyRegistration(db(), fctx(p, now), f.id)),
      ]);
      expect(results.map(keyOf)).toEqual(Array(9).fill('ok'));
      const rows = await registrationsOf(db(), f.id);
      expect(rows.filter((r) => r.status === 'registered')).toHaveLength(15);
      // People 11..23 in arrival order took the 5 + 3 freed seats and the 5 new ones.
      expect(rows.filter((r) => r.status === 'registered').map((r) => r.user_id)).toEqual(people.slice(8, 23).map((p) => p.user.id));
      expect(rows.filter((r) => r.status === 'waitlisted').map((r) => r.user_id)).toEqual(people.slice(23).map((p) => p.user.id));
      expect((await forumRow(db(), f.id)).resident_taken).toBe(15);
      await expectCountersConsistent(db(), f.id);
    });
  },
  { poolSize: 25 },
);
