/**
 * One-coin Dawid–Skene (crowd-kit `OneCoinDawidSkene`). Each worker has a single accuracy s_w;
 * errors are spread uniformly over the other K − 1 labels:
 *
 *   π_w[k][l] = s_w                 if l = k
 *             = (1 − s_w) / (K − 1) otherwise        (clipped to [EPS, 1 − EPS], EPS = 1e-10)
 *
 * EM, initialised from majority vote exactly like `dawidSkene`:
 *   E-step  T[t][k] ∝ p[k] Π_{r: task_r = t} π_{worker_r}[k][label_r]   (gold tasks clamped one-hot)
 *   M-step  s_w = Σ_{r: worker_r = w} T[task_r][label_r] / #{r: worker_r = w}
 *           p[k] = mean over tasks with answers of T[t][k]
 * With the Dawid–Skene counts C_w[k][l] = Σ_{r: worker_r = w, label_r = l} T[task_r][k], the
 * skill is trace(C_w) / ΣC_w, so it reuses the Dawid–Skene E-step and accumulation unchanged.
 *
 * It stops like `dawidSkene` (crowd-kit's loss per answer, or the log-likelihood; tolerance 1e-5,
 * 100 iterations by default). Far fewer parameters than full Dawid–Skene, so it is steadier with
 * few answers per worker, but it cannot model label-specific confusions: on data with a dominant
 * class (bluebirds, S_Rel) it can collapse, as crowd-kit's does. Ties go to the lowest label index.
 * Workers without responses get skill 0 (their matrix is never used).
 *
 * Reference: crowd-kit `OneCoinDawidSkene` (Ustalov et al., "Learning from Crowds with Crowd-Kit",
 * JOSS 9(96), 2024); the one-coin model after Dawid and Skene (1979), e.g. Zhang et al., "Spectral
 * Methods Meet EM", JMLR 17, 2016.
 */
import {
  DawidSkeneParameters,
  DawidSkeneStopRule,
  buildDawidSkeneIndex,
  createDawidSkeneParameters,
  dawidSkeneAccumulate,
  dawidSkeneEStep,
  dawidSkeneInitialPosterior,
} from './dawid-skene';
import { EPS, argmaxRows } from './math';
import {
  AggregationResult,
  GoldLabels,
  ResponseMatrix,
  validateResponseMatrix,
} from './response-matrix';

/** Options of `oneCoinDawidSkene`. */
export interface OneCoinDawidSkeneOptions {
  /** Default 100, as in crowd-kit. */
  readonly maxIterations?: number;
  /** Default 1e-5, as in crowd-kit. */
  readonly tolerance?: number;
  /** Default 'crowd-kit-loss'. */
  readonly stopOn?: DawidSkeneStopRule;
  /** Known labels (-1 = not gold); gold tasks are clamped to one-hot after every E-step. */
  readonly gold?: GoldLabels;
}

/** Result of `oneCoinDawidSkene`. */
export interface OneCoinDawidSkeneResult extends AggregationResult {
  /** Class priors p[k], length K. */
  readonly priors: Float64Array;
  /** Length nWorkers: accuracy s_w. */
  readonly skills: Float64Array;
  /** nWorkers × K × K, `[((w * K) + k) * K + l]`: the one-coin matrices the skills imply. */
  readonly confusion: Float64Array;
  /** Per iteration i (from 1): log-likelihood of the parameters E-step i used. */
  readonly logLikelihood: number[];
  /** Per iteration: crowd-kit's loss per answer. */
  readonly loss: number[];
  readonly iterations: number;
  readonly converged: boolean;
}

/**
 * One-coin Dawid–Skene EM; see the file header.
 *
 * @example oneCoinDawidSkene(m).skills
 */
