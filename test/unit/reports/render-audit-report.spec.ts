import { escapeHtml } from '../../../src/reports/audit/html';
import { renderAuditReport } from '../../../src/reports/audit/render-audit-report';
import { emptyReportData, hostileReportData, XSS } from '../../fixtures/reports/audit-report-data';

/**
 * Every start tag in `html`. Text never contains a raw `<` or `>` (both are escaped), so a raw
 * `<` always opens real markup and the tag runs to the next raw `>`.
 */
function startTags(html: string): string[] {
  return [...html.matchAll(/<[a-zA-Z][^>]*>/g)].map(m => m[0]);
}

function tagNames(html: string): Set<string> {
  return new Set(startTags(html).map(tag => /^<([a-zA-Z][\w-]*)/.exec(tag)![1].toLowerCase()));
}

/** Attribute names of every start tag. */
function attributeNames(html: string): Set<string> {
  const names = new Set<string>();
  for (const tag of startTags(html)) {
    // Attribute values are quoted and escaped: drop them, then the names are what is left.
    const withoutValues = tag.replace(/"[^"]*"/g, '""');
    for (const m of withoutValues.matchAll(/\s([a-zA-Z:-]+)(?==)/g)) names.add(m[1].toLowerCase());
  }
  return names;
}

const ALLOWED_TAGS = new Set([
  'html',
  'head',
  'meta',
  'title',
  'style',
  'body',
  'main',
  'header',
  'section',
  'footer',
  'div',
  'span',
  'h1',
  'h2',
  'p',
  'ul',
  'li',
  'b',
  'i',
  'code',
  'time',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'details',
  'summary',
  'figure',
  'figcaption',
  'svg',
  'g',
  'rect',
  'line',
  'circle',
  'text',
  'tspan',
  'path',
  'polyline',
]);

describe(renderAuditReport.name, () => {
  const html = renderAuditReport(hostileReportData());
  /** The report from the first `start` up to the first `end`: one section's markup. */
  const section = (start: string, end: string) =>
    html.slice(html.indexOf(start), html.indexOf(end));

  it('escapes every user string: no tag, attribute or entity of the payloads survives', () => {
    expect([...tagNames(html)].filter(t => !ALLOWED_TAGS.has(t))).toEqual([]);
    expect(html).not.toMatch(/<script/i);
    const attributes = [...attributeNames(html)];
    expect(attributes.filter(a => a.startsWith('on') || a === 'src' || a === 'href')).toEqual([]);
    expect(startTags(html).filter(tag => /javascript:/i.test(tag))).toEqual([]);
    expect(html.match(/<style>/g)).toHaveLength(1);
    expect(html.match(/<\/style>/g)).toHaveLength(1);
    // The payloads are shown as text.
    for (const payload of Object.values(XSS)) expect(html).toContain(escapeHtml(payload));
    expect(html).toContain(
      '&lt;script&gt;document.body.setAttribute(&quot;data-pwned&quot;,&quot;1&quot;)&lt;/script&gt;',
    );
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=&quot;document.body');
    expect(html).toContain('Tom &amp; Jerry&#39;s &quot;labels&quot; &amp;lt;');
  });

  it('is self-contained: nothing to fetch, and a policy that forbids scripts and network', () => {
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    );
    const urls = [...html.matchAll(/https?:\/\/[^\s"'<>)]+/g)].map(m => m[0]);
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg']));
    const style = section('<style>', '</style>');
    expect(style).not.toMatch(/url\(|@import|@font-face/i);
    expect(attributeNames(html).has('src')).toBe(false);
  });

  it('is deterministic: the same data gives the same bytes', () => {
    expect(renderAuditReport(hostileReportData())).toBe(html);
  });

  it('shows the key figures', () => {
    expect(html).toContain('<title>Quality audit · Cats &lt;script&gt;');
    expect(html).toContain('generated 2026-01-15 12:30 UTC');
    expect(html).toContain('<div class="value">120</div>'); // tasks
    expect(html).toContain('90 complete (75%)');
    expect(html).toContain('<div class="value">90.0%</div>'); // consensus accuracy 45/50
    expect(html).toContain('<div class="value">0.52</div>'); // Fleiss' κ
    expect(html).toContain('1 blocked');
    expect(html).toContain('1 flagged');
  });

  it('draws one point per worker with gold answers, and says who was left out', () => {
    const scatter = section('Workers: gold accuracy', 'Task confidence</h2>');
    expect(scatter.match(/<circle /g)).toHaveLength(2);
    expect(scatter).toContain('1 worker without gold answers not shown');
    expect(scatter).toContain('rule threshold 60%');
  });

  it('row-normalises the confusion heat maps and marks empty rows', () => {
    const overall = html.slice(html.indexOf('Overall confusion matrix'));
    // Row "dog": 20, 70, 10 of 100.
    expect(overall).toContain('answered Cat &quot;&gt;&lt;img');
    expect(overall).toMatch(/: 70 of 100 \(70\.0%\)/);
    expect(overall).toMatch(/: 0 of 0 \(–\)/);
  });

  it('bins task confidence, ignoring values that are not numbers', () => {
    const histogram = section('Task confidence</h2>', 'Agreement between workers</h2>');
    expect(histogram).toContain('confidence 0–.5: 1 tasks (20.0%)');
    expect(histogram).toContain('confidence .5–.6: 1 tasks');
    expect(histogram).toContain('confidence .95–.99: 1 tasks');
    expect(histogram).toContain('confidence .999–1: 1 tasks');
    expect(histogram).toContain('of 5 tasks (gold tasks excluded). 2 below the target of 0.90');
  });

  it('lists flagged and blocked workers with the events that touched them, unknown workers too', () => {
    const events = section('Flags, blocks and rule events', 'All workers (');
    expect(events).toContain('block everywhere 1 d');
    expect(events).toContain('dry-run');
    expect(events).toContain('unknown-worker');
    expect(events).toContain('by admin Tom &amp; Jerry');
    // Blocked first, then flagged, then the rest.
    const order = ['badge blocked', 'badge flagged', 'badge active'].map(b => events.indexOf(b));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('shows the agreement statistics with intervals and their reading', () => {
    expect(html).toMatch(
      /Fleiss&#39; κ<\/td><td class="num"><b>0\.520<\/b><\/td><td class="num">0\.470 to 0\.580<\/td><td>moderate/,
    );
    expect(html).toContain('<td>poor</td>'); // AC1 of -0.1
  });

  it('renders an empty project with placeholders instead of failing', () => {
    const empty = renderAuditReport(emptyReportData());
    expect(empty).toContain('No worker has answered a gold task yet.');
    expect(empty).toContain('No task has a consensus yet.');
    expect(empty).toContain('No answers yet.');
    expect(empty).toContain('Not computed for this report.');
    expect(empty).toContain('No worker is flagged or blocked, and no rule has acted.');
    expect(empty).not.toContain('NaN');
  });

  it('never prints NaN or undefined', () => {
    expect(html).not.toMatch(/NaN|undefined|Infinity/);
  });

  it('rejects inconsistent counts', () => {
    const data = hostileReportData();
    const broken = { ...data, workers: [{ ...data.workers[0], gold: { correct: 11, total: 10 } }] };
    expect(() => renderAuditReport(broken)).toThrow(RangeError);
  });
});
