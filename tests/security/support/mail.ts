import fs from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';

/**
 * The emails the shared server sent to the SMTP stand-in of global-setup.ts, which writes each
 * accepted message to a file of the `mailDir` folder. The server's worker sends queued emails
 * every few seconds, so readers wait.
 */
export interface SentMail {
  to: string[];
  subject: string;
  text: string;
}

export function sentMails(): SentMail[] {
  const dir = inject('mailDir');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as SentMail);
}

/** The first email to `to` whose subject is `subject`, once the SMTP server has it (30 s at most). */
export async function waitForMail(to: string, subject: string, timeoutMs = 30_000): Promise<SentMail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = sentMails().find((m) => m.to.includes(to) && m.subject === subject);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no email "${subject}" to ${to} within ${timeoutMs} ms; sent: ${JSON.stringify(sentMails().map((m) => [m.to, m.subject]))}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The token of the sign-up link (…/daftar/<token>) in an email's text. */
export function signUpToken(mail: SentMail): string {
  const m = /\/daftar\/([a-z2-7]{32})(?![a-z2-7])/.exec(mail.text);
  if (!m?.[1]) throw new Error(`no sign-up link in: ${mail.text}`);
  return m[1];
}

/**
 * Signs up at `origin` as a person does: the form, the email, then the button of the emailed
 * link; returns the answer of that last POST (303 with the session cookie).
 */
export async function signUpByEmail(origin: string, input: { displayName: string; email: string; password: string }, headers: Record<string, string> = {}): Promise<Response> {
  const form = { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded', ...headers };
  const asked = await fetch(`${origin}/daftar`, { method: 'POST', headers: form, body: new URLSearchParams(input), redirect: 'manual' });
  if (asked.status !== 303 || asked.headers.get('location') !== '/daftar/terkirim') throw new Error(`sign-up form: ${asked.status}\n${await asked.text()}`);
  const mail = await waitForMail(input.email.toLowerCase(), 'Selesaikan pendaftaran akun Baku Dengar');
  return fetch(`${origin}/daftar/${signUpToken(mail)}`, { method: 'POST', headers: form, body: '', redirect: 'manual' });
}
