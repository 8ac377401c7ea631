/**
 * The requester console in a real browser: Debian's Chromium driven by playwright-core (never a
 * downloaded browser), a fresh profile per launch, the page built from web/ and served by the
 * test server, and the sign-in every console test starts with.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** The flags STACK-NOTES asks for on this closed network. */
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Builds web/dist from the current sources, so the page under test is this checkout's. */
export function buildWebApp(): void {
  execFileSync('npx', ['vite', 'build', '--logLevel', 'error'], {
    cwd: join(__dirname, '..', '..', 'web'),
    stdio: 'inherit',
  });
}

/** A throwaway Chromium profile; `close` ends the browser and deletes the profile. */
export async function openBrowser(): Promise<{
  context: BrowserContext;
  close(): Promise<void>;
}> {
  const profile = mkdtempSync(join(tmpdir(), 'quorum-console-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1280, height: 900 },
    locale: 'en-US',
    acceptDownloads: true,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Signs in through the page's own form and waits for the signed-in shell. */
export async function signInOnPage(
  page: Page,
  baseUrl: string,
  login: { email: string; password: string },
): Promise<void> {
  await page.goto(`${baseUrl}/signin`);
  await page.getByLabel('Email').fill(login.email);
  await page.getByLabel(/^Password/).fill(login.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** Every /graphql response (status and body) the page receives from now on (leak checks). */
export function recordGraphQLResponses(page: Page): string[] {
  const bodies: string[] = [];
  page.on('response', response => {
    if (!response.url().endsWith('/graphql')) return;
    void response.text().then(
      body => bodies.push(`${response.status()} ${body}`),
      () => undefined,
    );
  });
  return bodies;
}

/** axe-core's serious and critical violations on the page as it is now (ids and targets). */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter(violation => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      violation =>
        `${violation.id}: ${violation.nodes.map(node => node.target.join(' ')).join(', ')}`,
    );
}

/**
 * Goes to `path` inside the running app (history API, as its own links do): a full page load
 * would end the session, whose token lives only in memory.
 */
export async function goInApp(page: Page, path: string): Promise<void> {
  // A string, evaluated in the page: this file is compiled without the DOM's types.
  await page.evaluate(
    `window.history.pushState(null, '', ${JSON.stringify(path)});` +
      `window.dispatchEvent(new PopStateEvent('popstate'));`,
  );
}
