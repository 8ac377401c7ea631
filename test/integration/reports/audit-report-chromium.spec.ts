/**
 * The audit report as a person sees it: rendered by headless Chromium from the demo data of the
 * s4_dog fixture (real answers, Dawid–Skene, agreement, a dry-run of the demo rules).
 *
 * Needs Chromium (Debian package `chromium`, or CHROMIUM_PATH): without it this test fails, it
 * does not skip. Each run works in its own temporary folder; the demo's screenshot and HTML are
 * then copied to $TMPDIR/quorum-audit-report/ (outside git) for a look.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { buildDemoReportData } from '../../../src/cli/report-demo';
import { renderAuditReport } from '../../../src/reports/audit/render-audit-report';
import { hostileReportData } from '../../fixtures/reports/audit-report-data';
import { dumpDom, findChromium, screenshot } from './chromium';
import { countPixels, decodePng, pixelAt } from './png';

const KEEP = join(tmpdir(), 'quorum-audit-report');
const SIZE = { width: 1280, height: 2000 };
const S4_DOG = join(__dirname, '..', '..', 'fixtures', 'datasets', 's4_dog');

/** The page background (#f3f4f6) and white cards. */
const isBackground = (r: number, g: number, b: number) =>
  (Math.abs(r - 243) <= 2 && Math.abs(g - 244) <= 2 && Math.abs(b - 246) <= 2) ||
  (r >= 250 && g >= 250 && b >= 250);
const near =
  (color: [number, number, number], tolerance = 30) =>
  (r: number, g: number, b: number) =>
    Math.abs(r - color[0]) <= tolerance &&
    Math.abs(g - color[1]) <= tolerance &&
    Math.abs(b - color[2]) <= tolerance;

describe('audit report in headless Chromium', () => {
  const chromium = findChromium();
  const OUT = mkdtempSync(join(tmpdir(), 'quorum-audit-report-run-'));
  afterAll(() => rmSync(OUT, { recursive: true, force: true }));

  it('renders the s4_dog demo report with its charts', async () => {
    const html = renderAuditReport(
      buildDemoReportData(S4_DOG, { generatedAt: Date.UTC(2026, 2, 16, 9) }),
    );
    const htmlPath = join(OUT, 'audit-report.html');
    const pngPath = join(OUT, 'audit-report.png');
    writeFileSync(htmlPath, html);

    await screenshot(chromium, htmlPath, pngPath, SIZE);

    const file = readFileSync(pngPath);
    expect(file.length).toBeGreaterThan(50_000);
    const png = decodePng(file);
    expect([png.width, png.height]).toEqual([SIZE.width, SIZE.height]);

    // The page background beside the content, and the blue header band (top right, no text).
    expect(isBackground(...pixelAt(png, 12, 1500))).toBe(true);
    const [red, , blue] = pixelAt(png, 1150, 50);
    expect(blue).toBeGreaterThan(150);
    expect(blue - red).toBeGreaterThan(80);

    // Something was drawn: a good share of the page is neither background nor white.
    const drawn = countPixels(png, (r, g, b) => !isBackground(r, g, b));
    expect(drawn / (png.width * png.height)).toBeGreaterThan(0.05);

    // The charts' own colours: blue worker dots and bars, red blocked workers and threshold,
    // green confidence bins at or above the target.
    expect(countPixels(png, near([37, 99, 235], 25))).toBeGreaterThan(500);
    expect(countPixels(png, near([220, 38, 38], 25))).toBeGreaterThan(100);
    expect(countPixels(png, near([22, 163, 74], 20))).toBeGreaterThan(2000);

    mkdirSync(KEEP, { recursive: true });
    copyFileSync(pngPath, join(KEEP, 'audit-report.png'));
    copyFileSync(htmlPath, join(KEEP, 'audit-report.html'));
  }, 120_000);

  it('runs none of the payloads hidden in names, labels and reasons, even without the CSP', async () => {
    const shipped = renderAuditReport(hostileReportData());
    const csp = /<meta http-equiv="Content-Security-Policy"[^>]*>/;
    expect(shipped).toMatch(csp);
    // Without the policy, only escaping stands between the payloads and the browser.
    const htmlPath = join(OUT, 'hostile-report.html');
    writeFileSync(htmlPath, shipped.replace(csp, ''));

    const dom = await dumpDom(chromium, htmlPath);
    expect(dom).toContain('Tom &amp; Jerry');
    expect(dom).not.toMatch(/\sdata-pwned="/);
    expect(dom).not.toMatch(/<script|<img|<a\s/i);
    expect(dom.match(/<style>/g)).toHaveLength(1);

    // And the injected `body{display:none}` did not blank the page.
    const pngPath = join(OUT, 'hostile-report.png');
    await screenshot(chromium, htmlPath, pngPath, { width: 1280, height: 900 });
    const png = decodePng(readFileSync(pngPath));
    expect(countPixels(png, (r, g, b) => !isBackground(r, g, b))).toBeGreaterThan(20_000);
  }, 120_000);
});
