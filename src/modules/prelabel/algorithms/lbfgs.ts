/**
 * Limited-memory BFGS for smooth unconstrained minimisation, deterministic (no randomness, fixed
 * evaluation order). With the last m pairs sᵢ = xᵢ₊₁ − xᵢ, yᵢ = ∇fᵢ₊₁ − ∇fᵢ, the search
 * direction d = −H∇f comes from the two-loop recursion (Nocedal & Wright, Algorithm 7.4) with
 * the initial scaling H₀ = (sᵀy / yᵀy)·I. The step length comes from backtracking on the
 * Armijo condition
 *
 *   f(x + αd) ≤ f(x) + c₁·α·∇fᵀd,    c₁ = 1e-4,   α = 1, ½, ¼, …   (α₀ = 1/‖∇f‖₂ on the first step)
 *
 * and a pair is kept only when sᵀy > 1e-10·yᵀy (curvature), so H stays positive definite.
 * Stops when ‖∇f‖∞ ≤ gradientTolerance, when the relative decrease of f falls below
 * valueTolerance, after maxIterations, or when the line search fails (then not converged).
 *
 * D. C. Liu and J. Nocedal, "On the limited memory BFGS method for large scale optimization",
 * Mathematical Programming 45, 1989. https://doi.org/10.1007/BF01589116
 * J. Nocedal and S. J. Wright, "Numerical Optimization", 2nd ed., Springer 2006, ch. 7.
 */

/** f(x), writing ∇f(x) into `gradient`. */
export type Objective = (x: Float64Array, gradient: Float64Array) => number;

/** Options of `minimizeLbfgs`. */
export interface LbfgsOptions {
  /** Default 200. */
  readonly maxIterations?: number;
  /** Pairs kept; default 10. */
  readonly memory?: number;
  /** Stop when ‖∇f‖∞ ≤ this; default 1e-6. */
  readonly gradientTolerance?: number;
  /** Stop when (f_prev − f) ≤ this · max(|f_prev|, |f|, 1); default 1e-12. */
  readonly valueTolerance?: number;
}

/** Why `minimizeLbfgs` stopped. */
export type LbfgsStop = 'gradient' | 'value' | 'max-iterations' | 'line-search';

/** The result of `minimizeLbfgs`. */
export interface LbfgsResult {
  readonly x: Float64Array;
  readonly value: number;
  /** f after each iteration (not including the start). */
  readonly valueHistory: number[];
  readonly gradientNorm: number;
  readonly iterations: number;
  readonly stop: LbfgsStop;
  /** True for 'gradient' and 'value' stops. */
  readonly converged: boolean;
}

const ARMIJO_C1 = 1e-4;
const MAX_BACKTRACKS = 50;

/**
 * Minimises `objective` from `start` (not mutated).
 *
 * @example const { x } = minimizeLbfgs((x, g) => { g[0] = 2 * (x[0] - 3); return (x[0] - 3) ** 2; }, new Float64Array(1));
 */
export function minimizeLbfgs(
  objective: Objective,
  start: Float64Array,
  options: LbfgsOptions = {},
): LbfgsResult {
  const maxIterations = options.maxIterations ?? 200;
  const m = options.memory ?? 10;
  const gradientTolerance = options.gradientTolerance ?? 1e-6;
  const valueTolerance = options.valueTolerance ?? 1e-12;
  if (!(Number.isInteger(maxIterations) && maxIterations >= 0)) {
    throw new RangeError(`maxIterations must be a non-negative integer, got ${maxIterations}`);
  }
  if (!(Number.isInteger(m) && m >= 1)) {
    throw new RangeError(`memory must be a positive integer, got ${m}`);
  }
  if (!(gradientTolerance >= 0) || !(valueTolerance >= 0)) {
    throw new RangeError('tolerances must be non-negative');
  }

  const P = start.length;
  let x = Float64Array.from(start);
  let g = new Float64Array(P);
  let f = objective(x, g);
  let xNext = new Float64Array(P);
  let gNext = new Float64Array(P);
  const d = new Float64Array(P);
  const pairs = new CurvaturePairs(m, P);

  const valueHistory: number[] = [];
  let stop: LbfgsStop = 'max-iterations';
  let iterations = 0;
  if (!Number.isFinite(f)) throw new RangeError(`objective is not finite at the start: ${f}`);

  while (true) {
    if (infNorm(g) <= gradientTolerance) {
      stop = 'gradient';
      break;
    }
    if (iterations >= maxIterations) break;

    pairs.direction(g, d);
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      pairs.forget();
      for (let i = 0; i < P; i++) d[i] = -g[i];
      slope = dot(g, d);
    }
    const firstStep = pairs.stored === 0 ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
    const fNext = armijoBacktracking(objective, x, f, d, slope, firstStep, xNext, gNext);
    if (fNext === undefined) {
      stop = 'line-search';
      break;
    }
    iterations++;
    pairs.remember(x, xNext, g, gNext);

    const decrease = f - fNext;
    [x, xNext] = [xNext, x];
    [g, gNext] = [gNext, g];
    const previous = f;
    f = fNext;
    valueHistory.push(f);
    if (decrease <= valueTolerance * Math.max(Math.abs(previous), Math.abs(f), 1)) {
      stop = infNorm(g) <= gradientTolerance ? 'gradient' : 'value';
      break;
    }
  }

  return {
    x,
    value: f,
    valueHistory,
    gradientNorm: infNorm(g),
    iterations,
    stop,
    converged: stop === 'gradient' || stop === 'value',
  };
}

