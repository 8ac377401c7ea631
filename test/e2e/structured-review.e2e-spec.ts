import { launchKindProject } from '../helpers/kind-projects';
import { type GraphQLClient, useTestServer } from '../helpers/test-server';

/**
 * Expert review of structured tasks (notes/review-contract.md, docs/kinds.md): a reviewer sees a
 * TEXT_SPANS or BOUNDING_BOXES task's answers as values (with the tokens they index), decides it
 * with a value checked by the kind's own validation (same `reason` codes as a worker's answer),
 * and the decision replaces the aggregate in every export format, marked reviewed.
 */

const NEXT = `mutation ($projectId: ID) { nextAssignment(projectId: $projectId) { id task { id } } }`;
const SUBMIT = `mutation ($input: SubmitAssignmentInput!) { submitAssignment(input: $input) { id } }`;
const TASKS = `query ($id: ID!) { project(id: $id) { tasks(first: 100) { nodes {
  id externalId isGold goldAnswer } } } }`;
const AGGREGATE = `mutation ($projectId: ID!) { runAggregation(projectId: $projectId) { status } }`;
const REVIEW_TASK = `query ($t: ID!) { reviewTask(taskId: $t) {
  tokens consensusLabels consensusValue confidence answers { labels value }
  decision { labels value } } }`;
const DECIDE = `mutation ($input: DecideReviewInput!) {
  decideReview(input: $input) { taskId labels value goldTaskId } }`;
const EXPORT = `query ($projectId: ID!, $format: ResultsExportFormat!) {
  exportResults(projectId: $projectId, format: $format) { content files { name content } } }`;

