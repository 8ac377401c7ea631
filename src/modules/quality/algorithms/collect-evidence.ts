/**
 * Collectors: the figures a quality rule tests, computed over a window of one worker's history.
 *
 * Window. Scanning back from the newest answer, an answer is in the window when it is relevant
 * to the collector (see quality-rule.ts) and, with `sinceSeconds`, submitted at or after
 * now − sinceSeconds; with `lastN`, only the newest `lastN` such answers count.
 *
 * Metrics over the n answers of the window:
 *
 *   GOLD_ACCURACY        accuracy  = x / n, x = gold answers that were right;
 *                        accuracyLower, accuracyUpper = Wilson score interval of x / n (Wilson 1927,
 *                        see wilson-interval.ts) at `confidenceLevel`
 *   CONSENSUS_AGREEMENT  agreement = x / n, x = Σ of the answers' agreement: for the choice kinds
 *                        1 for an answer equal to the task's confident consensus, else 0; for the
 *                        structured kinds the answer's mean pairwise agreement with the other
 *                        workers' answers (span F1, box F1 at IoU 0.5, ratings within tolerance,
 *                        the same item; answer-agreement.ts), so x / n is a mean F1;
 *                        agreementLower, agreementUpper = the same Wilson interval at x / n
 *                        (`boundedMeanInterval`: conservative for graded outcomes)
 *   ANSWER_TIME          medianSeconds = median of durationMs / 1000 (mean of the two middle values
 *                        when n is even)
 *   SAME_ANSWER_SHARE    share = (count of the most frequent answer key) / n; ties go to the key
 *                        seen first
 *
 * Metrics are computed even when n < minCount (for display), and are NaN when n = 0; a rule only
 * tests them when the evidence is `sufficient` (n ≥ minCount).
 *
 * Cost: O(answers scanned) per call, with a sort of the window for the median: the window of the
 * newest answers, not the whole history, so live evaluation after each answer stays cheap.
 */
import type { CollectorKind, MetricName, RuleCollector } from './quality-rule';
import { boundedMeanInterval } from './wilson-interval';
import { ConsensusOutcome, GoldOutcome, WorkerHistory } from './worker-history';

/** Where the window fell in the history. */
export interface WindowEvidence {
  /** The rule's limits, as configured (null: none). */
  readonly lastN: number | null;
  readonly sinceSeconds: number | null;
  /** Submission times of the oldest and newest answer in the window; null when it is empty. */
  readonly from: number | null;
  readonly to: number | null;
  /**
   * History indexes: the window is the relevant answers with index in [firstIndex, endIndex).
   * The service maps them back to assignments (e.g. for REOPEN_TASKS on the window).
   */
  readonly firstIndex: number;
  readonly endIndex: number;
}

/** What a collector found: the figures a rule's conditions test and an audit log records. */
export interface CollectorEvidence {
  readonly kind: CollectorKind;
  /** Relevant answers in the window (n). */
  readonly count: number;
  readonly minCount: number;
  /** n ≥ minCount: only then are conditions tested. */
  readonly sufficient: boolean;
  readonly window: WindowEvidence;
  /** The collector's metrics (METRICS_BY_COLLECTOR[kind]); NaN when n = 0. */
  readonly metrics: Readonly<Partial<Record<MetricName, number>>>;
  /**
   * x: right gold answers, the sum of the answers' agreement (a count for the choice kinds), or
   * answers equal to the top answer.
   */
  readonly successes: number | null;
  /** SAME_ANSWER_SHARE: the most frequent answer key in the window. */
  readonly topAnswer: string | number | null;
  /** Coverage of the Wilson interval, for the kinds that have one. */
  readonly confidenceLevel: number | null;
}

/**
 * Computes `collector`'s evidence over the answers `[0, end)` of `history` at time `now`
 * (milliseconds since the epoch). `end` lets a replay evaluate a prefix of a longer history.
 */
