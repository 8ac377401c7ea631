import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { RequestContext } from '../../src/common/request-context';
import {
  assertWebAppBuilt,
  openBrowser,
  recordGraphQLResponses,
  saveScreenshot,
  seriousAxeViolations,
  signInOnPage,
} from '../helpers/console-browser';
import { type GraphQLClient, useTestServer } from '../helpers/test-server';

/**
 * Issue 13's main story, in headless Chromium against the real app on PostgreSQL: a requester
 * creates a dynamic-overlap project in the wizard, uploads 2,000 tasks (CSV) and 100 gold tasks
 * (JSONL) through the page, an admin records an offline funding, the requester launches after
 * seeing what the launch reserves; two workers answer over the API; the requester reviews three
 * tasks still below the confidence target in the queue and exports CSV from the page:
 * the export carries the reviewed labels. axe-core runs on every screen; screenshots for README.
 */
describe('requester console: create, fund, launch, review, export (browser)', () => {
  // Gold mixing never draws gold for these workers, so who answers what is deterministic.
  const server = useTestServer({ overrides: { rng: () => 0.999 } });

  beforeAll(() => assertWebAppBuilt());

  async function screen(page: Page, name: string): Promise<void> {
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshot(page, `console-${name}.png`);
  }

  async function adminClient(): Promise<GraphQLClient> {
    const email = `admin-${randomBytes(6).toString('hex')}@example.test`;
    const password = `admin-${randomBytes(12).toString('hex')}`;
    await server.app.services.auth.createAdmin(RequestContext.create({ clock: server.clock }), {
      email,
      password,
    });
    const login = await server
      .anonymous()
      .ok(`mutation ($input: LogInInput!) { logIn(input: $input) { token } }`, {
        input: { email, password },
      });
    return server.anonymous().withToken(login.logIn.token);
  }

  /** `worker` leases and answers `count` tasks of the project with `label`. */
  async function answer(worker: GraphQLClient, projectId: string, label: string, count: number) {
    for (let i = 0; i < count; i++) {
      const lease = await worker.ok(`mutation ($p: ID) { nextAssignment(projectId: $p) { id } }`, {
        p: projectId,
      });
      await worker.ok(
        `mutation ($input: SubmitAssignmentInput!) { submitAssignment(input: $input) { id } }`,
        { input: { assignmentId: lease.nextAssignment.id, answer: { labels: [label] } } },
      );
    }
  }

  it('runs the whole job from the browser and exports the reviewed labels', async () => {
    const requester = await server.signUp(['REQUESTER'], { displayName: 'Ada Requester' });
    const browser = await openBrowser();
    const page = await browser.context.newPage();
    page.setDefaultTimeout(20_000);
    const responses = recordGraphQLResponses(page);
    try {
      page.on('requestfailed', request =>
        responses.push(`FAILED ${request.url()} ${request.failure()?.errorText}`),
      );
      await signInOnPage(page, server.url, requester);
      await page.getByRole('heading', { name: 'Your projects' }).waitFor();
      await screen(page, 'projects');

      // The wizard: schema with live preview, Markdown instructions, dynamic overlap.
      await page.getByRole('link', { name: 'Create a project' }).click();
      await page.getByLabel('Project name').fill('Review flow');
      await page.getByLabel(/^Instructions for workers/).fill('Is the review **positive**?');
      await page.locator('.markdown strong', { hasText: 'positive' }).waitFor();
      await page.getByLabel('Dynamic overlap').check();
      await page.getByLabel('Minimum answers').fill('2');
      await page.getByLabel('Maximum answers').fill('3');
      await page.getByLabel(/^Confidence target/).fill('0.9');
      await page.getByLabel(/^Gold tasks served/).fill('5');
      // The preview shows the labels as workers will pick them.
      expect(await page.locator('.worker-preview label.choice').count()).toBe(2);
      await screen(page, 'wizard');
      await page.getByRole('button', { name: 'Create the project' }).click();
      await page.waitForURL(/\/console\/projects\/[0-9a-f-]{36}\/import$/);
      const projectId = /projects\/([0-9a-f-]{36})/.exec(page.url())![1]!;

      // 2,000 tasks from CSV, then 100 gold tasks from JSONL.
      const csv = ['external_id,text'];
      for (let i = 0; i < 2000; i++) csv.push(`t${i},"Review number ${i}, quoted"`);
      await upload(page, 'tasks.csv', csv.join('\n'), 2000);
      await screen(page, 'import');
      const gold = Array.from({ length: 100 }, (_, i) =>
        JSON.stringify({ externalId: `g${i}`, payload: { text: `Gold ${i}` }, goldLabel: 'pos' }),
      );
      await upload(page, 'gold.jsonl', gold.join('\n'), 100);
      const counts = await requester.client.ok(
        `query ($id: ID!) { project(id: $id) { tasks { totalCount } gold: tasks(filter: { isGold: true }) { totalCount } } }`,
        { id: projectId },
      );
      expect([counts.project.tasks.totalCount, counts.project.gold.totalCount]).toEqual([
        2100, 100,
      ]);

      // An admin records the requester's bank transfer; the launch shows what it reserves.
      const admin = await adminClient();
      await admin.ok(
        `mutation ($input: RecordManualFundingInput!) { recordManualFunding(input: $input) { id } }`,
        {
          input: {
            requesterId: requester.userId,
            amount: 5_000_000,
            currency: 'usd',
            reference: 'wire 42',
            idempotencyKey: randomUUID(),
          },
        },
      );
      const { projectMoneyPreview: before } = await requester.client.ok(
        `query ($p: ID!) { projectMoneyPreview(projectId: $p) { toReserve } }`,
        { p: projectId },
      );
      expect(before.toReserve).toBeGreaterThan(2100 * 3 * 5);
      await page.getByRole('link', { name: 'Overview' }).click();
      await page.getByRole('button', { name: 'Launch' }).click();
      const reserveText = `This reserves ${dollars(before.toReserve)} into escrow`;
      await page.getByRole('alertdialog').getByText(reserveText).waitFor();
      await screen(page, 'launch');
      await page.getByRole('button', { name: 'Confirm: Launch' }).click();
      await page.getByText('Running').waitFor();
      const money = await requester.client.ok(
        `query ($p: ID!) { projectMoney(projectId: $p) { escrow } }`,
        { p: projectId },
      );
      expect(money.projectMoney.escrow).toBe(before.toReserve);
      await screen(page, 'overview');

      // Two workers answer over the API. After a first answer the online posterior of a task is
      // still below the 0.9 target (dynamic overlap keeps it open for more answers).
      const [a, b] = await Promise.all([server.signUp(['WORKER']), server.signUp(['WORKER'])]);
      await answer(a.client, projectId, 'pos', 6);
      await answer(b.client, projectId, 'neg', 6);

      await page.getByRole('link', { name: 'Results' }).click();
      await page.getByText('2100 tasks').waitFor();
      await screen(page, 'results');

      // The queue at the target lists them; the requester decides three of them: neg.
      await page.getByRole('link', { name: 'Review' }).click();
      await page.getByLabel('Queue tasks with confidence below').fill('0.9');
      // 12 answers: 12 tasks with one answer each, fewer when both workers met on a task.
      await page.getByText(/^\d+ tasks need review$/).waitFor();
      const need = Number(
        (await page.getByText(/tasks need review$/).textContent())!.split(' ')[0],
      );
      expect(need).toBeGreaterThanOrEqual(6);
      expect(need).toBeLessThanOrEqual(12);
      const queued = await page.getByRole('button', { name: /^Review t\d+$/ }).allTextContents();
      expect(queued.length).toBeGreaterThanOrEqual(3);
      const reviewed = queued.slice(0, 3).map(text => text.replace('Review ', ''));
      for (const externalId of reviewed) {
        await page.getByRole('button', { name: `Review ${externalId}`, exact: true }).click();
        await page.getByRole('heading', { name: `Task ${externalId}` }).waitFor();
        // The owner sees every answer; the decision records who and when.
        const answers = page.getByRole('table', { name: 'Answers' }).locator('tbody tr');
        await answers.first().waitFor();
        expect(await answers.count()).toBeGreaterThanOrEqual(1);
        await page.getByLabel('Negative').check();
        await page.getByRole('button', { name: 'Save the final label' }).click();
        await page.getByText(/Final label neg, set by Ada Requester/).waitFor();
        if (externalId === reviewed[0]) await screen(page, 'review');
      }

      // Export from the page: the three decisions are there, marked reviewed.
      await page.getByRole('link', { name: 'Results' }).click();
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Export CSV' }).click(),
      ]);
      const exported = readFileSync((await download.path())!, 'utf8')
        .trimEnd()
        .split('\n');
      expect(exported[0]).toBe('task_id,external_id,label,confidence,answers,reviewed');
      const rows = exported.slice(1).map(line => line.split(','));
      expect(rows).toHaveLength(2100);
      const marked = rows.filter(row => row[5] === 'true');
      expect(marked.map(row => [row[1], row[2]]).sort()).toEqual(
        reviewed.map(id => [id, 'neg']).sort(),
      );
    } catch (error) {
      await page.screenshot({
        path: '/tmp/console-flow-failure.png',
        fullPage: true,
      });
      console.log(responses.slice(-5).map(body => body.slice(0, 400)));
      throw error;
    } finally {
      await browser.close();
    }
  }, 240_000);
});

/** Chooses `name` in the import panel, uploads it, and waits for the end of the upload. */
async function upload(page: Page, name: string, content: string, count: number): Promise<void> {
  await page.getByLabel('Task file (CSV or JSONL)').setInputFiles({
    name,
    mimeType: name.endsWith('.csv') ? 'text/csv' : 'application/x-ndjson',
    buffer: Buffer.from(content),
  });
  await page.getByText(`${name}: ${count} tasks ready, 0 lines with errors.`).waitFor();
  await page.getByRole('button', { name: `Upload ${count} tasks` }).click();
  await page.getByText('Upload finished.').waitFor();
  expect(await page.getByRole('status').textContent()).toBe(`${count} created, 0 already there.`);
}

/** Minor units of usd as the page formats them in en-US. */
function dollars(minor: number): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(minor / 100);
}
