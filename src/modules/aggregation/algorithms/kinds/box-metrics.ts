/**
 * Detection scoring at an IoU threshold (PASCAL VOC style, without confidence ranking):
 * predicted and gold boxes of an image are matched one-to-one, greedily from the highest IoU
 * down (ties: lower indexes first), counting a match when IoU ≥ threshold. Micro P/R/F1.
 */
import { Box, boxIou } from './box-geometry';
import { PrecisionRecall, precisionRecall } from './span-metrics';

/** Matches of one image at `threshold` (one-to-one, greedy by IoU). */
export function matchedBoxes(
  predicted: readonly Box[],
  gold: readonly Box[],
  threshold = 0.5,
): number {
  const pairs: Array<[number, number, number]> = [];
  predicted.forEach((p, i) =>
    gold.forEach((g, j) => {
      const overlap = boxIou(p, g);
      if (overlap >= threshold) pairs.push([overlap, i, j]);
    }),
  );
  pairs.sort((a, b) => b[0] - a[0] || a[1] - b[1] || a[2] - b[2]);
  const usedP = new Set<number>();
  const usedG = new Set<number>();
  for (const [, i, j] of pairs) {
    if (usedP.has(i) || usedG.has(j)) continue;
    usedP.add(i);
    usedG.add(j);
  }
  return usedP.size;
}

/** Micro P/R/F1 over (predicted, gold) pairs, one per scored image. */
export function boxScore(
  images: Iterable<readonly [readonly Box[], readonly Box[]]>,
  threshold = 0.5,
): PrecisionRecall {
  let tp = 0;
  let predicted = 0;
  let actual = 0;
  for (const [p, g] of images) {
    tp += matchedBoxes(p, g, threshold);
    predicted += p.length;
    actual += g.length;
  }
  return precisionRecall(tp, predicted, actual);
}
