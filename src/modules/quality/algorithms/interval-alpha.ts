/**
 * Krippendorff's α for interval data: how much raters agree on a numeric scale beyond chance,
 * with the squared difference as the distance (the project audit's α for ratings, docs/kinds.md).
 *
 * Values v_i, each in a unit u (a task); m_u values in unit u. Only pairable units (m_u ≥ 2)
 * count; n = Σ m_u over them. With δ(a, b) = (a − b)² and the sums over ordered pairs i ≠ j:
 *
 *   D_o = (1/n) Σ_u 1/(m_u − 1) Σ_{i≠j ∈ u} δ(v_i, v_j)     observed disagreement
 *   D_e = 1/(n (n − 1)) Σ_{i≠j, both pairable} δ(v_i, v_j)   expected (all pairable values)
 *   α   = 1 − D_o / D_e
 *
 * These are Krippendorff's (2011) coincidence-matrix formulas with the interval metric, written
 * over values instead of the coincidence matrix. Both sums of squared differences have a closed
 * form, Σ_{i≠j} (v_i − v_j)² = 2 m S₂ − 2 S₁² with S₁ = Σ v_i and S₂ = Σ v_i² over the m values,
 * so the cost is O(n) (the pairwise form is O(n²)). α is NaN when it is undefined: no pairable
 * unit, or D_e = 0 (every pairable value the same).
 *
 * K. Krippendorff, "Computing Krippendorff's Alpha-Reliability", 2011, section "interval
 *   metric". https://repository.upenn.edu/asc_papers/43 (its worked example, 4 observers × 12
 *   units, gives interval α = 0.849; test/unit/quality/interval-alpha.spec.ts checks it).
 */

/** The figures of interval α. */
export interface IntervalAlphaResult {
  /** α; NaN when undefined (see the file header). */
  readonly alpha: number;
  /** D_o. */
  readonly observedDisagreement: number;
  /** D_e. */
  readonly expectedDisagreement: number;
  /** Units with at least two values. */
  readonly pairableUnits: number;
  /** n: the values in those units. */
  readonly pairableValues: number;
}

/**
 * Interval α of `value[i]` rated in unit `unit[i]` (unit indexes 0 … max; order free).
 *
 * @example
 *   // Two tasks: one rated 1 and 2, one rated 3 and 3 → α = 8/11.
 *   intervalAlpha(Int32Array.of(0, 0, 1, 1), Float64Array.of(1, 2, 3, 3)).alpha;
 */
export function intervalAlpha(unit: Int32Array, value: Float64Array): IntervalAlphaResult {
  const n = unit.length;
  if (value.length !== n) {
    throw new RangeError(`value has ${value.length} entries, unit ${n}`);
  }
  let units = 0;
  for (let i = 0; i < n; i++) {
    if (!(unit[i] >= 0)) throw new RangeError(`unit[${i}] is ${unit[i]}, not an index`);
    if (!Number.isFinite(value[i])) throw new RangeError(`value[${i}] is ${value[i]}`);
    units = Math.max(units, unit[i] + 1);
  }
  const count = new Float64Array(units);
  const sum = new Float64Array(units);
  const sumSquares = new Float64Array(units);
  for (let i = 0; i < n; i++) {
    count[unit[i]]++;
    sum[unit[i]] += value[i];
    sumSquares[unit[i]] += value[i] * value[i];
  }
  let pairableUnits = 0;
  let pairable = 0;
  let within = 0;
  let totalSum = 0;
  let totalSquares = 0;
  for (let u = 0; u < units; u++) {
    const m = count[u];
    if (m < 2) continue;
    pairableUnits++;
    pairable += m;
    totalSum += sum[u];
    totalSquares += sumSquares[u];
    // Σ_{i≠j ∈ u} (v_i − v_j)² / (m_u − 1); max(0, ·) drops a negative rounding residue.
    within += Math.max(0, 2 * m * sumSquares[u] - 2 * sum[u] * sum[u]) / (m - 1);
  }
  const observedDisagreement = pairable > 0 ? within / pairable : NaN;
  const expectedDisagreement =
    pairable > 1
      ? Math.max(0, 2 * pairable * totalSquares - 2 * totalSum * totalSum) /
        (pairable * (pairable - 1))
      : NaN;
  return {
    alpha: expectedDisagreement > 0 ? 1 - observedDisagreement / expectedDisagreement : NaN,
    observedDisagreement,
    expectedDisagreement,
    pairableUnits,
    pairableValues: pairable,
  };
}
