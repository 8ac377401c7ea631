/**
 * Zero-Based Skill (crowd-kit `ZeroBasedSkill`): weighted majority vote whose worker skills are
 * moved, by gradient steps on the squared error, toward each worker's agreement with the current
 * aggregate.
 *
 *   s_w⁽⁰⁾ = 1/|L| + ε                              (|L| = number of distinct labels answered)
 *   for i = 1 … n:
 *     if i mod stepsToReduce = 0:  η ← η · reduceFactor
 *     ŷ⁽ⁱ⁾ = weighted majority vote with weights s⁽ⁱ⁻¹⁾
 *     a_w  = #{r: worker_r = w, label_r = ŷ⁽ⁱ⁾_{task_r}} / #{r: worker_r = w}
 *     s⁽ⁱ⁾ = s⁽ⁱ⁻¹⁾ + η · (a − s⁽ⁱ⁻¹⁾)
 *   output: weighted majority vote with weights s⁽ⁿ⁾
 *
 * crowd-kit always runs all n iterations. We stop earlier only at an exact fixed point: when
 * labels did not change and no skill moved by more than `tolerance` (default 0, i.e. the update
 * was exactly zero, so every later iteration would repeat it and the output is identical).
 * Ties go to the lowest label index. Workers without responses get skill 0.
 *
 * Reference: crowd-kit `ZeroBasedSkill` (Ustalov et al., "Learning from Crowds with Crowd-Kit",
 * JOSS 9(96), 2024), defaults n_iter = 100, lr_init = 1, lr_steps_to_reduce = 20,
 * lr_reduce_factor = 0.5, eps = 1e-5.
 */
import { majorityVote } from './majority-vote';
import {
  AggregationResult,
  ResponseMatrix,
  emptyResult,
  validateResponseMatrix,
} from './response-matrix';
import { agreementRates } from './wawa';

/** Options of `zeroBasedSkill`; defaults are crowd-kit's. */
export interface ZeroBasedSkillOptions {
  /** Number of skill updates. Default 100. */
  readonly maxIterations?: number;
  /** Initial learning rate η. Default 1. */
  readonly learningRate?: number;
  /** η is multiplied by `learningRateReduceFactor` every this many iterations. Default 20. */
  readonly learningRateStepsToReduce?: number;
  /** Default 0.5. */
  readonly learningRateReduceFactor?: number;
  /** ε added to the initial skill 1/|L|. Default 1e-5. */
  readonly initialSkillEpsilon?: number;
  /** Early stop when labels are unchanged and max |Δs_w| ≤ tolerance. Default 0 (exact fixed point). */
  readonly tolerance?: number;
}

/** Result of `zeroBasedSkill`. */
export interface ZeroBasedSkillResult extends AggregationResult {
  /** Length nWorkers: final skill (vote weight) of each worker. */
  readonly skills: Float64Array;
  /** Skill updates performed. */
  readonly iterations: number;
  /** True when it reached a fixed point (later iterations would change nothing). */
  readonly converged: boolean;
}

/** Zero-Based Skill aggregation; see the file header for the update rule. */
export function zeroBasedSkill(
  m: ResponseMatrix,
  options: ZeroBasedSkillOptions = {},
): ZeroBasedSkillResult {
  validateResponseMatrix(m);
  const maxIterations = options.maxIterations ?? 100;
  const stepsToReduce = options.learningRateStepsToReduce ?? 20;
  const reduceFactor = options.learningRateReduceFactor ?? 0.5;
  const epsilon = options.initialSkillEpsilon ?? 1e-5;
  const tolerance = options.tolerance ?? 0;
  let learningRate = options.learningRate ?? 1;
  if (!(Number.isInteger(maxIterations) && maxIterations >= 0)) {
    throw new RangeError(`maxIterations must be a non-negative integer, got ${maxIterations}`);
  }
  if (!(Number.isInteger(stepsToReduce) && stepsToReduce >= 1)) {
    throw new RangeError(
      `learningRateStepsToReduce must be a positive integer, got ${stepsToReduce}`,
    );
  }
  if (m.task.length === 0 || m.nLabels === 0) {
    return {
      ...emptyResult(m),
      skills: new Float64Array(m.nWorkers),
      iterations: 0,
      converged: true,
    };
  }

  const answered = new Uint8Array(m.nWorkers);
  const labelSeen = new Uint8Array(m.nLabels);
  for (let r = 0; r < m.task.length; r++) {
    answered[m.worker[r]] = 1;
    labelSeen[m.label[r]] = 1;
  }
  let distinctLabels = 0;
  for (let k = 0; k < m.nLabels; k++) distinctLabels += labelSeen[k];

  const skills = new Float64Array(m.nWorkers);
  for (let w = 0; w < m.nWorkers; w++) if (answered[w]) skills[w] = 1 / distinctLabels + epsilon;

  let current = majorityVote(m, { workerWeights: skills });
  let previousLabels: Int32Array | null = null;
  let iterations = 0;
  let converged = false;
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    if (iteration % stepsToReduce === 0) learningRate *= reduceFactor;
    const agreement = agreementRates(m, current.labels);
    let largestStep = 0;
    for (let w = 0; w < m.nWorkers; w++) {
      if (!answered[w]) continue;
      const next = skills[w] + learningRate * (agreement[w] - skills[w]);
      largestStep = Math.max(largestStep, Math.abs(next - skills[w]));
      skills[w] = next;
    }
    iterations = iteration;
    const labelsStable = previousLabels !== null && sameLabels(previousLabels, current.labels);
    previousLabels = current.labels;
    current = majorityVote(m, { workerWeights: skills });
    if (labelsStable && largestStep <= tolerance && sameLabels(previousLabels, current.labels)) {
      converged = true;
      break;
    }
  }
  return {
    probabilities: current.probabilities,
    labels: current.labels,
    skills,
    iterations,
    converged,
  };
}

function sameLabels(a: Int32Array, b: Int32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
