import {
  AGGREGATOR_NAMES,
  type Aggregator,
  aggregators,
} from '../../../src/modules/aggregation/algorithms';
import { dawidSkene } from '../../../src/modules/aggregation/algorithms/dawid-skene';
import { mulberry32, randomInt } from '../../../src/modules/aggregation/algorithms/rng';
import {
  type AggregationProblem,
  computeAggregation,
  splitSoftAnswers,
} from '../../../src/modules/aggregation/compute-aggregation';
import { ProjectAnswerEncoder } from '../../../src/modules/aggregation/encode-project-answers';
import { runAggregationInWorker } from '../../../src/modules/aggregation/parallel/run-aggregation-in-worker';

/** computeAggregation's majority vote for a project of `kind` with two label keys. */
function twoKeyMajorityVote(
  kind: AggregationProblem['kind'],
  problem: Omit<AggregationProblem, 'method' | 'kind' | 'nKeys'>,
) {
  return computeAggregation({ method: 'majority-vote', kind, nKeys: 2, ...problem });
}

/** A seeded single-choice crowd over keys a, b, c: 40 tasks × 5 answers, 8 workers. */
function seededRows(seed: number) {
  const rng = mulberry32(seed);
  const keys = ['a', 'b', 'c'];
  const accuracy = [0.95, 0.9, 0.85, 0.8, 0.6, 0.5, 0.4, 0.34];
  const rows: Array<{
    workerId: string;
    taskId: string;
    answerLabels: string[];
    goldLabels: string[] | null;
  }> = [];
  for (let t = 0; t < 40; t++) {
    const truth = randomInt(rng, 3);
    for (let a = 0; a < 5; a++) {
      const w = (t + a * 3) % 8;
      const label = rng() < accuracy[w] ? truth : randomInt(rng, 3);
      rows.push({
        workerId: `w${w}`,
        taskId: `t${t}`,
        answerLabels: [keys[label]],
        goldLabels: t % 8 === 0 ? [keys[truth]] : null,
      });
    }
  }
  return { keys, rows };
}

function singleChoiceProblem(method: (typeof AGGREGATOR_NAMES)[number]): AggregationProblem {
  const { keys, rows } = seededRows(7);
  const encoder = new ProjectAnswerEncoder('SINGLE_CHOICE', keys);
  for (const row of rows) encoder.add(row);
  const encoded = encoder.finish();
  return {
    method,
    kind: 'SINGLE_CHOICE',
    nKeys: keys.length,
    matrix: encoded.matrix,
    gold: encoded.gold,
  };
}

describe('ProjectAnswerEncoder', () => {
  it('indexes single-choice labels by schema position and keeps each worker’s latest answer', () => {
    const encoder = new ProjectAnswerEncoder('SINGLE_CHOICE', ['dog', 'cat']);
    encoder.add({ workerId: 'w1', taskId: 't1', answerLabels: ['cat'], goldLabels: null });
    encoder.add({ workerId: 'w2', taskId: 't1', answerLabels: ['dog'], goldLabels: null });
    encoder.add({ workerId: 'w1', taskId: 't1', answerLabels: ['dog'], goldLabels: null });

    const encoded = encoder.finish();

    expect([...encoded.matrix.label]).toEqual([0, 0]);
    expect(encoded.replacedAnswers).toBe(1);
    expect(encoded.gold).toBeUndefined();
  });

  it('skips answers the schema cannot read and counts them', () => {
    const encoder = new ProjectAnswerEncoder('SINGLE_CHOICE', ['dog', 'cat']);
    encoder.add({ workerId: 'w1', taskId: 't1', answerLabels: ['cow'], goldLabels: null });
    encoder.add({ workerId: 'w1', taskId: 't2', answerLabels: ['dog', 'cat'], goldLabels: null });
    encoder.add({ workerId: 'w1', taskId: 't3', answerLabels: [], goldLabels: null });
    encoder.add({ workerId: 'w2', taskId: 't4', answerLabels: ['cat'], goldLabels: ['cat'] });

    const encoded = encoder.finish();

    expect(encoded.ignoredAnswers).toBe(3);
    expect(encoded.taskIds).toEqual(['t4']);
    expect(encoded.workerIds).toEqual(['w2']);
    expect([...encoded.gold!]).toEqual([1]);
    expect(encoded.goldTasks).toBe(1);
  });

  it('encodes multi-label answers as sets: key order and repeats of the same set do not matter', () => {
    const encoder = new ProjectAnswerEncoder('MULTI_LABEL', ['x', 'y', 'z']);
    encoder.add({ workerId: 'w1', taskId: 't1', answerLabels: ['z', 'x'], goldLabels: ['x', 'z'] });
    encoder.add({ workerId: 'w2', taskId: 't1', answerLabels: ['x', 'z'], goldLabels: ['x', 'z'] });
    encoder.add({ workerId: 'w3', taskId: 't1', answerLabels: ['y'], goldLabels: ['x', 'z'] });
    encoder.add({ workerId: 'w3', taskId: 't2', answerLabels: ['y', 'y'], goldLabels: null });

    const encoded = encoder.finish();

    const sets = Array.from({ length: encoded.matrix.nLabels }, (_, s) =>
      Array.from(
        encoded.answerSets!.keys.subarray(
          encoded.answerSets!.offsets[s],
          encoded.answerSets!.offsets[s + 1],
        ),
      ),
    );
    expect(encoded.matrix.label[0]).toBe(encoded.matrix.label[1]);
    expect(sets[encoded.matrix.label[0]]).toEqual([0, 2]);
    expect(sets[encoded.matrix.label[2]]).toEqual([1]);
    expect(encoded.gold![0]).toBe(encoded.matrix.label[0]);
    expect(encoded.ignoredAnswers).toBe(1);
  });
});

