import tsParser from '@typescript-eslint/parser';
import * as astroParser from 'astro-eslint-parser';
import { RuleTester } from 'eslint';
import { describe, it } from 'vitest';
import assetLinks from '../../eslint-rules/asset-links.js';

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const tester = new RuleTester({ languageOptions: { parser: astroParser, parserOptions: { parser: tsParser, extraFileExtensions: ['.astro'] } } });
const astro = (code: string) => ({ code, filename: 'src/pages/x.astro' });

tester.run('baku/asset-links', assetLinks, {
  valid: [
    astro(`---\nimport { asset } from '../assets.ts';\n---\n<link rel="stylesheet" href={asset('/styles/site.css')} />`),
    astro(`<script src={asset('/vendor/htmx.min.js')} defer></script><link rel="icon" href={asset('/favicon.svg')} />`),
    // Routes and downloads are not files of public/.
    astro(`<a href="/evaluasi/ekspor/ukuran.csv">CSV</a><a href="/forum/baru">new</a><a href={\`/unit/\${'x'}.js\`}>x</a>`),
    // External and protocol-relative addresses are not ours to hash.
    astro(`<script src="https://example.org/a.js"></script>`),
  ],
  invalid: [
    {
      ...astro(`<link rel="stylesheet" href="/styles/site.css" />`),
      errors: [
        {
          messageId: 'literal',
          suggestions: [{ messageId: 'useAsset', output: `<link rel="stylesheet" href={asset('/styles/site.css')} />` }],
        },
      ],
    },
    {
      ...astro(`<script src={'/scripts/print.js'}></script>`),
      errors: [{ messageId: 'literal', suggestions: [{ messageId: 'useAsset', output: `<script src={asset('/scripts/print.js')}></script>` }] }],
    },
    {
      ...astro(`---\nconst htmx = \`/vendor/htmx.min.js\`;\n---\n<script src={htmx}></script>`),
      errors: [{ messageId: 'literal', suggestions: [{ messageId: 'useAsset', output: `---\nconst htmx = asset('/vendor/htmx.min.js');\n---\n<script src={htmx}></script>` }] }],
    },
    {
      ...astro(`<link rel="icon" href="/favicon.svg?v=2" />`),
      errors: [{ messageId: 'literal', suggestions: [{ messageId: 'useAsset', output: `<link rel="icon" href={asset('/favicon.svg?v=2')} />` }] }],
    },
    { ...astro(`<link rel="stylesheet" href={asset('/styles/missing.css')} />`), errors: [{ messageId: 'missing' }] },
    { ...astro(`<script src={asset('/../package.js')}></script>`), errors: [{ messageId: 'missing' }] },
  ],
});
