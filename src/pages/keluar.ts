import type { APIRoute } from 'astro';
import { signOut } from '../server/accounts/service.ts';
import { clearSessionCookie, setFlash } from '../server/http/cookies.ts';

/** Sign out (POST only, so a link or an image cannot sign anyone out). */
export const POST: APIRoute = async ({ locals, cookies, redirect }) => {
  if (locals.session) await signOut(locals.db, locals.session.id);
  clearSessionCookie(cookies);
  setFlash(cookies, 'auth.signOut.done');
  return redirect('/', 303);
};
