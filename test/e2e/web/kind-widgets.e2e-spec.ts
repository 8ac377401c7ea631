import 'reflect-metadata';
import type { Page } from 'playwright-core';
import {
  assertWebAppBuilt,
  launchBrowser,
  saveScreenshot,
  seriousAccessibilityViolations,
  type TestBrowser,
} from '../../helpers/browser';
import { fundRequester } from '../../helpers/money-fixtures';
import { type GraphQLClient, useTestServer } from '../../helpers/test-server';

const CREATE_AND_IMPORT = {
  create: /* GraphQL */ `
    mutation ($input: CreateProjectInput!) {
      createProject(input: $input) {
        id
      }
    }
  `,
  import: /* GraphQL */ `
    mutation ($input: ImportTasksInput!) {
      importTasks(input: $input) {
        created
      }
    }
  `,
  launch: /* GraphQL */ `
    mutation ($id: ID!) {
      launchProject(id: $id) {
        status
      }
    }
  `,
};

/** A 400 × 300 picture, inline (the page's CSP allows data: images; the test has no network). */
const IMAGE = `data:image/svg+xml;base64,${Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300"><rect width="400" height="300" fill="#8ab"/><rect x="100" y="75" width="100" height="150" fill="#345"/></svg>',
).toString('base64')}`;

/**
 * The structured kinds' worker widgets in headless Chromium against the real app on PostgreSQL
 * (issue 17): spans labelled from the keyboard and with the mouse (Chinese text, per-character
 * tokens), a box drawn with the mouse then nudged and resized from the keyboard, a rating and a
 * pairwise choice; each answer lands in the database as the kind's `value`, and axe-core finds
 * no serious or critical violation on each screen.
 */
