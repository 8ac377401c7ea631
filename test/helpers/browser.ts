import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's Chromium (never a downloaded browser: that download is not reachable here). */
export const CHROMIUM = '/usr/bin/chromium';

/** The flags STACK-NOTES.md gives for this closed network and root user. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A headless Chromium with a fresh profile; `close()` removes the profile. */
export interface TestBrowser {
  readonly context: BrowserContext;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/** Launches one browser for a test file (reuse its pages: a launch costs seconds). */
export async function launchBrowser(
  options: {
    locale?: string;
    viewport?: { width: number; height: number };
    acceptDownloads?: boolean;
  } = {},
): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'quorum-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    locale: options.locale ?? 'en-US',
    viewport: options.viewport ?? { width: 1100, height: 800 },
    acceptDownloads: options.acceptDownloads ?? false,
  });
  return {
    context,
    newPage: () => context.newPage(),
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** axe-core's serious and critical violations on the page as it is now (ids and targets). */
export async function seriousAccessibilityViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter(violation => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      violation =>
        `${violation.id}: ${violation.nodes.map(node => node.target.join(' ')).join(', ')}`,
    );
}

/**
 * Fails early, with the fix, when the web app has not been built (the e2e tier's global setup
 * builds it once per run when web/ changed: bin/build-web.js --if-stale).
 */
export function assertWebAppBuilt(): void {
  const index = join(__dirname, '../../web/dist/index.html');
  if (!existsSync(index)) throw new Error('web/dist is missing: run `npm run build:web` first');
}

/** Where README's screenshots live. */
const SCREENSHOT_DIR = join(__dirname, '../../docs/screenshots');

/**
 * Takes a screenshot (proving the page paints); saves it under docs/screenshots for README
 * only when SAVE_SCREENSHOT_DIR=1, so a test run leaves the working tree clean.
 */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  const png = await page.screenshot({ fullPage: true });
  if (png.subarray(1, 4).toString() !== 'PNG') throw new Error(`screenshot ${name} is not a PNG`);
  if (process.env.SAVE_SCREENSHOT_DIR === '1') {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    writeFileSync(join(SCREENSHOT_DIR, name), png);
  }
}

export type { Browser, Page };
