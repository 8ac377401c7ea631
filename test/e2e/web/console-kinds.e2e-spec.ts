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

  /**
   * The results page's filters: each label wraps its own control (found by its label), side by
   * side with a clear gap on a wide window, one under the other on a phone-wide one without
   * leaving their box; axe-core stays clean at that width too.
   */
  async function checkFilters(): Promise<void> {
    const filters = page.getByRole('group', { name: 'Filters' });
    const tag = (el: unknown) => (el as { tagName: string }).tagName;
    expect(await filters.getByLabel('Confidence below (0 to 1, empty: any)').evaluate(tag)).toBe(
      'INPUT',
    );
    expect(await filters.getByLabel(/^Gold/).evaluate(tag)).toBe('SELECT');
    const fields = filters.locator('label');
    const places = async () => ({
      box: (await filters.boundingBox())!,
      first: (await fields.nth(0).boundingBox())!,
      second: (await fields.nth(1).boundingBox())!,
    });
    const wide = await places();
    expect(Math.abs(wide.first.y - wide.second.y)).toBeLessThan(2);
    expect(wide.second.x - (wide.first.x + wide.first.width)).toBeGreaterThanOrEqual(12);
    await page.setViewportSize({ width: 400, height: 900 });
    try {
      const narrow = await places();
      expect(narrow.second.y).toBeGreaterThanOrEqual(narrow.first.y + narrow.first.height);
      for (const field of [narrow.first, narrow.second]) {
        expect(field.x).toBeGreaterThanOrEqual(narrow.box.x);
        expect(field.x + field.width).toBeLessThanOrEqual(narrow.box.x + narrow.box.width);
      }
      await screen('results-filters-narrow');
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
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
    const review = page.locator('section.review-task');
    await review.getByRole('heading', { name: 'Task s1' }).waitFor();
    // The opened task is one view: its consensus drawn once on the page, not in two cards.
    const consensusLines = page
      .locator('.answer-line')
      .filter({ has: page.locator('strong', { hasText: /^Consensus$/ }) });
    await consensusLines.first().locator('mark').first().waitFor();
    expect(await page.locator('figure.kind-answers').count()).toBe(1);
    expect(await consensusLines.count()).toBe(1);
    expect(await consensusLines.locator('mark').allInnerTexts()).toEqual([
      'Ada Lovelace Person',
      'Charles Babbage Person',
      'London Location',
    ]);
    expect(await review.innerText()).toMatch(/Confidence: [01]\.\d{3}/);
    await screen('results-spans');
    const conll = await exported('Export CoNLL (BIO)');
    expect(conll).toContain('Ada B-PER\nLovelace I-PER\nmet O\nCharles B-PER');
    const spacy = JSON.parse(await exported('Export spaCy JSON'));
    expect(spacy.length).toBeGreaterThanOrEqual(2);

    // Review s2: the three workers' answers, one line each; the final answer starts as the
    // consensus (Grace Hopper a person, Harvard an organisation by two workers to one).
    await page.getByRole('button', { name: 'Show the consensus of s2' }).click();
    await review.getByRole('heading', { name: 'Task s2' }).waitFor();
    await review.getByRole('group', { name: /^Final answer/ }).waitFor();
    expect(await review.locator('.answer-line').count()).toBe(1 + 3);
    expect(await review.locator('.answer-line mark[data-label="LOC"]').count()).toBe(1);
    expect(await review.locator('.answer-line mark[data-label="ORG"]').count()).toBeGreaterThan(1);
    const panel = review.getByRole('group', { name: /^Final answer/ });
    const spanButtons = () =>
      panel
        .getByRole('button', { name: /^Remove / })
        .evaluateAll(buttons => buttons.map(button => button.textContent));
    await panel.getByRole('button', { name: 'Remove Organisation “Harvard”' }).waitFor();
    expect(await spanButtons()).toEqual([
      'Remove Person “Grace Hopper”',
      'Remove Organisation “Harvard”',
    ]);
    await screen('review-spans');
    // The reviewer corrects the crowd: Harvard becomes a location; reset brings the consensus back.
    const relabelHarvard = async () => {
      await panel.focus();
      for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
      await page.keyboard.press('3');
      await panel.getByRole('button', { name: 'Remove Location “Harvard”' }).waitFor();
    };
    await relabelHarvard();
    expect(await spanButtons()).toEqual([
      'Remove Person “Grace Hopper”',
      'Remove Location “Harvard”',
    ]);
    await review.getByRole('button', { name: 'Reset to the consensus' }).click();
    await panel.getByRole('button', { name: 'Remove Organisation “Harvard”' }).waitFor();
    expect(await spanButtons()).toEqual([
      'Remove Person “Grace Hopper”',
      'Remove Organisation “Harvard”',
    ]);
    await relabelHarvard();
    await review.getByRole('button', { name: 'Save the final answer' }).click();
    await review.getByText(/^Final answer set by/).waitFor();
    const jsonl = (await exported('Export JSONL'))
      .trim()
      .split('\n')
      .map(line => JSON.parse(line));
    const decided = jsonl.find(row => row.external_id === 's2');
    // Grace Hopper comes from the consensus, untouched; Harvard is the reviewer's correction.
    expect(decided).toMatchObject({
      reviewed: true,
      spans: [
        { start: 0, end: 2, label: 'PER' },
        { start: 4, end: 5, label: 'LOC' },
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
    await checkFilters();
    // A gold task shows its gold answer beside the (missing) consensus, in the one view.
    const review = page.locator('section.review-task');
    await page.getByRole('button', { name: 'Show the consensus of bg' }).click();
    await review.getByRole('heading', { name: 'Task bg' }).waitFor();
    await review
      .locator('figure.kind-answers li', { hasText: /^\s*Gold: Person at 100, 75 · 100 × 150$/ })
      .waitFor();
    await review.getByText(/^No consensus answer yet/).waitFor();

    await page.getByRole('button', { name: 'Show the consensus of b1' }).click();
    await review.getByRole('heading', { name: 'Task b1' }).waitFor();
    // The consensus and the three workers' boxes, drawn in one figure: the consensus once.
    await review.getByRole('img', { name: 'The image with 4 boxes drawn' }).waitFor();
    expect(await page.locator('figure.kind-answers').count()).toBe(1);
    const layers = await review.locator('figure.kind-answers .kind-items li').allInnerTexts();
    expect(layers.filter(layer => layer.trim().startsWith('Consensus'))).toHaveLength(1);
    expect(layers[0]!.trim()).toMatch(
      /^Consensus: Person at 10\d(\.\d)?, 7\d(\.\d)? · 9\d(\.\d)? × 15\d(\.\d)?/,
    );
    // Four nearly coinciding boxes: each caption readable (no two overlap, all inside the
    // image), at its own box, dark text on a white backdrop.
    const captions = await review.locator('figure.kind-answers svg').evaluate(svg => {
      const s = svg as unknown as {
        viewBox: { baseVal: { width: number; height: number } };
        querySelectorAll(selector: string): ArrayLike<unknown>;
      };
      type Shape = {
        getBBox(): { x: number; y: number; width: number; height: number };
        closest(selector: string): Shape | null;
        querySelector(selector: string): Shape | null;
      };
      const box = (el: Shape) => {
        const { x, y, width, height } = el.getBBox();
        return { x, y, width, height };
      };
      const style = (el: unknown, property: string) =>
        (
          globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> }
        ).getComputedStyle(el)[property];
      const texts = Array.from(s.querySelectorAll('text')) as Shape[];
      const boxes = (Array.from(s.querySelectorAll('rect.box')) as Shape[]).map(box);
      return {
        image: { width: s.viewBox.baseVal.width, height: s.viewBox.baseVal.height },
        boxes,
        captions: texts.map(text => {
          const backdrop = text.closest('g')?.querySelector('rect') ?? null;
          return {
            text: box(text),
            backdrop: backdrop ? box(backdrop) : null,
            ink: style(text, 'fill'),
            paper: backdrop ? style(backdrop, 'fill') : null,
          };
        }),
      };
    });
    type Area = { x: number; y: number; width: number; height: number };
    const gap = (a: Area, b: Area) =>
      Math.max(0, a.x - (b.x + b.width), b.x - (a.x + a.width)) +
      Math.max(0, a.y - (b.y + b.height), b.y - (a.y + a.height));
    expect(captions.captions).toHaveLength(4);
    // Readable: every two captions' glyphs at least a unit apart (not merely not overlapping, so
    // their outlines or halos never touch either).
    captions.captions.forEach(({ text }, i) => {
      captions.captions.slice(i + 1).forEach((other, k) => {
        expect({ pair: [i, i + 1 + k], apart: gap(text, other.text) >= 1 }).toEqual({
          pair: [i, i + 1 + k],
          apart: true,
        });
      });
    });
    captions.captions.forEach(({ text, backdrop, ink, paper }, i) => {
      expect(text.x).toBeGreaterThanOrEqual(0);
      expect(text.y).toBeGreaterThanOrEqual(0);
      expect(text.x + text.width).toBeLessThanOrEqual(captions.image.width);
      expect(text.y + text.height).toBeLessThanOrEqual(captions.image.height);
      // The backdrop holds its whole text, and touches its own box.
      expect(backdrop).not.toBeNull();
      expect(backdrop!.x).toBeLessThanOrEqual(text.x);
      expect(backdrop!.x + backdrop!.width).toBeGreaterThanOrEqual(text.x + text.width);
      expect(gap(backdrop!, captions.boxes[i]!)).toBeLessThanOrEqual(1);
      expect({ ink, paper }).toEqual({ ink: 'rgb(17, 17, 17)', paper: 'rgb(255, 255, 255)' });
    });
    await screen('results-boxes');
    const coco = JSON.parse(await exported('Export COCO JSON'));
    expect(coco.categories.map((c: { name: string }) => c.name)).toEqual(['person', 'car']);
    expect(coco.annotations.length).toBeGreaterThanOrEqual(2);
    const yolo = JSON.parse(await exported('Export YOLO'));
    expect(yolo['classes.txt']).toBe('person\ncar\n');

    // The review overlays each worker's box in its own colour and decides with the widget, which
    // starts from the consensus box.
    const panel = review.getByRole('group', { name: /^Final answer/ });
    await panel.waitFor();
    const strokes = await review
      .locator('figure.kind-answers svg rect.box')
      .evaluateAll(rects => rects.map(rect => rect.getAttribute('stroke')));
    expect(strokes).toHaveLength(1 + 3);
    expect(new Set(strokes).size).toBe(4);
    const boxButtons = () =>
      panel
        .getByRole('button', { name: /^Box \d+: / })
        .evaluateAll(buttons => buttons.map(button => button.textContent?.trim()));
    await panel.getByRole('button', { name: /^Box 1: Person at/ }).waitFor();
    expect(await boxButtons()).toEqual([
      expect.stringMatching(/^Box 1: Person at 10\d, 7\d · 9\d × 15\d$/),
    ]);
    await screen('review-boxes');
    // A second object on the right, clear of the consensus box (a press on a box selects it).
    const drawDecisionBox = async () => {
      await panel.locator('svg.box-stage').scrollIntoViewIfNeeded();
      const stage = (await panel.locator('svg.box-stage').boundingBox())!;
      await page.mouse.move(stage.x + stage.width * 0.6, stage.y + stage.height * 0.2);
      await page.mouse.down();
      await page.mouse.move(stage.x + stage.width * 0.85, stage.y + stage.height * 0.6, {
        steps: 4,
      });
      await page.mouse.up();
    };
    await drawDecisionBox();
    await panel.getByRole('button', { name: /^Box 2: Person at/ }).waitFor();
    // Reset drops the reviewer's box and keeps the consensus one.
    await review.getByRole('button', { name: 'Reset to the consensus' }).click();
    await panel.getByRole('button', { name: /^Box 2: Person at/ }).waitFor({ state: 'detached' });
    expect(await boxButtons()).toHaveLength(1);
    await drawDecisionBox();
    await panel.getByRole('button', { name: /^Box 2: Person at/ }).waitFor();
    await review.getByRole('button', { name: 'Save the final answer' }).click();
    await review.getByText(/^Final answer set by/).waitFor();
    const after = JSON.parse(await exported('Export COCO JSON'));
    const image = after.images.find((i: { external_id: string }) => i.external_id === 'b1');
    expect(image.reviewed).toBe(true);
    // The consensus box the review started from, and the reviewer's own.
    expect(
      after.annotations.filter((a: { image_id: number }) => a.image_id === image.id),
    ).toHaveLength(2);
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
