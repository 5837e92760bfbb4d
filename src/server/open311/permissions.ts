import type { SessionUser } from '../accounts/sessions.ts';

/** Open311 API keys (create, list, revoke): admins only, at /admin/api and by the CLI. */
export function canManageApiKeys(user: SessionUser | null): boolean {
  return user?.role === 'admin';
}
