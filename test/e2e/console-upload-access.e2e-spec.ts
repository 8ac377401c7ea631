import type { Page, Route } from 'playwright-core';
import {
  assertWebAppBuilt,
  goInApp,
  openBrowser,
  recordGraphQLResponses,
  seriousAxeViolations,
  signInOnPage,
} from '../helpers/console-browser';
import { errorCode, useTestServer } from '../helpers/test-server';
import { singleChoice } from '../helpers/label-schemas';
import { CREATE_PROJECT_ID } from '../helpers/e2e-operations';

/**
 * The requester console's import and access promises, in headless Chromium on PostgreSQL: an
 * upload whose connection drops after the server stored a batch resumes without duplicates; bad
 * lines are listed with line, field and reason; another requester never receives the project in
 * any response; a granted reviewer reviews under pseudonyms and cannot touch money or settings.
 */
describe('requester console: resumable import and access (browser)', () => {
  const server = useTestServer();

  beforeAll(() => assertWebAppBuilt());

  it('resumes a dropped upload without duplicates and lists bad lines', async () => {
    const requester = await server.signUp(['REQUESTER']);
    const { createProject } = await requester.client.ok(CREATE_PROJECT_ID, {
      input: projectInput('Upload'),
    });
    const browser = await openBrowser();
    const page = await browser.context.newPage();
    page.setDefaultTimeout(20_000);
    try {
      await signInOnPage(page, server.url, requester);
      await goInApp(page, `/console/projects/${createProject.id}/import`);

      // The third batch reaches the server, which stores it, but its answer never arrives.
      let imports = 0;
      await page.route('**/graphql', async (route: Route) => {
        if (!route.request().postData()?.includes('ConsoleImportTasks')) return route.continue();
        imports += 1;
        if (imports !== 3) return route.continue();
        await route.fetch();
        await route.abort('connectionreset');
      });
      const rows = ['external_id,text'];
      for (let i = 0; i < 1800; i++) rows.push(`u${i},item ${i}`);
      await choose(page, 'tasks.csv', rows.join('\n'));
      await page.getByText('tasks.csv: 1800 tasks ready, 0 lines with errors.').waitFor();
      await page.getByRole('button', { name: 'Upload 1800 tasks' }).click();
      // The upload stops at the lost answer and offers to resume (the button is enabled again).
      await page.getByText('The server could not be reached.').waitFor();
      await page.locator('button:not([disabled])', { hasText: 'Resume the upload' }).waitFor();
      expect(await page.getByRole('status').textContent()).toBe('1000 created, 0 already there.');
      expect(await count(createProject.id)).toBe(1500);

      await page.getByRole('button', { name: 'Resume the upload' }).click();
      await page.getByText('Upload finished.').waitFor();
      // The resent batch was already stored: all 500 skipped, nothing twice.
      expect(await page.getByRole('status').textContent()).toBe('1300 created, 500 already there.');
      expect(await count(createProject.id)).toBe(1800);

      // Bad lines: each with its line number, field and reason; the rest stays importable.
      const bad = [
        'external_id,text,gold_label',
        'b1,fine,pos',
        ',no id,',
        'b3,unknown gold,maybe',
        'b4,"too",many,fields',
        'b1,repeated id,',
      ].join('\n');
      await choose(page, 'bad.csv', bad);
      await page.getByText('bad.csv: 1 tasks ready, 4 lines with errors.').waitFor();
      const errors = page.getByRole('table', { name: 'Lines with errors' }).locator('tbody tr');
      expect(await errors.allInnerTexts()).toEqual([
        '3\texternal_id\tRequired (it makes uploads resumable)',
        '4\tgold_label\tUnknown label key "maybe"',
        '5\t\tExpected 3 fields, found 4',
        '6\texternal_id\tRepeats the id of line 2',
      ]);
      const link = page.getByRole('link', { name: 'Download the errors (CSV)' });
      expect(await link.getAttribute('download')).toBe('bad.csv.errors.csv');
      expect(await seriousAxeViolations(page)).toEqual([]);
    } finally {
      await browser.close();
    }

    async function count(projectId: string): Promise<number> {
      const data = await requester.client.ok(
        `query ($id: ID!) { project(id: $id) { tasks { totalCount } } }`,
        { id: projectId },
      );
      return data.project.tasks.totalCount;
    }
  }, 180_000);

  it('shows another requester nothing, and a reviewer no money and no settings', async () => {
    const owner = await server.signUp(['REQUESTER']);
    const other = await server.signUp(['REQUESTER']);
    const reviewer = await server.signUp(['WORKER'], { displayName: 'Rita Reviewer' });
    const name = `Secret project ${Date.now()}`;
    const { createProject } = await owner.client.ok(CREATE_PROJECT_ID, {
      input: projectInput(name),
    });
    const projectId = createProject.id as string;
    await owner.client.ok(
      `mutation ($input: ImportTasksInput!) { importTasks(input: $input) { created } }`,
      { input: { projectId, tasks: [{ externalId: 'secret-1', payload: { text: 'hush' } }] } },
    );
    await owner.client.ok(
      `mutation ($p: ID!, $e: String!) { grantReviewer(projectId: $p, email: $e) { userId } }`,
      { p: projectId, e: reviewer.email },
    );

    const browser = await openBrowser();
    try {
      // Another requester opens every console path of the project: nothing of it comes back.
      const otherPage = await browser.context.newPage();
      otherPage.setDefaultTimeout(20_000);
      const seen = recordGraphQLResponses(otherPage);
      await signInOnPage(otherPage, server.url, other);
      // The console loads on first use: its start screen first, so its queries are made.
      await otherPage.getByText('No project yet: create one to start.').waitFor();
      for (const section of ['overview', 'import', 'results', 'review']) {
        await goInApp(otherPage, `/console/projects/${projectId}/${section}`);
        await otherPage.getByText('Not found.').first().waitFor();
      }
      await goInApp(otherPage, '/console');
      await otherPage.getByText('No project yet: create one to start.').waitFor();
      expect(seen.length).toBeGreaterThanOrEqual(3);
      expect(seen.filter(body => body.includes(name) || body.includes('hush'))).toEqual([]);
      await otherPage.close();

      // The reviewer reaches the queue from the console; answers come under pseudonyms only.
      const page = await browser.context.newPage();
      page.setDefaultTimeout(20_000);
      const reviewerSaw = recordGraphQLResponses(page);
      await signInOnPage(page, server.url, reviewer);
      await goInApp(page, '/console');
      await page.getByRole('link', { name }).click();
      await page.getByRole('heading', { name: 'Review queue' }).waitFor();
      expect(await seriousAxeViolations(page)).toEqual([]);
      expect(reviewerSaw.some(body => body.includes('rewardAmount'))).toBe(false);
    } finally {
      await browser.close();
    }

    // Over the API the reviewer may decide, but never touch settings, lifecycle or money.
    const task = await owner.client.ok(
      `query ($id: ID!) { project(id: $id) { tasks { nodes { id } } } }`,
      { id: projectId },
    );
    const taskId = task.project.tasks.nodes[0].id;
    const decided = await reviewer.client.ok(
      `mutation ($t: ID!) { decideReview(input: { taskId: $t, labels: ["neg"] }) { labels decidedBy } }`,
      { t: taskId },
    );
    expect(decided.decideReview.labels).toEqual(['neg']);
    const asGold = await reviewer.client.query(
      `mutation ($t: ID!) { decideReview(input: { taskId: $t, labels: ["neg"], makeGold: true }) { labels } }`,
      { t: taskId },
    );
    expect(errorCode(asGold)).toBe('UNAUTHORIZED');
    const forbidden = [
      [`mutation ($p: ID!) { updateProject(id: $p, input: { rewardAmount: 1 }) { id } }`],
      [`mutation ($p: ID!) { launchProject(id: $p) { id } }`],
      [`query ($p: ID!) { projectMoney(projectId: $p) { escrow } }`],
      [`query ($p: ID!) { projectMoneyPreview(projectId: $p) { toReserve } }`],
      [`mutation ($p: ID!) { grantReviewer(projectId: $p, email: "x@example.com") { userId } }`],
    ];
    for (const [query] of forbidden) {
      const result = await reviewer.client.query(query!, { p: projectId });
      expect([query, result.data ?? null]).toEqual([query, null]);
      expect(['NOT_FOUND', 'UNAUTHORIZED']).toContain(errorCode(result));
    }
    // The owner's decision replaces the reviewer's, becomes a gold task, and is exported.
    const asOwner = await owner.client.ok(
      `mutation ($t: ID!) { decideReview(input: { taskId: $t, labels: ["pos"], makeGold: true }) { goldTaskId } }`,
      { t: taskId },
    );
    expect(asOwner.decideReview.goldTaskId).toEqual(expect.any(String));
    const exported = await owner.client.ok(
      `query ($p: ID!) { exportResults(projectId: $p, format: JSONL) { content } }`,
      { p: projectId },
    );
    const objects = (exported.exportResults.content as string)
      .trimEnd()
      .split('\n')
      .map(line => JSON.parse(line));
    expect(
      objects.map(o => [o.external_id, o.labels, o.reviewed, o.is_gold, o.gold_labels]),
    ).toEqual([
      ['secret-1', ['pos'], true, false, null],
      [`review:${taskId}`, null, false, true, ['pos']],
    ]);
    const settings = await owner.client.ok(
      `query ($p: ID!) { project(id: $p) { rewardAmount status } }`,
      { p: projectId },
    );
    expect(settings.project).toEqual({ rewardAmount: 5, status: 'DRAFT' });
  }, 180_000);
});

function projectInput(name: string) {
  return {
    name,
    instructions: 'Positive or negative?',
    labelSchema: singleChoice(['pos', 'Positive'], ['neg', 'Negative']),
    rewardAmount: 5,
    currency: 'usd',
    overlap: { minOverlap: 2 },
  };
}

async function choose(page: Page, name: string, content: string): Promise<void> {
  await page.getByLabel('Task file (CSV or JSONL)').setInputFiles({
    name,
    mimeType: 'text/csv',
    buffer: Buffer.from(content),
  });
}
