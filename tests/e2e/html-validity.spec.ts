import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ACCOUNTS } from './fixtures.ts';
import { forumPath } from './forum-helpers.ts';
import { expect, publishedId, test } from './test.ts';

/**
 * The public pages, and the forms as they come back with errors, are valid HTML by the Nu
 * HTML Checker (the W3C validator; npm package vnu-jar, run on Java: `apt-get install -y
 * default-jre-headless`). Warnings are allowed, errors are not. The pages are fetched from the
 * built server as a browser gets them (no JavaScript involved) and checked in one Java run.
 */

const run = promisify(execFile);
const VNU = path.resolve('node_modules/vnu-jar/build/dist/vnu.jar');

interface VnuMessage {
  type: string;
  subType?: string;
  url: string;
  lastLine?: number;
  message: string;
  extract?: string;
}

async function validate(files: string[]): Promise<VnuMessage[]> {
  const r = await run('java', ['-jar', VNU, '--errors-only', '--format', 'json', '--stdout', ...files], { maxBuffer: 32 * 1024 * 1024 }).catch(
    // vnu exits 1 when it found errors; its report is still on stdout.
    (e: { stdout?: string; stderr?: string; code?: number }) => {
      if (e.code === 1 && e.stdout) return { stdout: e.stdout };
      throw new Error(`vnu failed: ${e.stderr ?? e}`);
    },
  );
  return (JSON.parse(r.stdout) as { messages: VnuMessage[] }).messages.filter((m) => m.type === 'error' || m.subType === 'fatal');
}

test('public pages and forms pass the Nu HTML Checker with no errors', async ({ request, pageAs }, testInfo) => {
  test.setTimeout(120_000);
  const page = await pageAs(null);
  const item = await publishedId(page, 'Latuputtywarga');
  const pages: Array<{ name: string; get?: string; post?: { path: string; form: Record<string, string> } }> = [
    { name: 'home', get: '/' },
    { name: 'board', get: '/masukan' },
    { name: 'board-filtered', get: '/masukan?q=jalan&jenis=keluhan' },
    { name: 'feedback-form', get: '/masukan/baru' },
    { name: 'feedback-item', get: `/masukan/${item}` },
    { name: 'track', get: '/lacak' },
    { name: 'sign-in', get: '/masuk' },
    { name: 'sign-up', get: '/daftar' },
    { name: 'forgot-password', get: '/lupa-sandi' },
    { name: 'forums', get: '/forum' },
    { name: 'forum-open', get: forumPath('buka') },
    { name: 'forum-done', get: forumPath('selesai') },
    { name: 'units', get: '/unit' },
    { name: 'unit', get: '/unit/dinkes' },
    { name: 'not-found', get: '/tidak-ada-halaman-ini' },
    // Forms re-rendered with their field errors (422).
    { name: 'feedback-form-errors', post: { path: '/masukan/baru', form: { kind: '', title: '', body: '' } } },
    { name: 'sign-in-errors', post: { path: '/masuk', form: { email: ACCOUNTS.resident.email, password: 'salah sekali' } } },
    { name: 'sign-up-errors', post: { path: '/daftar', form: { email: 'bukan-surel', password: 'x', displayName: '' } } },
    { name: 'track-errors', post: { path: '/lacak', form: { intent: 'lookup', code: 'BD-XXXXX' } } },
  ];
  const files: string[] = [];
  const names = new Map<string, string>();
  for (const p of pages) {
    const base = testInfo.project.use.baseURL!;
    const r = p.get
      ? await request.get(p.get)
      : await request.post(p.post!.path, { form: p.post!.form, headers: { Origin: base }, maxRedirects: 0 });
    expect(r.headers()['content-type'], p.name).toMatch(/^text\/html/);
    const file = testInfo.outputPath(`${p.name}.html`);
    fs.writeFileSync(file, await r.body());
    files.push(file);
    names.set(`file:${file}`, `${p.get ? 'GET ' + p.get : 'POST ' + p.post!.path} (${r.status()})`);
  }
  const errors = await validate(files);
  const report = errors.map((m) => `${names.get(m.url) ?? m.url}:${m.lastLine ?? '?'}: ${m.message}${m.extract ? `\n    ${m.extract.replace(/\n/g, ' ')}` : ''}`);
  expect(report, `${errors.length} HTML error(s):\n${report.join('\n')}`).toEqual([]);
});
