import {
  agreementReport,
  fleissKappa,
  gwetAC1,
  krippendorffAlpha,
  observedAgreement,
  taskAgreement,
} from '../../../src/modules/aggregation/algorithms/agreement';
import { ResponseMatrix } from '../../../src/modules/aggregation/algorithms/response-matrix';
import { mulberry32, randomInt } from '../../../src/modules/aggregation/algorithms/rng';
import { shuffled } from '../../fixtures/aggregation/toy-datasets';
import { KRIPPENDORFF_2011 } from '../../fixtures/quality/krippendorff-2011';

/** A matrix from a units × raters table of label indexes; null is a missing rating. */
function fromTable(table: Array<Array<number | null>>, nLabels: number): ResponseMatrix {
  const triples: number[][] = [];
  table.forEach((row, t) => row.forEach((l, w) => l !== null && triples.push([t, w, l])));
  return {
    nTasks: table.length,
    nWorkers: Math.max(0, ...table.map(row => row.length)),
    nLabels,
    task: Int32Array.from(triples, r => r[0]),
    worker: Int32Array.from(triples, r => r[1]),
    label: Int32Array.from(triples, r => r[2]),
  };
}

/** A matrix from per-task label counts (raters are anonymous in Fleiss' setting). */
function fromCounts(counts: number[][]): ResponseMatrix {
  const triples: number[][] = [];
  counts.forEach((row, t) => {
    let rater = 0;
    row.forEach((c, l) => {
      for (let i = 0; i < c; i++) triples.push([t, rater++, l]);
    });
  });
  return {
    nTasks: counts.length,
    nWorkers: Math.max(...counts.map(row => row.reduce((a, b) => a + b))),
    nLabels: counts[0].length,
    task: Int32Array.from(triples, r => r[0]),
    worker: Int32Array.from(triples, r => r[1]),
    label: Int32Array.from(triples, r => r[2]),
  };
}

/** Random ratings with missing values: each of `raters` rates each unit with probability 0.7. */
function randomTable(units: number, raters: number, nLabels: number, seed: number) {
  const rng = mulberry32(seed);
  return Array.from({ length: units }, () => {
    const favourite = randomInt(rng, nLabels);
    return Array.from({ length: raters }, () =>
      rng() < 0.3 ? null : rng() < 0.6 ? favourite : randomInt(rng, nLabels),
    );
  });
}

/** Ratings per unit, missing ones dropped. */
const ratingsOf = (table: Array<Array<number | null>>) =>
  table.map(row => row.filter((l): l is number => l !== null));

/**
 * Krippendorff's α by its definition: disagreement over all ordered pairable value pairs within
 * units (each weighted 1/(m_u − 1)) against all pairs of pairable values overall.
 */
function alphaByPairs(table: Array<Array<number | null>>): number {
  const units = ratingsOf(table).filter(values => values.length >= 2);
  const pooled = units.flat();
  const n = pooled.length;
  let observed = 0;
  for (const values of units) {
    for (let i = 0; i < values.length; i++) {
      for (let j = 0; j < values.length; j++) {
        if (i !== j && values[i] !== values[j]) observed += 1 / (values.length - 1);
      }
    }
  }
  let expected = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) if (i !== j && pooled[i] !== pooled[j]) expected++;
  }
  return 1 - observed / n / (expected / (n * (n - 1)));
}

/** Fleiss' κ and Gwet's AC1 straight from Gwet's Handbook formulas, one unit at a time. */
function chanceCorrectedByHand(table: Array<Array<number | null>>, nLabels: number) {
  const units = ratingsOf(table).filter(values => values.length >= 1);
  const pairable = units.filter(values => values.length >= 2);
  const agreementOf = (values: number[]) => {
    let agreeing = 0;
    for (let i = 0; i < values.length; i++) {
      for (let j = 0; j < values.length; j++) if (i !== j && values[i] === values[j]) agreeing++;
    }
    return agreeing / (values.length * (values.length - 1));
  };
  const pa = pairable.reduce((s, values) => s + agreementOf(values), 0) / pairable.length;
  const pi = Array.from(
    { length: nLabels },
    (_, k) =>
      units.reduce((s, values) => s + values.filter(l => l === k).length / values.length, 0) /
      units.length,
  );
  const peFleiss = pi.reduce((s, p) => s + p * p, 0);
  const peGwet = pi.reduce((s, p) => s + p * (1 - p), 0) / (nLabels - 1);
  return {
    observed: pa,
    kappa: (pa - peFleiss) / (1 - peFleiss),
    ac1: (pa - peGwet) / (1 - peGwet),
  };
}

const noBootstrap = { bootstrap: { samples: 0 } };

