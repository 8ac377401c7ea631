/**
 * The aggregation registry: method name → pure function with one common signature (STYLE.md 5.9).
 * The aggregation service, the `quorum aggregate` CLI and the benchmark all pick methods here by
 * name, so a method added to this table is available everywhere at once.
 *
 * Every entry takes the ResponseMatrix and `AggregatorOptions` and returns the shared
 * `AggregationResult` plus whatever the method knows about workers, normalised to:
 *
 * - `workerSkill[w]`: the method's own estimate of worker w's quality. Dawid–Skene, one-coin DS
 *   and weighted MV (from gold) give the probability that the worker answers correctly; MACE the
 *   probability θ_w that the worker knows the answer rather than spams; Wawa and ZBS their
 *   agreement-based vote weight; GLAD its ability α_w (log-odds scale: 0 is guessing). Plain
 *   majority vote has none.
 * - `confusion`: nWorkers × K × K, `confusion[((w * K) + k) * K + l]` = P(w answers l | true k),
 *   for methods that model full confusion matrices.
 * - `iterations`, `converged`, `logLikelihood` for iterative methods.
 *
 * Gold (`options.gold`, -1 = not gold) is used by the methods that can learn from it (clamped in
 * the EM methods, the source of weights in weighted majority vote) and ignored by the others.
 */
import { type SoftResponses, dawidSkene } from './dawid-skene';
import { glad } from './glad';
import { mace } from './mace';
import { goldAccuracyWeights, majorityVote } from './majority-vote';
import { oneCoinDawidSkene } from './one-coin-dawid-skene';
import { pooledDawidSkene } from './pooled-dawid-skene';
import type { AggregationResult, GoldLabels, ResponseMatrix } from './response-matrix';
import { wawa } from './wawa';
import { zeroBasedSkill } from './zero-based-skill';

/** Options every aggregator accepts; each method uses what applies to it. */
export interface AggregatorOptions {
  /** Known labels per task (-1 = not gold). */
  readonly gold?: GoldLabels;
  /** Iteration cap for iterative methods; each method's own default when omitted. */
  readonly maxIterations?: number;
  /** Convergence tolerance for EM methods; each method's own default when omitted. */
  readonly tolerance?: number;
  /** Seed of the random restarts of methods that use them (MACE). Default 0: deterministic. */
  readonly seed?: number;
  /**
   * Soft answers (probability vectors) besides the matrix's hard ones, read only by the methods
   * in `SOFT_ANSWER_METHODS`; every other method ignores them, so a caller must give those the
   * answers as hard labels in the matrix instead (compute-aggregation.ts does).
   */
  readonly soft?: SoftResponses;
}

/** What every aggregator returns: the shared result plus optional per-worker estimates. */
export interface AggregatorOutput extends AggregationResult {
  /** Length nWorkers; see the file header for each method's scale. */
  readonly workerSkill?: Float64Array;
  /** nWorkers × K × K, `[((w * K) + k) * K + l]` = P(w answers l | true label k). */
  readonly confusion?: Float64Array;
  readonly iterations?: number;
  readonly converged?: boolean;
  /** The method's objective after each iteration (natural log). */
  readonly logLikelihood?: readonly number[];
}

/** The common signature of the registry's entries. */
export type Aggregator = (m: ResponseMatrix, options?: AggregatorOptions) => AggregatorOutput;

/**
 * Worker accuracy implied by a confusion matrix and class priors:
 * skill_w = Σ_k p[k] · π_w[k][k], the probability that w answers a random task correctly.
 */
export function accuracyFromConfusion(
  confusion: Float64Array,
  priors: Float64Array,
  nWorkers: number,
): Float64Array {
  const K = priors.length;
  const skill = new Float64Array(nWorkers);
  for (let w = 0; w < nWorkers; w++) {
    let sum = 0;
    for (let k = 0; k < K; k++) sum += priors[k] * confusion[(w * K + k) * K + k];
    skill[w] = sum;
  }
  return skill;
}

