/**
 * The expectation–maximisation loop shared by the log-space aggregators (GLAD, MACE), in
 * crowd-kit's order: an E-step from the initial parameters, then M-step + E-step until the
 * objective the E-step returns stops moving or `maxIterations` is reached.
 *
 *   trace[0] = E(θ₀);  for i = 1…max: θ_i = M(T_{i−1}); trace[i] = E(θ_i); stop when converged(trace[i−1], trace[i])
 *
 * A. P. Dempster, N. M. Laird and D. B. Rubin, "Maximum Likelihood from Incomplete Data via the
 * EM Algorithm", Journal of the Royal Statistical Society B 39(1), 1–38, 1977.
 */
import { responsesByTask, ResponsesByTask } from './math';
import { GoldLabels, ResponseMatrix } from './response-matrix';

/** The answers an EM aggregator iterates: sizes, responses grouped by task, gold labels. */
export interface EmData {
  readonly nTasks: number;
  readonly nWorkers: number;
  readonly K: number;
  readonly responses: ResponsesByTask;
  readonly gold: GoldLabels | undefined;
}

/** `EmData` of a validated matrix, responses in canonical order (see `responsesByTask`). */
export function emData(m: ResponseMatrix, gold: GoldLabels | undefined): EmData {
  return {
    nTasks: m.nTasks,
    nWorkers: m.nWorkers,
    K: m.nLabels,
    responses: responsesByTask(m),
    gold,
  };
}

/** The objective after the first E-step and after every iteration, and how the loop ended. */
export interface EmTrace {
  /** E-step objective: after initialisation, then after each iteration. */
  readonly logLikelihood: number[];
  /** Iterations run (M-step + E-step each). */
  readonly iterations: number;
  /** True when `converged` stopped the loop before `maxIterations`. */
  readonly converged: boolean;
}

/**
 * Runs `eStep` once, then `mStep` + `eStep` up to `maxIterations` times, stopping early when
 * `converged(previous, next)` holds for two consecutive objectives.
 */
export function runEm(
  eStep: () => number,
  mStep: () => void,
  maxIterations: number,
  converged: (previous: number, next: number) => boolean,
): EmTrace {
  const logLikelihood = [eStep()];
  let iterations = 0;
  while (iterations < maxIterations) {
    mStep();
    const objective = eStep();
    iterations++;
    const previous = logLikelihood[logLikelihood.length - 1];
    logLikelihood.push(objective);
    if (converged(previous, objective)) return { logLikelihood, iterations, converged: true };
  }
  return { logLikelihood, iterations, converged: false };
}