describe('fleissKappa', () => {
  // Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters, 5 categories; κ = 0.210.
  const wikipedia = fromCounts([
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
  ]);

  it("reproduces Wikipedia's worked example (P̄ = 0.378, κ = 0.210)", () => {
    expect(fleissKappa(wikipedia, noBootstrap).value).toBeCloseTo(0.21, 3);
    expect(observedAgreement(wikipedia, noBootstrap).value).toBeCloseTo(0.378, 3);
    expect(taskAgreement(wikipedia)[0]).toBe(1);
    expect(taskAgreement(wikipedia)[1]).toBeCloseTo(0.253, 3);
  });

  it('matches the unit-by-unit formula when units have different numbers of ratings', () => {
    for (const seed of [1, 2, 3]) {
      const table = randomTable(30, 6, 4, seed);
      const m = fromTable(table, 4);

      const byHand = chanceCorrectedByHand(table, 4);

      expect(fleissKappa(m, noBootstrap).value).toBeCloseTo(byHand.kappa, 12);
      expect(observedAgreement(m, noBootstrap).value).toBeCloseTo(byHand.observed, 12);
    }
  });
});

describe('krippendorffAlpha', () => {
  // Krippendorff (2011), section C (test/fixtures/quality/krippendorff-2011.ts), values 1–5 as
  // labels 0–4; nominal α = 0.743.
  const krippendorff2011 = KRIPPENDORFF_2011.map(row => row.map(v => (v === null ? null : v - 1)));

  it("reproduces Krippendorff's worked example (α = 0.743)", () => {
    const sut = krippendorffAlpha(fromTable(krippendorff2011, 5), noBootstrap);

    expect(sut.value).toBeCloseTo(0.743, 3);
    expect(sut.value).toBeCloseTo(alphaByPairs(krippendorff2011), 12);
  });

  it('matches the pairwise definition on random data with missing ratings', () => {
    for (const seed of [4, 5, 6]) {
      const table = randomTable(25, 5, 3, seed);

      expect(krippendorffAlpha(fromTable(table, 3), noBootstrap).value).toBeCloseTo(
        alphaByPairs(table),
        12,
      );
    }
  });

  it('ignores units with a single rating', () => {
    const table = [
      [0, 0],
      [1, 1],
      [0, 1],
    ];
    const withSingles = [...table, [1, null], [null, 0]];

    expect(krippendorffAlpha(fromTable(withSingles, 2), noBootstrap).value).toBe(
      krippendorffAlpha(fromTable(table, 2), noBootstrap).value,
    );
  });
});

describe('gwetAC1', () => {
  it('matches a hand computation on a small example', () => {
    // 3 raters, 4 units, 2 labels, one missing rating.
    //   P_a = (1 + 1/3 + 1 + 1/3) / 4 = 2/3
    //   π₀ = (1 + 1/3 + 0 + 2/3) / 4 = 1/2, π₁ = 1/2
    //   P_e = (½·½ + ½·½) / (2 − 1) = 1/2,  AC1 = (2/3 − 1/2) / (1 − 1/2) = 1/3
    const table = [
      [0, 0, 0],
      [0, 1, 1],
      [1, 1, null],
      [0, 1, 0],
    ];

    const sut = gwetAC1(fromTable(table, 2), noBootstrap);

    expect(sut.value).toBeCloseTo(1 / 3, 14);
  });

  it('matches the unit-by-unit formula on random data', () => {
    for (const seed of [7, 8]) {
      const table = randomTable(40, 4, 5, seed);

      expect(gwetAC1(fromTable(table, 5), noBootstrap).value).toBeCloseTo(
        chanceCorrectedByHand(table, 5).ac1,
        12,
      );
    }
  });

  it('stays high when agreement is high but one label dominates, where κ collapses', () => {
    // The "kappa paradox" AC1 was designed for: 19 units all 0/0, one unit 0/1.
    const table = [...new Array<number[]>(19).fill([0, 0]), [0, 1]];
    const m = fromTable(table, 2);

    expect(gwetAC1(m, noBootstrap).value).toBeGreaterThan(0.9);
    expect(fleissKappa(m, noBootstrap).value).toBeLessThan(0.1);
  });
});

