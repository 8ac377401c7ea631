/**
 * Inter-annotator agreement for audits: how much workers agree beyond chance, with bootstrap
 * confidence intervals. Every response counts as one rating (a worker who answered a task twice
 * counts twice). Tasks are the units. With c_tk = responses of task t with label k and
 * n_t = Σ_k c_tk:
 *
 * Observed agreement of a task (the fraction of ordered pairs of its ratings that agree),
 * defined when n_t ≥ 2:
 *
 *   P_t = Σ_k c_tk (c_tk − 1) / (n_t (n_t − 1))
 *
 * Over the tasks, P_a = mean of P_t over the n₂ tasks with n_t ≥ 2, and the chance term uses
 * the mean per-task label shares over the n₁ tasks with n_t ≥ 1:  π_k = (1/n₁) Σ_t c_tk / n_t.
 *
 *   Fleiss' κ  = (P_a − P_e) / (1 − P_e),   P_e = Σ_k π_k²
 *   Gwet's AC1 = (P_a − P_e) / (1 − P_e),   P_e = Σ_k π_k (1 − π_k) / (K − 1),   K = nLabels
 *
 * With the same number of ratings on every task these are exactly Fleiss (1971) and Gwet
 * (2008). With unequal numbers they are the generalised forms of Gwet's Handbook
 * (irrCAC's `fleiss.kappa.raw` and `gwet.ac1.raw` with identity weights). AC1 depends on K,
 * which is the label set's size, not the number of labels that happen to be used.
 *
 * Krippendorff's α (nominal), from the coincidence matrix. Only pairable tasks (n_t ≥ 2)
 * count; o_kk = Σ_t c_tk (c_tk − 1) / (n_t − 1), n_k = Σ_{t pairable} c_tk, n = Σ_k n_k:
 *
 *   α = 1 − D_o / D_e = 1 − (n − 1) (n − Σ_k o_kk) / (n² − Σ_k n_k²)
 *
 * A statistic is NaN when it is undefined: no task with ≥ 2 ratings, a zero chance-term
 * denominator (e.g. κ when every rating has the same label), or K < 2 for AC1.
 *
 * Intervals: the percentile bootstrap over tasks. The rated tasks (n_t ≥ 1) are resampled with
 * replacement `samples` times from the injected `rng` (default `mulberry32(seed)`); the
 * interval is the (1 − level)/2 and (1 + level)/2 quantiles (linear interpolation between order
 * statistics, R's type 7) of the replicates that are finite. The same seed always gives the
 * same interval, and the same seed gives the same resamples for every statistic, so
 * {@link agreementReport}'s intervals equal those of the single-statistic functions.
 *
 * J. L. Fleiss, "Measuring nominal scale agreement among many raters", Psychological Bulletin
 *   76(5), 378–382, 1971. https://doi.org/10.1037/h0031619
 * K. L. Gwet, "Computing inter-rater reliability and its variance in the presence of high
 *   agreement", British Journal of Mathematical and Statistical Psychology 61, 29–48, 2008.
 *   https://doi.org/10.1348/000711006X126600 ; K. L. Gwet, Handbook of Inter-Rater
 *   Reliability, 4th ed., 2014 (unequal numbers of raters).
 * K. Krippendorff, "Computing Krippendorff's Alpha-Reliability", 2011.
 *   https://repository.upenn.edu/asc_papers/43
 * B. Efron and R. Tibshirani, An Introduction to the Bootstrap, 1993 (percentile interval).
 */
import { ResponseMatrix, validateResponseMatrix } from './response-matrix';
import { mulberry32, randomInt, Rng } from './rng';

/** How the confidence interval is bootstrapped. */
export interface BootstrapOptions {
  /** Resamples of the tasks. Default 1000; 0 skips the interval (lower = upper = NaN). */
  readonly samples?: number;
  /** Coverage of the percentile interval, in (0, 1). Default 0.95. */
  readonly level?: number;
  /** Random source for the resampling. Wins over `seed`. */
  readonly rng?: Rng;
  /** Seed for `mulberry32` when no `rng` is given. Default 1. */
  readonly seed?: number;
}

/** Options of the agreement statistics. */
export interface AgreementOptions {
  readonly bootstrap?: BootstrapOptions;
}

/** A point estimate with its bootstrap percentile interval. */
export interface AgreementEstimate {
  /** The statistic on all the data; NaN when undefined (see the file header). */
  readonly value: number;
  /** Lower end of the interval; NaN when no replicate was finite or samples = 0. */
  readonly lower: number;
  /** Upper end of the interval; NaN when no replicate was finite or samples = 0. */
  readonly upper: number;
  /** Coverage the interval was computed for. */
  readonly level: number;
  /** Finite bootstrap replicates the interval is based on. */
  readonly samples: number;
}

