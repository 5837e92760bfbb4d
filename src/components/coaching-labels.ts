import type { Translate } from '../i18n/index.ts';

/** The coaching action form's field names as the error summary shows them (new and edit forms). */
export function coachingFieldLabels(t: Translate, opts: { participants: boolean }): Record<string, string> {
  return {
    kind: t('coaching.field.kind'),
    title: t('coaching.field.title'),
    goal: t('coaching.field.goal'),
    starts_on: t('coaching.field.startsOn'),
    ends_on: t('coaching.field.endsOn'),
    units: t('coaching.field.units'),
    ...(opts.participants ? { participants: t('coaching.field.participants') } : {}),
  };
}