describe('agreement statistics', () => {
  const table = randomTable(60, 5, 3, 42);
  const m = fromTable(table, 3);

  it('are 1 under perfect agreement', () => {
    const perfect = fromTable(
      [
        [0, 0, 0],
        [1, 1, null],
        [2, 2, 2],
        [1, 1, 1],
      ],
      3,
    );

    const sut = agreementReport(perfect, noBootstrap);

    expect(sut.observedAgreement.value).toBe(1);
    expect(sut.fleissKappa.value).toBe(1);
    expect(sut.krippendorffAlpha.value).toBe(1);
    expect(sut.gwetAC1.value).toBe(1);
  });

  it('are NaN when undefined: no pairable task, or a single label used throughout', () => {
    const singles = fromTable([[0], [1]], 2);
    const oneLabel = fromTable(
      [
        [1, 1],
        [1, 1],
      ],
      2,
    );

    expect(fleissKappa(singles, noBootstrap).value).toBeNaN();
    expect(krippendorffAlpha(singles, noBootstrap).value).toBeNaN();
    expect(fleissKappa(oneLabel, noBootstrap).value).toBeNaN();
    expect(krippendorffAlpha(oneLabel, noBootstrap).value).toBeNaN();
    // AC1's chance term is Σ π(1 − π)/(K − 1) = 0 here, so AC1 is defined and equals 1.
    expect(gwetAC1(oneLabel, noBootstrap).value).toBe(1);
  });

  it('return NaN statistics and NaN per-task agreement for empty input', () => {
    const empty: ResponseMatrix = {
      nTasks: 2,
      nWorkers: 2,
      nLabels: 2,
      task: new Int32Array(0),
      worker: new Int32Array(0),
      label: new Int32Array(0),
    };

    const sut = agreementReport(empty);

    expect([...sut.taskAgreement]).toEqual([NaN, NaN]);
    for (const estimate of [
      sut.observedAgreement,
      sut.fleissKappa,
      sut.krippendorffAlpha,
      sut.gwetAC1,
    ]) {
      expect(estimate.value).toBeNaN();
      expect(estimate.lower).toBeNaN();
      expect(estimate.upper).toBeNaN();
      expect(estimate.samples).toBe(0);
    }
    expect(sut.ratedTasks).toBe(0);
  });

  it('give the same interval for the same seed, and another for another seed', () => {
    const a = fleissKappa(m, { bootstrap: { seed: 5, samples: 300 } });
    const b = fleissKappa(m, { bootstrap: { seed: 5, samples: 300 } });
    const c = fleissKappa(m, { bootstrap: { rng: mulberry32(5), samples: 300 } });
    const d = fleissKappa(m, { bootstrap: { seed: 6, samples: 300 } });

    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect([d.lower, d.upper]).not.toEqual([a.lower, a.upper]);
  });

  it('give intervals that contain the estimate and widen with the level', () => {
    const report = agreementReport(m);
    for (const estimate of [
      report.observedAgreement,
      report.fleissKappa,
      report.krippendorffAlpha,
      report.gwetAC1,
    ]) {
      expect(estimate.samples).toBe(1000);
      expect(estimate.level).toBe(0.95);
      expect(estimate.lower).toBeLessThan(estimate.value);
      expect(estimate.upper).toBeGreaterThan(estimate.value);
    }
    const narrow = krippendorffAlpha(m, { bootstrap: { level: 0.5 } });
    expect(narrow.lower).toBeGreaterThan(report.krippendorffAlpha.lower);
    expect(narrow.upper).toBeLessThan(report.krippendorffAlpha.upper);
  });

  it('share one set of resamples between the report and the single statistics', () => {
    const options = { bootstrap: { seed: 11, samples: 200 } };

    const report = agreementReport(m, options);

    expect(report.fleissKappa).toEqual(fleissKappa(m, options));
    expect(report.krippendorffAlpha).toEqual(krippendorffAlpha(m, options));
    expect(report.gwetAC1).toEqual(gwetAC1(m, options));
    expect(report.observedAgreement).toEqual(observedAgreement(m, options));
    expect(report.ratedTasks).toBe(ratingsOf(table).filter(v => v.length >= 1).length);
    expect(report.pairableTasks).toBe(ratingsOf(table).filter(v => v.length >= 2).length);
  });

  it('do not depend on the order of the responses', () => {
    const options = { bootstrap: { seed: 2, samples: 100 } };
    const base = agreementReport(m, options);

    const sut = agreementReport(shuffled(m, 1), options);

    expect(sut).toEqual(base);
  });

  it('do not mutate the input', () => {
    const copy = { task: m.task.slice(), worker: m.worker.slice(), label: m.label.slice() };

    agreementReport(m, { bootstrap: { samples: 10 } });

    expect(m.task).toEqual(copy.task);
    expect(m.worker).toEqual(copy.worker);
    expect(m.label).toEqual(copy.label);
  });

  it('reject bad bootstrap options and out-of-range responses', () => {
    expect(() => fleissKappa(m, { bootstrap: { level: 1 } })).toThrow(RangeError);
    expect(() => fleissKappa(m, { bootstrap: { samples: -1 } })).toThrow(RangeError);
    expect(() => fleissKappa(m, { bootstrap: { samples: 1.5 } })).toThrow(RangeError);
    expect(() => taskAgreement({ ...m, nLabels: 2 })).toThrow(RangeError);
  });
});
