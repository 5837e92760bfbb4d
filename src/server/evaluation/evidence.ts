import { stringify } from 'csv-stringify/sync';
import type { SessionUser } from '../accounts/sessions.ts';
import { recordAudit, type Actor } from '../audit/service.ts';
import { witDate } from '../calendar/working-days.ts';
import type { Db } from '../db/index.ts';
import { fail, type FieldErrors, type Result } from '../forms.ts';
import { canViewEvidenceRecord } from './permissions.ts';
import * as q from './queries.ts';
import { wilson, type Interval } from './stats.ts';
import { isValidDate } from '../../domain/dates.ts';

/**
 * Each ASN person's evidence record for the performance appraisal (SKP, PermenPANRB 6/2022):
 * over a chosen period, the coaching they took part in (with confirmed attendance), their
 * progress reports, the dialogue forums they attended for their unit, and the official answers
 * they gave, with whether the item's first answer came within its deadline and the reporter's
 * rating. Read by the person and by coordinators only; every CSV download is audited.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Most answers listed in one record (a year of a busy officer fits). */
export const EVIDENCE_MAX_ANSWERS = 2000;

export interface EvidenceRange {
  /** first WIT day, inclusive */
  from: string;
  /** last WIT day, inclusive */
  to: string;
}


/**
 * The period from `?dari=` and `?sampai=` (WIT dates, inclusive). Empty: the calendar year of
 * today (the SKP's appraisal year). A malformed date, an end before the start, or more than
 * three years is refused with a message for its field; the default range is then used.
 */
export function parseEvidenceRange(dari: string | null, sampai: string | null, now = new Date()): { range: EvidenceRange; errors: FieldErrors | null } {
  const year = witDate(now).slice(0, 4);
  const fallback = { from: `${year}-01-01`, to: `${year}-12-31` };
  const f = (dari ?? '').trim();
  const t = (sampai ?? '').trim();
  let errors: FieldErrors | null = null;
  const add = (r: { ok: false; errors: FieldErrors }) => (errors = { ...(errors ?? {}), ...r.errors });
  if (f && !isValidDate(f)) add(fail('dari', 'eval.ev.err.date'));
  if (t && !isValidDate(t)) add(fail('sampai', 'eval.ev.err.date'));
  if (errors) return { range: fallback, errors };
  const range = { from: f || (t ? `${t.slice(0, 4)}-01-01` : fallback.from), to: t || (f ? `${f.slice(0, 4)}-12-31` : fallback.to) };
  if (range.to < range.from) return { range: fallback, errors: fail('sampai', 'eval.ev.err.order').errors };
  if (Date.parse(range.to) - Date.parse(range.from) > 3 * 366 * 86400_000) return { range: fallback, errors: fail('sampai', 'eval.ev.err.long').errors };
  return { range, errors: null };
}

const startOf = (day: string) => new Date(`${day}T00:00:00+09:00`);
const dayAfter = (day: string) => new Date(startOf(day).getTime() + 86400_000);

export interface EvidenceAnswer {
  eventId: number;
  at: Date;
  feedbackId: number;
  kind: string;
  unit: string | null;
  /** this answer was the item's first */
  first: boolean;
  /** for a first answer with a recorded deadline: given by then; otherwise null */
  onTime: boolean | null;
  rating: number | null;
}

/**
 * The record of one person over a period; null when the viewer may not see it or there is no
 * such ASN person (the page answers 404 for both).
 */
