import { describe, expect, it } from 'vitest';
import { markdownToText, renderMarkdown } from '../../src/server/markdown.ts';

describe('renderMarkdown', () => {
  it('renders ordinary Markdown', () => {
    expect(renderMarkdown('**Lampu jalan** mati di *Batu Merah*')).toBe('<p><strong>Lampu jalan</strong> mati di <em>Batu Merah</em></p>');
    expect(renderMarkdown('- satu\n- dua')).toContain('<li>dua</li>');
  });

  it.each([
    ['<script>alert(1)</script>', '<script'],
    ['<img src=x onerror=alert(1)>', '<img'],
    ['[klik](javascript:alert(1))', 'javascript:'],
    ['<a href="https://x.id" hx-get="/keluar" data-x="1">x</a>', 'hx-get'],
    ['<div hx-post="/keluar" hx-trigger="load">x</div>', 'hx-post'],
    ['<p style="position:fixed">x</p>', 'style='],
    ['<iframe src="https://evil.example"></iframe>', '<iframe'],
    ['![pixel](https://tracker.example/p.gif)', '<img'],
    ['[x](data:text/html;base64,PHNjcmlwdD4=)', 'data:'],
  ])('neutralises %s', (input, forbidden) => {
    const html = renderMarkdown(input);
    // Raw HTML may survive as escaped text; it must never survive as a tag or an attribute.
    const tags = html.match(/<[a-z][^>]*>/gi) ?? [];
    for (const tag of tags) expect(tag).not.toContain(forbidden);
    expect(html).not.toContain(forbidden.startsWith('<') ? forbidden : `<${forbidden}`);
  });

  it('escapes raw HTML with htmx attributes instead of rendering it', () => {
    expect(renderMarkdown('<div hx-post="/keluar" hx-trigger="load">x</div>')).toMatch(/^<p>&lt;div hx-post=/);
  });

  it('drops attributes outside the allowlist on tags it keeps', () => {
    expect(renderMarkdown('[a](https://x.id "judul")')).toBe('<p><a href="https://x.id" rel="nofollow ugc noopener" target="_blank">a</a></p>');
  });

  it('keeps safe links, marked nofollow ugc', () => {
    const html = renderMarkdown('[Dinkes](https://dinkes.ambon.go.id) dan <mailto:pengaduan@ambon.go.id>');
    expect(html).toContain('href="https://dinkes.ambon.go.id"');
    expect(html).toContain('rel="nofollow ugc noopener"');
    expect(html).toContain('href="mailto:pengaduan@ambon.go.id"');
  });

  it('shows raw HTML as text rather than dropping what the resident wrote', () => {
    expect(renderMarkdown('a <b>b</b>')).toContain('&lt;b&gt;');
  });

  it('turns Markdown into plain text', () => {
    expect(markdownToText('# Judul\n\n**Tebal** & [tautan](https://x.id)')).toBe('Judul Tebal & tautan');
  });
});
