/**
 * Entity-level exact match (Tjong Kim Sang & De Meulder, CoNLL-2003): a predicted span counts
 * when a gold span has the same start, end and type. Micro-averaged over the scored tasks.
 */
import { TokenSpan } from './bio-tags';

/** Counts and ratios of a precision / recall / F1 measurement. */
export interface PrecisionRecall {
  readonly truePositives: number;
  readonly predicted: number;
  readonly actual: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/** Precision, recall and F1 from counts (0 where a denominator is 0). */
export function precisionRecall(
  truePositives: number,
  predicted: number,
  actual: number,
): PrecisionRecall {
  const precision = predicted > 0 ? truePositives / predicted : 0;
  const recall = actual > 0 ? truePositives / actual : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { truePositives, predicted, actual, precision, recall, f1 };
}

/** Exact spans shared by prediction and gold of one task. */
export function matchingSpans(predicted: readonly TokenSpan[], gold: readonly TokenSpan[]): number {
  const keys = new Set(gold.map(s => `${s.start}:${s.end}:${s.type}`));
  let matched = 0;
  for (const s of predicted) {
    const key = `${s.start}:${s.end}:${s.type}`;
    if (keys.delete(key)) matched++;
  }
  return matched;
}

/** Micro P/R/F1 over pairs (predicted spans, gold spans), one pair per scored task. */
export function entityScore(
  pairs: Iterable<readonly [readonly TokenSpan[], readonly TokenSpan[]]>,
): PrecisionRecall {
  let tp = 0;
  let predicted = 0;
  let actual = 0;
  for (const [p, g] of pairs) {
    tp += matchingSpans(p, g);
    predicted += p.length;
    actual += g.length;
  }
  return precisionRecall(tp, predicted, actual);
}
