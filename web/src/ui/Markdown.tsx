import MarkdownIt from 'markdown-it';

/**
 * Markdown with raw HTML disabled: tags in the source are shown as text, and markdown-it's link
 * validation drops javascript:, vbscript:, file: and non-image data: URLs, so the rendered HTML
 * can hold no script (and the page's CSP forbids inline script anyway).
 */
const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });

/** Renders requester-written Markdown safely. */
export function Markdown({ source }: { source: string }) {
  return <div className="markdown" dangerouslySetInnerHTML={{ __html: markdown.render(source) }} />;
}
