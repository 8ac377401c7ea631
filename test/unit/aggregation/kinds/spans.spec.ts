import {
  SpanAnnotation,
  buildSpanCrowd,
  decodeWellFormed,
  isWellFormed,
  spansOfTask,
  spansToTags,
  tagsToSpans,
} from '../../../../src/modules/aggregation/algorithms/kinds/bio-tags';
import {
  hmmCrowd,
  hmmCrowdTaskPosterior,
} from '../../../../src/modules/aggregation/algorithms/kinds/hmm-crowd';
import { entityScore } from '../../../../src/modules/aggregation/algorithms/kinds/span-metrics';
import { tokenDawidSkene } from '../../../../src/modules/aggregation/algorithms/kinds/token-dawid-skene';
import { mulberry32, randomInt } from '../../../../src/modules/aggregation/algorithms/rng';

// Types: 0 = PER, 1 = LOC. Tags: 0 O, 1 B-PER, 2 I-PER, 3 B-LOC, 4 I-LOC.
const PER = 0;
const LOC = 1;

describe('BIO tags', () => {
  it('paints spans and reads them back', () => {
    const spans = [
      { start: 0, end: 2, type: PER },
      { start: 3, end: 4, type: LOC },
    ];
    const tags = spansToTags(spans, 5);
    expect([...tags]).toEqual([1, 2, 0, 3, 0]);
    expect(tagsToSpans(tags)).toEqual(spans);
  });

  it('cuts an overlapping later span to the free tokens', () => {
    const tags = spansToTags(
      [
        { start: 0, end: 3, type: PER },
        { start: 2, end: 5, type: LOC },
      ],
      5,
    );
    expect([...tags]).toEqual([1, 2, 2, 3, 4]);
  });

  it('reads an I- that does not continue a span as the start of one (lenient IOB)', () => {
    expect(tagsToSpans([0, 2, 2, 4])).toEqual([
      { start: 1, end: 3, type: PER },
      { start: 3, end: 4, type: LOC },
    ]);
  });

  it('decodes any scores into a well-formed sequence', () => {
    const rng = mulberry32(3);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + randomInt(rng, 12);
      const scores = Float64Array.from({ length: n * 5 }, () => Math.log(rng() + 1e-9));
      const out = decodeWellFormed(scores, n, 5, new Int32Array(n));
      expect(isWellFormed(out)).toBe(true);
    }
  });

  it('turns a lone I-PER into B-PER when the scores favour the entity', () => {
    // Token 0 strongly I-PER, token 1 strongly O: best allowed path is B-PER O.
    const p = (o: number, b: number, i: number) => [o, b, i, 1e-6, 1e-6].map(Math.log);
    const scores = Float64Array.from([...p(0.1, 0.3, 0.6), ...p(0.9, 0.05, 0.05)]);
    expect([...decodeWellFormed(scores, 2, 5, new Int32Array(2))]).toEqual([1, 0]);
  });

  it('rejects a span outside its task', () => {
    expect(() =>
      buildSpanCrowd([2], [{ task: 0, worker: 0, spans: [{ start: 1, end: 3, type: 0 }] }], 2, 1),
    ).toThrow(RangeError);
  });
});

/** 3 careful workers and one who marks nothing, over 4 sentences of 4 tokens. */
function toyAnnotations(): SpanAnnotation[] {
  const truth = [
    [{ start: 0, end: 2, type: PER }],
    [{ start: 1, end: 2, type: LOC }],
    [],
    [
      { start: 0, end: 1, type: LOC },
      { start: 2, end: 4, type: PER },
    ],
  ];
  const annotations: SpanAnnotation[] = [];
  truth.forEach((spans, task) => {
    for (let worker = 0; worker < 3; worker++) annotations.push({ task, worker, spans });
    annotations.push({ task, worker: 3, spans: [] });
  });
  return annotations;
}

