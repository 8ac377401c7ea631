import { join } from 'node:path';

import {
  buildDawidSkeneIndex,
  createDawidSkeneParameters,
  dawidSkeneAccumulate,
  dawidSkeneEStep,
  dawidSkeneEStepAccumulate,
  dawidSkeneInitialPosterior,
  dawidSkeneMaximize,
  dawidSkenePseudoCounts,
} from '../../../src/modules/aggregation/algorithms/dawid-skene';
import { ResponseMatrix } from '../../../src/modules/aggregation/algorithms/response-matrix';
import { matrixOf } from '../../fixtures/aggregation/toy-datasets';
import { loadDataset } from '../../helpers/load-dataset';

const DATASETS = join(__dirname, '../../fixtures/datasets');

/**
 * Task 0 has 40 answers (several kernel blocks), task 1 none, tasks 2–29 three answers each (the
 * kernel's fused three-answer path) and tasks 30–39 one to five (its general short path).
 */
function withLongAndEmptyTasks(K = 2): ResponseMatrix {
  const triples: Array<[number, number, number]> = [];
  for (let w = 0; w < 40; w++) triples.push([0, w, w % 3 === 0 ? 1 : 0]);
  for (let t = 2; t < 40; t++) {
    const answers = t < 30 ? 3 : 1 + (t % 5);
    for (let j = 0; j < answers; j++) {
      triples.push([t, (t * 7 + j * 11) % 40, (t + j) % 4 === 0 ? (t + j) % K : 0]);
    }
  }
  return matrixOf(40, 40, K, triples);
}

/**
 * Runs `iterations` EM steps twice from the majority-vote start, once with the separate E-step
 * and accumulation and once fused; both must give identical bits at every step.
 */
function expectFusedMatchesSeparate(m: ResponseMatrix, gold?: Int32Array, iterations = 3): void {
  const K = m.nLabels;
  const W = m.nWorkers;
  const index = buildDawidSkeneIndex(m);
  const alpha = dawidSkenePseudoCounts(W, K);
  const run = () => ({
    posterior: new Float64Array(m.nTasks * K),
    counts: new Float64Array(W * K * K),
    classCounts: new Float64Array(K),
    parameters: createDawidSkeneParameters(W, K),
  });
  const separate = run();
  const fused = run();
  for (const state of [separate, fused]) {
    dawidSkeneInitialPosterior(index, gold, 0, m.nTasks, state.posterior);
    dawidSkeneAccumulate(index, state.posterior, 0, m.nTasks, state.counts, state.classCounts);
    dawidSkeneMaximize(state.counts, state.classCounts, alpha, state.parameters);
  }
  for (let i = 0; i < iterations; i++) {
    for (const state of [separate, fused]) {
      state.counts.fill(0);
      state.classCounts.fill(0);
    }
    const { parameters, posterior, counts, classCounts } = separate;
    const llSeparate = dawidSkeneEStep(index, parameters, gold, 0, m.nTasks, posterior);
    dawidSkeneAccumulate(index, posterior, 0, m.nTasks, counts, classCounts);
    const llFused = dawidSkeneEStepAccumulate(
      index,
      fused.parameters,
      gold,
      0,
      m.nTasks,
      fused.posterior,
      fused.counts,
      fused.classCounts,
    );
    expect(llFused).toBe(llSeparate);
    expect(fused.posterior).toEqual(separate.posterior);
    expect(fused.counts).toEqual(separate.counts);
    expect(fused.classCounts).toEqual(separate.classCounts);
    for (const state of [separate, fused]) {
      dawidSkeneMaximize(state.counts, state.classCounts, alpha, state.parameters);
    }
  }
}

describe('dawidSkeneEStepAccumulate', () => {
  it('equals the E-step then the accumulation bit for bit (several classes)', () => {
    expectFusedMatchesSeparate(loadDataset(join(DATASETS, 's4_dog')).matrix);
    expectFusedMatchesSeparate(withLongAndEmptyTasks(3));
  });

  it('equals them on the two-class path, long and empty tasks included', () => {
    expectFusedMatchesSeparate(loadDataset(join(DATASETS, 'rte')).matrix);
    expectFusedMatchesSeparate(withLongAndEmptyTasks());
  });

  it('equals them with gold tasks, which stay one-hot', () => {
    const { matrix, gold } = loadDataset(join(DATASETS, 'bluebirds'));
    const someGold = gold.map((g, t) => (t % 5 === 0 ? g : -1));
    expectFusedMatchesSeparate(matrix, someGold);
    expectFusedMatchesSeparate(
      withLongAndEmptyTasks(),
      Int32Array.from({ length: 40 }, (_, t) => (t === 0 ? 1 : -1)),
    );
  });
});
