import 'reflect-metadata';
import type { Page } from 'playwright-core';
import {
  assertWebAppBuilt,
  launchBrowser,
  saveScreenshot,
  seriousAccessibilityViolations,
  type TestBrowser,
} from '../../helpers/browser';
import { makeProject, makeTasks } from '../../helpers/factories';
import { signInNewAdmin } from '../../helpers/admin-client';
import { useTestServer } from '../../helpers/test-server';
import { singleChoice } from '../../helpers/label-schemas';

const SENTIMENT = singleChoice(['pos', 'Positive'], ['neg', 'Negative'], ['neu', 'Neutral']);
/** Training tasks are gold `pos`, the first option: key 1 answers them right. */
const TRAINING = 3;
const REAL_TO_LABEL = 20;
/** Fields that would tell a worker the gold answer or the crowd's answer. */
const FORBIDDEN_KEYS = [
  'goldLabel',
  'goldLabels',
  'goldCorrect',
  'isGold',
  'consensusLabels',
  'consensusLabel',
  'consensusConfidence',
  'posterior',
];

/**
 * The worker app in headless Chromium against the real app on PostgreSQL: one browser and one
 * page for the whole file (the session token lives in page memory, so the page is never
 * reloaded: every move is inside the app, as a worker would make it).
 */
