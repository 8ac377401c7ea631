import {
  SpanAggregation,
  SpanAnnotation,
  buildSpanCrowd,
  isWellFormed,
  spansOfTask,
  spansToTags,
  wordIds,
} from '../../../../src/modules/aggregation/algorithms/kinds/bio-tags';
import {
  hmmCrowdTyped,
  retypeSpans,
} from '../../../../src/modules/aggregation/algorithms/kinds/span-type-dawid-skene';

// Types: 0 = PER, 1 = LOC. Tags: 0 O, 1 B-PER, 2 I-PER, 3 B-LOC, 4 I-LOC.
const PER = 0;
const LOC = 1;
const T = 5;

/** A base decoding with the given spans per task (2 tokens each) and flat marginals. */
function baseOf(
  spans: Array<Array<{ start: number; end: number; type: number }>>,
): SpanAggregation {
  const tags = new Int32Array(spans.length * 2);
  spans.forEach((s, t) => spansToTags(s, 2, tags.subarray(2 * t, 2 * t + 2)));
  const marginals = new Float64Array(tags.length * T);
  tags.forEach((tag, i) => (marginals[i * T + tag] = 1));
  return {
    tags,
    marginals,
    taskConfidence: new Float64Array(spans.length).fill(1),
    confusion: new Float64Array(0),
    iterations: 0,
  };
}

describe('retypeSpans (span-level Dawid–Skene over entity types)', () => {
  // Workers 0, 1, 2 tag token 0 of tasks 0–3 as PER; workers 3 and 4 call it LOC every time.
  // On task 4 worker 0 says PER and workers 3 and 4 say LOC: plain voting says LOC (2 to 1).
  // Dawid–Skene learns from tasks 0–3 that 3 and 4 answer LOC whatever the truth (their row
  // P(LOC | PER) is near 1), so their LOC is no evidence against PER, while worker 0, who agreed
  // with the majority throughout, says PER: the span becomes PER.
  const annotations: SpanAnnotation[] = [];
  for (let t = 0; t < 4; t++) {
    for (const w of [0, 1, 2]) annotations.push({ task: t, worker: w, spans: [{ start: 0, end: 1, type: PER }] }); // prettier-ignore
    for (const w of [3, 4]) annotations.push({ task: t, worker: w, spans: [{ start: 0, end: 1, type: LOC }] }); // prettier-ignore
  }
  annotations.push({ task: 4, worker: 0, spans: [{ start: 0, end: 1, type: PER }] });
  for (const w of [3, 4]) annotations.push({ task: 4, worker: w, spans: [{ start: 0, end: 1, type: LOC }] }); // prettier-ignore
  const crowd = buildSpanCrowd([2, 2, 2, 2, 2], annotations, 2, 5);
  // The plain vote: PER on tasks 0–3 (3 to 2), LOC on task 4 (2 to 1).
  const vote = baseOf([0, 1, 2, 3, 4].map(t => [{ start: 0, end: 1, type: t < 4 ? PER : LOC }]));

  it('overrules a vote carried by workers whose type answers carry no information', () => {
    const result = retypeSpans(crowd, vote, { wordWeight: 0 });
    expect(spansOfTask(crowd, result.tags, 4)).toEqual([{ start: 0, end: 1, type: PER }]);
    for (let t = 0; t < 4; t++) {
      expect(spansOfTask(crowd, result.tags, t)).toEqual([{ start: 0, end: 1, type: PER }]);
    }
    expect(isWellFormed(result.tags)).toBe(true);
    // The retyped span's confidence is its type posterior (the base marginal there was LOC's).
    expect(result.taskConfidence[4]).toBeGreaterThan(0.5);
    expect(result.taskConfidence[4]).toBeLessThanOrEqual(1);
  });

  it('keeps boundaries and the type of a span no worker marked exactly', () => {
    const base = baseOf([[{ start: 0, end: 2, type: LOC }], [], [], [], []]);
    const result = retypeSpans(crowd, base);
    expect(spansOfTask(crowd, result.tags, 0)).toEqual([{ start: 0, end: 2, type: LOC }]);
    expect([...result.tags.subarray(2)]).toEqual(new Array(8).fill(0));
  });

  it('reads the words of other spans as a type lexicon when the workers are split', () => {
    // "Paris" is LOC by agreement of workers 0 and 1 in tasks 0–2, "Ada" PER in tasks 4–8 (so PER
    // is the commoner type). In task 3 two workers seen nowhere else split on "Paris" 1 to 1:
    // without words the type prior decides (PER); the other "Paris" spans say LOC.
    const split: SpanAnnotation[] = [];
    for (let t = 0; t < 9; t++) {
      if (t === 3) continue;
      const type = t < 3 ? LOC : PER;
      for (const w of [0, 1]) split.push({ task: t, worker: w, spans: [{ start: 0, end: 1, type }] }); // prettier-ignore
    }
    split.push({ task: 3, worker: 2, spans: [{ start: 0, end: 1, type: PER }] });
    split.push({ task: 3, worker: 3, spans: [{ start: 0, end: 1, type: LOC }] });
    const sentences = [
      ['Paris', 'today'],
      ['PARIS', 'now'],
      ['paris', 'again'],
      ['Paris', 'said'],
    ];
    for (let t = 4; t < 9; t++) sentences.push(['Ada', 'wrote']);
    const words = wordIds(sentences);
    expect([...words.subarray(0, 8)]).toEqual([0, 1, 0, 2, 0, 3, 0, 4]); // one id for Paris
    const splitCrowd = buildSpanCrowd(new Array(9).fill(2), split, 2, 4, words);
    const base = baseOf(
      Array.from({ length: 9 }, (_, t) => [{ start: 0, end: 1, type: t < 3 ? LOC : PER }]),
    );
    const blind = retypeSpans(splitCrowd, base, { wordWeight: 0 });
    expect(spansOfTask(splitCrowd, blind.tags, 3)).toEqual([{ start: 0, end: 1, type: PER }]);
    const typed = retypeSpans(splitCrowd, base);
    expect(spansOfTask(splitCrowd, typed.tags, 3)).toEqual([{ start: 0, end: 1, type: LOC }]);
  });

  it('runs after HMM-crowd as the default, with the same boundaries', () => {
    const result = hmmCrowdTyped(crowd);
    for (let t = 0; t < 5; t++) {
      expect(spansOfTask(crowd, result.tags, t).map(s => [s.start, s.end])).toEqual([[0, 1]]);
    }
    expect(isWellFormed(result.tags)).toBe(true);
  });
});