export function collectEvidence(
  collector: RuleCollector,
  history: WorkerHistory,
  now: number,
  end: number = history.length,
): CollectorEvidence {
  if (!(Number.isInteger(end) && end >= 0 && end <= history.length)) {
    throw new RangeError(`end must be an integer in [0, ${history.length}], got ${end}`);
  }
  const { kind, window, minCount } = collector;
  const relevant = relevance(kind, history);
  const cutoff = window.sinceSeconds === null ? -Infinity : now - window.sinceSeconds * 1000;
  const limit = window.lastN ?? Infinity;

  let count = 0;
  let firstIndex = end;
  for (let i = end - 1; i >= 0 && count < limit; i--) {
    if (history.submittedAt[i] < cutoff) break;
    if (!relevant(i)) continue;
    count++;
    firstIndex = i;
  }
  let lastIndex = -1;
  for (let i = end - 1; i >= firstIndex && count > 0; i--) {
    if (relevant(i)) {
      lastIndex = i;
      break;
    }
  }

  const base = {
    kind,
    count,
    minCount,
    sufficient: count >= minCount,
    window: {
      lastN: window.lastN,
      sinceSeconds: window.sinceSeconds,
      from: count > 0 ? history.submittedAt[firstIndex] : null,
      to: count > 0 ? history.submittedAt[lastIndex] : null,
      firstIndex,
      endIndex: end,
    },
  };

  switch (kind) {
    case 'GOLD_ACCURACY':
    case 'CONSENSUS_AGREEMENT': {
      let successes = 0;
      for (let i = firstIndex; i < end; i++) {
        if (kind === 'GOLD_ACCURACY') {
          if (history.gold[i] === GoldOutcome.Correct) successes++;
        } else if (history.consensus[i] !== ConsensusOutcome.Unknown) {
          successes += history.agreement[i];
        }
      }
      // Rounding of a sum of graded scores must not step outside [0, n].
      successes = Math.min(count, successes);
      const interval = boundedMeanInterval(successes, count, collector.confidenceLevel);
      const metrics =
        kind === 'GOLD_ACCURACY'
          ? {
              accuracy: interval.value,
              accuracyLower: count > 0 ? interval.lower : NaN,
              accuracyUpper: count > 0 ? interval.upper : NaN,
            }
          : {
              agreement: interval.value,
              agreementLower: count > 0 ? interval.lower : NaN,
              agreementUpper: count > 0 ? interval.upper : NaN,
            };
      return {
        ...base,
        metrics,
        successes,
        topAnswer: null,
        confidenceLevel: collector.confidenceLevel,
      };
    }
    case 'ANSWER_TIME': {
      const seconds = new Float64Array(count);
      for (let i = firstIndex, j = 0; i < end; i++) seconds[j++] = history.durationMs[i] / 1000;
      return {
        ...base,
        metrics: { medianSeconds: median(seconds) },
        successes: null,
        topAnswer: null,
        confidenceLevel: null,
      };
    }
    case 'SAME_ANSWER_SHARE': {
      const counts = new Map<number, number>();
      for (let i = firstIndex; i < end; i++) {
        counts.set(history.answer[i], (counts.get(history.answer[i]) ?? 0) + 1);
      }
      // Ties go to the key seen first in the history (lowest dense id): deterministic.
      let top = -1;
      let topCount = 0;
      for (const [id, c] of counts) {
        if (c > topCount || (c === topCount && id < top)) {
          top = id;
          topCount = c;
        }
      }
      return {
        ...base,
        metrics: { share: count > 0 ? topCount / count : NaN },
        successes: topCount,
        topAnswer: top >= 0 ? history.answerKeys[top] : null,
        confidenceLevel: null,
      };
    }
  }
}

/**
 * What a live evaluation needs loaded: the worker's answers on the project that the collector
 * counts (`relevant`), the newest `lastN` of them and/or those since now − sinceSeconds (null:
 * no limit). Loading more is harmless (the window is applied again); loading less is not.
 */
export interface HistoryNeed {
  readonly relevant: 'GOLD' | 'CONFIDENT_CONSENSUS' | 'ALL';
  readonly lastN: number | null;
  readonly sinceSeconds: number | null;
}

/** The rows `collectEvidence` will look at for `collector`; see `HistoryNeed`. */
export function historyNeeded(collector: RuleCollector): HistoryNeed {
  return {
    relevant: relevantAnswers(collector.kind),
    lastN: collector.window.lastN,
    sinceSeconds: collector.window.sinceSeconds,
  };
}

/**
 * Which of a worker's answers a collector of `kind` counts: the loader's filter, the words of a
 * decision's reason and `relevance` (answer by answer) all follow this one mapping.
 */
export function relevantAnswers(kind: CollectorKind): HistoryNeed['relevant'] {
  return RELEVANT_ANSWERS[kind];
}

const RELEVANT_ANSWERS: Readonly<Record<CollectorKind, HistoryNeed['relevant']>> = {
  GOLD_ACCURACY: 'GOLD',
  CONSENSUS_AGREEMENT: 'CONFIDENT_CONSENSUS',
  ANSWER_TIME: 'ALL',
  SAME_ANSWER_SHARE: 'ALL',
};

/** Median of `values` (sorted in place); NaN when empty. */
export function median(values: Float64Array): number {
  const n = values.length;
  if (n === 0) return NaN;
  values.sort();
  const middle = n >> 1;
  return n % 2 === 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

/** Which answers a collector counts. */
function relevance(kind: CollectorKind, history: WorkerHistory): (i: number) => boolean {
  switch (relevantAnswers(kind)) {
    case 'GOLD':
      return i => history.gold[i] !== GoldOutcome.NotGold;
    case 'CONFIDENT_CONSENSUS':
      return i => history.consensus[i] !== ConsensusOutcome.Unknown;
    case 'ALL':
      return () => true;
  }
}
