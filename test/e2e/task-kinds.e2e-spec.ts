import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fundRequester } from '../helpers/money-fixtures';
import { type GraphQLClient, useTestServer } from '../helpers/test-server';

/**
 * The structured task kinds through the whole product over GraphQL (issue 17, docs/kinds.md):
 * a TEXT_SPANS and a BOUNDING_BOXES project on small real samples (test/fixtures/datasets, their
 * READMEs give source and license) go through import with gold, leasing, answering by several
 * workers, online confidence, aggregation and export in each format; RATING and PAIRWISE through
 * creation, answering, refusals and export.
 */

const FIXTURES = join(__dirname, '..', 'fixtures', 'datasets');

/**
 * The first `count` tasks of a fixture folder, its gold answers and its crowd answers (in file
 * order) by task id; `field` is the answer field (`spans`, `boxes`).
 */
function sample<T, A>(folder: string, field: string, count: number) {
  const answerOf = (row: Record<string, unknown>) => row[field] as A[];
  const tasks = readJsonl<T & { task: string }>(folder, 'tasks.jsonl').slice(0, count);
  const gold = new Map(
    readJsonl<Record<string, unknown>>(folder, 'gold.jsonl').map(g => [
      g.task as string,
      answerOf(g),
    ]),
  );
  const crowd = new Map<string, A[][]>();
  for (const label of readJsonl<Record<string, unknown>>(folder, 'labels.jsonl')) {
    const id = label.task as string;
    crowd.set(id, [...(crowd.get(id) ?? []), answerOf(label)]);
  }
  return { tasks, gold, crowd };
}

function readJsonl<T>(folder: string, file: string): T[] {
  return readFileSync(join(FIXTURES, folder, file), 'utf8')
    .split('\n')
    .filter(line => line.trim().length > 0)
    .map(line => JSON.parse(line) as T);
}

const CREATE_PROJECT = `mutation ($input: CreateProjectInput!) {
  createProject(input: $input) { id labelSchema { kind labels { key } settings } } }`;
const IMPORT = `mutation ($input: ImportTasksInput!) { importTasks(input: $input) { created } }`;
const LAUNCH = `mutation ($id: ID!) { launchProject(id: $id) { status } }`;
const NEXT = `mutation ($projectId: ID) {
  nextAssignment(projectId: $projectId) { id task { id payload tokens labelSchema { kind settings } } } }`;
const SUBMIT = `mutation ($input: SubmitAssignmentInput!) {
  submitAssignment(input: $input) { id status answer answerLabels } }`;
const TASKS = `query ($id: ID!) { project(id: $id) { tasks(first: 50) { nodes {
  id externalId isGold goldAnswer countedAnswers consensus { labels answer confidence }
  assignments { isGold goldCorrect goldScore answer } } } } }`;
const AGGREGATE = `mutation ($projectId: ID!) {
  runAggregation(projectId: $projectId) { status method answersUsed taskCount } }`;
const EXPORT = `query ($projectId: ID!, $format: ResultsExportFormat!) {
  exportResults(projectId: $projectId, format: $format) {
    format contentType taskCount content files { name contentType content } } }`;

/** The boxes schema of the ped_boxes_even sample: one class, the image URL in `url`. */
const PEDESTRIANS = {
  kind: 'BOUNDING_BOXES',
  labels: [{ key: 'pedestrian', displayName: 'Pedestrian' }],
  settings: { imageField: 'url' },
};

interface Image {
  width: number;
  height: number;
  url: string;
}

interface TaskNode {
  id: string;
  externalId: string;
  isGold: boolean;
  goldAnswer: Record<string, unknown> | null;
  countedAnswers: number;
  consensus: {
    labels: string[];
    answer: Record<string, unknown> | null;
    confidence: number | null;
  } | null;
  assignments: Array<{
    isGold: boolean;
    goldCorrect: boolean | null;
    goldScore: number | null;
    answer: Record<string, unknown> | null;
  }>;
}

interface Lease {
  id: string;
  task: {
    id: string;
    payload: Record<string, unknown>;
    tokens: string[] | null;
    labelSchema: { kind: string; settings: Record<string, unknown> };
  };
}

