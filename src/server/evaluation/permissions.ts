import { isCoordinator } from '../../domain/roles.ts';
import type { SessionUser } from '../accounts/sessions.ts';

/**
 * Who sees what of the evaluation. The public sees aggregates only (scorecards, /unit); the
 * coordinator dashboard, findings and exports belong to coordinators (moderators and admins);
 * ASN staff see the findings about their own unit (and get "not found" for others').
 */

/** Coordinators: the dashboard, before/after, needs attention, all findings, CSV exports. */
export function canEvaluate(user: SessionUser | null): boolean {
  return isCoordinator(user);
}

/** Recording a finding and turning it into a follow-up coaching action. */
export function canRecordFinding(user: SessionUser | null): boolean {
  return canEvaluate(user);
}

/** Reading one finding: coordinators, and ASN staff of the finding's unit. */
export function canViewFinding(user: SessionUser | null, f: { unit_id: number }): boolean {
  if (canEvaluate(user)) return true;
  return user?.role === 'asn' && user.unitId !== null && user.unitId === f.unit_id;
}

/** The CSV exports (measures, and feedback without personal data). */
export function canExportEvaluation(user: SessionUser | null): boolean {
  return canEvaluate(user);
}

/**
 * An ASN person's evidence record for the performance appraisal (SKP): the person themself and
 * coordinators. Everyone else gets "not found".
 */
export function canViewEvidenceRecord(user: SessionUser | null, personId: string): boolean {
  if (canEvaluate(user)) return true;
  return user?.role === 'asn' && user.id === personId;
}
