import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

/**
 * The one way user Markdown becomes HTML. marked renders (raw HTML in the source is shown
 * as text, never passed through); sanitize-html then keeps only an allowlist: no scripts,
 * no event handlers, no style, no hx-* or data-* attributes, links only to http(s) and
 * mailto, marked rel="nofollow ugc". Call it once when saving and store the result; pages
 * render only that stored HTML.
 */
const marked = new Marked({ gfm: true, breaks: true, async: false });
marked.use({
  renderer: {
    // Raw HTML blocks and inline tags in user text are escaped, not rendered.
    html({ text, block }) {
      return block ? `<p>${escapeHtml(text.trim())}</p>` : escapeHtml(text);
    },
    image({ text }) {
      // No remote images (tracking pixels, mixed content): show the alt text instead.
      return escapeHtml(text);
    },
  },
});

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'strong', 'em', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'h3', 'h4', 'h5', 'h6', 'hr', 'table', 'thead', 'tbody', 'tr', 'th', 'td'],
  allowedAttributes: { a: ['href'], ol: ['start'], th: ['align'], td: ['align'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'escape',
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'nofollow ugc noopener', target: '_blank' } }),
    // Headings in user text never compete with the page's own h1/h2.
    h1: 'h3',
    h2: 'h3',
  },
};
SANITIZE.allowedAttributes = { ...SANITIZE.allowedAttributes, a: ['href', 'rel', 'target'] };

/** Markdown → sanitized HTML (safe to store and render with set:html). */
export function renderMarkdown(source: string): string {
  const html = marked.parse(source) as string;
  return sanitizeHtml(html, SANITIZE).trim();
}

/** Markdown → plain text (for emails, excerpts and search). */
export function markdownToText(source: string): string {
  return sanitizeHtml(marked.parse(source) as string, { allowedTags: [], allowedAttributes: {} })
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}
