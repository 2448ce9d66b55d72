import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

const marked = new Marked({ gfm: true, breaks: false, async: false });

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [...sanitizeHtml.defaults.allowedTags.filter((t) => t !== 'style'), 'img', 'del', 's', 'sup', 'sub'],
  allowedAttributes: {
    a: ['href', 'title', 'rel'],
    img: ['src', 'alt', 'title', 'width', 'height', 'loading'],
    th: ['align'],
    td: ['align'],
    ol: ['start'],
    code: ['class'],
  },
  allowedClasses: { code: [/^language-[\w-]+$/] },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowedSchemesByTag: { img: ['https'] },
  // "//evil.example" would leave our origin without saying so.
  allowProtocolRelative: false,
  transformTags: {
    // The article's title is the page's one h1; the body's headings sit below it.
    h1: 'h2',
    h2: 'h3',
    h3: 'h4',
    h4: 'h5',
    h5: 'h6',
    a: (tagName, attribs) => {
      const external = /^https?:/i.test(attribs.href ?? '');
      return { tagName, attribs: external ? { ...attribs, rel: 'noopener noreferrer nofollow' } : attribs };
    },
    // Lazy loading keeps long articles with many screenshots quick to show.
    img: (tagName, attribs) => ({ tagName, attribs: { ...attribs, alt: attribs.alt ?? '', loading: 'lazy' } }),
  },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
};

/** An article's markdown as HTML safe to put on a public page: no scripts, handlers or javascript: links. */
export function markdownToHtml(markdown: string): string {
  return sanitizeHtml(marked.parse(markdown) as string, SANITIZE);
}

/** The words a reader sees, for the search index and page descriptions. */
export function markdownToText(markdown: string): string {
  const html = marked.parse(markdown) as string;
  // List items keep a bullet, so pasted text still reads as steps.
  const blocks = html.replace(/<li>/g, '<li>- ').replace(/<\/(p|h\d|li|tr|pre|blockquote)>/g, '$&\n');
  return sanitizeHtml(blocks, { allowedTags: [], allowedAttributes: {} })
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/[ \t]+/g, ' ')
    .replace(/\n{2,}/g, '\n')
    .trim();
}

const FILE_LINK = /\/help\/files\/(\d+)\//g;

/** Ids of the uploads the markdown shows (`/help/files/<id>/<name>`), so they are served publicly. */
export function referencedFiles(markdown: string): number[] {
  return [...new Set(Array.from(markdown.matchAll(FILE_LINK), (m) => Number(m[1])))];
}
