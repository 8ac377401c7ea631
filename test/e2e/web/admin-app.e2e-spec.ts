import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { RequestContext } from '../../../src/common/request-context';
import {
  assertWebAppBuilt,
  launchBrowser,
  seriousAccessibilityViolations,
  type TestBrowser,
} from '../../helpers/browser';
import { useTestServer } from '../../helpers/test-server';

/** The admin pages in headless Chromium against the real app on PostgreSQL (one page). */
describe('admin pages in the browser (e2e)', () => {
  const server = useTestServer();
  let browser: TestBrowser;
  let page: Page;
  let workerId: string;
  const adminEmail = `admin-${randomBytes(6).toString('hex')}@example.test`;
  const adminPassword = `admin-${randomBytes(12).toString('hex')}`;

  beforeAll(async () => {
    assertWebAppBuilt();
    await server.app.services.auth.createAdmin(RequestContext.create({ clock: server.clock }), {
      email: adminEmail,
      password: adminPassword,
    });
    workerId = (await server.signUp(['WORKER'], { displayName: 'Li Findable' })).userId;
    await server.signUp(['WORKER'], { displayName: 'Someone Else' });
    browser = await launchBrowser();
    page = await browser.newPage();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('signs an admin in and finds a worker by name', async () => {
    await page.goto(`${server.url}/signin`);
    await page.getByLabel('Email').fill(adminEmail);
    await page.getByLabel('Password').fill(adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByLabel('Email or name').fill('findable');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('row', { name: /Someone Else/ }).waitFor({ state: 'detached' });
    expect(await page.getByRole('row', { name: /Li Findable/ }).count()).toBe(1);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
  });

  it('blocks the worker with a reason and unblocks them', async () => {
    const blocks = () =>
      server.app.dataSource.query(
        'SELECT reason, lifted_at FROM worker_blocks WHERE worker_id = $1',
        [workerId],
      );
    await page.getByRole('button', { name: 'Blocks: Li Findable' }).click();
    await page.getByLabel('Reason (shown to the worker)').fill('Copy-pasted answers');
    await page.getByRole('button', { name: 'Block everywhere' }).click();
    await page.getByRole('listitem').filter({ hasText: 'Copy-pasted answers' }).waitFor();
    expect(await blocks()).toEqual([{ reason: 'Copy-pasted answers', lifted_at: null }]);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Unblock' }).click();
    await page.getByRole('listitem').filter({ hasText: 'Copy-pasted answers' }).waitFor({
      state: 'detached',
    });
    const [lifted] = await blocks();
    expect(lifted.lifted_at).not.toBeNull();
  });

  it('shows payouts, the trial balance, reconciliation and the audit log', async () => {
    await page.getByRole('link', { name: 'Payouts and ledger' }).click();
    await page.getByRole('heading', { name: 'Trial balance' }).waitFor();
    await page.getByText('Balanced: yes').waitFor();
    await page.getByRole('heading', { name: 'Reconciliation with the payment provider' }).waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('columnheader', { name: 'Action' }).waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
  });
});
