/**
 * Seeded synthetic crowds for `npm run bench:kinds` (generation is never timed): pairwise
 * comparisons for the side-by-side with crowd-kit's NoisyBT, and spans, boxes and ratings for the
 * 1M-answer timings.
 *
 * Pairwise (`syntheticPairwise`): items with planted scores s_i ~ N(0, 1.5²) (Box–Muller on
 * mulberry32); each comparison is a uniformly drawn pair (left/right in random order) and a
 * uniformly drawn worker. Workers: 60% honest (follow BT on the planted scores with probability
 * a ~ U(0.7, 1), else a fair coin), 20% spammers (always a coin, 70% "left"), 20% adversarial
 * (answer the opposite of BT with probability U(0.6, 0.9), else a coin).
 */
import {
  SpanAnnotation,
  SpanCrowd,
  TokenSpan,
  buildSpanCrowd,
  spansToTags,
  tagsToSpans,
} from '../src/modules/aggregation/algorithms/kinds/bio-tags';
import {
  Box,
  BoxCrowd,
  buildBoxCrowd,
} from '../src/modules/aggregation/algorithms/kinds/box-geometry';
import { PairwiseMatrix } from '../src/modules/aggregation/algorithms/kinds/pairwise';
import { ResponseMatrix } from '../src/modules/aggregation/algorithms/response-matrix';
import { Rng, mulberry32, randomInt } from '../src/modules/aggregation/algorithms/rng';

/** A standard normal draw (Box–Muller). */
export function normal(rng: Rng): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** A synthetic pairwise crowd with its planted item scores. */
export function syntheticPairwise(
  nItems: number,
  nWorkers: number,
  nComparisons: number,
  seed: number,
): { matrix: PairwiseMatrix; truth: Float64Array } {
  const rng = mulberry32(seed);
  const truth = Float64Array.from({ length: nItems }, () => 1.5 * normal(rng));
  const kind = Int32Array.from({ length: nWorkers }, (_, w) =>
    w % 5 < 3 ? 0 : w % 5 === 3 ? 1 : 2,
  );
  const skill = Float64Array.from(kind, k =>
    k === 0 ? 0.7 + 0.3 * rng() : k === 2 ? 0.6 + 0.3 * rng() : 0,
  );
  const worker = new Int32Array(nComparisons);
  const left = new Int32Array(nComparisons);
  const right = new Int32Array(nComparisons);
  const leftWins = new Uint8Array(nComparisons);
  for (let r = 0; r < nComparisons; r++) {
    const i = randomInt(rng, nItems);
    let j = randomInt(rng, nItems - 1);
    if (j >= i) j++;
    const w = randomInt(rng, nWorkers);
    worker[r] = w;
    left[r] = i;
    right[r] = j;
    const bt = rng() < 1 / (1 + Math.exp(truth[j] - truth[i])) ? 1 : 0;
    if (kind[w] === 1) leftWins[r] = rng() < 0.7 ? 1 : 0;
    else if (rng() < skill[w]) leftWins[r] = kind[w] === 0 ? bt : 1 - bt;
    else leftWins[r] = rng() < 0.5 ? 1 : 0;
  }
  return { matrix: { nItems, nWorkers, worker, left, right, leftWins }, truth };
}

/**
 * Spans: `nTasks` sentences of 10 tokens, 5 workers each (from `nWorkers`), 2 entity types. The
 * truth has a span of 1–3 tokens starting at a random token with probability 0.7 per sentence;
 * a worker copies each true tag with probability U(0.7, 0.95) (their skill), else writes O.
 * Answers = tokens × workers = nTasks × 50.
 */
