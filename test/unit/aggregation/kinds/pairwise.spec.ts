import { syntheticPairwise } from '../../../../bench/kinds-synthetic';
import {
  PairwiseMatrix,
  bradleyTerry,
  kendallTau,
  noisyBradleyTerry,
  pairwiseTaskConfidence,
} from '../../../../src/modules/aggregation/algorithms/kinds/pairwise';

function comparisons(
  nItems: number,
  nWorkers: number,
  rows: Array<[number, number, number, number]>,
): PairwiseMatrix {
  return {
    nItems,
    nWorkers,
    worker: Int32Array.from(rows, r => r[0]),
    left: Int32Array.from(rows, r => r[1]),
    right: Int32Array.from(rows, r => r[2]),
    leftWins: Uint8Array.from(rows, r => r[3]),
  };
}

describe('bradleyTerry', () => {
  it('matches the closed form for two items with the virtual games', () => {
    // a beats b 3 times, b beats a once; with one virtual win and loss against strength 1 each,
    // the MM fixed point is the maximum of the penalised likelihood; a ranks above b.
    const m = comparisons(2, 1, [
      [0, 0, 1, 1],
      [0, 0, 1, 1],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
    ]);
    const { scores } = bradleyTerry(m, { maxIterations: 10_000, tolerance: 1e-12 });
    expect(scores[0]).toBeGreaterThan(scores[1]);
    // Fixed point: π_a = 4 / (2/(π_a+1) + 4/(π_a+π_b)), π_b = 2 / (2/(π_b+1) + 4/(π_a+π_b)).
    const [pa, pb] = [Math.exp(scores[0]), Math.exp(scores[1])];
    expect(4 / (2 / (pa + 1) + 4 / (pa + pb))).toBeCloseTo(pa, 8);
    expect(2 / (2 / (pb + 1) + 4 / (pa + pb))).toBeCloseTo(pb, 8);
  });

  it('orders a chain a > b > c and is symmetric under swapping left and right', () => {
    const rows: Array<[number, number, number, number]> = [
      [0, 0, 1, 1],
      [0, 1, 2, 1],
      [0, 0, 2, 1],
    ];
    const a = bradleyTerry(comparisons(3, 1, rows)).scores;
    const swapped = bradleyTerry(
      comparisons(
        3,
        1,
        rows.map(([w, l, r, x]) => [w, r, l, 1 - x] as [number, number, number, number]),
      ),
    ).scores;
    expect(a[0]).toBeGreaterThan(a[1]);
    expect(a[1]).toBeGreaterThan(a[2]);
    for (let i = 0; i < 3; i++) expect(swapped[i]).toBeCloseTo(a[i], 12);
  });

  it('handles no comparisons and rejects an item compared with itself', () => {
    expect([...bradleyTerry(comparisons(2, 0, [])).scores]).toEqual([0, 0]);
    expect(() => bradleyTerry(comparisons(2, 1, [[0, 1, 1, 1]]))).toThrow(RangeError);
  });
});

describe('noisyBradleyTerry', () => {
  const { matrix, truth } = syntheticPairwise(30, 10, 3000, 5);

  it('finds the adversaries and ranks better than plain BT', () => {
    const noisy = noisyBradleyTerry(matrix);
    // Workers w % 5 === 4 are adversarial in the generator, w % 5 < 3 honest.
    for (let w = 0; w < 10; w++) {
      if (w % 5 === 4) expect(noisy.reverse[w]).toBeGreaterThan(noisy.follow[w]);
      if (w % 5 < 3) expect(noisy.follow[w]).toBeGreaterThan(noisy.reverse[w]);
    }
    expect(kendallTau(noisy.scores, truth)).toBeGreaterThan(
      kendallTau(bradleyTerry(matrix).scores, truth),
    );
  });

  it('is confident about a pair when reliable workers agree', () => {
    const noisy = noisyBradleyTerry(matrix);
    const best = truth.indexOf(Math.max(...truth));
    const worst = truth.indexOf(Math.min(...truth));
    const agree = pairwiseTaskConfidence(
      noisy,
      best,
      worst,
      [0, 1, 2].map(worker => ({ worker, leftWins: true })),
    );
    expect(agree).toBeGreaterThan(0.9);
    expect(pairwiseTaskConfidence(noisy, best, worst, [])).toBe(0.5);
  });
});

describe('kendallTau', () => {
  it('is 1 for the same order, -1 reversed, and counts discordant pairs', () => {
    expect(kendallTau([1, 2, 3, 4], [10, 20, 30, 40])).toBe(1);
    expect(kendallTau([1, 2, 3, 4], [4, 3, 2, 1])).toBe(-1);
    expect(kendallTau([1, 2, 3], [1, 3, 2])).toBeCloseTo(1 / 3, 12);
  });
});
