import { stringify } from 'csv-stringify/sync';
import type { Db } from '../db/index.ts';
import { emptySums, measuresOf, type PeriodKind, type Sums } from './measures.ts';
import * as q from './queries.ts';

/**
 * CSV exports for coordinators (csv-stringify: RFC 4180 quoting; UTF-8 with a BOM so that
 * spreadsheet programs read Indonesian names right). Dates are ISO 8601 in UTC; shares are
 * fractions 0..1 with four decimals; empty cells mean "no items to compute it from".
 *
 * The feedback export carries no personal data: no title or description (residents write
 * names, phone numbers and addresses in them, and redactions are not guaranteed complete), no
 * reporter name, email, phone, account or tracking code, no officer named, no place text or
 * photos. Kecamatan is the only place (a district of tens of thousands of people).
 */

export const MEASURE_COLUMNS = [
  'period_kind', 'period_start', 'unit_slug', 'unit', 'sector',
  'received', 'keluhan', 'apresiasi', 'saran', 'pertanyaan', 'complaint_share', 'praise_count',
  'answered', 'median_working_days_to_first_answer', 'on_time', 'on_time_share',
  'resolved', 'resolution_rate', 'reopened', 'reopen_rate', 'rating_count', 'satisfaction_mean',
] as const;

export const FEEDBACK_COLUMNS = [
  'id', 'created_at', 'kind', 'unit', 'sector', 'kecamatan', 'status', 'moderation_state',
  'first_response_at', 'answer_due_at', 'support_count', 'rating',
] as const;

const BOM = '\ufeff';
const share = (v: number | null) => (v === null ? '' : v.toFixed(4));
const iso = (d: Date | string | null) => (d === null ? '' : new Date(d).toISOString());

/** Measures per unit and month or quarter over [from, to) (first days of periods). */
export async function measuresCsv(db: Db, kind: PeriodKind, from: string, to: string): Promise<string> {
  const [rows, units] = await Promise.all([q.selectSums(db, { from, to, byUnit: true, period: kind }), q.selectUnits(db)]);
  const unitById = new Map(units.map((u) => [u.id, u]));
  rows.sort((a, b) => (a.period! < b.period! ? -1 : a.period! > b.period! ? 1 : (unitById.get(a.unit_id!)?.short_name ?? '').localeCompare(unitById.get(b.unit_id!)?.short_name ?? '')));
  const records = rows.map((r) => {
    const u = unitById.get(r.unit_id!);
    const s: Sums = { ...emptySums(), ...r };
    const m = measuresOf(s);
    return [
      kind, r.period, u?.slug ?? '', u?.short_name ?? '', u?.sector ?? '',
      s.received, s.keluhan, s.apresiasi, s.saran, s.pertanyaan, share(m.complaintShare.value), m.praiseCount,
      s.answered, m.medianWorkingDays.value ?? '', s.on_time, share(m.onTimeShare.value),
      s.resolved, share(m.resolutionRate.value), s.reopened, share(m.reopenRate.value), s.rating_count,
      m.satisfaction.value === null ? '' : m.satisfaction.value.toFixed(2),
    ];
  });
  return BOM + stringify([[...MEASURE_COLUMNS], ...records]);
}

/**
 * Feedback received in [from, to), every moderation state, as a stream (keyset pages of 2,000
 * rows by id, so a large export never sits in memory).
 */
export function feedbackCsvStream(db: Db, from: Date, to: Date, pageSize = 2000): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  let afterId = 0;
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(enc.encode(BOM + stringify([[...FEEDBACK_COLUMNS]])));
      }
      const rows = await q.selectFeedbackExportPage(db, { from, to, afterId, limit: pageSize });
      if (rows.length === 0) {
        controller.close();
        return;
      }
      afterId = rows[rows.length - 1]!.id;
      const records = rows.map((r) => [
        r.id, iso(r.created_at), r.kind, r.unit ?? '', r.sector ?? '', r.kecamatan ?? '', r.status, r.moderation_state,
        iso(r.first_response_at), iso(r.answer_due_at), r.support_count, r.rating ?? '',
      ]);
      controller.enqueue(enc.encode(stringify(records)));
    },
  });
}
