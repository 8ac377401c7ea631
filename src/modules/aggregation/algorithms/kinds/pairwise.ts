/**
 * Pairwise comparisons: "which of the two items is better", aggregated into one score per item.
 *
 * Bradley–Terry (Bradley & Terry, Biometrika 39, 1952): P(i beats j) = π_i / (π_i + π_j). Fitted by
 * Hunter's MM algorithm (Ann. Statist. 32(1), 2004): π_i ← W_i / Σ_{comparisons c of i} 1 / (π_i +
 * π_{other(c)}), with one virtual win and one virtual loss of every item against a fixed item of
 * strength 1, so items that never lose (or never win) keep finite scores and a disconnected
 * comparison graph still has a unique answer. Scores are log π (0 = the virtual item's level).
 *
 * Noisy Bradley–Terry with per-worker reliability (the model family of crowd-kit's NoisyBT,
 * extended with adversaries). Worker w answers comparison (i, j) in one of three ways:
 *   follow   with probability a_w: i wins with σ(s_i − s_j)                 (BT, s = log π)
 *   reverse  with probability v_w: i wins with σ(s_j − s_i)                 (an adversary)
 *   coin     with probability c_w: the left item wins with probability q_w  (spam, position bias)
 * a_w + v_w + c_w = 1. EM: the E-step gives each answer its responsibilities (ρ_f, ρ_v, ρ_c); the
 * M-step sets (a, v, c)_w to the posterior means under a Dirichlet(2, 1, 1) prior (workers
 * are presumed to follow until their answers say otherwise), q_w to the share of left wins among
 * coin answers (Beta(1, 1)), and the scores by one MM step (a generalised EM step: it raises, not maximises, the
 * expected log-likelihood) of a weighted BT where answer
 * r counts ρ_f as a win of its chosen item and ρ_v as a win of the other one. Started from plain
 * BT scores and a = 0.8, v = 0.1, c = 0.1; stops when the log-likelihood per answer gains less
 * than `tolerance` (1e-6), no log-score moves more than 1e-4, or after `maxIterations` (50).
 * crowd-kit's NoisyBT (Ustalov et al., JOSS 2024) fits
 * the follow/coin mixture by L-BFGS on the joint likelihood; with the reverse component an
 * adversary's answers are used, inverted, rather than only discounted.
 *
 * Deterministic; results depend on the order of comparisons only through floating-point sums.
 */

/** Comparisons in typed arrays: comparison r by worker[r] of left[r] vs right[r]. */
export interface PairwiseMatrix {
  readonly nItems: number;
  readonly nWorkers: number;
  readonly worker: Int32Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** 1 when the left item was preferred, 0 when the right one was. */
  readonly leftWins: Uint8Array;
}

/** Options of the pairwise aggregators. */
export interface PairwiseOptions {
  readonly maxIterations?: number;
  readonly tolerance?: number;
}

/** Result of `bradleyTerry`. */
export interface BradleyTerryResult {
  /** log-strength per item (higher = better). */
  readonly scores: Float64Array;
  readonly iterations: number;
}

/** Result of `noisyBradleyTerry`. */
export interface NoisyBradleyTerryResult extends BradleyTerryResult {
  /** Per worker: P(follows the scores), P(reverses them), P(answers by coin). */
  readonly follow: Float64Array;
  readonly reverse: Float64Array;
  readonly coin: Float64Array;
  /** Per worker: P(left | coin). */
  readonly leftBias: Float64Array;
}

const MM_STEPS = 1;
/** Noisy BT also stops when no log-score moves more than this in an iteration. */
const SCORE_TOLERANCE = 1e-4;

/** Checks lengths and ranges once. Throws RangeError. */
export function validatePairwiseMatrix(m: PairwiseMatrix): void {
  const R = m.worker.length;
  if ([m.left, m.right, m.leftWins].some(array => array.length !== R)) {
    throw new RangeError('comparison arrays differ in length');
  }
  for (let r = 0; r < R; r++) {
    if (!(m.worker[r] >= 0 && m.worker[r] < m.nWorkers))
      throw new RangeError(`comparison ${r}: worker out of range`);
    if (!(m.left[r] >= 0 && m.left[r] < m.nItems && m.right[r] >= 0 && m.right[r] < m.nItems)) {
      throw new RangeError(`comparison ${r}: item out of range`);
    }
    if (m.left[r] === m.right[r])
      throw new RangeError(`comparison ${r}: an item compared with itself`);
    if (m.leftWins[r] > 1) throw new RangeError(`comparison ${r}: leftWins must be 0 or 1`);
  }
}