export function syntheticSpans(nTasks: number, nWorkers: number, seed: number): SpanCrowd {
  const rng = mulberry32(seed);
  const skill = Float64Array.from({ length: nWorkers }, () => 0.7 + 0.25 * rng());
  const annotations: SpanAnnotation[] = [];
  for (let task = 0; task < nTasks; task++) {
    const spans: TokenSpan[] = [];
    if (rng() < 0.7) {
      const start = randomInt(rng, 8);
      spans.push({ start, end: start + 1 + randomInt(rng, 3), type: randomInt(rng, 2) });
    }
    const truth = spansToTags(spans, 10);
    const first = randomInt(rng, nWorkers);
    for (let k = 0; k < 5; k++) {
      const worker = (first + k * 7) % nWorkers;
      const tags = truth.map(tag => (rng() < skill[worker] ? tag : 0));
      annotations.push({ task, worker, spans: tagsToSpans(tags) });
    }
  }
  return buildSpanCrowd(new Int32Array(nTasks).fill(10), annotations, 2, nWorkers);
}

/**
 * Boxes: `nImages` images of 1280 × 720 with 0–3 objects (30–200 px), 7 workers each; a worker
 * draws each object with probability U(0.6, 0.95), with corners jittered by N(0, (0.05·size)²),
 * and adds a spurious box with probability 0.2. About 2 boxes per answer.
 */
export function syntheticBoxes(nImages: number, nWorkers: number, seed: number): BoxCrowd {
  const rng = mulberry32(seed);
  const recall = Float64Array.from({ length: nWorkers }, () => 0.6 + 0.35 * rng());
  const annotations: Array<{ task: number; worker: number; boxes: Box[] }> = [];
  const randomBox = (): Box => {
    const w = 30 + 170 * rng();
    const h = 30 + 170 * rng();
    return { x: rng() * (1280 - w), y: rng() * (720 - h), w, h, label: 0 };
  };
  for (let task = 0; task < nImages; task++) {
    const objects = Array.from({ length: randomInt(rng, 4) }, randomBox);
    const first = randomInt(rng, nWorkers);
    for (let k = 0; k < 7; k++) {
      const worker = (first + k * 5) % nWorkers;
      const boxes: Box[] = [];
      for (const o of objects) {
        if (rng() >= recall[worker]) continue;
        const x1 = Math.max(0, o.x + 0.05 * o.w * normal(rng));
        const y1 = Math.max(0, o.y + 0.05 * o.h * normal(rng));
        const x2 = Math.max(x1 + 1, o.x + o.w + 0.05 * o.w * normal(rng));
        const y2 = Math.max(y1 + 1, o.y + o.h + 0.05 * o.h * normal(rng));
        boxes.push({ x: x1, y: y1, w: x2 - x1, h: y2 - y1, label: 0 });
      }
      if (rng() < 0.2) boxes.push(randomBox());
      annotations.push({ task, worker, boxes });
    }
  }
  return buildBoxCrowd(nImages, nWorkers, 1, annotations);
}

/**
 * Ratings 0–2: `nTasks` tasks with uniform true grades, 5 answers each from `nWorkers` workers
 * with planted bias U(−0.6, 0.6) and noise U(0.3, 1): answer = round(grade + bias + noise·N(0, 1)),
 * clipped to the scale.
 */
export function syntheticRatings(
  nTasks: number,
  nWorkers: number,
  seed: number,
): { matrix: ResponseMatrix; truth: Int32Array } {
  const rng = mulberry32(seed);
  const bias = Float64Array.from({ length: nWorkers }, () => -0.6 + 1.2 * rng());
  const noise = Float64Array.from({ length: nWorkers }, () => 0.3 + 0.7 * rng());
  const truth = Int32Array.from({ length: nTasks }, () => randomInt(rng, 3));
  const R = nTasks * 5;
  const task = new Int32Array(R);
  const worker = new Int32Array(R);
  const label = new Int32Array(R);
  for (let r = 0; r < R; r++) {
    const t = Math.floor(r / 5);
    const w = (Math.floor(rng() * nWorkers) + (r % 5) * 13) % nWorkers;
    task[r] = t;
    worker[r] = w;
    label[r] = Math.min(2, Math.max(0, Math.round(truth[t] + bias[w] + noise[w] * normal(rng))));
  }
  return { matrix: { nTasks, nWorkers, nLabels: 3, task, worker, label }, truth };
}