/** All agreement statistics of one response matrix, from one set of bootstrap resamples. */
export interface AgreementReport {
  /** P_t per task (length nTasks); NaN for tasks with fewer than 2 responses. */
  readonly taskAgreement: Float64Array;
  /** P_a, the mean of P_t over tasks with at least 2 responses. */
  readonly observedAgreement: AgreementEstimate;
  readonly fleissKappa: AgreementEstimate;
  readonly krippendorffAlpha: AgreementEstimate;
  readonly gwetAC1: AgreementEstimate;
  /** Tasks with at least one response (the bootstrap's units). */
  readonly ratedTasks: number;
  /** Tasks with at least two responses (the ones P_a and α use). */
  readonly pairableTasks: number;
}

/**
 * Observed agreement P_t of each task: the fraction of ordered pairs of its responses that
 * carry the same label. NaN for tasks with fewer than 2 responses.
 */
export function taskAgreement(m: ResponseMatrix): Float64Array {
  validateResponseMatrix(m);
  const counts = labelCounts(m);
  const out = new Float64Array(m.nTasks).fill(NaN);
  for (let t = 0; t < m.nTasks; t++) {
    const n = counts.totals[t];
    if (n < 2) continue;
    let agreeing = 0;
    for (let k = 0; k < m.nLabels; k++) {
      const c = counts.counts[t * m.nLabels + k];
      agreeing += c * (c - 1);
    }
    out[t] = agreeing / (n * (n - 1));
  }
  return out;
}

/** Slots of the statistics in the arrays computed together. */
const Statistic = {
  ObservedAgreement: 0,
  FleissKappa: 1,
  KrippendorffAlpha: 2,
  GwetAC1: 3,
} as const;
type Statistic = (typeof Statistic)[keyof typeof Statistic];
const STATISTICS = 4;

/** One statistic with its bootstrap interval: the signature the four exported below share. */
function statistic(
  which: Statistic,
): (m: ResponseMatrix, options?: AgreementOptions) => AgreementEstimate {
  return (m, options = {}) => estimate(m, options, which);
}

/** Mean observed agreement P_a over tasks with ≥ 2 responses, with a bootstrap interval. */
export const observedAgreement = statistic(Statistic.ObservedAgreement);

/**
 * Fleiss' κ (Fleiss 1971), generalised to unequal numbers of responses per task as in Gwet's
 * Handbook; see the file header for the formula.
 *
 * @example
 *   const { value, lower, upper } = fleissKappa(matrix, { bootstrap: { seed: 7 } });
 */
export const fleissKappa = statistic(Statistic.FleissKappa);

/** Krippendorff's α for nominal data (coincidence-matrix form, Krippendorff 2011). */
export const krippendorffAlpha = statistic(Statistic.KrippendorffAlpha);

/** Gwet's AC1 (Gwet 2008), multi-rater form with unequal numbers of responses per task. */
export const gwetAC1 = statistic(Statistic.GwetAC1);

/**
 * Every statistic at once: one pass to count, one set of bootstrap resamples shared by all four
 * intervals (cheaper than four calls, and the intervals are the same as theirs for a seed).
 */
export function agreementReport(
  m: ResponseMatrix,
  options: AgreementOptions = {},
): AgreementReport {
  validateResponseMatrix(m);
  const units = buildUnits(m);
  const all = bootstrapAll(units, options.bootstrap ?? {});
  let pairable = 0;
  for (let u = 0; u < units.size; u++) if (units.totals[u] >= 2) pairable++;
  return {
    taskAgreement: taskAgreement(m),
    observedAgreement: all[Statistic.ObservedAgreement],
    fleissKappa: all[Statistic.FleissKappa],
    krippendorffAlpha: all[Statistic.KrippendorffAlpha],
    gwetAC1: all[Statistic.GwetAC1],
    ratedTasks: units.size,
    pairableTasks: pairable,
  };
}

/** Rated tasks only, with everything the statistics need per task precomputed. */
interface Units {
  readonly size: number;
  readonly nLabels: number;
  /** c_uk, row-major size × K. */
  readonly counts: Float64Array;
  /** n_u. */
  readonly totals: Float64Array;
  /** P_u (0 when n_u < 2). */
  readonly agreement: Float64Array;
  /** Σ_k c_uk (c_uk − 1) / (n_u − 1), the diagonal mass of the coincidence matrix (0 when n_u < 2). */
  readonly coincidentDiagonal: Float64Array;
}

function labelCounts(m: ResponseMatrix): { counts: Float64Array; totals: Float64Array } {
  const counts = new Float64Array(m.nTasks * m.nLabels);
  const totals = new Float64Array(m.nTasks);
  for (let r = 0; r < m.task.length; r++) {
    counts[m.task[r] * m.nLabels + m.label[r]]++;
    totals[m.task[r]]++;
  }
  return { counts, totals };
}

function buildUnits(m: ResponseMatrix): Units {
  const K = m.nLabels;
  const all = labelCounts(m);
  let size = 0;
  for (let t = 0; t < m.nTasks; t++) if (all.totals[t] > 0) size++;
  const counts = new Float64Array(size * K);
  const totals = new Float64Array(size);
  const agreement = new Float64Array(size);
  const coincidentDiagonal = new Float64Array(size);
  let u = 0;
  for (let t = 0; t < m.nTasks; t++) {
    const n = all.totals[t];
    if (n === 0) continue;
    totals[u] = n;
    let agreeing = 0;
    for (let k = 0; k < K; k++) {
      const c = all.counts[t * K + k];
      counts[u * K + k] = c;
      agreeing += c * (c - 1);
    }
    if (n >= 2) {
      agreement[u] = agreeing / (n * (n - 1));
      coincidentDiagonal[u] = agreeing / (n - 1);
    }
    u++;
  }
  return { size, nLabels: K, counts, totals, agreement, coincidentDiagonal };
}

