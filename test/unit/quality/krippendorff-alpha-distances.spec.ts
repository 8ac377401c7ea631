import { distanceAlpha } from '../../../src/modules/quality/algorithms/distance-alpha';
import { intervalAlpha } from '../../../src/modules/quality/algorithms/interval-alpha';
import { mulberry32, randomInt } from '../../../src/modules/aggregation/algorithms/rng';
import { KRIPPENDORFF_2011 } from '../../fixtures/quality/krippendorff-2011';

/** The table's values flattened, with the unit of each. */
function valuesOf(table: ReadonlyArray<ReadonlyArray<number | null>>) {
  const unit: number[] = [];
  const value: number[] = [];
  table.forEach((row, u) =>
    row.forEach(v => {
      if (v === null) return;
      unit.push(u);
      value.push(v);
    }),
  );
  return { unit: Int32Array.from(unit), value: Float64Array.from(value) };
}

describe('intervalAlpha', () => {
  it('is 8/11 on two tasks rated (1, 2) and (3, 3), as computed by hand', () => {
    // D_o = (1/4)·(2·1² / 1) = 1/2. D_e: ordered pairs of 1, 2, 3, 3 sum to
    // 2·(1 + 4 + 4 + 1 + 1 + 0) = 22, over 4·3 = 12 → 11/6. α = 1 − (1/2)/(11/6) = 8/11.
    const sut = intervalAlpha(Int32Array.of(0, 0, 1, 1), Float64Array.of(1, 2, 3, 3));

    expect(sut.observedDisagreement).toBeCloseTo(1 / 2, 14);
    expect(sut.expectedDisagreement).toBeCloseTo(11 / 6, 14);
    expect(sut.alpha).toBeCloseTo(8 / 11, 14);
    expect(sut).toMatchObject({ pairableUnits: 2, pairableValues: 4 });
  });

  it("reproduces Krippendorff's worked example (interval α = 0.849)", () => {
    const { unit, value } = valuesOf(KRIPPENDORFF_2011);

    expect(intervalAlpha(unit, value).alpha).toBeCloseTo(0.849, 3);
  });

  it('ignores units with one value, and is undefined when every value is the same', () => {
    expect(
      intervalAlpha(Int32Array.of(0, 0, 1, 1, 2), Float64Array.of(1, 2, 3, 3, 9)).alpha,
    ).toBeCloseTo(8 / 11, 14);
    expect(intervalAlpha(Int32Array.of(0, 0, 1, 1), Float64Array.of(2, 2, 2, 2)).alpha).toBeNaN();
    expect(intervalAlpha(Int32Array.of(0, 1), Float64Array.of(1, 2)).alpha).toBeNaN();
  });

  it('refuses misaligned or non-finite input', () => {
    expect(() => intervalAlpha(Int32Array.of(0, 0), Float64Array.of(1))).toThrow(RangeError);
    expect(() => intervalAlpha(Int32Array.of(0, 0), Float64Array.of(1, NaN))).toThrow(RangeError);
  });
});

describe('distanceAlpha', () => {
  it('equals interval α with the squared difference as its distance', () => {
    const { unit, value } = valuesOf(KRIPPENDORFF_2011);
    const sut = distanceAlpha(unit, (i, j) => (value[i] - value[j]) ** 2);

    expect(sut.expectedExact).toBe(true);
    expect(sut.alpha).toBeCloseTo(intervalAlpha(unit, value).alpha, 12);
  });

  it("reproduces Krippendorff's nominal worked example (α = 0.743)", () => {
    const { unit, value } = valuesOf(KRIPPENDORFF_2011);

    expect(distanceAlpha(unit, (i, j) => (value[i] === value[j] ? 0 : 1)).alpha).toBeCloseTo(
      0.743,
      3,
    );
  });

  it('is 0 on a hand example at distance 1 − F1', () => {
    // Two tasks with answers {A, B} and {A, A}; F1(A, A) = 1, F1(A, B) = 0.5, so δ(A, B) = 0.5.
    // D_o = (1/4)·(2·0.5 / 1 + 0) = 1/4; D_e over the 6 unordered pairs (A,B), (A,A), (A,A),
    // (B,A), (B,A), (A,A): (3 · 0.5) / 6 = 1/4. α = 1 − (1/4)/(1/4) = 0.
    const answers = ['A', 'B', 'A', 'A'];
    const sut = distanceAlpha(Int32Array.of(0, 0, 1, 1), (i, j) =>
      answers[i] === answers[j] ? 0 : 0.5,
    );

    expect(sut.observedDisagreement).toBeCloseTo(1 / 4, 14);
    expect(sut.expectedDisagreement).toBeCloseTo(1 / 4, 14);
    expect(sut.alpha).toBeCloseTo(0, 14);
  });

  it('estimates D_e from a seeded sample of pairs above maxExpectedPairs, the same every time', () => {
    const rng = mulberry32(3);
    const n = 1000;
    const unit = Int32Array.from({ length: n }, (_, i) => i >> 2);
    const value = Float64Array.from({ length: n }, (_, i) => ((i >> 2) % 5) + randomInt(rng, 2));
    const distance = (i: number, j: number) => Math.min(1, Math.abs(value[i] - value[j]) / 4);
    const exact = distanceAlpha(unit, distance);
    const sampled = distanceAlpha(unit, distance, { maxExpectedPairs: 100_000, seed: 7 });

    expect(exact.expectedExact).toBe(true);
    expect(sampled.expectedExact).toBe(false);
    expect(sampled.observedDisagreement).toBe(exact.observedDisagreement);
    // 100,000 pairs of distances with a standard deviation under 0.5: a standard error under
    // 0.0016, so 0.005 is more than 3 of them.
    expect(Math.abs(sampled.expectedDisagreement - exact.expectedDisagreement)).toBeLessThan(0.005);
    expect(distanceAlpha(unit, distance, { maxExpectedPairs: 100_000, seed: 7 })).toEqual(sampled);
  });

  it('is undefined without a pairable unit or when every answer is the same', () => {
    expect(distanceAlpha(Int32Array.of(0, 1, 2), () => 1).alpha).toBeNaN();
    expect(distanceAlpha(Int32Array.of(0, 0, 1, 1), () => 0).alpha).toBeNaN();
  });
});
