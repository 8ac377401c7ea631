/**
 * The requester console in a real browser (test/helpers/browser.ts launches Debian's Chromium),
 * and the sign-in every console test starts with.
 */
import type { Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from './browser';

export {
  assertWebAppBuilt,
  saveScreenshot,
  seriousAccessibilityViolations as seriousAxeViolations,
} from './browser';

/** A throwaway Chromium profile sized for the console's tables; `close` deletes the profile. */
export function openBrowser(): Promise<TestBrowser> {
  return launchBrowser({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
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