/**
 * `singleChoiceProblem` plus a model ('model') answering every task with a probability vector
 * that leans toward the majority of the task's first two answers.
 */
function problemWithModel(method: (typeof AGGREGATOR_NAMES)[number], withVectors = true) {
  const { keys, rows } = seededRows(7);
  const encoder = new ProjectAnswerEncoder('SINGLE_CHOICE', keys);
  for (const row of rows) encoder.add(row);
  const rng = mulberry32(3);
  for (let t = 0; t < 40; t++) {
    const lean = keys.indexOf(rows[t * 5].answerLabels[0]);
    const vector = keys.map((_, k) => (k === lean ? 0.5 + 0.4 * rng() : 0.1 * rng()));
    encoder.add({
      workerId: 'model',
      taskId: `t${t}`,
      answerLabels: [keys[lean]],
      goldLabels: null,
      probabilities: withVectors ? vector : undefined,
    });
  }
  const encoded = encoder.finish();
  const problem: AggregationProblem = {
    method,
    kind: 'SINGLE_CHOICE',
    nKeys: keys.length,
    matrix: encoded.matrix,
    gold: encoded.gold,
    soft: encoded.soft,
  };
  return { problem, encoded };
}

describe('soft answers (a model’s probability vectors)', () => {
  const keys = ['dog', 'cat', 'cow'];
  const add = (
    encoder: ProjectAnswerEncoder,
    worker: string,
    task: string,
    label: string,
    p?: number[],
  ) =>
    encoder.add({
      workerId: worker,
      taskId: task,
      answerLabels: [label],
      goldLabels: null,
      probabilities: p,
    });

  it('are passed on when the vector fits the schema and its label, and are plain labels otherwise', () => {
    const encoder = new ProjectAnswerEncoder('SINGLE_CHOICE', keys);
    for (const task of ['t1', 't2', 't3', 't4', 't5']) add(encoder, 'human', task, 'dog');
    add(encoder, 'model', 't1', 'cat', [0.2, 0.7, 0.1]);
    add(encoder, 'model', 't2', 'cat', [0.3, 0.7]); // the schema had two keys back then
    add(encoder, 'model', 't3', 'cat', [0.5, 0.3, 0.2]); // its argmax is not its label
    add(encoder, 'model', 't4', 'cat', [0, NaN, 0]);
    add(encoder, 'other', 't1', 'cow', [0.1, 0.1, 0.8]);
    add(encoder, 'other', 't5', 'cow', [0.1, 0.1, 0.8]);
    add(encoder, 'other', 't5', 'dog'); // a later answer without a vector replaces the soft one

    const encoded = encoder.finish();

    const m = encoded.matrix;
    const softOnes = [...encoded.soft!.response].map(r => [
      encoded.workerIds[m.worker[r]],
      encoded.taskIds[m.task[r]],
      keys[m.label[r]],
    ]);
    expect(softOnes).toEqual([
      ['model', 't1', 'cat'],
      ['other', 't1', 'cow'],
    ]);
    expect([...encoded.soft!.probabilities]).toEqual([0.2, 0.7, 0.1, 0.1, 0.1, 0.8]);
    // Every answer is still in the matrix with its label.
    expect(m.task.length).toBe(5 + 4 + 2);
  });

  it('are absent when no answer has a vector, and on multi-label projects', () => {
    const single = new ProjectAnswerEncoder('SINGLE_CHOICE', keys);
    add(single, 'human', 't1', 'dog');
    expect(single.finish().soft).toBeUndefined();
    const multi = new ProjectAnswerEncoder('MULTI_LABEL', keys);
    add(multi, 'model', 't1', 'cat', [0.2, 0.7, 0.1]);
    expect(multi.finish().soft).toBeUndefined();
  });

  it('are read by Dawid–Skene as vectors, and as their labels by the other methods and the counts', () => {
    const { problem } = problemWithModel('dawid-skene');
    expect(problem.soft!.response.length).toBe(40);
    const split = splitSoftAnswers(problem.matrix, problem.soft!);
    const reference = dawidSkene(split.hard, { gold: problem.gold, soft: split.soft });

    const solution = computeAggregation(problem);
    const hard = computeAggregation({ ...problem, soft: undefined });

    expect(solution.posterior).toEqual(reference.probabilities);
    expect(solution.confusion).toEqual(reference.confusion);
    expect(maxDifference(solution.posterior, hard.posterior)).toBeGreaterThan(1e-3);
    // The model's answers still count as its labels.
    expect(solution.workerAnswers).toEqual(hard.workerAnswers);
    expect(Array.from(solution.taskAnswers)).toEqual(new Array(40).fill(6));
    for (const method of AGGREGATOR_NAMES.filter(name => name !== 'dawid-skene')) {
      const other = problemWithModel(method).problem;
      expect(computeAggregation(other)).toEqual(computeAggregation({ ...other, soft: undefined }));
    }
  });

  it('go to the worker thread with the problem', async () => {
    const here = computeAggregation(problemWithModel('dawid-skene').problem);
    const there = await runAggregationInWorker(problemWithModel('dawid-skene').problem);
    expect(there).toEqual(here);
  });

  it('are rejected when they point at no response or repeat one', () => {
    const { problem } = problemWithModel('dawid-skene');
    const K = 3;
    const probabilities = Float64Array.of(0.2, 0.7, 0.1, 0.2, 0.7, 0.1);
    const out = Int32Array.of(0, problem.matrix.task.length);
    expect(() => splitSoftAnswers(problem.matrix, { response: out, probabilities })).toThrow(
      RangeError,
    );
    const twice = Int32Array.of(1, 1);
    expect(() => splitSoftAnswers(problem.matrix, { response: twice, probabilities })).toThrow(
      RangeError,
    );
    const short = { response: Int32Array.of(0), probabilities: probabilities.subarray(0, K - 1) };
    expect(() => splitSoftAnswers(problem.matrix, short)).toThrow(RangeError);
  });
});

