/**
 * RATING: an integer on the schema's scale min..max (optionally with a label per grade, e.g.
 * "bad … perfect"), as in `quorum aggregate --kind rating`.
 *
 * Gold: within `tolerance` grades of the gold rating (default 0, exact) scores 1; further off,
 * 1 − |rating − gold| / (max − min). The default threshold 1 therefore passes exactly the answers
 * within tolerance; a project may lower it. Aggregation input: a `ResponseMatrix` whose label
 * index is rating − min (encode-responses.ts rules: a worker's latest answer counts).
 * Confidence: the online posterior of the ordered-probit model (`ratingTaskPosterior`), the
 * probability of the posterior median grade, under the model's starting point (`priorModel`:
 * every worker unbiased with a noise of one grade, a uniform prior). A fit on one task's answers
 * alone cannot tell a bias from the truth (three workers saying 4 came out less sure than 1, 3, 5),
 * so the prior stands in until the service passes the project's learned model (docs/kinds.md).
 *
 * Exports: CSV `task_id,external_id,rating,label,confidence,answers,reviewed` and JSONL with the same
 * fields (`label` is the grade's label, empty or null without labels).
 */
import { encodeResponses } from '../aggregation/encode-responses';
import type { ResponseMatrix } from '../aggregation/algorithms/response-matrix';
import {
  answerProbabilities,
  ratingTaskPosterior,
  type OrdinalRatingModel,
} from '../aggregation/algorithms/kinds/ordinal-rating';
import {
  answerField,
  isIndex,
  isKey,
  ok,
  okUnless,
  refuse,
  settingsObject,
  tableExport,
} from './kind-checks';
import type { Checked, KindIssue, KindResultRow, TaskKind } from './task-kind';
import { ratingAgreement } from '../quality/algorithms/answer-agreement';

/** Default pass threshold of rating gold scoring (1: within the schema's tolerance). */
export const RATING_GOLD_THRESHOLD = 1;

/** Most grades a scale may have. */
export const MAX_GRADES = 101;

/** Parsed RATING settings. */
export interface RatingSettings {
  readonly min: number;
  readonly max: number;
  /** One label per grade, min first; empty when the scale has none. */
  readonly labels: readonly string[];
  /** Grades of distance a gold answer tolerates. */
  readonly tolerance: number;
}

/** A RATING answer. */
export interface RatingAnswer {
  readonly rating: number;
}

function parseSettings(raw: unknown) {
  const issues: KindIssue[] = [];
  const object = settingsObject(raw, issues);
  const { min, max, labels = [], tolerance = 0 } = object;
  if (!isIndex(min) || !isIndex(max) || max <= min || max - min + 1 > MAX_GRADES) {
    issues.push({
      code: 'INVALID_SETTINGS',
      field: 'settings.max',
      reason: `min and max are integers with min < max and at most ${MAX_GRADES} grades`,
    });
  } else if (
    !Array.isArray(labels) ||
    (labels.length > 0 && labels.length !== max - min + 1) ||
    !labels.every(isKey)
  ) {
    issues.push({
      code: 'INVALID_SETTINGS',
      field: 'settings.labels',
      reason: 'labels are absent or one non-empty string per grade',
    });
  }
  if (!isIndex(tolerance) || tolerance < 0) {
    issues.push({
      code: 'INVALID_SETTINGS',
      field: 'settings.tolerance',
      reason: 'a non-negative integer',
    });
  }
  return okUnless<RatingSettings>(issues, () => ({
    min: min as number,
    max: max as number,
    labels: labels as string[],
    tolerance: tolerance as number,
  }));
}