describe('expert review of structured tasks (e2e)', () => {
  const server = useTestServer();

  /** A launched project of `labelSchema` with `payloads` as its tasks, two answers each. */
  function launched(labelSchema: unknown, payloads: Array<Record<string, unknown>>) {
    return launchKindProject(server, { labelSchema, payloads, overlap: 2 });
  }

  /** Two workers answer every task; worker w gives `answers[w]`. */
  async function answeredBy(projectId: string, answers: Array<Record<string, unknown>>) {
    for (const value of answers) {
      const { client } = await server.signUp(['WORKER']);
      for (;;) {
        const { nextAssignment } = await client.ok(NEXT, { projectId });
        if (!nextAssignment) break;
        await client.ok(SUBMIT, { input: { assignmentId: nextAssignment.id, answer: { value } } });
      }
    }
  }

  async function expectRefusal(
    client: GraphQLClient,
    input: Record<string, unknown>,
    extensions: Record<string, unknown>,
  ): Promise<void> {
    const result = await client.query(DECIDE, { input });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', ...extensions });
  }

  async function exported(client: GraphQLClient, projectId: string, format: string) {
    return (await client.ok(EXPORT, { projectId, format })).exportResults as {
      content: string;
      files: Array<{ name: string; content: string }>;
    };
  }

  it('decides a TEXT_SPANS task with spans, refuses bad ones by the kind’s codes, exports the decision', async () => {
    const schema = {
      kind: 'TEXT_SPANS',
      labels: ['PER', 'LOC'].map(key => ({ key, displayName: key })),
      settings: { tokenization: 'WHITESPACE' },
    };
    const text = 'Ann met Bob in Rome';
    const { owner, projectId, taskIds } = await launched(schema, [{ text }, { text }]);
    const ann = { spans: [{ start: 0, end: 1, label: 'PER' }] };
    const annAndBob = {
      spans: [
        { start: 0, end: 1, label: 'PER' },
        { start: 2, end: 3, label: 'LOC' },
      ],
    };
    await answeredBy(projectId, [ann, annAndBob]);
    await owner.ok(AGGREGATE, { projectId });

    const [decided, untouched] = taskIds;
    const view = (await owner.ok(REVIEW_TASK, { t: decided })).reviewTask;
    expect(view.tokens).toEqual(['Ann', 'met', 'Bob', 'in', 'Rome']);
    expect(view.consensusLabels).toBeNull();
    expect(view.consensusValue?.spans).toEqual(expect.any(Array));
    expect(view.answers.map((a: { value: unknown }) => a.value)).toEqual(
      expect.arrayContaining([ann, annAndBob]),
    );
    expect(view.answers.every((a: { labels: string[] }) => a.labels.length === 0)).toBe(true);
    expect(view.decision).toBeNull();

    // The kind's validation with its codes, under `value`; the choice field or none is refused.
    const outOfRange = { spans: [{ start: 4, end: 6, label: 'LOC' }] };
    await expectRefusal(
      owner,
      { taskId: decided, value: outOfRange },
      { reason: 'SPAN_OUT_OF_RANGE', field: expect.stringMatching(/^value\.spans\[0\]/) },
    );
    const overlap = {
      spans: [
        { start: 0, end: 2, label: 'PER' },
        { start: 1, end: 3, label: 'LOC' },
      ],
    };
    await expectRefusal(owner, { taskId: decided, value: overlap }, { reason: 'SPAN_OVERLAP' });
    await expectRefusal(
      owner,
      { taskId: decided, value: { spans: [{ start: 0, end: 1, label: 'ORG' }] } },
      { reason: 'UNKNOWN_LABEL' },
    );
    await expectRefusal(owner, { taskId: decided, labels: ['PER'] }, { field: 'labels' });
    await expectRefusal(owner, { taskId: decided, labels: ['PER'], value: ann }, {});
    await expectRefusal(owner, { taskId: decided }, { field: 'value', reason: 'MALFORMED_ANSWER' });
    expect((await owner.ok(REVIEW_TASK, { t: decided })).reviewTask.decision).toBeNull();

    const final = {
      spans: [
        { start: 0, end: 1, label: 'PER' },
        { start: 4, end: 5, label: 'LOC' },
      ],
    };
    const decision = (await owner.ok(DECIDE, { input: { taskId: decided, value: final } }))
      .decideReview;
    expect(decision).toMatchObject({ taskId: decided, labels: [], value: final, goldTaskId: null });
    expect((await owner.ok(REVIEW_TASK, { t: decided })).reviewTask.decision).toEqual({
      labels: [],
      value: final,
    });

    // Every format shows the decision on the decided task and the aggregate on the other.
    const lines = (await exported(owner, projectId, 'JSONL')).content
      .trim()
      .split('\n')
      .map(line => JSON.parse(line));
    const lineOf = (id: string) => lines.find(line => line.task_id === id);
    expect(lineOf(decided)).toMatchObject({ spans: final.spans, reviewed: true });
    expect(lineOf(untouched)).toMatchObject({ reviewed: false });
    expect(lineOf(untouched).spans).not.toEqual(final.spans);
    const conll = (await exported(owner, projectId, 'CONLL')).content.split('\n\n');
    // Tasks come in the same order in every format: the JSONL line's position finds the block.
    const position = lines.findIndex(line => line.task_id === decided);
    expect(conll[position].trim().split('\n')).toEqual([
      'Ann B-PER',
      'met O',
      'Bob O',
      'in O',
      'Rome B-LOC',
    ]);
    const docs = JSON.parse((await exported(owner, projectId, 'SPACY')).content);
    const doc = docs.find((d: { meta: { task_id: string } }) => d.meta.task_id === decided);
    expect(doc.meta.reviewed).toBe(true);

    // makeGold turns the decided value into a gold answer (checked by the same import).
    const gold = (
      await owner.ok(DECIDE, { input: { taskId: decided, value: final, makeGold: true } })
    ).decideReview;
    expect(gold.goldTaskId).toEqual(expect.any(String));
    const nodes = (await owner.ok(TASKS, { id: projectId })).project.tasks.nodes;
    expect(nodes.find((n: { id: string }) => n.id === gold.goldTaskId)).toMatchObject({
      isGold: true,
      goldAnswer: final,
    });
  });

  it('decides a BOUNDING_BOXES task with boxes and exports them in COCO and YOLO', async () => {
    const schema = {
      kind: 'BOUNDING_BOXES',
      labels: [{ key: 'car', displayName: 'Car' }],
      settings: { imageField: 'url' },
    };
    const image = (name: string) => ({ url: `${name}.png`, width: 100, height: 50 });
    const { owner, projectId, taskIds } = await launched(schema, [image('a'), image('b')]);
    const box = (x: number) => ({ x, y: 10, w: 20, h: 20, label: 'car' });
    await answeredBy(projectId, [{ boxes: [box(10)] }, { boxes: [box(12), box(60)] }]);
    await owner.ok(AGGREGATE, { projectId });

    const [decided] = taskIds;
    const view = (await owner.ok(REVIEW_TASK, { t: decided })).reviewTask;
    expect(view.tokens).toBeNull();
    expect(view.answers.map((a: { value: unknown }) => a.value)).toEqual(
      expect.arrayContaining([{ boxes: [box(10)] }]),
    );
    await expectRefusal(
      owner,
      { taskId: decided, value: { boxes: [box(90)] } },
      { reason: 'BOX_OUTSIDE_IMAGE', field: expect.stringMatching(/^value\.boxes\[0\]/) },
    );
    await expectRefusal(
      owner,
      { taskId: decided, value: { boxes: [{ ...box(10), w: 0 }] } },
      { reason: 'BOX_EMPTY' },
    );

    const final = { boxes: [box(40), { x: 0, y: 0, w: 100, h: 50, label: 'car' }] };
    await owner.ok(DECIDE, { input: { taskId: decided, value: final } });
    const coco = JSON.parse((await exported(owner, projectId, 'COCO')).content);
    const img = coco.images.find((i: { task_id: string }) => i.task_id === decided);
    expect(img.reviewed).toBe(true);
    expect(
      coco.annotations
        .filter((a: { image_id: number }) => a.image_id === img.id)
        .map((a: { bbox: number[] }) => a.bbox),
    ).toEqual([
      [40, 10, 20, 20],
      [0, 0, 100, 50],
    ]);
    const yolo = (await exported(owner, projectId, 'YOLO')).files;
    expect(yolo.find(f => f.name === 'labels/a.txt')?.content).toBe(
      '0 0.500000 0.400000 0.200000 0.400000\n0 0.500000 0.500000 1.000000 1.000000\n',
    );
  });

  it('refuses a value on a choice task, where labels stay required', async () => {
    const schema = {
      kind: 'SINGLE_CHOICE',
      labels: [
        { key: 'pos', displayName: 'Positive' },
        { key: 'neg', displayName: 'Negative' },
      ],
    };
    const { owner, taskIds } = await launched(schema, [{ text: 'good' }]);
    await expectRefusal(owner, { taskId: taskIds[0], value: { rating: 1 } }, { field: 'value' });
    await expectRefusal(owner, { taskId: taskIds[0] }, { field: 'labels' });
    const decision = (await owner.ok(DECIDE, { input: { taskId: taskIds[0], labels: ['neg'] } }))
      .decideReview;
    expect(decision).toMatchObject({ labels: ['neg'], value: null });
  });
});
