import {
  normalQuantile,
  wilsonInterval,
} from '../../../src/modules/quality/algorithms/wilson-interval';

describe('normalQuantile', () => {
  it.each([
    // R: qnorm(p), printed with digits = 17.
    [0.975, 1.959963984540054],
    [0.95, 1.6448536269514722],
    [0.995, 2.5758293035489004],
    [0.5, 0],
    [0.3, -0.52440051270804067],
    [1e-10, -6.3613409024040557],
    [1 - 1e-12, 7.0344869100478356],
  ])('matches R qnorm at p = %p', (p, expected) => {
    expect(normalQuantile(p)).toBeCloseTo(expected, 13);
  });

  it('is −∞ at 0, +∞ at 1 and NaN outside [0, 1]', () => {
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(-0.1)).toBeNaN();
    expect(normalQuantile(NaN)).toBeNaN();
  });

  it('is antisymmetric around 0.5', () => {
    for (const p of [0.001, 0.02, 0.2, 0.4]) {
      expect(normalQuantile(p)).toBeCloseTo(-normalQuantile(1 - p), 12);
    }
  });
});

describe('wilsonInterval', () => {
  it.each([
    // Newcombe (1998), Table I, method 3 (score interval without continuity correction).
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
    [29, 29, 0.883, 1],
  ])('matches Newcombe 1998 for %p/%p', (x, n, lower, upper) => {
    const sut = wilsonInterval(x, n);
    expect(sut.lower).toBeCloseTo(lower, 4);
    expect(sut.upper).toBeCloseTo(upper, 4);
    expect(sut.value).toBe(x / n);
    expect(sut).toMatchObject({ successes: x, trials: n, level: 0.95 });
  });

  it('widens with the level and narrows with more trials', () => {
    const at90 = wilsonInterval(8, 10, 0.9);
    const at99 = wilsonInterval(8, 10, 0.99);
    expect(at99.lower).toBeLessThan(at90.lower);
    expect(at99.upper).toBeGreaterThan(at90.upper);
    const more = wilsonInterval(80, 100);
    const fewer = wilsonInterval(8, 10);
    expect(more.upper - more.lower).toBeLessThan(fewer.upper - fewer.lower);
  });

  it('knows nothing from zero trials', () => {
    expect(wilsonInterval(0, 0)).toMatchObject({ lower: 0, upper: 1, trials: 0 });
    expect(wilsonInterval(0, 0).value).toBeNaN();
  });

  it('rejects impossible counts and levels', () => {
    expect(() => wilsonInterval(3, 2)).toThrow(RangeError);
    expect(() => wilsonInterval(-1, 2)).toThrow(RangeError);
    expect(() => wilsonInterval(1.5, 2)).toThrow(RangeError);
    expect(() => wilsonInterval(1, 2, 1)).toThrow(RangeError);
  });
});
