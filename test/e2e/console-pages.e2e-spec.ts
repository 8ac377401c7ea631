import { createHash } from 'node:crypto';
import type { Page } from 'playwright-core';
import { RequestContext } from '../../src/common/request-context';
import { exportLogisticRegressionToOnnx } from '../../src/modules/prelabel/onnx-export';
import {
  assertWebAppBuilt,
  goInApp,
  openBrowser,
  saveScreenshot,
  seriousAxeViolations,
  signInOnPage,
} from '../helpers/console-browser';
import { fundRequester } from '../helpers/money-fixtures';
import { errorCode, useTestServer } from '../helpers/test-server';

const FEATURIZER = { kind: 'hashed-text', field: 'text', dimension: 8 };

/** A tiny softmax regression over FEATURIZER, as an ONNX file (what a requester uploads). */
function onnxModel(): Buffer {
  const weights = Float32Array.from({ length: 8 * 2 }, (_, i) => ((i % 5) - 2) / 10);
  const bytes = exportLogisticRegressionToOnnx(
    { nFeatures: 8, nClasses: 2, weights, bias: new Float32Array(2) },
    { featurizer: FEATURIZER as never, labelKeys: ['pos', 'neg'], version: 'upload' },
  );
  return Buffer.from(bytes);
}

/**
 * The console's remaining pages in headless Chromium on PostgreSQL: the wizard's aggregation
 * choice, the dashboard's rate, time to finish and embedded audit report, the money page with an
 * offline funding, API keys (the secret shown once, revoke removes it), and the models page
 * (an uploaded ONNX model, pre-labeling to the end). axe-core on each screen; a granted reviewer
 * reaches neither money nor keys.
 */