/**
 * The four statistics on the multiset of units where unit u appears weight[u] times
 * (all ones for the point estimate). `shares` and `pairedTotals` are scratch arrays of length K.
 */
function computeAll(
  units: Units,
  weight: Float64Array,
  shares: Float64Array,
  pairedTotals: Float64Array,
  out: Float64Array,
): void {
  const K = units.nLabels;
  shares.fill(0);
  pairedTotals.fill(0);
  let rated = 0;
  let pairable = 0;
  let agreementSum = 0;
  let pairedValues = 0;
  let diagonal = 0;
  for (let u = 0; u < units.size; u++) {
    const w = weight[u];
    if (w === 0) continue;
    const n = units.totals[u];
    rated += w;
    const row = u * K;
    for (let k = 0; k < K; k++) shares[k] += (w * units.counts[row + k]) / n;
    if (n >= 2) {
      pairable += w;
      agreementSum += w * units.agreement[u];
      pairedValues += w * n;
      diagonal += w * units.coincidentDiagonal[u];
      for (let k = 0; k < K; k++) pairedTotals[k] += w * units.counts[row + k];
    }
  }
  const observed = pairable > 0 ? agreementSum / pairable : NaN;
  let sumSquares = 0;
  let gwetChance = 0;
  let pairedSquares = 0;
  for (let k = 0; k < K; k++) {
    const pi = rated > 0 ? shares[k] / rated : NaN;
    sumSquares += pi * pi;
    gwetChance += pi * (1 - pi);
    pairedSquares += pairedTotals[k] * pairedTotals[k];
  }
  gwetChance = K >= 2 ? gwetChance / (K - 1) : NaN;
  out[Statistic.ObservedAgreement] = observed;
  out[Statistic.FleissKappa] = chanceCorrected(observed, sumSquares);
  out[Statistic.GwetAC1] = chanceCorrected(observed, gwetChance);
  const expectedDisagreement = pairedValues * pairedValues - pairedSquares;
  out[Statistic.KrippendorffAlpha] =
    pairable > 0 && expectedDisagreement > 0
      ? 1 - ((pairedValues - 1) * (pairedValues - diagonal)) / expectedDisagreement
      : NaN;
}

function chanceCorrected(observed: number, chance: number): number {
  // 1 − chance can be a rounding residue (e.g. 2.2e-16) when every rating has one label.
  return 1 - chance > 1e-12 ? (observed - chance) / (1 - chance) : NaN;
}

function estimate(
  m: ResponseMatrix,
  options: AgreementOptions,
  which: Statistic,
): AgreementEstimate {
  validateResponseMatrix(m);
  return bootstrapAll(buildUnits(m), options.bootstrap ?? {})[which];
}

function bootstrapAll(units: Units, options: BootstrapOptions): AgreementEstimate[] {
  const samples = options.samples ?? 1000;
  const level = options.level ?? 0.95;
  if (!(Number.isInteger(samples) && samples >= 0)) {
    throw new RangeError(`bootstrap samples must be a non-negative integer, got ${samples}`);
  }
  if (!(level > 0 && level < 1)) {
    throw new RangeError(`bootstrap level must be in (0, 1), got ${level}`);
  }
  const rng = options.rng ?? mulberry32(options.seed ?? 1);
  const K = units.nLabels;
  const shares = new Float64Array(K);
  const pairedTotals = new Float64Array(K);
  const point = new Float64Array(STATISTICS);
  computeAll(units, new Float64Array(units.size).fill(1), shares, pairedTotals, point);

  // replicates[s * samples + b]: statistic s on resample b.
  const replicates = new Float64Array(STATISTICS * samples);
  const weight = new Float64Array(units.size);
  const values = new Float64Array(STATISTICS);
  for (let b = 0; b < samples && units.size > 0; b++) {
    weight.fill(0);
    for (let i = 0; i < units.size; i++) weight[randomInt(rng, units.size)]++;
    computeAll(units, weight, shares, pairedTotals, values);
    for (let s = 0; s < STATISTICS; s++) replicates[s * samples + b] = values[s];
  }
  const estimates: AgreementEstimate[] = [];
  for (let s = 0; s < STATISTICS; s++) {
    const sorted = replicates
      .slice(s * samples, units.size > 0 ? (s + 1) * samples : s * samples)
      .filter(Number.isFinite)
      .sort();
    estimates.push({
      value: point[s],
      lower: quantile(sorted, (1 - level) / 2),
      upper: quantile(sorted, (1 + level) / 2),
      level,
      samples: sorted.length,
    });
  }
  return estimates;
}

/** Type-7 quantile of an ascending array; NaN when it is empty. */
function quantile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * p;
  const below = Math.floor(h);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (h - below) * (sorted[above] - sorted[below]);
}
