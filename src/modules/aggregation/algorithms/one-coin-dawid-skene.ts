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
 * skill is trace(C_w) / ΣC_w, so it runs the Dawid–Skene EM loop (`runDawidSkeneEm`: the same
 * initialisation, fused E-step, class-prior update and stopping rule) with its own M-step.
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
  dawidSkeneRunSettings,
  emptyDawidSkeneFit,
  maximizeClassPriors,
  runDawidSkeneEm,
} from './dawid-skene';
import { EPS } from './math';
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
  const settings = dawidSkeneRunSettings(options);
  const K = m.nLabels;
  const skills = new Float64Array(m.nWorkers);
  const priors = new Float64Array(K);
  const confusion = new Float64Array(m.nWorkers * K * K);
  if (m.task.length === 0 || K === 0) {
    return { ...emptyDawidSkeneFit(m), priors, skills, confusion };
  }
  const fit = runDawidSkeneEm(m, options.gold, settings, (counts, classCounts, parameters) =>
    oneCoinMaximize(counts, classCounts, parameters, skills, priors),
  );
  for (let w = 0; w < m.nWorkers; w++) {
    for (let k = 0; k < K; k++) {
      for (let l = 0; l < K; l++) confusion[(w * K + k) * K + l] = oneCoinCell(skills[w], k, l, K);
    }
  }
  return { ...fit, priors, skills, confusion };
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
  const { emission, logEmission, logClassPriors } = parameters;
  let change = maximizeClassPriors(classCounts, parameters, priorsOut);
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