export async function evidenceRecord(db: Db, viewer: SessionUser | null, personId: string, range: EvidenceRange) {
  if (!UUID.test(personId) || !canViewEvidenceRecord(viewer, personId)) return null;
  const person = await q.selectEvidencePerson(db, personId);
  if (!person) return null;
  const from = startOf(range.from);
  const to = dayAfter(range.to);
  const [coaching, forums, answerRows] = await Promise.all([
    q.selectEvidenceCoaching(db, personId, range.from, range.to),
    q.selectEvidenceForums(db, personId, from, to),
    q.selectEvidenceAnswers(db, personId, from, to, EVIDENCE_MAX_ANSWERS + 1),
  ]);
  const truncated = answerRows.length > EVIDENCE_MAX_ANSWERS;
  const answers: EvidenceAnswer[] = answerRows.slice(0, EVIDENCE_MAX_ANSWERS).map((r) => {
    const first = r.first_response_at !== null && Math.abs(new Date(r.first_response_at).getTime() - new Date(r.at).getTime()) < 1000;
    return {
      eventId: r.event_id,
      at: new Date(r.at),
      feedbackId: r.feedback_id,
      kind: r.kind,
      unit: r.unit_short_name,
      first,
      onTime: first && r.due_at ? new Date(r.at).getTime() <= new Date(r.due_at).getTime() : null,
      rating: r.score === null ? null : Number(r.score),
    };
  });
  const timed = answers.filter((a) => a.onTime !== null);
  const onTime = timed.filter((a) => a.onTime).length;
  const rated = answers.filter((a) => a.rating !== null);
  const summary = {
    coaching: coaching.length,
    attended: coaching.filter((c) => c.attendance_confirmed_at !== null).length,
    reports: coaching.filter((c) => c.report_updated_at !== null).length,
    forums: forums.length,
    answers: answers.length,
    firstAnswers: timed.length,
    onTime,
    onTimeShare: timed.length ? onTime / timed.length : null,
    onTimeInterval: wilson(onTime, timed.length) as Interval | null,
    ratings: rated.length,
    ratingMean: rated.length ? rated.reduce((s, a) => s + a.rating!, 0) / rated.length : null,
  };
  return {
    person: { id: person.id, display_name: person.display_name, unit_short_name: person.unit_short_name, unit_name: person.unit_name, disabled: person.disabled_at !== null },
    range,
    coaching,
    forums,
    answers,
    truncated,
    summary,
  };
}

export type EvidenceRecord = NonNullable<Awaited<ReturnType<typeof evidenceRecord>>>;

export const EVIDENCE_COLUMNS = ['section', 'date', 'item', 'kind', 'unit', 'status', 'attendance_or_timeliness', 'rating', 'detail'] as const;

const iso = (d: Date | string | null) => (d === null ? '' : new Date(d).toISOString());

/** The record as CSV rows (one per coaching, report, forum and answer; a summary row first). */
export function evidenceCsv(r: EvidenceRecord): string {
  const rows: Array<Array<string | number>> = [[...EVIDENCE_COLUMNS]];
  const s = r.summary;
  rows.push(['summary', `${r.range.from}/${r.range.to}`, r.person.display_name, '', r.person.unit_short_name ?? '', '', s.onTimeShare === null ? '' : s.onTimeShare.toFixed(4), s.ratingMean === null ? '' : s.ratingMean.toFixed(2), `coaching=${s.coaching};attended=${s.attended};reports=${s.reports};forums=${s.forums};answers=${s.answers};first_answers=${s.firstAnswers};on_time=${s.onTime};ratings=${s.ratings}`]);
  for (const c of r.coaching) {
    rows.push(['coaching', `${c.starts_on}/${c.ends_on}`, c.title, c.kind, '', c.status, c.attendance_confirmed_at ? `attended ${iso(c.attendance_confirmed_at)}` : 'not_confirmed', '', '']);
    if (c.report_updated_at) rows.push(['progress_report', iso(c.report_updated_at), c.title, c.kind, '', '', '', '', `learned: ${c.learned_md ?? ''}\nchanged: ${c.changed_md ?? ''}`]);
  }
  for (const f of r.forums) rows.push(['forum', iso(f.starts_at), f.title, '', f.unit_short_name ?? '', 'attended', iso(f.checked_in_at), '', '']);
  for (const a of r.answers) rows.push(['answer', iso(a.at), `#${a.feedbackId}`, a.kind, a.unit ?? '', a.first ? 'first_answer' : 'later_answer', a.onTime === null ? '' : a.onTime ? 'on_time' : 'late', a.rating ?? '', '']);
  return '\ufeff' + stringify(rows);
}

/**
 * The CSV download of a person's record; null when the viewer may not see it. The download is
 * recorded in the audit log (whose record, which period) before the file is handed out.
 */
export async function exportEvidenceCsv(db: Db, viewer: SessionUser, actor: Actor, personId: string, range: EvidenceRange): Promise<Result<string>> {
  const r = await evidenceRecord(db, viewer, personId, range);
  if (!r) return fail('_form', 'error.404.text');
  await recordAudit(db, actor, 'evaluation.export_evidence', { type: 'user', id: personId }, { after: { from: range.from, to: range.to } });
  return { ok: true, value: evidenceCsv(r) };
}
