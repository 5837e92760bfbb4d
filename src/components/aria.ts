import type { FieldErrors } from '../server/forms.ts';

/** aria attributes linking a control written by hand to its hint and error (see FieldMessage). */
export function describe(name: string, errors: FieldErrors | null | undefined, hasHint = false) {
  const ids = [hasHint ? `f-${name}-hint` : null, errors?.[name] ? `f-${name}-error` : null].filter(Boolean);
  return {
    'aria-invalid': errors?.[name] ? ('true' as const) : undefined,
    'aria-describedby': ids.length ? ids.join(' ') : undefined,
  };
}