describe('task-kind widgets in the browser (e2e)', () => {
  const server = useTestServer();
  let browser: TestBrowser;
  let page: Page;
  let requester: GraphQLClient;
  let workerEmail: string;

  /**
   * Creates and launches a one-answer-per-task project of two tasks with the same payload: the
   * second is shown after the first is answered, with the screen's count of saved answers.
   */
  async function project(
    name: string,
    labelSchema: Record<string, unknown>,
    payload: Record<string, unknown>,
  ): Promise<string> {
    const { createProject } = await requester.ok(CREATE_AND_IMPORT.create, {
      input: {
        name,
        instructions: `Answer the ${name} task.`,
        labelSchema,
        rewardAmount: 5,
        currency: 'usd',
        overlap: { minOverlap: 1 },
      },
    });
    const tasks = [0, 1].map(i => ({ externalId: `${name}-${i}`, payload }));
    await requester.ok(CREATE_AND_IMPORT.import, { input: { projectId: createProject.id, tasks } });
    await requester.ok(CREATE_AND_IMPORT.launch, { id: createProject.id });
    return createProject.id;
  }

  /** A TEXT_SPANS project of one sentence, its entity types given as key → display name. */
  function spansProject(
    name: string,
    tokenization: string,
    text: string,
    types: Record<string, string>,
  ): Promise<string> {
    const labels = Object.entries(types).map(([key, displayName]) => ({ key, displayName }));
    return project(name, { kind: 'TEXT_SPANS', labels, settings: { tokenization } }, { text });
  }

  /** The worker's submitted answers in a project, oldest first. */
  async function answers(projectId: string): Promise<unknown[]> {
    const rows: Array<{ answer: unknown }> = await server.app.dataSource.query(
      `SELECT a.answer FROM assignments a JOIN users u ON u.id = a.worker_id
       WHERE u.email = $1 AND a.project_id = $2 AND a.status = 'SUBMITTED'
       ORDER BY a.submitted_at`,
      [workerEmail, projectId],
    );
    return rows.map(row => row.answer);
  }

  /**
   * Opens a project's task screen from the catalogue, by way of "My work" so that the catalogue
   * mounts anew and fetches the project created since it was last shown.
   */
  async function start(name: string, labels = { myWork: 'My work', projects: 'Projects' }) {
    await page.getByRole('link', { name: labels.myWork }).click();
    await page.getByRole('link', { name: labels.projects }).click();
    await page.getByRole('button', { name: new RegExp(name) }).click();
    await page.getByRole('heading', { name, level: 1 }).waitFor();
  }

  /** Submits with Enter and waits for the server's acknowledgement (`saved` on this screen). */
  async function submit(saved: number): Promise<void> {
    await page.keyboard.press('Enter');
    await page.getByText(`Saved: ${saved}`).waitFor();
  }

  beforeAll(async () => {
    assertWebAppBuilt();
    const owner = await server.signUp(['REQUESTER'], { displayName: 'Lab of Kinds' });
    requester = owner.client;
    await fundRequester(server.app, owner.userId);
    browser = await launchBrowser();
    page = await browser.newPage();
    workerEmail = `kinds-${Date.now()}@example.test`;
    await page.goto(`${server.url}/signup`);
    await page.getByLabel('Display name').fill('Lin');
    await page.getByLabel('Email').fill(workerEmail);
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Create a worker account' }).click();
    await page.getByRole('heading', { name: 'Projects open to you' }).waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('labels entities in a sentence from the keyboard alone', async () => {
    const projectId = await spansProject(
      'News entities',
      'WHITESPACE',
      'Barack Obama visited Paris .',
      {
        PER: 'Person',
        LOC: 'Location',
      },
    );
    await start('News entities');
    const tokens = page.locator('.span-tokens .token');
    expect(await tokens.allInnerTexts()).toEqual(['Barack', 'Obama', 'visited', 'Paris', '.']);
    // The text is shown once: in the widget, not again in the payload view.
    expect(await page.locator('.payload-text').count()).toBe(0);
    // The entity keys are on screen, with names beside the colours.
    expect(await page.getByRole('list', { name: 'Entity types' }).innerText()).toMatch(
      /1\s+Person\s+2\s+Location/,
    );

    await page.keyboard.press('Shift+ArrowRight');
    await page.getByText('Selected: “Barack Obama”').waitFor();
    await page.keyboard.press('1');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('1'); // "Paris" as a person, by mistake…
    await page.keyboard.press('Backspace'); // …removed…
    await page.keyboard.press('2'); // …and marked as a location.
    await page.getByRole('button', { name: 'Remove Location “Paris”' }).waitFor();
    expect(await page.locator('.span-tag').allInnerTexts()).toEqual(['Person', 'Location']);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, 'task-spans.png');

    await submit(1);
    expect(await answers(projectId)).toEqual([
      {
        spans: [
          { start: 0, end: 2, label: 'PER' },
          { start: 3, end: 4, label: 'LOC' },
        ],
      },
    ]);
  });

  it('labels Chinese text per character with the mouse, in Simplified Chinese', async () => {
    const projectId = await spansProject(
      'Chinese entities',
      'CHARACTER',
      '王小明在北京大学读书。',
      {
        PER: '人名',
        ORG: '机构',
      },
    );
    await page.getByLabel('Language').selectOption('zh-CN');
    await start('Chinese entities', { myWork: '我的工作', projects: '项目' });
    const token = (index: number) => page.locator(`.span-tokens .token[data-index="${index}"]`);
    expect(await token(0).innerText()).toBe('王');

    // Drag from 北 to 学, then click 王 and Shift+click 明.
    await token(4).hover();
    await page.mouse.down();
    await token(5).hover();
    await token(7).hover();
    await page.mouse.up();
    await page.getByText('已选择：“北京大学”').waitFor();
    await page.keyboard.press('2');
    await token(0).click();
    await token(2).click({ modifiers: ['Shift'] });
    await page.keyboard.press('1');
    await page.getByRole('button', { name: '删除 人名“王小明”' }).waitFor();
    await page.getByRole('button', { name: '删除 机构“北京大学”' }).waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    await page.keyboard.press('Enter');
    await page.getByText('已保存：1').waitFor();
    expect(await answers(projectId)).toEqual([
      {
        spans: [
          { start: 0, end: 3, label: 'PER' },
          { start: 4, end: 8, label: 'ORG' },
        ],
      },
    ]);
    await page.getByLabel('语言').selectOption('en');
  });

  it('draws a box with the mouse, nudges, resizes and reclassifies it from the keyboard', async () => {
    const projectId = await project(
      'Street boxes',
      {
        kind: 'BOUNDING_BOXES',
        labels: [
          { key: 'pedestrian', displayName: 'Pedestrian' },
          { key: 'cyclist', displayName: 'Cyclist' },
        ],
      },
      { image: IMAGE, width: 400, height: 300 },
    );
    await start('Street boxes');
    const stage = page.locator('svg.box-stage');
    await stage.scrollIntoViewIfNeeded();
    const shown = (await stage.boundingBox())!;
    // The image is shown larger than its 400 × 300 pixels, and at most 70% of the 800-pixel
    // window high (with its border); the answer is still in the image's own pixels.
    expect(shown.width).toBeGreaterThan(400);
    expect(shown.height).toBeLessThanOrEqual(0.7 * 800 + 2);
    const at = (x: number, y: number) =>
      [shown.x + (x / 400) * shown.width, shown.y + (y / 300) * shown.height] as const;
    const drag = async (from: readonly [number, number], to: readonly [number, number]) => {
      await page.mouse.move(...from);
      await page.mouse.down();
      await page.mouse.move(...to, { steps: 5 });
      await page.mouse.up();
    };

    await drag(at(100, 75), at(200, 225));
    await page.getByRole('button', { name: 'Box 1: Pedestrian at 100, 75 · 100 × 150' }).waitFor();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Shift+ArrowLeft');
    await page.keyboard.press('2');
    await page.getByRole('button', { name: 'Box 1: Cyclist at 102, 74 · 99 × 151' }).waitFor();

    // A second box, drawn right to left past the image's edge, then deleted from the list.
    await drag(at(390, 290), [shown.x + shown.width + 40, shown.y + shown.height + 40]);
    await page.getByRole('button', { name: 'Box 2: Cyclist at 390, 290 · 10 × 10' }).waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, 'task-boxes.png');
    await page.getByRole('button', { name: 'Delete box 2' }).click();
    expect(await page.getByRole('button', { name: /^Box \d/ }).count()).toBe(1);

    await submit(1);
    expect(await answers(projectId)).toEqual([
      { boxes: [{ x: 102, y: 74, w: 99, h: 151, label: 'cyclist' }] },
    ]);
  });

  it('rates with a number key and compares a pair with the arrow keys', async () => {
    const ratingProject = await project(
      'Relevance grades',
      { kind: 'RATING', labels: [], settings: { min: 0, max: 3 } },
      { query: 'solar panels', document: 'How photovoltaic cells work.' },
    );
    await start('Relevance grades');
    await page.getByRole('group', { name: 'Rate on the scale from 0 to 3' }).waitFor();
    await page.keyboard.press('2');
    expect(await page.getByRole('radio', { name: '2' }).isChecked()).toBe(true);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await submit(1);
    expect(await answers(ratingProject)).toEqual([{ rating: 2 }]);

    const pairProject = await project(
      'Better answer',
      { kind: 'PAIRWISE', labels: [] },
      { prompt: 'Say hello', left: 'Hello!', right: 'Greetings, human.' },
    );
    await start('Better answer');
    await page.getByText('Greetings, human.').waitFor();
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('radio', { name: /Right/ }).isChecked()).toBe(true);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await submit(1);
    expect(await answers(pairProject)).toEqual([{ preferred: 'Greetings, human.' }]);
  });
});
