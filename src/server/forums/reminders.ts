import { recordAudit, SYSTEM_ACTOR } from '../audit/service.ts';
import type { Db } from '../db/index.ts';
import { witDate } from '../calendar/working-days.ts';
import { parseWitLocal } from '../../domain/dates.ts';
import { enqueueForumNotice } from './emails.ts';
import * as q from './queries.ts';

/**
 * Background jobs of forums run by the worker: the day-before reminder and the survey invitation.
 */

/**
 * The day-before reminder to everyone registered or waitlisted: sent once per forum, from
 * 09.00 WIT on the day before (or as soon as the worker runs after that), never after the start.
 */
export async function sendForumReminders(db: Db, publicUrl: string, now = new Date()): Promise<number> {
  // Due from 09.00 WIT on the day before the forum (or at once if the worker runs later, even
  // on the day itself), until the forum starts.
  const dueFrom = (startsAt: Date) => new Date(parseWitLocal(`${witDate(startsAt)}T09:00`)!.getTime() - 86400_000);
  const candidates = (await q.selectForumsDueReminder(db, now, new Date(now.getTime() + 48 * 3600_000))).filter((f) => now >= dueFrom(f.starts_at));
  let sent = 0;
  for (const { id } of candidates) {
    sent += await db.transaction().execute(async (trx) => {
      if (!(await q.claimReminder(trx, id, now))) return 0;
      const f = (await q.selectForumById(trx, id))!;
      let n = 0;
      for (const r of await q.selectRegistrantsToNotify(trx, id)) {
        const waitlisted = r.status === 'waitlisted';
        const position = waitlisted ? Number(r.place) : '';
        await enqueueForumNotice(trx, { email: r.email, locale: r.locale }, f, 'forum_reminder', waitlisted ? 'email.forum.reminderWaitlisted.subject' : 'email.forum.reminder.subject', waitlisted ? 'email.forum.reminderWaitlisted.body' : 'email.forum.reminder.body', publicUrl, { code: r.code, position });
        n++;
      }
      await recordAudit(trx, SYSTEM_ACTOR, 'forum.reminders', { type: 'forum', id }, { after: { emails: n } });
      return n;
    });
  }
  return sent;
}

/** After a forum ends, its attendees are asked once for the satisfaction survey. */
export async function sendForumSurveys(db: Db, publicUrl: string, now = new Date()): Promise<number> {
  let sent = 0;
  for (const { id } of await q.selectForumsDueSurvey(db, now, new Date(now.getTime() - 14 * 86400_000))) {
    sent += await db.transaction().execute(async (trx) => {
      if (!(await q.claimSurvey(trx, id, now))) return 0;
      const f = (await q.selectForumById(trx, id))!;
      const attendees = await q.selectAttendeesWithEmail(trx, id);
      for (const a of attendees) {
        await enqueueForumNotice(trx, { email: a.email, locale: a.locale }, f, 'forum_survey', 'email.forum.survey.subject', 'email.forum.survey.body', publicUrl, { surveyLink: `${publicUrl}/forum/${f.slug}/survei` });
      }
      await recordAudit(trx, SYSTEM_ACTOR, 'forum.surveys', { type: 'forum', id }, { after: { emails: attendees.length } });
      return attendees.length;
    });
  }
  return sent;
}