describe('structured task kinds (e2e)', () => {
  const server = useTestServer();

  async function requester(): Promise<GraphQLClient> {
    const owner = await server.signUp(['REQUESTER']);
    // Launching reserves escrow (docs/money.md): the owner needs funds.
    await fundRequester(server.app, owner.userId);
    return owner.client;
  }

  async function createProject(client: GraphQLClient, labelSchema: unknown, extra = {}) {
    const data = await client.ok(CREATE_PROJECT, {
      input: {
        name: 'Kinds',
        labelSchema,
        rewardAmount: 5,
        currency: 'usd',
        overlap: { minOverlap: 2, maxOverlap: 4, confidenceTarget: 0.9 },
        ...extra,
      },
    });
    return data.createProject as { id: string; labelSchema: Record<string, unknown> };
  }

  /** One worker leases until nothing is left (or it is blocked) and answers with `answerFor`. */
  async function answerAll(
    client: GraphQLClient,
    projectId: string,
    answerFor: (lease: Lease) => Record<string, unknown>,
  ): Promise<Lease[]> {
    const answered: Lease[] = [];
    for (;;) {
      const { nextAssignment } = await client.ok<{ nextAssignment: Lease | null }>(NEXT, {
        projectId,
      });
      if (!nextAssignment) return answered;
      await client.ok(SUBMIT, {
        input: { assignmentId: nextAssignment.id, answer: { value: answerFor(nextAssignment) } },
      });
      answered.push(nextAssignment);
    }
  }

  /** `workers` new workers answer in turn; `answerFor` gets the worker's index and the lease. */
  async function crowdAnswers(
    projectId: string,
    workers: number,
    answerFor: (worker: number, lease: Lease) => Record<string, unknown>,
  ): Promise<void> {
    for (let w = 0; w < workers; w++) {
      const { client } = await server.signUp(['WORKER']);
      await answerAll(client, projectId, lease => answerFor(w, lease));
    }
  }

  async function tasksOf(client: GraphQLClient, projectId: string): Promise<TaskNode[]> {
    return (await client.ok(TASKS, { id: projectId })).project.tasks.nodes;
  }

  async function exportAs(client: GraphQLClient, projectId: string, format: string) {
    return (await client.ok(EXPORT, { projectId, format })).exportResults as {
      format: string;
      contentType: string;
      taskCount: number;
      content: string;
      files: Array<{ name: string; contentType: string; content: string }>;
    };
  }

  /** Online confidence: on answered ordinary tasks, never on gold (it must not leak). */
  function expectOnlineConfidence(tasks: readonly TaskNode[]): void {
    const answered = tasks.filter(task => !task.isGold && task.countedAnswers > 0);
    expect(answered.length).toBeGreaterThan(0);
    for (const task of answered) {
      expect(task.consensus?.confidence).toBeGreaterThanOrEqual(0);
      expect(task.consensus?.confidence).toBeLessThanOrEqual(1);
    }
    for (const task of tasks.filter(t => t.isGold)) expect(task.consensus).toBeNull();
  }

  async function expectRefusal(
    client: GraphQLClient,
    query: string,
    variables: Record<string, unknown>,
    reason: string,
  ): Promise<void> {
    const result = await client.query(query, variables);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason });
  }

  /** Imports the images (their URL and size as the payload), with gold boxes where given. */
  async function importImages<B>(
    client: GraphQLClient,
    projectId: string,
    images: ReadonlyArray<Image & { task: string }>,
    goldOf: (image: Image & { task: string }) => B[] | null,
  ): Promise<void> {
    await client.ok(IMPORT, {
      input: {
        projectId,
        tasks: images.map(image => {
          const boxes = goldOf(image);
          return {
            externalId: image.task,
            payload: { url: image.url, width: image.width, height: image.height },
            goldAnswer: boxes ? { boxes } : null,
          };
        }),
      },
    });
  }

  /** A format the project's kind does not write. */
  function expectUnsupported(client: GraphQLClient, projectId: string, format: string) {
    return expectRefusal(client, EXPORT, { projectId, format }, 'UNSUPPORTED_FORMAT');
  }

  it('runs a TEXT_SPANS project: gold, leasing, answers, confidence, aggregation, JSONL/CoNLL/spaCy', async () => {
    const owner = await requester();
    const {
      tasks: sentences,
      gold,
      crowd,
    } = sample<{ tokens: string[] }, unknown>('conll_mturk_val', 'spans', 8);

    const schema = {
      kind: 'TEXT_SPANS',
      labels: ['PER', 'LOC', 'ORG', 'MISC'].map(key => ({ key, displayName: key })),
      settings: { tokenization: 'PAYLOAD' },
    };
    await expectRefusal(
      owner,
      CREATE_PROJECT,
      {
        input: {
          name: 'x',
          labelSchema: { ...schema, settings: { tokenization: 'MORSE' } },
          rewardAmount: 5,
          currency: 'usd',
          overlap: { minOverlap: 1 },
        },
      },
      'INVALID_SETTINGS',
    );
    const project = await createProject(owner, schema, { goldRate: 0.5 });
    expect(project.labelSchema.settings).toEqual({
      entityTypes: ['PER', 'LOC', 'ORG', 'MISC'],
      tokenization: 'PAYLOAD',
      textField: 'text',
      tokensField: 'tokens',
      allowOverlap: false,
    });

    // The first two sentences are gold; a gold answer is checked like a worker's.
    const items = sentences.map((s, i) => ({
      externalId: s.task,
      payload: { tokens: s.tokens },
      goldAnswer: i < 2 ? { spans: gold.get(s.task) } : null,
    }));
    await expectRefusal(
      owner,
      IMPORT,
      {
        input: {
          projectId: project.id,
          tasks: [
            {
              payload: { tokens: ['a'] },
              goldAnswer: { spans: [{ start: 0, end: 2, label: 'PER' }] },
            },
          ],
        },
      },
      'SPAN_OUT_OF_RANGE',
    );
    expect(
      (await owner.ok(IMPORT, { input: { projectId: project.id, tasks: items } })).importTasks
        .created,
    ).toBe(8);
    await owner.ok(LAUNCH, { id: project.id });

    // A refused answer (a span past the sentence) writes nothing, and the lease stays usable.
    const { client: careless } = await server.signUp(['WORKER']);
    const lease = (await careless.ok<{ nextAssignment: Lease }>(NEXT, { projectId: project.id }))
      .nextAssignment;
    expect(lease.task.tokens).toEqual(lease.task.payload.tokens);
    expect(lease.task.labelSchema.settings.entityTypes).toEqual(['PER', 'LOC', 'ORG', 'MISC']);
    const tokens = lease.task.tokens!.length;
    await expectRefusal(
      careless,
      SUBMIT,
      {
        input: {
          assignmentId: lease.id,
          answer: { value: { spans: [{ start: 0, end: tokens + 1, label: 'PER' }] } },
        },
      },
      'SPAN_OUT_OF_RANGE',
    );
    await expectRefusal(
      careless,
      SUBMIT,
      { input: { assignmentId: lease.id, answer: { labels: ['PER'] } } },
      'MALFORMED_ANSWER',
    );

    // Workers answer with the crowd's real annotations of each sentence (worker w gives the
    // w-th one), or the gold spans where the crowd ran out.
    const byId = new Map(sentences.map(s => [s.task, s]));
    const externalOf = new Map<string, string>();
    const all = await tasksOf(owner, project.id);
    for (const task of all) externalOf.set(task.id, task.externalId);
    await crowdAnswers(project.id, 4, (w, l) => {
      const id = externalOf.get(l.task.id)!;
      expect(byId.has(id)).toBe(true);
      const annotations = crowd.get(id) ?? [];
      return { spans: annotations[w] ?? gold.get(id) ?? [] };
    });
    await careless.ok(SUBMIT, {
      input: { assignmentId: lease.id, answer: { value: { spans: [] } } },
    });

    const answered = await tasksOf(owner, project.id);
    expectOnlineConfidence(answered);
    // The review queue reads the same confidence: every answered ordinary task is below 1.
    const queue = (
      await owner.ok(
        `query ($projectId: ID!) { reviewQueue(projectId: $projectId, confidenceBelow: 1) {
           totalCount items { taskId confidence reasons } } }`,
        { projectId: project.id },
      )
    ).reviewQueue;
    const unsure = answered.filter(t => !t.isGold && t.consensus!.confidence! < 1);
    expect(unsure.length).toBeGreaterThan(0);
    expect(queue.totalCount).toBe(unsure.length);
    expect(queue.items[0].reasons).toEqual(['LOW_CONFIDENCE']);
    const goldAnswers = answered.filter(t => t.isGold).flatMap(t => t.assignments);
    expect(goldAnswers.length).toBeGreaterThan(0);
    for (const a of goldAnswers) {
      expect(a.goldScore).toBeGreaterThanOrEqual(0);
      expect(a.goldCorrect).toBe(a.goldScore! >= 0.8);
    }
    const firstGold = answered.find(t => t.externalId === sentences[0].task)!;
    expect(firstGold.isGold).toBe(true);
    expect(firstGold.goldAnswer).toEqual({
      spans: expect.arrayContaining(gold.get(sentences[0].task)!),
    });

    const run = (await owner.ok(AGGREGATE, { projectId: project.id })).runAggregation;
    // Every task with an answer (whether a gold task was drawn for anyone is up to the draw).
    expect(run).toMatchObject({
      status: 'SUCCEEDED',
      method: 'hmm-crowd-typed',
      taskCount: answered.filter(t => t.countedAnswers > 0).length,
    });
    const aggregated = await tasksOf(owner, project.id);
    for (const task of aggregated.filter(t => t.countedAnswers > 0)) {
      expect(task.consensus?.answer).toEqual({ spans: expect.any(Array) });
    }

    const jsonl = await exportAs(owner, project.id, 'JSONL');
    const lines = jsonl.content
      .trim()
      .split('\n')
      .map(line => JSON.parse(line));
    expect(lines).toHaveLength(8);
    // Tasks of one import share a creation time and are then in id order.
    const third = lines.findIndex(line => line.external_id === sentences[2].task);
    expect(lines[third].tokens).toEqual(sentences[2].tokens);
    expect(jsonl.files).toEqual([
      { name: 'spans.jsonl', contentType: jsonl.contentType, content: jsonl.content },
    ]);
    const conll = await exportAs(owner, project.id, 'CONLL');
    const blocks = conll.content.trim().split('\n\n');
    expect(blocks).toHaveLength(8);
    expect(blocks[third].split('\n')).toHaveLength(sentences[2].tokens.length);
    expect(blocks[third].split('\n')[0]).toMatch(/^t0 (O|[BI]-(PER|LOC|ORG|MISC))$/);
    const spacy = JSON.parse((await exportAs(owner, project.id, 'SPACY')).content);
    expect(spacy).toHaveLength(8);
    expect(spacy[third].meta.external_id).toBe(sentences[2].task);
    expect(spacy[third].paragraphs[0].sentences[0].tokens).toHaveLength(sentences[2].tokens.length);
    await expectUnsupported(owner, project.id, 'COCO');
  });

  it('runs a BOUNDING_BOXES project: gold, leasing, answers, confidence, aggregation, COCO/YOLO', async () => {
    const owner = await requester();
    const { tasks: images, gold, crowd } = sample<Image, unknown>('ped_boxes_even', 'boxes', 6);
    const project = await createProject(owner, PEDESTRIANS, { goldRate: 0.5 });
    expect(project.labelSchema.settings).toEqual({
      classes: ['pedestrian'],
      imageField: 'url',
      widthField: 'width',
      heightField: 'height',
    });
    const goldImage = images.find(image => gold.has(image.task))!;
    await importImages(owner, project.id, images, image =>
      image === goldImage ? gold.get(image.task)! : null,
    );
    await owner.ok(LAUNCH, { id: project.id });

    // Refusals with the kind's codes: a box leaving the image, a box of zero size.
    const { client } = await server.signUp(['WORKER']);
    const lease = (await client.ok<{ nextAssignment: Lease }>(NEXT, { projectId: project.id }))
      .nextAssignment;
    const submit = (boxes: Array<Record<string, unknown>>) => ({
      input: { assignmentId: lease.id, answer: { value: { boxes } } },
    });
    const box = (x: number, w: number) => ({ x, y: 10, w, h: 20, label: 'pedestrian' });
    await expectRefusal(client, SUBMIT, submit([box(1270, 20)]), 'BOX_OUTSIDE_IMAGE');
    await expectRefusal(client, SUBMIT, submit([box(10, 0)]), 'BOX_EMPTY');

    const externalOf = new Map((await tasksOf(owner, project.id)).map(t => [t.id, t.externalId]));
    await crowdAnswers(project.id, 4, (w, l) => {
      const id = externalOf.get(l.task.id)!;
      return { boxes: crowd.get(id)?.[w] ?? gold.get(id) ?? [] };
    });
    await client.ok(SUBMIT, submit([box(10, 30)]));

    const answered = await tasksOf(owner, project.id);
    expectOnlineConfidence(answered);
    const goldTask = answered.find(t => t.isGold)!;
    expect(goldTask.assignments.some(a => a.goldScore !== null)).toBe(true);

    const run = (await owner.ok(AGGREGATE, { projectId: project.id })).runAggregation;
    expect(run).toMatchObject({ status: 'SUCCEEDED', method: 'box-fusion' });
    const fused = (await tasksOf(owner, project.id)).find(t => t.externalId === images[1].task)!;
    expect(fused.consensus?.answer).toEqual({
      boxes: expect.arrayContaining([expect.objectContaining({ label: 'pedestrian' })]),
    });

    const coco = JSON.parse((await exportAs(owner, project.id, 'COCO')).content);
    expect(coco.images).toHaveLength(6);
    expect(coco.categories).toEqual([expect.objectContaining({ name: 'pedestrian' })]);
    expect(coco.annotations.length).toBeGreaterThan(0);
    const yolo = await exportAs(owner, project.id, 'YOLO');
    expect(yolo.files[0]).toMatchObject({ name: 'classes.txt', content: 'pedestrian\n' });
    expect(yolo.files.length).toBeGreaterThan(1);
    expect(JSON.parse(yolo.content)).toEqual(
      Object.fromEntries(yolo.files.map(file => [file.name, file.content])),
    );
    const line = yolo.files.find(file => file.content.length > 0 && file.name !== 'classes.txt')!;
    expect(line.content.split('\n')[0]).toMatch(/^0 0\.\d+ 0\.\d+ 0\.\d+ 0\.\d+$/);
    await expectUnsupported(owner, project.id, 'CSV');
  });

  it('creates, answers, refuses, aggregates and exports RATING and PAIRWISE projects', async () => {
    const owner = await requester();
    const base = { name: 'x', rewardAmount: 5, currency: 'usd', overlap: { minOverlap: 1 } };
    await expectRefusal(
      owner,
      CREATE_PROJECT,
      {
        input: {
          ...base,
          labelSchema: { kind: 'RATING', labels: [], settings: { min: 5, max: 1 } },
        },
      },
      'INVALID_SETTINGS',
    );
    await expectRefusal(
      owner,
      CREATE_PROJECT,
      {
        input: {
          ...base,
          labelSchema: {
            kind: 'PAIRWISE',
            labels: [],
            settings: { leftField: 'a', rightField: 'a' },
          },
        },
      },
      'INVALID_SETTINGS',
    );

    const rating = await createProject(owner, {
      kind: 'RATING',
      labels: ['bad', 'ok', 'good'].map(key => ({ key, displayName: key })),
      settings: { min: 0, max: 2 },
    });
    expect(rating.labelSchema.settings).toEqual({
      min: 0,
      max: 2,
      labels: ['bad', 'ok', 'good'],
      tolerance: 0,
    });
    const pairwise = await createProject(owner, { kind: 'PAIRWISE', labels: [] });
    for (const [project, payloads] of [
      [rating, [{ doc: 'a' }, { doc: 'b' }]],
      [
        pairwise,
        [
          { left: { id: 'a', text: 'A' }, right: 'b' },
          { left: 'b', right: 'c' },
        ],
      ],
    ] as const) {
      await owner.ok(IMPORT, {
        input: { projectId: project.id, tasks: payloads.map(payload => ({ payload })) },
      });
      await owner.ok(LAUNCH, { id: project.id });
    }

    const { client } = await server.signUp(['WORKER']);
    const lease = async (projectId: string) =>
      (await client.ok<{ nextAssignment: Lease }>(NEXT, { projectId })).nextAssignment;
    const submit = (id: string, value: unknown) => ({
      input: { assignmentId: id, answer: { value } },
    });
    const rated = await lease(rating.id);
    expect(rated.task.tokens).toBeNull();
    await expectRefusal(client, SUBMIT, submit(rated.id, { rating: 3 }), 'RATING_OFF_SCALE');
    await expectRefusal(client, SUBMIT, submit(rated.id, { rating: '1' }), 'MALFORMED_ANSWER');
    const stored = (await client.ok(SUBMIT, submit(rated.id, { rating: 2 }))).submitAssignment;
    expect(stored).toMatchObject({
      status: 'SUBMITTED',
      answer: { rating: 2 },
      answerLabels: null,
    });
    const compared = await lease(pairwise.id);
    await expectRefusal(client, SUBMIT, submit(compared.id, { preferred: 'z' }), 'NOT_AN_ITEM');
    const preferred = compared.task.payload.right === 'b' ? 'a' : 'c';
    await client.ok(SUBMIT, submit(compared.id, { preferred }));

    for (const [project, method] of [
      [rating, 'ordinal'],
      [pairwise, 'noisy-bt'],
    ] as const) {
      const run = (await owner.ok(AGGREGATE, { projectId: project.id })).runAggregation;
      expect(run).toMatchObject({ status: 'SUCCEEDED', method, answersUsed: 1 });
    }
    const csv = (await exportAs(owner, rating.id, 'CSV')).content.trim().split('\n');
    expect(csv).toHaveLength(3);
    expect(csv.some(row => row.includes(',2,good,'))).toBe(true);
    const pairs = (await exportAs(owner, pairwise.id, 'JSONL')).content
      .trim()
      .split('\n')
      .map(row => JSON.parse(row));
    expect(pairs.find(row => row.preferred !== null)).toMatchObject({ preferred, answers: 1 });
    // A results page carries the same consensus as the export, as JSON, with its confidence.
    const { resultsPage } = await owner.ok(
      `query ($id: ID!) { resultsPage(projectId: $id, first: 10) {
         nodes { taskId answer confidence labels } } }`,
      { id: pairwise.id },
    );
    const exported = new Map(pairs.map(row => [row.task_id, row]));
    expect(resultsPage.nodes).toHaveLength(pairs.length);
    for (const node of resultsPage.nodes as Array<Record<string, any>>) {
      const row = exported.get(node.taskId);
      expect(node.answer).toEqual(row.preferred === null ? null : { preferred: row.preferred });
      expect(node).toMatchObject({ confidence: row.confidence, labels: null });
    }
    await expectUnsupported(owner, rating.id, 'CONLL');
  });

  it('scores box gold by F1 so a gold-accuracy rule blocks the worker who misses the boxes', async () => {
    const owner = await requester();
    const { tasks: images, gold } = sample<Image, Record<string, number>>(
      'ped_boxes_even',
      'boxes',
      // Gold is drawn per lease at goldRate 0.5 and never served once the ordinary tasks are
      // gone: with 20 ordinary images the sloppy worker meets fewer than the rule's 2 gold
      // images with probability about 1e-5 (with 6, 6%).
      24,
    );
    const project = await createProject(owner, PEDESTRIANS, {
      goldRate: 0.5,
      overlap: { minOverlap: 1 },
    });
    const goldImages = images.filter(image => (gold.get(image.task) ?? []).length > 0).slice(0, 4);
    expect(goldImages).toHaveLength(4);
    await importImages(owner, project.id, images, image =>
      goldImages.includes(image) ? gold.get(image.task)! : null,
    );
    await owner.ok(
      `mutation ($projectId: ID!, $rule: JSONObject!) { createQualityRule(projectId: $projectId, rule: $rule) { id } }`,
      {
        projectId: project.id,
        rule: {
          name: 'box gold',
          collector: { kind: 'GOLD_ACCURACY', minCount: 2 },
          conditions: [{ metric: 'accuracy', op: '<', value: 0.5 }],
          action: { kind: 'BLOCK', scope: 'PROJECT' },
        },
      },
    );
    await owner.ok(LAUNCH, { id: project.id });
    const externalOf = new Map((await tasksOf(owner, project.id)).map(t => [t.id, t.externalId]));

    // The careful worker draws the gold boxes a pixel off (IoU well above 0.5: F1 1); the sloppy
    // one draws nothing (F1 0 on images with pedestrians).
    const careful = await server.signUp(['WORKER']);
    const sloppy = await server.signUp(['WORKER']);
    const shifted = (lease: Lease) => ({
      boxes: (gold.get(externalOf.get(lease.task.id)!) ?? []).map(b => ({
        ...b,
        x: Math.max(0, b.x - 1),
      })),
    });
    await answerAll(sloppy.client, project.id, () => ({ boxes: [] }));
    await answerAll(careful.client, project.id, shifted);

    const goldAnswers = (await tasksOf(owner, project.id))
      .filter(t => t.isGold)
      .flatMap(t => t.assignments);
    expect(goldAnswers.some(a => a.goldScore === 1 && a.goldCorrect)).toBe(true);
    expect(goldAnswers.some(a => a.goldScore === 0 && a.goldCorrect === false)).toBe(true);
    const blocks = (
      await owner.ok(
        `query ($projectId: ID) { workerBlocks(projectId: $projectId) { workerId } }`,
        {
          projectId: project.id,
        },
      )
    ).workerBlocks;
    expect(blocks).toEqual([{ workerId: sloppy.userId }]);
  });
});