/** Bradley–Terry by MM (see the header). Empty input → all scores 0. */
export function bradleyTerry(m: PairwiseMatrix, options: PairwiseOptions = {}): BradleyTerryResult {
  validatePairwiseMatrix(m);
  const weights = new Float64Array(m.worker.length).fill(1);
  const strength = new Float64Array(m.nItems).fill(1);
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-6;
  let iterations = 0;
  const none = new Float64Array(m.worker.length);
  while (iterations < maxIterations) {
    iterations++;
    if (weightedMmStep(m, weights, none, strength) < tolerance) break;
  }
  return { scores: strength.map(Math.log), iterations };
}

/**
 * One MM step of weighted BT, in place: answer r adds `forChosen[r]` wins to its chosen item and
 * `forOther[r]` to the other. Returns the largest change of log π.
 */
function weightedMmStep(
  m: PairwiseMatrix,
  forChosen: Float64Array,
  forOther: Float64Array,
  strength: Float64Array,
): number {
  const wins = new Float64Array(m.nItems).fill(1); // the virtual win
  const denominator = new Float64Array(m.nItems);
  for (let i = 0; i < m.nItems; i++) denominator[i] = 2 / (strength[i] + 1); // virtual win + loss
  const { left, right, leftWins } = m; // locals: V8 then keeps the loads out of the loop
  for (let r = 0; r < left.length; r++) {
    const i = left[r];
    const j = right[r];
    const chosen = leftWins[r] ? i : j;
    wins[chosen] += forChosen[r];
    wins[i + j - chosen] += forOther[r];
    const games = (forChosen[r] + forOther[r]) / (strength[i] + strength[j]);
    denominator[i] += games;
    denominator[j] += games;
  }
  let change = 0;
  for (let i = 0; i < m.nItems; i++) {
    const next = wins[i] / denominator[i];
    change = Math.max(change, Math.abs(Math.log(next / strength[i])));
    strength[i] = next;
  }
  return change;
}

/** Noisy Bradley–Terry with follow / reverse / coin workers (see the header). */
export function noisyBradleyTerry(
  m: PairwiseMatrix,
  options: PairwiseOptions = {},
): NoisyBradleyTerryResult {
  const start = bradleyTerry(m, { maxIterations: options.maxIterations, tolerance: 1e-3 });
  const R = m.worker.length;
  const strength = start.scores.map(Math.exp);
  const follow = new Float64Array(m.nWorkers).fill(0.8);
  const reverse = new Float64Array(m.nWorkers).fill(0.1);
  const coin = new Float64Array(m.nWorkers).fill(0.1);
  const leftBias = new Float64Array(m.nWorkers).fill(0.5);
  const rhoFollow = new Float64Array(R);
  const rhoReverse = new Float64Array(R);
  const maxIterations = options.maxIterations ?? 50;
  const tolerance = options.tolerance ?? 1e-6;
  let previous = -Infinity;
  let iterations = 0;
  while (iterations < maxIterations) {
    iterations++;
    const parameters = { strength, follow, reverse, coin, leftBias };
    const ll = responsibilities(m, parameters, rhoFollow, rhoReverse) / Math.max(1, R);
    maximizeWorkers(m, rhoFollow, rhoReverse, parameters);
    let change = 0;
    for (let step = 0; step < MM_STEPS; step++) {
      change = Math.max(change, weightedMmStep(m, rhoFollow, rhoReverse, strength));
    }
    if (ll - previous < tolerance || change < SCORE_TOLERANCE) break;
    previous = ll;
  }
  return { scores: strength.map(Math.log), iterations, follow, reverse, coin, leftBias };
}

interface NoisyParameters {
  readonly strength: Float64Array;
  readonly follow: Float64Array;
  readonly reverse: Float64Array;
  readonly coin: Float64Array;
  readonly leftBias: Float64Array;
}