function validateAnswer(
  settings: RatingSettings,
  _payload: unknown,
  raw: unknown,
): Checked<RatingAnswer> {
  const isNumber = (value: unknown): value is number => typeof value === 'number';
  const rating = answerField(raw, 'rating', isNumber, 'a rating is a number');
  if (!rating.ok) return rating;
  if (!isIndex(rating.value) || rating.value < settings.min || rating.value > settings.max) {
    return refuse(
      'RATING_OFF_SCALE',
      'answer.rating',
      `a rating is an integer from ${settings.min} to ${settings.max}`,
    );
  }
  return ok({ rating: rating.value });
}

/** The grade keys of the encoder, min first. */
function gradeKeys(settings: RatingSettings): string[] {
  return Array.from({ length: settings.max - settings.min + 1 }, (_, i) =>
    String(settings.min + i),
  );
}

function exportFields(settings: RatingSettings, row: KindResultRow<RatingAnswer>) {
  const rating = row.answer?.rating ?? null;
  return {
    task_id: row.taskId,
    external_id: row.externalId,
    rating,
    label: rating === null ? null : (settings.labels[rating - settings.min] ?? null),
    confidence: row.confidence,
    answers: row.answerCount,
    reviewed: row.reviewed ?? false,
  };
}

/**
 * The ordered-probit model before any fit (as `ordinalRating` starts): cutpoints l + ½, every
 * worker with bias 0 and noise 1, a uniform prior over the K grades.
 */
export function priorModel(K: number, nWorkers: number): OrdinalRatingModel {
  const cutpoints = Float64Array.from({ length: K - 1 }, (_, l) => l + 0.5);
  const one = answerProbabilities(K, 0, 1, cutpoints, new Float64Array(K * K));
  const confusion = new Float64Array(nWorkers * K * K);
  for (let w = 0; w < nWorkers; w++) confusion.set(one, w * K * K);
  return {
    K,
    prior: new Float64Array(K).fill(1 / K),
    cutpoints,
    bias: new Float64Array(nWorkers),
    noise: new Float64Array(nWorkers).fill(1),
    confusion,
  };
}

/** The RATING kind. */
export const ratingKind: TaskKind<RatingSettings, RatingAnswer, ResponseMatrix> = {
  name: 'RATING',
  goldThreshold: RATING_GOLD_THRESHOLD,
  exportFormats: ['CSV', 'JSONL'],
  parseSettings,
  validateAnswer,

  scoreGold(settings, _payload, answer, gold, threshold = RATING_GOLD_THRESHOLD) {
    const distance = Math.abs(answer.rating - gold.rating);
    const score = distance <= settings.tolerance ? 1 : 1 - distance / (settings.max - settings.min);
    return { score, pass: score >= threshold };
  },

  agreement(settings, a, b) {
    return ratingAgreement(a.rating, b.rating, settings.tolerance);
  },

  // Grades are equally spaced, so interval α (Krippendorff 2011) is the standard choice.
  alphaDistance: { metric: 'INTERVAL', value: (_settings, answer) => answer.rating },

  encode(settings, tasks) {
    const rows = tasks.flatMap(task =>
      task.answers.map(({ worker, answer }) => ({
        worker,
        task: task.taskId,
        label: String(answer.rating),
      })),
    );
    const keys = gradeKeys(settings);
    const encoded = encodeResponses(rows, { labelSet: keys, knownTasks: tasks.map(t => t.taskId) });
    return { input: encoded.matrix, taskIds: encoded.taskIds, workerIds: encoded.workerIds, keys };
  },

  taskConfidence(settings, payload, answers) {
    if (answers.length === 0) return 0;
    const { input } = ratingKind.encode(settings, [{ taskId: '', payload, answers }]);
    const model = priorModel(settings.max - settings.min + 1, input.nWorkers);
    return ratingTaskPosterior(model, input.worker, input.label).confidence;
  },

  exportResults(format, settings, rows) {
    const records = rows.map(row => exportFields(settings, row));
    return tableExport(
      'RATING',
      format,
      'ratings',
      ['task_id', 'external_id', 'rating', 'label', 'confidence', 'answers', 'reviewed'],
      records,
    );
  },
};
