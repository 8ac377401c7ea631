/**
 * The seeded quality gate (issue 7): a pre-label model that has proven itself on gold lets a task
 * complete with fewer human answers than `minOverlap`. With
 *
 *   g, c     the model's predictions on the project's gold tasks, and how many match the gold label
 *   L        Wilson's 95% lower bound on c / g (wilson-interval.ts; 0 when g = 0)
 *   m, q     the model's predicted label on the task and its probability (its "confidence")
 *   P, ẑ     the task's posterior (humans and the model as one more annotator) and its argmax
 *   τ        the project's confidenceTarget
 *
 * the gate completes the task (COMPLETE_CONFIDENT) when
 *
 *   L ≥ modelGateMinAccuracy  and  q ≥ τ  and  some human answered m  and  ẑ = m  and  P[ẑ] ≥ τ
 *
 * The lower bound, not c / g, is the test so that a model is trusted only on enough gold: 10 of 10
 * right gives L ≈ 0.72 (not trusted), 22 of 22 gives L ≈ 0.851 (trusted). One agreeing human is
 * always required: the model alone never completes a task, however sure it is. A null τ (fixed
 * overlap) never opens the gate. The posterior condition is what dynamic overlap asks of any task
 * (dynamic-overlap.ts); the gate only waives `minOverlap`.
 *
 * The threshold is the project setting `modelGateMinAccuracy`, default 0.85: the accuracy above
 * which a model's vote plus one agreeing newcomer (base accuracy 0.75 on two classes) already
 * exceeds the usual targets, and the Wilson bound keeps it from being met on a handful of lucky
 * gold tasks. A requester whose gold is scarce or whose model is known may lower it; 1 closes
 * the gate.
 *
 * E. B. Wilson, "Probable Inference, the Law of Succession, and Statistical Inference", JASA 22,
 * 1927. The "model as a seeded annotator" idea: Kamar, Hacker and Horvitz, "Combining Human and
 * Machine Intelligence in Large-scale Crowdsourcing", AAMAS 2012.
 */
import { wilsonInterval } from '../../../quality/algorithms/wilson-interval';

/**
 * Default Wilson 95% lower bound on the model's gold accuracy at or above which the gate may open
 * (the project's `modelGateMinAccuracy` defaults to it).
 */
export const MODEL_GATE_MIN_ACCURACY = 0.85;

/** What the gate needs to know about one task. */
export interface ModelGateInput {
  /** The model's predictions on the project's gold tasks (g) and how many were right (c). */
  readonly modelGoldAnswers: number;
  readonly modelGoldCorrect: number;
  /** The model's predicted label index on the task (m) and its probability (q). */
  readonly modelLabel: number;
  readonly modelConfidence: number;
  /** Label indexes of the task's counted human answers. */
  readonly humanLabels: ArrayLike<number>;
  /** argmax of the task's posterior (ẑ) and its value P[ẑ]. */
  readonly topLabel: number;
  readonly posteriorConfidence: number;
  /** The project's confidenceTarget (τ); null = the gate never opens. */
  readonly confidenceTarget: number | null;
  /** The project's `modelGateMinAccuracy`; default `MODEL_GATE_MIN_ACCURACY`. */
  readonly minAccuracy?: number;
}

/** The gate's verdict and why. */
export interface ModelGateDecision {
  /** True when the task may complete now despite fewer than `minOverlap` human answers. */
  readonly open: boolean;
  /** Wilson 95% lower bound on the model's gold accuracy (0 without gold predictions). */
  readonly goldAccuracyLower: number;
  /** goldAccuracyLower ≥ the threshold. */
  readonly trusted: boolean;
}

/**
 * Whether the seeded quality gate lets the task complete (see the file header).
 *
 * @example modelGateDecision({ modelGoldAnswers: 30, modelGoldCorrect: 30, modelLabel: 0,
 *   modelConfidence: 0.99, humanLabels: [0], topLabel: 0, posteriorConfidence: 0.99,
 *   confidenceTarget: 0.95 }) // { open: true, trusted: true, goldAccuracyLower: 0.886… }
 */
export function modelGateDecision(input: ModelGateInput): ModelGateDecision {
  const threshold = input.minAccuracy ?? MODEL_GATE_MIN_ACCURACY;
  const goldAccuracyLower =
    input.modelGoldAnswers > 0
      ? wilsonInterval(input.modelGoldCorrect, input.modelGoldAnswers).lower
      : 0;
  const trusted = goldAccuracyLower >= threshold;
  const target = input.confidenceTarget;
  let humanAgrees = false;
  for (let i = 0; i < input.humanLabels.length; i++) {
    if (input.humanLabels[i] === input.modelLabel) humanAgrees = true;
  }
  const open =
    trusted &&
    target !== null &&
    input.modelConfidence >= target &&
    humanAgrees &&
    input.topLabel === input.modelLabel &&
    input.posteriorConfidence >= target;
  return { open, goldAccuracyLower, trusted };
}