describe('worker app in the browser (e2e)', () => {
  const server = useTestServer();
  let browser: TestBrowser;
  let page: Page;
  /** Every /graphql response body (HTTP, and WebSocket frames) the page received. */
  const graphqlBodies: string[] = [];
  let requester: Awaited<ReturnType<typeof server.signUp>>;
  let projectId: string;
  let workerEmail: string;
  let otherWorkerId: string;

  beforeAll(async () => {
    assertWebAppBuilt();
    requester = await server.signUp(['REQUESTER'], { displayName: 'Lab of Texts' });
    const dataSource = server.app.dataSource;
    const project = await makeProject(dataSource, requester.userId, {
      name: 'Review sentiment',
      instructions:
        'Read the **review** and pick its sentiment.\n\n<script>window.pwned = 1</script>\n\n[bad](javascript:alert(1))',
      labelSchema: SENTIMENT,
      minOverlap: 2,
      maxOverlap: 2,
      qualificationTaskCount: 2,
      qualificationPassMark: 1,
    });
    projectId = project.id;
    await makeTasks(dataSource, projectId, TRAINING, {
      gold: true,
      goldLabels: ['pos'],
      payload: n => ({ text: `Training review ${n}: I loved it.` }),
    });
    await makeTasks(dataSource, projectId, REAL_TO_LABEL + 10, {
      payload: n => ({ text: `Review ${n}: the battery lasts a day.`, meta: { stars: n % 5 } }),
    });
    // Another worker answers first: their answers must never reach our worker's page.
    const other = await server.signUp(['WORKER']);
    otherWorkerId = other.userId;
    // Each of their answers takes 12 s on the server's clock: the catalogue's measured time.
    const think = () => void server.clock.advance(12_000);
    await answerDirectly(other.client, projectId, 'pos', 2, think); // their training
    await answerDirectly(other.client, projectId, 'neg', 4, think);

    browser = await launchBrowser();
    page = await browser.newPage();
    page.on('response', response => {
      if (!response.url().endsWith('/graphql')) return;
      void response.text().then(
        body => graphqlBodies.push(body),
        () => undefined,
      );
    });
    page.on('websocket', socket =>
      socket.on('framereceived', frame => {
        const payload = String(frame.payload);
        if (JSON.parse(payload).type === 'next') graphqlBodies.push(payload);
      }),
    );
    await page.clock.install();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('serves the app at / with a CSP allowing only its own scripts', async () => {
    const response = await page.goto(`${server.url}/signup`);
    const csp = response!.headers()['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(await page.locator('script:not([src])').count()).toBe(0);
    await page.getByRole('heading', { name: 'Create a worker account' }).waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
  });

  it('signs a worker up and shows the catalogue with pay, time, work left and qualification', async () => {
    workerEmail = `worker-${Date.now()}@example.test`;
    await page.getByLabel('Display name').fill('Wen');
    await page.getByLabel('Email').fill(workerEmail);
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Create a worker account' }).click();
    const row = page.getByRole('row', { name: /Review sentiment/ });
    await row.waitFor();
    const text = await row.innerText();
    expect(text).toContain('$0.05');
    expect(text).toContain('12 s');
    expect(text).toContain('$15.00'); // 5 cents × 3600 s / 12 s
    expect(text).toContain('Needed: not started');
    // Work left counts the unanswered gold too (the training set here), so gold never shows.
    expect(text).toContain(String(REAL_TO_LABEL + 10 + TRAINING));
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, 'catalogue.png');
    // A worker-only account sees no console or admin link, and the console's path leads home.
    const nav = page.getByRole('navigation');
    expect(await nav.getByRole('link').allInnerTexts()).toEqual(['Projects', 'My work']);
    await page.evaluate(() => {
      const w = globalThis as unknown as {
        history: { pushState(state: null, title: string, url: string): void };
        dispatchEvent(event: unknown): void;
        PopStateEvent: new (type: string) => unknown;
      };
      w.history.pushState(null, '', '/console');
      w.dispatchEvent(new w.PopStateEvent('popstate'));
    });
    await row.waitFor();
    expect(await page.getByRole('heading', { name: 'Projects open to you' }).count()).toBe(1);

    // New work reaches the open catalogue live (a subscription), without a reload. (Tasks
    // added to a launched project are paid into escrow: the requester funds them first.)
    await (
      await signInNewAdmin(server)
    ).ok(
      `mutation ($input: RecordManualFundingInput!) { recordManualFunding(input: $input) { id } }`,
      {
        input: {
          requesterId: requester.userId,
          amount: 10_000,
          currency: 'usd',
          reference: 'new work',
          idempotencyKey: `new-work-${projectId}`,
        },
      },
    );
    await server.app.services.live.whenSubscribers(n => n >= 1);
    await requester.client.ok(
      `mutation ($input: ImportTasksInput!) { importTasks(input: $input) { created } }`,
      { input: { projectId, tasks: [{ payload: { text: 'Review 99: arrived late.' } }] } },
    );
    await page
      .getByRole('row', { name: /Review sentiment/ })
      .getByRole('cell', { name: String(REAL_TO_LABEL + 10 + TRAINING + 1), exact: true })
      .waitFor();
    // No token in any web storage: it lives in page memory only.
    const stored = await page.evaluate(() =>
      JSON.stringify({ ...(globalThis as unknown as { localStorage: object }).localStorage }),
    );
    expect(stored).not.toMatch(/eyJ/);
  });

  it('passes the qualification and labels 20 real tasks from the keyboard alone', async () => {
    await page.getByRole('button', { name: 'Start Review sentiment' }).click();
    // The instructions render as Markdown, with raw HTML shown as text and no script run.
    await page.getByRole('heading', { name: 'Review sentiment' }).waitFor();
    expect(await page.locator('.markdown strong').innerText()).toBe('review');
    expect(await page.evaluate(() => (globalThis as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.locator('.markdown a[href^="javascript"]').count()).toBe(0);
    expect(await page.getByText('Qualification: 0 of 2 training tasks answered').count()).toBe(1);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, 'task-screen.png');

    // 2 training answers pass, then real tasks; 23 answers hold at least 20 real ones whether or
    // not the third gold task is served. Every answer is key 1 then Enter.
    const total = TRAINING + REAL_TO_LABEL;
    for (let answered = 0; answered < total; answered++) {
      await page.getByText(`Answered in this session: ${answered}`).waitFor();
      await page.keyboard.press('1');
      await page.keyboard.press('Enter');
    }
    await page.getByText(`Answered in this session: ${total}`).waitFor();
    // Answers are sent in the background while the next task shows: wait for every ack.
    await page.getByText(`Saved: ${total}`).waitFor();

    const [landed] = await server.app.dataSource.query(
      `SELECT count(*) FILTER (WHERE a.is_gold)::int AS gold,
              count(*) FILTER (WHERE NOT a.is_gold)::int AS real
       FROM assignments a JOIN users u ON u.id = a.worker_id
       WHERE u.email = $1 AND a.status = 'SUBMITTED' AND a.answer_labels = '{pos}'`,
      [workerEmail],
    );
    // Every answer landed; 2 or 3 of them on gold (the third gold task is served only when the
    // task leased in advance was taken before the second training answer was recorded).
    expect(landed.gold + landed.real).toBe(total);
    expect(landed.gold).toBeGreaterThanOrEqual(2);
    expect(landed.real).toBeGreaterThanOrEqual(REAL_TO_LABEL);

    // Esc asks why; Esc again goes back to the same task.
    const shown = await page.locator('.payload-text').innerText();
    await page.keyboard.press('Escape');
    const dialog = page.getByRole('dialog', { name: 'Give this task back?' });
    await dialog.waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await page.locator('.payload-text').innerText()).toBe(shown);
    // Esc, 3 (the item is broken), Enter: the task goes back with that reason (committed
    // before the next task shows) and the next one shows.
    await page.keyboard.press('Escape');
    await dialog.waitFor();
    await page.keyboard.press('3');
    expect(await dialog.getByRole('radio', { name: /The item is broken/ }).isChecked()).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      previous =>
        (
          globalThis as unknown as {
            document: { querySelector(selector: string): { textContent: string } | null };
          }
        ).document.querySelector('.payload-text')?.textContent !== previous,
      shown,
    );
    const [returned] = await server.app.dataSource.query(
      `SELECT count(*)::int AS n, min(a.return_reason) AS reason
       FROM assignments a JOIN users u ON u.id = a.worker_id
       WHERE u.email = $1 AND a.status = 'RETURNED'`,
      [workerEmail],
    );
    expect(returned).toEqual({ n: 1, reason: 'BROKEN_CONTENT' });

    const [qualification] = await server.app.dataSource.query(
      `SELECT q.status FROM worker_qualifications q JOIN users u ON u.id = q.worker_id
       WHERE u.email = $1 AND q.project_id = $2`,
      [workerEmail, projectId],
    );
    expect(qualification.status).toBe('PASSED');
  });

  it('warns before a lease ends and says so when it has expired', async () => {
    await page.getByText(/Time left: \d+:\d\d/).waitFor();
    // Move the page clock (not the wall clock) to 30 s before the shown lease ends.
    const [lease] = await server.app.dataSource.query(
      `SELECT max(a.expires_at) AS expires_at FROM assignments a JOIN users u ON u.id = a.worker_id
       WHERE u.email = $1 AND a.status = 'LEASED'`,
      [workerEmail],
    );
    const pageNow = await page.evaluate(() => Date.now());
    await page.clock.fastForward(new Date(lease.expires_at).getTime() - pageNow - 30_000);
    await page.getByText('Time is almost up on this task').waitFor();
    await page.clock.fastForward(60_000);
    await page
      .getByRole('alert')
      .getByText('Time is up: this task went back to the queue')
      .waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
  });

  it('shows a blocked worker why they are blocked', async () => {
    const [{ id: workerId }] = await server.app.dataSource.query(
      'SELECT id FROM users WHERE email = $1',
      [workerEmail],
    );
    await requester.client.ok(
      `mutation ($input: BlockWorkerInput!) { blockWorker(input: $input) { id } }`,
      { input: { workerId, projectId, reason: 'Answers faster than reading allows' } },
    );
    await page.getByRole('link', { name: 'My work' }).click();
    await page.getByText('Reason: Answers faster than reading allows').waitFor();
    await page.getByRole('heading', { name: 'My answers' }).waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.getByRole('link', { name: 'Projects' }).click();
    await page.getByText('No project has work for you right now.').waitFor();
    expect(await page.getByText('Reason: Answers faster than reading allows').count()).toBe(1);
  });

  it('shows the app in Simplified Chinese', async () => {
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('heading', { name: '向你开放的项目' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    expect(await page.getByText('原因：Answers faster than reading allows').count()).toBe(1);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.getByLabel('语言').selectOption('en');
  });

  it('never received gold labels or another worker’s answers in any response', async () => {
    expect(graphqlBodies.length).toBeGreaterThan(REAL_TO_LABEL);
    const ownIds = new Set<string>(
      (
        await server.app.dataSource.query(
          `SELECT a.id FROM assignments a JOIN users u ON u.id = a.worker_id WHERE u.email = $1`,
          [workerEmail],
        )
      ).map((row: { id: string }) => row.id),
    );
    for (const body of graphqlBodies) {
      expect(body).not.toContain(otherWorkerId);
      walk(JSON.parse(body), (key, value, parent) => {
        expect(FORBIDDEN_KEYS).not.toContain(key);
        if (key === 'answerLabels' && value != null)
          expect(ownIds.has(String(parent.id))).toBe(true);
      });
    }
  });
});

/** Leases and answers `count` tasks of the project over the API as `client`. */
async function answerDirectly(
  client: { ok: (query: string, variables?: Record<string, unknown>) => Promise<any> },
  projectId: string,
  label: string,
  count: number,
  think: () => void,
): Promise<void> {
  for (let i = 0; i < count; i++) {
    const next = await client.ok(`mutation ($p: ID) { nextAssignment(projectId: $p) { id } }`, {
      p: projectId,
    });
    think();
    await client.ok(
      `mutation ($input: SubmitAssignmentInput!) { submitAssignment(input: $input) { id } }`,
      { input: { assignmentId: next.nextAssignment.id, answer: { labels: [label] } } },
    );
  }
}

/** Calls `visit` on every key of every object in `value`, depth first. */
function walk(
  value: unknown,
  visit: (key: string, value: unknown, parent: Record<string, unknown>) => void,
): void {
  if (Array.isArray(value)) for (const item of value) walk(item, visit);
  else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      visit(key, child, value as Record<string, unknown>);
      walk(child, visit);
    }
  }
}
