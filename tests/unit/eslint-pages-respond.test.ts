/**
 * The lint rule that keeps pages answering form posts through respond(): what it refuses in an
 * Astro page's frontmatter and in an endpoint, what it leaves alone, and its listed exceptions.
 */
import * as astroParser from 'astro-eslint-parser';
import { Linter, RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import rule from '../../eslint-rules/pages-answer-through-respond.js';

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const astro = new RuleTester({
  languageOptions: { parser: astroParser, parserOptions: { parser: tseslint.parser }, sourceType: 'module', ecmaVersion: 'latest' },
});
const ts = new RuleTester({ languageOptions: { parser: tseslint.parser, sourceType: 'module', ecmaVersion: 'latest' } });

const page = (frontmatter: string) => `---\n${frontmatter}\n---\n<p>{errors}</p>\n`;
const PAGE = 'src/pages/beispiel.astro';
const ENDPOINT = 'src/pages/beispiel.ts';

astro.run('pages-answer-through-respond (Astro pages)', rule, {
  valid: [
    {
      name: 'the outcome answered through respond()',
      filename: PAGE,
      code: page(`const answered = await respond(Astro, await useCase(db, values), { flash: 'x.done', to: '/x' });
if (answered instanceof Response) return answered;
const errors: FieldErrors = answered;`),
    },
    { name: 'a status from the errors (refuse)', filename: PAGE, code: page('const errors = refuse(Astro, r.errors);') },
    { name: 'statuses that are not a refusal of a form', filename: PAGE, code: page('Astro.response.status = 404;\nif (!purpose) Astro.response.status = 410;') },
    { name: 'a computed status', filename: PAGE, code: page('Astro.response.status = errorStatus(errors);') },
    { name: 'a page response that is not a refusal', filename: PAGE, code: page("return new Response(null, { status: 404 });") },
    { name: 'another object’s status', filename: PAGE, code: page('other.response.status = 422;') },
  ],
  invalid: [
    {
      name: 'a 422 written by hand',
      filename: PAGE,
      code: page('let errors = r.errors;\nAstro.response.status = 422;'),
      errors: [{ messageId: 'status', data: { status: 422 } }],
    },
    {
      name: 'the rate limit chosen by hand',
      filename: PAGE,
      code: page("Astro.response.status = errors._form?.key === 'err.rateLimited' ? 429 : 422;"),
      errors: [
        { messageId: 'status', data: { status: 429 } },
        { messageId: 'status', data: { status: 422 } },
      ],
    },
    { name: 'a stale page by hand', filename: PAGE, code: page("Astro.response['status'] = 409;"), errors: [{ messageId: 'status' }] },
    {
      name: 'a bare 400 instead of the page with its message',
      filename: PAGE,
      code: page("if (!r) return new Response(null, { status: 400 });"),
      errors: [{ messageId: 'response', data: { status: 400 } }],
    },
    {
      name: 'a flash message set by the page',
      filename: PAGE,
      code: page("setFlash(Astro.cookies, 'x.done');\nreturn Astro.redirect('/x', 303);"),
      errors: [{ messageId: 'flash' }],
    },
    {
      name: 'an exception listed for another file does not cover this one',
      filename: PAGE,
      options: [{ allow: [{ file: 'src/pages/lain.astro', reason: 'Another page, another reason.' }] }],
      code: page("setFlash(Astro.cookies, 'x.done');"),
      errors: [{ messageId: 'flash' }],
    },
  ],
});

ts.run('pages-answer-through-respond (endpoints)', rule, {
  valid: [
    {
      name: 'an endpoint answers a download or an API with plain responses',
      filename: ENDPOINT,
      code: "export const GET = async () => new Response('slow down', { status: 429 });",
    },
    {
      name: 'a listed exception, with its reason',
      filename: ENDPOINT,
      options: [{ allow: [{ file: ENDPOINT, reason: 'Its form sits on other pages: the outcome is told there.' }] }],
      code: "export const POST = async ({ cookies, redirect }) => { setFlash(cookies, 'x.done'); return redirect('/', 303); };",
    },
  ],
  invalid: [
    {
      name: 'a flash message set by an endpoint',
      filename: ENDPOINT,
      code: "export const POST = async ({ cookies, redirect }) => { setFlash(cookies, 'x.done'); return redirect('/', 303); };",
      errors: [{ messageId: 'flash' }],
    },
  ],
});

describe('pages-answer-through-respond options', () => {
  const lint = (allow: object[]) =>
    new Linter({ configType: 'flat' }).verify("setFlash(cookies, 'x');", [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tseslint.parser },
        plugins: { baku: { rules: { 'pages-answer-through-respond': rule } } },
        rules: { 'baku/pages-answer-through-respond': ['error', { allow }] },
      },
    ], ENDPOINT);

  it('takes an exception with its reason', () => {
    expect(lint([{ file: ENDPOINT, reason: 'Its form sits on other pages: the outcome is told there.' }])).toEqual([]);
  });

  it('refuses an exception without a reason, or with an empty one', () => {
    expect(() => lint([{ file: ENDPOINT }])).toThrow(/reason/);
    expect(() => lint([{ file: ENDPOINT, reason: '' }])).toThrow(/shorter than 10/);
  });
});