/** The last m pairs sᵢ = xᵢ₊₁ − xᵢ, yᵢ = ∇fᵢ₊₁ − ∇fᵢ in a ring, and the two-loop recursion over them. */
class CurvaturePairs {
  private readonly s: Float64Array[];
  private readonly y: Float64Array[];
  private readonly rho: Float64Array;
  private readonly alpha: Float64Array;
  private newest = -1;
  /** Pairs in use (0 after `forget`: the next direction is steepest descent). */
  stored = 0;

  constructor(
    private readonly m: number,
    P: number,
  ) {
    this.s = Array.from({ length: m }, () => new Float64Array(P));
    this.y = Array.from({ length: m }, () => new Float64Array(P));
    this.rho = new Float64Array(m);
    this.alpha = new Float64Array(m);
  }

  /** d = −H·g by the two-loop recursion: newest pair first, then H₀ = (sᵀy / yᵀy)·I, then oldest first. */
  direction(g: Float64Array, d: Float64Array): void {
    const { s, y, rho, alpha, m, newest, stored } = this;
    for (let i = 0; i < d.length; i++) d[i] = -g[i];
    for (let c = 0; c < stored; c++) {
      const k = (newest - c + m) % m;
      alpha[k] = rho[k] * dot(s[k], d);
      axpy(-alpha[k], y[k], d);
    }
    if (stored > 0) {
      const yy = dot(y[newest], y[newest]);
      scale(d, 1 / (rho[newest] * yy));
    }
    for (let c = stored - 1; c >= 0; c--) {
      const k = (newest - c + m) % m;
      const beta = rho[k] * dot(y[k], d);
      axpy(alpha[k] - beta, s[k], d);
    }
  }

  /** Keeps the pair from x, g to xNext, gNext when sᵀy > 1e-10·yᵀy, so H stays positive definite. */
  remember(x: Float64Array, xNext: Float64Array, g: Float64Array, gNext: Float64Array): void {
    const slot = (this.newest + 1) % this.m;
    const s = this.s[slot];
    const y = this.y[slot];
    for (let i = 0; i < x.length; i++) {
      s[i] = xNext[i] - x[i];
      y[i] = gNext[i] - g[i];
    }
    const sy = dot(s, y);
    if (sy > 1e-10 * dot(y, y)) {
      this.rho[slot] = 1 / sy;
      this.newest = slot;
      this.stored = Math.min(this.stored + 1, this.m);
    }
  }

  /** Drops every pair (after a direction that was not a descent direction). */
  forget(): void {
    this.stored = 0;
  }
}

/**
 * Backtracking line search on the Armijo condition from `step`, halving up to MAX_BACKTRACKS
 * times: writes the accepted point and its gradient into `xNext`, `gNext` and returns its value,
 * or undefined when no step was accepted.
 */
function armijoBacktracking(
  objective: Objective,
  x: Float64Array,
  f: number,
  d: Float64Array,
  slope: number,
  step: number,
  xNext: Float64Array,
  gNext: Float64Array,
): number | undefined {
  for (let b = 0; b < MAX_BACKTRACKS; b++) {
    for (let i = 0; i < x.length; i++) xNext[i] = x[i] + step * d[i];
    const fNext = objective(xNext, gNext);
    if (Number.isFinite(fNext) && fNext <= f + ARMIJO_C1 * step * slope) return fNext;
    step *= 0.5;
  }
  return undefined;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] += a * x[i];
}

function scale(x: Float64Array, a: number): void {
  for (let i = 0; i < x.length; i++) x[i] *= a;
}

function infNorm(x: Float64Array): number {
  let max = 0;
  for (let i = 0; i < x.length; i++) {
    const v = Math.abs(x[i]);
    if (v > max) max = v;
  }
  return max;
}
