import { z } from 'zod';
import type { SessionUser } from '../accounts/sessions.ts';
import { recordAudit, type Actor } from '../audit/service.ts';
import type { Db } from '../db/index.ts';
import { canViewAsStaff } from '../feedback/permissions.ts';
import { fail, parseIdList, validate, type Result } from '../forms.ts';
import { renderMarkdown } from '../markdown.ts';
import {
  emptySums,measuresOf,parsePeriod,
  periodEnd,
  periodLabel,type Measures,
  type PeriodKind
} from './measures.ts';
import { canRecordFinding, canViewFinding } from './permissions.ts';
import * as q from './queries.ts';
import { ensureFresh } from './refresh.ts';

/**
 * Findings: an evaluator records a conclusion with the evidence of one unit and period; who may
 * read it is decided in permissions.ts.
 */

export interface Evidence {
  period: { kind: PeriodKind; start: string; end: string; label: string };
  unit: { id: number; short_name: string; sector: string };
  measures: Measures;
  sector: Measures;
  feedback: number[];
  computed_at: string;
}

const findingSchema = z.object({
  unit: z.string().regex(/^\d{1,9}$/, { message: 'err.unitChoose' }),
  periodKind: z.enum(['month', 'quarter'], { message: 'err.invalidChoice' }),
  period: z.string().trim().min(1, { message: 'eval.err.period' }),
  title: z.string().trim().min(3, { message: 'eval.err.title' }).max(200),
  body: z.string().trim().min(1, { message: 'err.textRequired' }).max(10000),
  feedback: z.string().trim().max(2000).optional().default(''),
});

/**
 * Records a coordinator's finding about a unit and period: the text, the cited feedback (ids of
 * that unit's verified items) and, as evidence, a snapshot of the unit's and its sector's
 * measures for the period, so later data does not change what the finding rests on. Audited.
 */
export async function recordFinding(db: Db, user: SessionUser, actor: Actor, input: unknown): Promise<Result<number>> {
  // The route checks too; the service refuses on its own as a second line of defence.
  if (!canRecordFinding(user)) return fail('_form', 'error.403.text');
  const v = validate(findingSchema, input);
  if (!v.ok) return v;
  const kind = v.value.periodKind;
  const start = parsePeriod(kind, v.value.period);
  if (!start) return fail('period', 'eval.err.period');
  const units = await q.selectUnits(db);
  const unit = units.find((u) => u.id === Number(v.value.unit));
  if (!unit) return fail('unit', 'err.invalidChoice');
  const ids = parseIdList(v.value.feedback);
  if (!ids || ids.length > 50) return fail('feedback', 'eval.err.feedbackIds');
  const found = await q.selectCountedFeedbackIds(db, unit.id, ids);
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length) return fail('feedback', 'eval.err.feedbackNotOfUnit', { ids: missing.join(', ') });
  await ensureFresh(db);
  const end = periodEnd(kind, start);
  const sectorUnitIds = units.filter((u) => u.sector === unit.sector).map((u) => u.id);
  const [own] = await q.selectSums(db, { from: start, to: end, unitIds: [unit.id] });
  const [sector] = await q.selectSums(db, { from: start, to: end, unitIds: sectorUnitIds });
  const evidence: Evidence = {
    period: { kind, start, end, label: periodLabel(kind, start) },
    unit: { id: unit.id, short_name: unit.short_name, sector: unit.sector },
    measures: measuresOf(own ?? emptySums()),
    sector: measuresOf(sector ?? emptySums()),
    feedback: ids,
    computed_at: new Date().toISOString(),
  };
  const id = await db.transaction().execute(async (trx) => {
    const id = await q.insertFinding(
      trx,
      { unit_id: unit.id, period_kind: kind, period_start: start, title: v.value.title, body_md: v.value.body, body_html: renderMarkdown(v.value.body), evidence, created_by: user.id },
      ids,
    );
    await recordAudit(trx, actor, 'finding.create', { type: 'evaluation_finding', id }, { after: { unit_id: unit.id, period_kind: kind, period_start: start, title: v.value.title, feedback: ids } });
    return id;
  });
  return { ok: true, value: id };
}

/**
 * A finding with its evidence, cited feedback and follow-up actions; null when this person may
 * not see it. The unit's staff see only the cited items they may open now (an item moved to
 * another unit since, or rejected, is no longer theirs to read).
 */
export async function getFinding(db: Db, user: SessionUser | null, id: number) {
  const f = await q.selectFinding(db, id);
  if (!f || !canViewFinding(user, f)) return null;
  const [cited, followups] = await Promise.all([q.selectFindingFeedback(db, id), q.selectActionsOfFinding(db, id)]);
  const feedback = cited.filter((c) => canViewAsStaff(user, c));
  const evidence = (typeof f.evidence === 'string' ? JSON.parse(f.evidence) : f.evidence) as Partial<Evidence>;
  return { finding: f, evidence, feedback, followups };
}

export const listFindings = q.selectFindings;