function maxDifference(a: Float64Array, b: Float64Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

describe(computeAggregation.name, () => {
  it.each(AGGREGATOR_NAMES)(
    'stores what the registry’s %s gives, with consensus and confidence',
    method => {
      const problem = singleChoiceProblem(method);
      const output = (aggregators[method] as Aggregator)(problem.matrix, { gold: problem.gold });

      const solution = computeAggregation(problem);

      expect(solution.posterior).toEqual(output.probabilities);
      for (let t = 0; t < problem.matrix.nTasks; t++) {
        const chosen = Array.from(solution.chosen.subarray(t * 3, t * 3 + 3));
        expect(chosen).toEqual([0, 1, 2].map(k => (k === output.labels[t] ? 1 : 0)));
        expect(solution.confidence[t]).toBe(output.probabilities[t * 3 + output.labels[t]]);
      }
      expect(solution.workerSkill).toEqual(output.workerSkill);
      expect(solution.logLikelihood).toEqual([...(output.logLikelihood ?? [])]);
      expect(Array.from(solution.taskAnswers)).toEqual(new Array(40).fill(5));
      expect(solution.workerAnswers.reduce((a, b) => a + b, 0)).toBe(200);
    },
  );

  it('counts gold answers, exact gold matches and agreement with the consensus per worker', () => {
    // t1 gold 'a'; t2 not gold. Majority vote (which ignores gold): t1 → a (a 1–1 tie goes to the
    // first key), t2 → b (two of three).
    const encoder = new ProjectAnswerEncoder('SINGLE_CHOICE', ['a', 'b']);
    const rows = [
      ['w1', 't1', 'a'],
      ['w2', 't1', 'b'],
      ['w1', 't2', 'b'],
      ['w2', 't2', 'b'],
      ['w3', 't2', 'a'],
    ];
    for (const [workerId, taskId, label] of rows) {
      encoder.add({
        workerId,
        taskId,
        answerLabels: [label],
        goldLabels: taskId === 't1' ? ['a'] : null,
      });
    }
    const encoded = encoder.finish();

    const solution = twoKeyMajorityVote('SINGLE_CHOICE', {
      matrix: encoded.matrix,
      gold: encoded.gold,
    });

    expect(Array.from(solution.workerGoldAnswers)).toEqual([1, 1, 0]);
    expect(Array.from(solution.workerGoldCorrect)).toEqual([1, 0, 0]);
    expect(Array.from(solution.workerAgreeing)).toEqual([2, 1, 0]);
    expect(Array.from(solution.confidence)).toEqual([0.5, 2 / 3]);
  });

  it('gives a task without answers no consensus and a NaN confidence', () => {
    const solution = twoKeyMajorityVote('SINGLE_CHOICE', {
      matrix: {
        nTasks: 2,
        nWorkers: 1,
        nLabels: 2,
        task: Int32Array.of(1),
        worker: Int32Array.of(0),
        label: Int32Array.of(1),
      },
    });
    expect(Array.from(solution.chosen)).toEqual([0, 0, 0, 1]);
    expect(solution.confidence[0]).toBeNaN();
    expect(solution.confidence[1]).toBe(1);
  });

  it('multi-label: runs the method once per key on 0/1 answers and multiplies the decisions’ probabilities', () => {
    // Keys x, y. Three workers, two tasks; sets: t1 {x}, {x,y}, {x}; t2 {y}, {y}, {x,y}.
    const encoder = new ProjectAnswerEncoder('MULTI_LABEL', ['x', 'y']);
    const rows: Array<[string, string, string[]]> = [
      ['w1', 't1', ['x']],
      ['w2', 't1', ['x', 'y']],
      ['w3', 't1', ['x']],
      ['w1', 't2', ['y']],
      ['w2', 't2', ['y']],
      ['w3', 't2', ['x', 'y']],
    ];
    for (const [workerId, taskId, answerLabels] of rows) {
      encoder.add({ workerId, taskId, answerLabels, goldLabels: null });
    }
    const encoded = encoder.finish();

    const solution = twoKeyMajorityVote('MULTI_LABEL', {
      matrix: encoded.matrix,
      answerSets: encoded.answerSets,
    });

    // Majority vote per key: P(x ∈ t1) = 3/3, P(y ∈ t1) = 1/3, P(x ∈ t2) = 1/3, P(y ∈ t2) = 3/3.
    expect(Array.from(solution.posterior)).toEqual([1, 1 / 3, 1 / 3, 1]);
    expect(Array.from(solution.chosen)).toEqual([1, 0, 0, 1]);
    expect(Array.from(solution.confidence)).toEqual([1 * (2 / 3), (2 / 3) * 1]);
    expect(Array.from(solution.workerAgreeing)).toEqual([2, 1, 1]);
    expect(solution.workerSkill).toBeUndefined();
  });
});

describe(runAggregationInWorker.name, () => {
  it('gives in a worker thread exactly what computeAggregation gives here', async () => {
    const here = computeAggregation(singleChoiceProblem('dawid-skene'));

    const there = await runAggregationInWorker(singleChoiceProblem('dawid-skene'));

    expect(there).toEqual(here);
  });

  it('rejects with the computation’s error', async () => {
    const problem = singleChoiceProblem('glad');
    await expect(runAggregationInWorker({ ...problem, nKeys: 5 })).rejects.toThrow(
      'matrix has 3 labels, schema has 5',
    );
  });
});