/** E-step: responsibilities of follow and reverse; returns the log-likelihood. */
function responsibilities(
  m: PairwiseMatrix,
  p: NoisyParameters,
  rhoFollow: Float64Array,
  rhoReverse: Float64Array,
): number {
  let ll = 0;
  const { worker, left, right, leftWins } = m;
  const { strength, follow, reverse, coin, leftBias } = p;
  for (let r = 0; r < worker.length; r++) {
    const w = worker[r];
    // P(the chosen item wins) under BT = π_chosen / (π_chosen + π_other).
    const chosen = strength[leftWins[r] ? left[r] : right[r]];
    const followsScores = chosen / (chosen + strength[leftWins[r] ? right[r] : left[r]]);
    const f = follow[w] * followsScores;
    const v = reverse[w] * (1 - followsScores);
    const c = coin[w] * (leftWins[r] ? leftBias[w] : 1 - leftBias[w]);
    const total = f + v + c;
    rhoFollow[r] = f / total;
    rhoReverse[r] = v / total;
    ll += Math.log(total);
  }
  return ll;
}

/** M-step of the worker parameters (Dirichlet(2, 1, 1) and Beta(1, 1) priors). */
function maximizeWorkers(
  m: PairwiseMatrix,
  rhoFollow: Float64Array,
  rhoReverse: Float64Array,
  p: NoisyParameters,
): void {
  const n = m.nWorkers;
  const f = new Float64Array(n);
  const v = new Float64Array(n);
  const c = new Float64Array(n);
  const left = new Float64Array(n);
  for (let r = 0; r < m.worker.length; r++) {
    const w = m.worker[r];
    const rhoCoin = Math.max(0, 1 - rhoFollow[r] - rhoReverse[r]);
    f[w] += rhoFollow[r];
    v[w] += rhoReverse[r];
    c[w] += rhoCoin;
    if (m.leftWins[r]) left[w] += rhoCoin;
  }
  for (let w = 0; w < n; w++) {
    const total = f[w] + v[w] + c[w] + 4;
    p.follow[w] = (f[w] + 2) / total;
    p.reverse[w] = (v[w] + 1) / total;
    p.coin[w] = (c[w] + 1) / total;
    p.leftBias[w] = (left[w] + 1) / (c[w] + 2);
  }
}

/**
 * Online confidence of one pair from its current answers: P(left is better) given learned item
 * scores and worker parameters, the answers' likelihoods under "left better" and "right better"
 * (the BT margin taken as the current |s_left − s_right|, at least 0.1), and the BT prior.
 * Returns the probability that the current leader really is better (0.5 with no answers).
 */
export function pairwiseTaskConfidence(
  result: NoisyBradleyTerryResult,
  left: number,
  right: number,
  answers: ReadonlyArray<{ readonly worker: number; readonly leftWins: boolean }>,
): number {
  const margin = Math.max(0.1, Math.abs(result.scores[left] - result.scores[right]));
  const sure = 1 / (1 + Math.exp(-margin));
  let logOdds = result.scores[left] - result.scores[right];
  if (answers.length === 0) return 0.5;
  for (const { worker, leftWins } of answers) {
    const coinLeft =
      result.coin[worker] * (leftWins ? result.leftBias[worker] : 1 - result.leftBias[worker]);
    const agree = result.follow[worker] * sure + result.reverse[worker] * (1 - sure);
    const disagree = result.follow[worker] * (1 - sure) + result.reverse[worker] * sure;
    const ifLeftBetter = (leftWins ? agree : disagree) + coinLeft;
    const ifRightBetter = (leftWins ? disagree : agree) + coinLeft;
    logOdds += Math.log(ifLeftBetter / ifRightBetter);
  }
  const p = 1 / (1 + Math.exp(-logOdds));
  return Math.max(p, 1 - p);
}

/**
 * Kendall's τ-a between two score vectors over the same items (pairs tied in either count 0):
 * (concordant − discordant) / (n(n−1)/2). O(n²).
 */
export function kendallTau(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  if (n < 2) return 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) sum += Math.sign(a[i] - a[j]) * Math.sign(b[i] - b[j]);
  }
  return sum / ((n * (n - 1)) / 2);
}
