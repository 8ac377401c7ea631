import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { TestBrowser } from '../../helpers/browser';
import {
  assertWebAppBuilt,
  goInApp,
  openBrowser,
  saveScreenshot,
  seriousAxeViolations,
  signInOnPage,
} from '../../helpers/console-browser';
import { fundRequester } from '../../helpers/money-fixtures';
import { type GraphQLClient, useTestServer } from '../../helpers/test-server';

/** A 400 × 300 picture, inline (the page's CSP allows data: images; the test has no network). */
const IMAGE = `data:image/svg+xml;base64,${Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300"><rect width="400" height="300" fill="#8ab"/><rect x="100" y="75" width="100" height="150" fill="#345"/></svg>',
).toString('base64')}`;

const LEASE = `mutation ($p: ID) { nextAssignment(projectId: $p) { id task { payload } } }`;
const SUBMIT = `mutation ($input: SubmitAssignmentInput!) { submitAssignment(input: $input) { id } }`;

/**
 * Issue 17 in the requester console, in headless Chromium against the real app on PostgreSQL: a
 * spans project and a boxes project made in the wizard (each kind's settings, its real worker
 * widget in the preview, used from the keyboard and the mouse), their tasks and gold imported
 * from JSONL with the bad lines reported by the kind's codes, answered by three workers over the
 * API, aggregated from the results page, their consensus drawn (spans over the tokens, boxes over
 * the image) and exported in the kind's formats; a reviewer's decision made with the kind's
 * widget over every worker's answer lands in the export. A settings refusal shows next to its
 * field. axe-core finds no serious or critical violation on any of these screens.
 */