export function oneCoinDawidSkene(
  m: ResponseMatrix,
  options: OneCoinDawidSkeneOptions = {},
): OneCoinDawidSkeneResult {
  validateResponseMatrix(m, options.gold);
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-5;
  const stopOn = options.stopOn ?? 'crowd-kit-loss';
  if (!(Number.isInteger(maxIterations) && maxIterations >= 0)) {
    throw new RangeError(`maxIterations must be a non-negative integer, got ${maxIterations}`);
  }
  if (Number.isNaN(tolerance))
    throw new RangeError('tolerance must be a number (-Infinity: never stop early)');
  if (stopOn !== 'crowd-kit-loss' && stopOn !== 'log-likelihood') {
    throw new RangeError(`unknown stopOn rule ${String(stopOn)}`);
  }
  const K = m.nLabels;
  const R = m.task.length;
  const skills = new Float64Array(m.nWorkers);
  const priors = new Float64Array(K);
  if (R === 0 || K === 0) {
    return {
      probabilities: new Float64Array(m.nTasks * K),
      labels: new Int32Array(m.nTasks).fill(-1),
      priors,
      skills,
      confusion: new Float64Array(m.nWorkers * K * K),
      logLikelihood: [],
      loss: [],
      iterations: 0,
      converged: true,
    };
  }

  const index = buildDawidSkeneIndex(m);
  const gold = options.gold;
  const posterior = new Float64Array(m.nTasks * K);
  const counts = new Float64Array(m.nWorkers * K * K);
  const classCounts = new Float64Array(K);
  const parameters = createDawidSkeneParameters(m.nWorkers, K);

  dawidSkeneInitialPosterior(index, gold, 0, m.nTasks, posterior);
  dawidSkeneAccumulate(index, posterior, 0, m.nTasks, counts, classCounts);
  oneCoinMaximize(counts, classCounts, parameters, skills, priors);

  const logLikelihood: number[] = [];
  const loss: number[] = [];
  let converged = false;
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const ll = dawidSkeneEStep(index, parameters, gold, 0, m.nTasks, posterior);
    counts.fill(0);
    classCounts.fill(0);
    dawidSkeneAccumulate(index, posterior, 0, m.nTasks, counts, classCounts);
    const lossChange = oneCoinMaximize(counts, classCounts, parameters, skills, priors);
    logLikelihood.push(ll);
    loss.push((ll + lossChange) / R);
    const i = iteration - 1;
    converged =
      stopOn === 'crowd-kit-loss'
        ? i > 0 && loss[i] - loss[i - 1] < tolerance
        : i > 0 && (logLikelihood[i] - logLikelihood[i - 1]) / R < tolerance;
    if (converged) break;
  }

  const confusion = new Float64Array(m.nWorkers * K * K);
  for (let w = 0; w < m.nWorkers; w++) {
    for (let k = 0; k < K; k++) {
      for (let l = 0; l < K; l++) confusion[(w * K + k) * K + l] = oneCoinCell(skills[w], k, l, K);
    }
  }
  return {
    probabilities: posterior,
    labels: argmaxRows(posterior, K),
    priors,
    skills,
    confusion,
    logLikelihood,
    loss,
    iterations: logLikelihood.length,
    converged,
  };
}

/**
 * One-coin M-step from Dawid–Skene counts (emission layout): writes skills, priors and the
 * clipped emission parameters; returns the change of crowd-kit's loss numerator, as
 * `dawidSkeneMaximize` does. Workers without counts get skill 0 and a uniform matrix.
 */
export function oneCoinMaximize(
  counts: Float64Array,
  classCounts: Float64Array,
  parameters: DawidSkeneParameters,
  skillsOut: Float64Array,
  priorsOut: Float64Array,
): number {
  const K = classCounts.length;
  const { emission, logEmission, classPriors, logClassPriors } = parameters;
  // Priors first, as in `dawidSkeneMaximize`: old log p for the entropy term, new log p per count.
  let change = 0;
  let tasks = 0;
  for (let k = 0; k < K; k++) tasks += classCounts[k];
  for (let k = 0; k < K; k++) {
    const p = tasks > 0 ? classCounts[k] / tasks : 1 / K;
    const clipped = p > EPS ? p : EPS;
    change -= classCounts[k] * logClassPriors[k];
    classPriors[k] = clipped;
    logClassPriors[k] = Math.log(clipped);
    priorsOut[k] = p;
  }
  for (let w = 0; w < skillsOut.length; w++) {
    let diagonal = 0;
    let total = 0;
    for (let l = 0; l < K; l++) {
      for (let k = 0; k < K; k++) {
        const c = counts[(w * K + l) * K + k];
        total += c;
        if (k === l) diagonal += c;
      }
    }
    const skill = total > 0 ? diagonal / total : 0;
    skillsOut[w] = skill;
    for (let l = 0; l < K; l++) {
      for (let k = 0; k < K; k++) {
        const cell = (w * K + l) * K + k;
        const pi = total > 0 ? oneCoinCell(skill, k, l, K) : 1 / K;
        const clipped = Math.min(Math.max(pi, EPS), 1 - EPS);
        const logPi = Math.log(clipped);
        if (counts[cell] !== 0) {
          change += counts[cell] * (logPi - logEmission[cell] + logClassPriors[k]);
        }
        emission[cell] = clipped;
        logEmission[cell] = logPi;
      }
    }
  }
  return change;
}

function oneCoinCell(skill: number, trueLabel: number, answered: number, K: number): number {
  if (trueLabel === answered) return skill;
  return K > 1 ? (1 - skill) / (K - 1) : 0;
}