describe('requester console: money, API keys, models, dashboard (browser)', () => {
  const server = useTestServer();

  beforeAll(() => assertWebAppBuilt());

  async function screen(page: Page, name: string): Promise<void> {
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshot(page, `console-${name}.png`);
  }

  /** A new worker answers every task of the project it is served: item 0 and 2 and gold `pos`. */
  async function answerAll(projectId: string): Promise<void> {
    const worker = await server.signUp(['WORKER']);
    for (;;) {
      const next = await worker.client.ok(
        `mutation ($p: ID) { nextAssignment(projectId: $p) { id task { payload } } }`,
        { p: projectId },
      );
      if (!next.nextAssignment) return;
      const text = next.nextAssignment.task.payload.text as string;
      const label = ['item 0', 'item 2', 'gold'].includes(text) ? 'pos' : 'neg';
      await worker.client.ok(
        `mutation ($input: SubmitAssignmentInput!) { submitAssignment(input: $input) { id } }`,
        { input: { assignmentId: next.nextAssignment.id, answer: { labels: [label] } } },
      );
    }
  }

  it('shows money, keys and models to the requester and neither money nor keys to a reviewer', async () => {
    const requester = await server.signUp(['REQUESTER'], { displayName: 'Mo Requester' });
    // An admin records an offline funding (the service the admin's mutation calls).
    await fundRequester(server.app, requester.userId, 250_000);

    const browser = await openBrowser();
    const page = await browser.context.newPage();
    page.setDefaultTimeout(20_000);
    const cspViolations: string[] = [];
    page.on('console', message => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    try {
      await signInOnPage(page, server.url, requester);

      // The wizard: every aggregation method with its one-line explanation; pick majority vote.
      await goInApp(page, '/console/new');
      const recommended = page.getByLabel('pooled-dawid-skene (recommended)');
      await recommended.waitFor();
      expect(await recommended.isChecked()).toBe(true);
      await page
        .getByText('The most frequent answer wins; every worker counts the same.')
        .waitFor();
      await screen(page, 'wizard-aggregation');
      await page.getByLabel('Project name').fill('Pages');
      await page.getByLabel('majority-vote', { exact: true }).check();
      await page.getByRole('button', { name: 'Create the project' }).click();
      await page.waitForURL(/\/console\/projects\/[0-9a-f-]{36}\/import$/);
      const projectId = /projects\/([0-9a-f-]{36})/.exec(page.url())![1]!;
      const created = await requester.client.ok(
        `query ($id: ID!) { project(id: $id) { aggregationMethod } }`,
        { id: projectId },
      );
      expect(created.project.aggregationMethod).toBe('majority-vote');
      await requester.client.ok(
        `mutation ($input: ImportTasksInput!) { importTasks(input: $input) { created } }`,
        {
          input: {
            projectId,
            tasks: [
              ...Array.from({ length: 4 }, (_, i) => ({
                externalId: `t${i}`,
                payload: { text: `item ${i}` },
              })),
              { externalId: 'g0', payload: { text: 'gold' }, goldLabel: 'pos' },
            ],
          },
        },
      );
      await requester.client.ok(`mutation ($id: ID!) { launchProject(id: $id) { status } }`, {
        id: projectId,
      });

      // The dashboard: no answers yet (time unknown), then the audit report, embedded and styled
      // under the page's CSP (no violation reported).
      // Through the project list, so the project page loads afresh (tasks and launch came by API).
      await goInApp(page, '/console');
      await page.getByRole('link', { name: 'Pages' }).click();
      await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
      await page.getByText('Answers per hour (recent)').waitFor();
      await page.getByText('unknown (no recent answers)').waitFor();
      await page.getByText('(12 to 12 answers left)').waitFor();
      // Checked before the report is shown: axe-core cannot run inside a sandbox="" frame (no
      // scripts) and waits for it forever.
      await screen(page, 'dashboard');
      await page.getByRole('button', { name: 'Show the audit report' }).click();
      const report = page.frameLocator('iframe[title="Audit report"]');
      await report.getByRole('heading', { name: 'Pages' }).waitFor();
      expect(await page.locator('iframe[title="Audit report"]').getAttribute('sandbox')).toBe('');
      // The report's one stylesheet is allowed by the page's CSP, by its hash (evaluating in the
      // frame is not possible: sandbox="" gives it no scripts, and Chromium then never offers
      // Playwright an execution context in it).
      const reportHtml = await page.locator('iframe[title="Audit report"]').getAttribute('srcdoc');
      const style = /<style>([\s\S]*?)<\/style>/.exec(reportHtml ?? '')?.[1];
      expect(style).toBeDefined();
      const policy = (await fetch(`${server.url}/console`)).headers.get('content-security-policy');
      const hash = createHash('sha256').update(style!).digest('base64');
      expect(policy).toContain(`style-src 'self' 'sha256-${hash}'`);

      // Money: the balance after launch, the project's escrow, and the offline instructions.
      await page.getByRole('link', { name: 'Money' }).click();
      await page.getByRole('heading', { name: 'Balances' }).waitFor();
      const money = await requester.client.ok(
        `{ myBalances { available inEscrow } projects { nodes { id } } }`,
      );
      const [balance] = money.myBalances;
      expect(balance.available + balance.inEscrow).toBe(250_000);
      const balanceRow = page.locator('tr', { has: page.getByRole('rowheader', { name: 'USD' }) });
      expect(await balanceRow.innerText()).toContain(dollars(balance.available));
      const projectRow = page.locator('tr', {
        has: page.getByRole('rowheader', { name: 'Pages' }),
      });
      await projectRow.getByText(dollars(balance.inEscrow)).first().waitFor();
      await page
        .getByText('This server takes no card payments: an admin records your funding.')
        .waitFor();
      expect(await page.getByRole('button', { name: 'Pay with Stripe Checkout' }).count()).toBe(0);
      await page.getByText('MANUAL').waitFor();
      await screen(page, 'money');

      // API keys: the secret is shown once and works; revoking removes the key and stops it.
      await page.getByRole('link', { name: 'API keys' }).click();
      await page.getByText('No active key.').waitFor();
      await page.getByLabel('Key name').fill('ci');
      await page.getByRole('button', { name: 'Create a key' }).click();
      const secret = (await page.getByLabel('The new key').innerText()).trim();
      expect(secret.length).toBeGreaterThan(20);
      const asKey = server.anonymous().withToken(secret);
      expect(await asKey.ok(`{ me { id } }`)).toEqual({ me: { id: requester.userId } });
      await page.getByRole('rowheader', { name: 'ci' }).waitFor();
      await screen(page, 'api-keys');
      await page.getByRole('button', { name: 'I have stored it' }).click();
      expect(await page.getByText(secret).count()).toBe(0);
      await page.getByRole('button', { name: 'Revoke ci' }).click();
      await page.getByText('No active key.').waitFor();
      expect(await page.getByRole('rowheader', { name: 'ci' }).count()).toBe(0);
      expect(errorCode(await asKey.query(`{ me { id } }`))).toBe('UNAUTHENTICATED');

      // Models: upload an ONNX file, see it listed, pre-label every task to the end.
      await goInApp(page, `/console/projects/${projectId}/models`);
      await page
        .getByText("No model yet: register an ONNX file or train one from the crowd's answers.")
        .waitFor();
      await page.getByLabel('ONNX file').setInputFiles({
        name: 'sentiment.onnx',
        mimeType: 'application/octet-stream',
        buffer: onnxModel(),
      });
      await page.getByLabel('Version name').fill('uploaded-1');
      await page.getByLabel(/^Featurizer/).fill(JSON.stringify(FEATURIZER));
      await page.getByRole('button', { name: 'Register the model' }).click();
      const row = page.locator('tr', { has: page.getByRole('rowheader', { name: 'uploaded-1' }) });
      await row.getByText('uploaded', { exact: true }).waitFor();
      expect(await row.innerText()).toContain('pos, neg');
      await page.getByRole('button', { name: 'Start pre-labeling' }).click();
      await page.getByText(/tasks \((waiting|running)\)$/).waitFor();
      await server.app.services.jobs.drain(RequestContext.create({ clock: server.clock }));
      await page.getByText(/^[45] tasks pre-labeled, 0 skipped\.$/).waitFor();

      // Three workers answer every task (items 0 and 2 positive); a model trained from their
      // consensus shows its gold accuracy, macro-F1 and confusion on gold.
      for (let w = 0; w < 3; w++) await answerAll(projectId);
      await requester.client.ok(`mutation ($p: ID!) { runAggregation(projectId: $p) { id } }`, {
        p: projectId,
      });
      await page.getByRole('button', { name: 'Train now' }).click();
      const trained = page.locator('tr', {
        has: page.getByRole('rowheader', { name: 'trained-2' }),
      });
      await trained.getByText('trained from consensus').waitFor();
      const { modelVersions } = await requester.client.ok(
        `query ($p: ID!) { modelVersions(projectId: $p) { version metrics } }`,
        { p: projectId },
      );
      const metrics = modelVersions.find((m: { version: string }) => m.version === 'trained-2')!
        .metrics as { accuracy: number; macroF1: number; goldConfusion: number[][] };
      expect(await trained.innerText()).toContain(`${(metrics.accuracy * 100).toFixed(1)}%`);
      expect(await trained.innerText()).toContain(`${(metrics.macroF1 * 100).toFixed(1)}%`);
      const confusion = page.getByRole('table', {
        name: 'Confusion of trained-2 on gold (rows: known answer, columns: model)',
      });
      expect(await confusion.locator('tbody tr').allInnerTexts()).toEqual(
        metrics.goldConfusion.map((row, truth) => [['pos', 'neg'][truth], ...row].join('\t')),
      );
      await screen(page, 'models');
      expect(cspViolations).toEqual([]);
    } finally {
      await browser.close();
    }

    // A granted reviewer (a worker) finds no money and no keys in the console.
    const reviewer = await server.signUp(['WORKER'], { displayName: 'Rex Reviewer' });
    const { projects } = await requester.client.ok(`{ projects { nodes { id } } }`);
    await requester.client.ok(
      `mutation ($p: ID!, $e: String!) { grantReviewer(projectId: $p, email: $e) { userId } }`,
      { p: projects.nodes[0].id, e: reviewer.email },
    );
    const second = await openBrowser();
    try {
      const page2 = await second.context.newPage();
      page2.setDefaultTimeout(20_000);
      await signInOnPage(page2, server.url, reviewer);
      await goInApp(page2, '/console');
      await page2.getByRole('heading', { name: 'Your projects' }).waitFor();
      expect(await page2.getByRole('link', { name: 'Money' }).count()).toBe(0);
      expect(await page2.getByRole('link', { name: 'API keys' }).count()).toBe(0);
      for (const path of ['/console/money', '/console/api-keys']) {
        await goInApp(page2, path);
        await page2.getByRole('heading', { name: 'For requesters only' }).waitFor();
        expect(await page2.getByRole('table').count()).toBe(0);
      }
      await screen(page2, 'requester-only');
    } finally {
      await second.close();
    }
  }, 180_000);
});

/** US cents as the page shows them in en-US. */
function dollars(cents: number): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(cents / 100);
}