describe('requester console: structured kinds through the whole product (browser)', () => {
  // Gold is imported but never served (rate 0): who answers what is the test's choice.
  const server = useTestServer({ overrides: { rng: () => 0.999 } });
  let browser: TestBrowser;
  let page: Page;
  let requester: GraphQLClient;
  const workers: GraphQLClient[] = [];

  async function screen(name: string): Promise<void> {
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshot(page, `console-kinds-${name}.png`);
  }

  /** Every worker leases every task once and answers what `answer` says for its payload. */
  async function answerAll(
    projectId: string,
    tasks: number,
    answer: (worker: number, payload: Record<string, unknown>) => Record<string, unknown>,
  ): Promise<void> {
    for (const [w, worker] of workers.entries()) {
      for (let i = 0; i < tasks; i++) {
        const { nextAssignment: lease } = await worker.ok(LEASE, { p: projectId });
        await worker.ok(SUBMIT, {
          input: { assignmentId: lease.id, answer: { value: answer(w, lease.task.payload) } },
        });
      }
    }
  }

  /** Chooses `name` in the import panel and waits for its verdict. */
  async function chooseFile(name: string, lines: unknown[], good: number, bad: number) {
    await page.getByLabel('Task file (CSV or JSONL)').setInputFiles({
      name,
      mimeType: 'application/x-ndjson',
      buffer: Buffer.from(lines.map(line => JSON.stringify(line)).join('\n')),
    });
    await page.getByText(`${name}: ${good} tasks ready, ${bad} lines with errors.`).waitFor();
  }

  /** Uploads the chosen file's good lines and launches the project (over the API). */
  async function uploadAndLaunch(projectId: string, count: number): Promise<void> {
    await page.getByRole('button', { name: `Upload ${count} tasks` }).click();
    await page.getByText('Upload finished.').waitFor();
    await requester.ok(`mutation ($id: ID!) { launchProject(id: $id) { status } }`, {
      id: projectId,
    });
  }

  /** Clicks an export button and returns the downloaded file's text. */
  async function exported(button: string): Promise<string> {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: button }).click(),
    ]);
    return readFileSync((await download.path())!, 'utf8');
  }

  /** Fills the wizard's common fields; the caller sets the kind and its settings first. */
  async function finishWizard(name: string): Promise<string> {
    await page.getByLabel('Project name').fill(name);
    await page.getByLabel(/^Instructions for workers/).fill(`Label the ${name} items.`);
    await page.getByLabel(/^Gold tasks served/).fill('0');
    await page.getByRole('button', { name: 'Create the project' }).click();
    await page.waitForURL(/\/console\/projects\/[0-9a-f-]{36}\/import$/);
    return /projects\/([0-9a-f-]{36})/.exec(page.url())![1]!;
  }

  /** Opens the results tab and runs aggregation from it. */
  async function aggregate(): Promise<void> {
    await page.getByRole('link', { name: 'Results' }).click();
    // The run is awaited by the mutation: its response means the consensus is stored.
    await Promise.all([
      page.waitForResponse(
        response =>
          response.url().endsWith('/graphql') &&
          (response.request().postData() ?? '').includes('ConsoleRunAggregation'),
      ),
      page.getByRole('button', { name: 'Run aggregation now' }).click(),
    ]);
  }

  beforeAll(async () => {
    assertWebAppBuilt();
    const owner = await server.signUp(['REQUESTER'], { displayName: 'Kinds Lab' });
    requester = owner.client;
    await fundRequester(server.app, owner.userId);
    for (let i = 0; i < 3; i++) workers.push((await server.signUp(['WORKER'])).client);
    browser = await openBrowser();
    page = await browser.context.newPage();
    page.setDefaultTimeout(20_000);
    await signInOnPage(page, server.url, owner);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('runs a spans project: wizard with preview, import, results, exports and a review decision', async () => {
    await goInApp(page, '/console/new');
    await page.getByLabel('Kind of task').selectOption('TEXT_SPANS');
    // The entity types start as PER, ORG, LOC; the preview is the worker's own widget.
    const preview = page.getByRole('group', { name: /^Worker's answer \(preview/ });
    expect(await preview.locator('.span-tokens .token').allInnerTexts()).toEqual([
      'Ada',
      'Lovelace',
      'visited',
      'London.',
    ]);
    await preview.focus();
    await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('1');
    await preview.getByRole('button', { name: 'Remove Person “Ada Lovelace”' }).waitFor();
    // Per-character tokens for Chinese: the preview re-tokenizes its sample.
    await page.getByLabel('How the text is cut into tokens').selectOption('CHARACTER');
    expect(await preview.locator('.span-tokens .token').count()).toBe(
      Array.from('李明在北京工作。').length,
    );
    await page.getByLabel('How the text is cut into tokens').selectOption('WHITESPACE');
    await page.getByLabel(/^Gold pass mark/).fill('0.75');
    await screen('wizard-spans');
    const projectId = await finishWizard('Entities');
    const { project } = await requester.ok(
      `query ($id: ID!) { project(id: $id) { goldThreshold labelSchema { kind settings } } }`,
      { id: projectId },
    );
    expect(project).toEqual({
      goldThreshold: 0.75,
      labelSchema: {
        kind: 'TEXT_SPANS',
        settings: {
          entityTypes: ['PER', 'ORG', 'LOC'],
          tokenization: 'WHITESPACE',
          textField: 'text',
          tokensField: 'tokens',
          allowOverlap: false,
        },
      },
    });

    // The import shows the kind's example and refuses a gold span past the text, by its code.
    await page.getByText('Example task file for this project').waitFor();
    const texts = [
      'Ada Lovelace met Charles Babbage in London .',
      'Grace Hopper worked at Harvard .',
    ];
    await chooseFile(
      'entities.jsonl',
      [
        { externalId: 's1', payload: { text: texts[0] } },
        { externalId: 's2', payload: { text: texts[1] } },
        {
          externalId: 'g1',
          payload: { text: 'Alan Turing lived in Wilmslow .' },
          goldAnswer: { spans: [{ start: 0, end: 2, label: 'PER' }] },
        },
        {
          externalId: 'g2',
          payload: { text: 'Too short' },
          goldAnswer: { spans: [{ start: 1, end: 5, label: 'PER' }] },
        },
        { externalId: 's3', payload: { body: 'no text field' } },
      ],
      3,
      2,
    );
    const errors = page.getByRole('table', { name: 'Lines with errors' });
    expect(await errors.locator('tbody tr').allInnerTexts()).toEqual([
      expect.stringMatching(/^4\s+goldAnswer\.spans\[0\]\s+SPAN_OUT_OF_RANGE/),
      expect.stringMatching(/^5\s+payload\.text\s+INVALID_PAYLOAD/),
    ]);
    await screen('import-spans');
    await uploadAndLaunch(projectId, 3);

    // Three workers; the third misses London.
    await answerAll(projectId, 2, (w, payload) =>
      payload.text === texts[0]
        ? {
            spans: [
              { start: 0, end: 2, label: 'PER' },
              { start: 3, end: 5, label: 'PER' },
              ...(w < 2 ? [{ start: 6, end: 7, label: 'LOC' }] : []),
            ],
          }
        : {
            spans: [
              { start: 0, end: 2, label: 'PER' },
              { start: 4, end: 5, label: w === 0 ? 'LOC' : 'ORG' },
            ],
          },
    );

    await aggregate();
    // The kind's formats, and only those.
    for (const name of ['Export JSONL', 'Export CoNLL (BIO)', 'Export spaCy JSON']) {
      await page.getByRole('button', { name }).waitFor();
    }
    expect(await page.getByRole('button', { name: 'Export CSV' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Show the consensus of s1' }).click();
    const result = page.locator('.structured-result');
    await result.locator('mark').first().waitFor();
    expect(await result.locator('mark').allInnerTexts()).toEqual([
      'Ada Lovelace Person',
      'Charles Babbage Person',
      'London Location',
    ]);
    expect(await result.innerText()).toMatch(/Confidence: [01]\.\d{3}/);
    await screen('results-spans');
    const conll = await exported('Export CoNLL (BIO)');
    expect(conll).toContain('Ada B-PER\nLovelace I-PER\nmet O\nCharles B-PER');
    const spacy = JSON.parse(await exported('Export spaCy JSON'));
    expect(spacy.length).toBeGreaterThanOrEqual(2);

    // Review s2: the three workers' answers, one line each, then the reviewer's own spans.
    await page.getByRole('button', { name: 'Show the consensus of s2' }).click();
    const review = page.locator('section.review-task');
    await review.getByRole('heading', { name: 'Task s2' }).waitFor();
    await review.getByRole('group', { name: /^Final answer/ }).waitFor();
    expect(await review.locator('.answer-line').count()).toBe(1 + 3);
    expect(await review.locator('.answer-line mark[data-label="LOC"]').count()).toBe(1);
    expect(await review.locator('.answer-line mark[data-label="ORG"]').count()).toBeGreaterThan(1);
    await screen('review-spans');
    const panel = review.getByRole('group', { name: /^Final answer/ });
    await panel.focus();
    await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('1'); // Grace Hopper: Person
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('2'); // Harvard: Organisation
    await review.getByRole('button', { name: 'Remove Organisation “Harvard”' }).waitFor();
    await review.getByRole('button', { name: 'Save the final answer' }).click();
    await review.getByText(/^Final answer set by/).waitFor();
    const jsonl = (await exported('Export JSONL'))
      .trim()
      .split('\n')
      .map(line => JSON.parse(line));
    const decided = jsonl.find(row => row.external_id === 's2');
    expect(decided).toMatchObject({
      reviewed: true,
      spans: [
        { start: 0, end: 2, label: 'PER' },
        { start: 4, end: 5, label: 'ORG' },
      ],
    });
  }, 180_000);

  it('runs a boxes project: a box drawn in the preview, import, drawn consensus, COCO and YOLO', async () => {
    await goInApp(page, '/console/new');
    await page.getByLabel('Kind of task').selectOption('BOUNDING_BOXES');
    await page.getByLabel('Payload field with the image URL').fill('photo');
    // Draw a box in the preview with the mouse, then nudge it with the keyboard.
    const preview = page.getByRole('group', { name: /^Worker's answer \(preview/ });
    const stage = preview.locator('svg.box-stage');
    await stage.scrollIntoViewIfNeeded();
    const area = (await stage.boundingBox())!;
    await page.mouse.move(area.x + area.width * 0.2, area.y + area.height * 0.2);
    await page.mouse.down();
    await page.mouse.move(area.x + area.width * 0.5, area.y + area.height * 0.6, { steps: 4 });
    await page.mouse.up();
    await preview.getByRole('button', { name: /^Box 1: Person at/ }).waitFor();
    await preview.focus();
    await page.keyboard.press('2');
    await preview.getByRole('button', { name: /^Box 1: Car at/ }).waitFor();
    await screen('wizard-boxes');
    const projectId = await finishWizard('Street objects');

    await chooseFile(
      'photos.jsonl',
      [
        { externalId: 'b1', payload: { photo: IMAGE, width: 400, height: 300 } },
        { externalId: 'b2', payload: { photo: IMAGE, width: 400, height: 300 } },
        {
          externalId: 'bg',
          payload: { photo: IMAGE, width: 400, height: 300 },
          goldAnswer: { boxes: [{ x: 100, y: 75, w: 100, h: 150, label: 'person' }] },
        },
        {
          externalId: 'bad',
          payload: { photo: IMAGE, width: 400, height: 300 },
          goldAnswer: { boxes: [{ x: 350, y: 75, w: 100, h: 150, label: 'person' }] },
        },
      ],
      3,
      1,
    );
    expect(
      await page.getByRole('table', { name: 'Lines with errors' }).locator('tbody tr').innerText(),
    ).toMatch(/^4\s+goldAnswer\.boxes\[0\]\s+BOX_OUTSIDE_IMAGE/);
    await uploadAndLaunch(projectId, 3);
    // Three workers box the same person, a few pixels apart.
    await answerAll(projectId, 2, w => ({
      boxes: [{ x: 100 + w, y: 75 - w, w: 100 - w, h: 150 + w, label: 'person' }],
    }));

    await aggregate();
    for (const name of ['Export COCO JSON', 'Export YOLO']) {
      await page.getByRole('button', { name }).waitFor();
    }
    await page.getByRole('button', { name: 'Show the consensus of b1' }).click();
    const result = page.locator('.structured-result');
    await result.getByRole('img', { name: 'The image with 1 boxes drawn' }).waitFor();
    expect((await result.locator('.kind-items li').first().innerText()).trim()).toMatch(
      /^Consensus: Person at 10\d(\.\d)?, 7\d(\.\d)? · 9\d(\.\d)? × 15\d(\.\d)?/,
    );
    await screen('results-boxes');
    const coco = JSON.parse(await exported('Export COCO JSON'));
    expect(coco.categories.map((c: { name: string }) => c.name)).toEqual(['person', 'car']);
    expect(coco.annotations.length).toBeGreaterThanOrEqual(2);
    const yolo = JSON.parse(await exported('Export YOLO'));
    expect(yolo['classes.txt']).toBe('person\ncar\n');

    // The review overlays each worker's box in its own colour and decides with the widget.
    const review = page.locator('section.review-task');
    await review.getByRole('heading', { name: 'Task b1' }).waitFor();
    const panel = review.getByRole('group', { name: /^Final answer/ });
    await panel.waitFor();
    const strokes = await review
      .locator('figure.kind-answers svg rect')
      .evaluateAll(rects => rects.map(rect => rect.getAttribute('stroke')));
    expect(strokes).toHaveLength(1 + 3);
    expect(new Set(strokes).size).toBe(4);
    await screen('review-boxes');
    await panel.locator('svg.box-stage').scrollIntoViewIfNeeded();
    const decideStage = (await panel.locator('svg.box-stage').boundingBox())!;
    await page.mouse.move(
      decideStage.x + decideStage.width * 0.25,
      decideStage.y + decideStage.height * 0.25,
    );
    await page.mouse.down();
    await page.mouse.move(
      decideStage.x + decideStage.width * 0.5,
      decideStage.y + decideStage.height * 0.75,
      {
        steps: 4,
      },
    );
    await page.mouse.up();
    await panel.getByRole('button', { name: /^Box 1: Person at/ }).waitFor();
    await review.getByRole('button', { name: 'Save the final answer' }).click();
    await review.getByText(/^Final answer set by/).waitFor();
    const after = JSON.parse(await exported('Export COCO JSON'));
    const image = after.images.find((i: { external_id: string }) => i.external_id === 'b1');
    expect(image.reviewed).toBe(true);
  }, 180_000);

  it('previews pairwise and rating widgets, and shows a refused setting next to its field', async () => {
    await goInApp(page, '/console/new');
    const preview = page.getByRole('group', { name: /^Worker's answer \(preview/ });
    // Pairwise: no labels to edit; the two sample items, chosen with the arrow keys.
    await page.getByLabel('Kind of task').selectOption('PAIRWISE');
    expect(await page.getByLabel('Key of label 1').count()).toBe(0);
    await preview.focus();
    await page.keyboard.press('ArrowRight');
    expect(await preview.getByRole('radio', { name: /Right/ }).isChecked()).toBe(true);
    // Rating: the scale's grades, picked with their number keys.
    await page.getByLabel('Kind of task').selectOption('RATING');
    expect(await preview.getByRole('radio').count()).toBe(5);
    await preview.focus();
    await page.keyboard.press('4');
    expect(await preview.getByRole('radio', { name: '4' }).isChecked()).toBe(true);
    await screen('wizard-rating');
    await page.getByLabel('Lowest grade').fill('5');
    await page.getByLabel('Highest grade').fill('1');
    await page.getByLabel('Project name').fill('Bad scale');
    await page.getByRole('button', { name: 'Create the project' }).click();
    await page
      .locator('#setting-error-max')
      .getByText(/lowest below the highest/)
      .waitFor();
    expect(await page.getByLabel('Highest grade').getAttribute('aria-invalid')).toBe('true');
    expect(page.url()).toMatch(/\/console\/new$/);
    await screen('wizard-refused');
  }, 60_000);
});