/** Name → aggregator. Names are kebab-case and stable: they are stored on projects. */
export const aggregators = {
  'majority-vote': m => majorityVote(m),
  'weighted-majority-vote': (m, options = {}) => {
    // Weights are gold accuracies; with no gold every weight is 1 and this is plain majority vote.
    const workerSkill = options.gold
      ? goldAccuracyWeights(m, options.gold)
      : new Float64Array(m.nWorkers).fill(1);
    return { ...majorityVote(m, { workerWeights: workerSkill }), workerSkill };
  },
  wawa: m => {
    const { probabilities, labels, skills } = wawa(m);
    return { probabilities, labels, workerSkill: skills };
  },
  'zero-based-skill': (m, options = {}) => {
    const result = zeroBasedSkill(m, { maxIterations: options.maxIterations });
    return { ...result, workerSkill: result.skills };
  },
  'one-coin-dawid-skene': (m, options = {}) => {
    const result = oneCoinDawidSkene(m, options);
    return { ...result, workerSkill: result.skills };
  },
  'dawid-skene': (m, options = {}) => {
    const result = dawidSkene(m, options);
    return {
      ...result,
      workerSkill: accuracyFromConfusion(result.confusion, result.priors, m.nWorkers),
    };
  },
  'pooled-dawid-skene': (m, options = {}) => {
    // Not in SOFT_ANSWER_METHODS: `dawidSkene` underneath would read soft answers, but with a
    // pooled prior built from hard votes only; unmeasured, so they are dropped here.
    const result = pooledDawidSkene(m, { ...options, soft: undefined });
    return {
      ...result,
      workerSkill: accuracyFromConfusion(result.confusion, result.priors, m.nWorkers),
    };
  },
  glad: (m, options = {}) => {
    const result = glad(m, options);
    return { ...result, workerSkill: result.alpha };
  },
  mace: (m, options = {}) => {
    const result = mace(m, options);
    return { ...result, workerSkill: result.competence };
  },
} satisfies Record<string, Aggregator>;

/**
 * The methods that read `AggregatorOptions.soft`. Only Dawid–Skene: its virtual-evidence E-step
 * and expected-count M-step are derived and tested in dawid-skene-soft.ts. The others take a
 * model's argmax: one-coin DS and pooled DS run the same EM but with M-steps (the one-coin
 * accuracy, the pooled prior built from hard vote counts) whose soft versions are not derived
 * or measured yet; GLAD, MACE, Wawa, ZBS and majority vote have no per-answer likelihood of the
 * form Σ_l q_l · P(l | k) to put a probability vector in without changing the model.
 */
export const SOFT_ANSWER_METHODS: ReadonlySet<string> = new Set(['dawid-skene']);

/** A registered method name. */
export type AggregatorName = keyof typeof aggregators;

/** Every registered name, in the registry's order. */
export const AGGREGATOR_NAMES = Object.keys(aggregators) as AggregatorName[];

/**
 * The method used when a project or a CLI call names none: Dawid–Skene with every worker shrunk
 * toward the crowd's pooled confusion matrix (pooled-dawid-skene.ts). On the aggregation benchmark
 * (`npm run bench:aggregate`, 11 public datasets) it is the only method that is never below
 * majority vote and close to plain Dawid–Skene elsewhere: +0.12 over majority vote on
 * bluebirds, +0.09 on s4_relevance, +0.04 on d_product, and above plain DS on cf_amt (+0.013),
 * cifar10n (+0.0065), s4_relevance and s5_adult, at most 0.009 below it (bluebirds). Plain DS
 * is below majority vote on cf_amt (−0.0067) and cifar10n (−0.0022); Wawa and ZBS never are,
 * but trail by up to 0.13.
 */
export const DEFAULT_AGGREGATOR: AggregatorName = 'pooled-dawid-skene';

/** Narrows a user-supplied string to a registered method name. */
export function isAggregatorName(name: string): name is AggregatorName {
  return Object.prototype.hasOwnProperty.call(aggregators, name);
}