describe.each([
  ['tokenDawidSkene', tokenDawidSkene],
  ['hmmCrowd', hmmCrowd],
] as const)('%s', (_, aggregate) => {
  const lengths = [4, 4, 4, 4];

  it('recovers the spans three of four workers agree on', () => {
    const crowd = buildSpanCrowd(lengths, toyAnnotations(), 2, 4);
    const result = aggregate(crowd);
    expect(spansOfTask(crowd, result.tags, 0)).toEqual([{ start: 0, end: 2, type: PER }]);
    expect(spansOfTask(crowd, result.tags, 1)).toEqual([{ start: 1, end: 2, type: LOC }]);
    expect(spansOfTask(crowd, result.tags, 2)).toEqual([]);
    expect(spansOfTask(crowd, result.tags, 3)).toEqual([
      { start: 0, end: 1, type: LOC },
      { start: 2, end: 4, type: PER },
    ]);
    for (const confidence of result.taskConfidence) expect(confidence).toBeGreaterThan(0.5);
  });

  it('learns that the worker who marks nothing misses entities', () => {
    const result = aggregate(buildSpanCrowd(lengths, toyAnnotations(), 2, 4));
    const T = 5;
    const recallOfBPer = (w: number) => result.confusion[(w * T + 1) * T + 1];
    expect(recallOfBPer(0)).toBeGreaterThan(recallOfBPer(3));
  });

  it('gives the same tags whatever the order of the annotations', () => {
    const annotations = toyAnnotations();
    const shuffled = [...annotations].reverse();
    const a = aggregate(buildSpanCrowd(lengths, annotations, 2, 4));
    const b = aggregate(buildSpanCrowd(lengths, shuffled, 2, 4));
    expect([...b.tags]).toEqual([...a.tags]);
  });

  it('always decodes well-formed tags on random crowds', () => {
    const rng = mulberry32(11);
    const annotations: SpanAnnotation[] = [];
    for (let task = 0; task < 6; task++) {
      for (let worker = 0; worker < 3; worker++) {
        const start = randomInt(rng, 5);
        annotations.push({
          task,
          worker,
          spans: [{ start, end: start + 1 + randomInt(rng, 6 - start), type: randomInt(rng, 2) }],
        });
      }
    }
    const crowd = buildSpanCrowd([6, 6, 6, 6, 6, 6], annotations, 2, 3);
    const result = aggregate(crowd);
    for (let t = 0; t < 6; t++) expect(isWellFormed(result.tags, t * 6, t * 6 + 6)).toBe(true);
  });

  it('returns all-O tags and zero confidence for tasks nobody annotated, and handles no input', () => {
    const crowd = buildSpanCrowd(
      [3, 2],
      [{ task: 0, worker: 0, spans: [{ start: 0, end: 1, type: LOC }] }],
      2,
      1,
    );
    const result = aggregate(crowd);
    expect([...result.tags.subarray(3)]).toEqual([0, 0]);
    expect(result.taskConfidence[1]).toBe(0);
    const empty = aggregate(buildSpanCrowd([], [], 2, 0));
    expect(empty.tags.length).toBe(0);
  });
});

describe('hmmCrowdTaskPosterior', () => {
  it('scores one new task online with the learned parameters', () => {
    const result = hmmCrowd(buildSpanCrowd([4, 4, 4, 4], toyAnnotations(), 2, 4));
    const agreeing = spansToTags([{ start: 1, end: 3, type: PER }], 4);
    const online = hmmCrowdTaskPosterior(result.parameters, 4, [
      { worker: 0, tags: agreeing },
      { worker: 1, tags: agreeing },
    ]);
    expect(tagsToSpans(online.tags)).toEqual([{ start: 1, end: 3, type: PER }]);
    const none = hmmCrowdTaskPosterior(result.parameters, 4, []);
    expect(none.confidence).toBe(0);
    const one = hmmCrowdTaskPosterior(result.parameters, 4, [{ worker: 0, tags: agreeing }]);
    expect(online.confidence).toBeGreaterThanOrEqual(one.confidence);
  });
});

describe('entityScore', () => {
  it('counts exact (start, end, type) matches, micro-averaged', () => {
    const s = entityScore([
      [
        [
          { start: 0, end: 2, type: 0 },
          { start: 3, end: 4, type: 1 },
        ],
        [{ start: 0, end: 2, type: 0 }],
      ],
      [[{ start: 0, end: 1, type: 0 }], [{ start: 0, end: 2, type: 0 }]],
    ]);
    expect([s.truePositives, s.predicted, s.actual]).toEqual([1, 3, 2]);
    expect(s.precision).toBeCloseTo(1 / 3, 12);
    expect(s.recall).toBeCloseTo(1 / 2, 12);
    expect(s.f1).toBeCloseTo(0.4, 12);
  });
});
