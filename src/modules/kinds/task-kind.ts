/**
 * The one interface every task kind implements (DESIGN.md "Task kinds"), so the marketplace,
 * quality and money code never switch on the kind: they call `kindOf(project.kind)` and use its
 * members. Pure: settings, payloads and answers come in as plain JSON values, and problems come
 * back as `KindIssue`s, never thrown, so the caller decides how to report them (a service throws
 * `BadUserInputError(issue.reason, { field: issue.field, reason: issue.code })`, see docs/kinds.md).
 */

/** The kinds a project may have. */
export type KindName =
  'SINGLE_CHOICE' | 'MULTI_LABEL' | 'TEXT_SPANS' | 'BOUNDING_BOXES' | 'RATING' | 'PAIRWISE';

/** Stable machine codes of a refused setting or answer (clients may switch on them). */
export type KindIssueCode =
  /** Schema settings missing, of the wrong type, or inconsistent. */
  | 'INVALID_SETTINGS'
  /** The task's payload lacks what the settings point at (text, tokens, image size, items). */
  | 'INVALID_PAYLOAD'
  /** The answer is not of the kind's shape (wrong type, NaN, non-integer index). */
  | 'MALFORMED_ANSWER'
  /** A label, entity type or class that the schema does not have (or a repeated one). */
  | 'UNKNOWN_LABEL'
  /** A span whose token range is empty or outside the task's tokens. */
  | 'SPAN_OUT_OF_RANGE'
  /** Two spans share a token while the schema forbids overlaps. */
  | 'SPAN_OVERLAP'
  /** A box that leaves the image. */
  | 'BOX_OUTSIDE_IMAGE'
  /** A box of zero (or negative) width or height. */
  | 'BOX_EMPTY'
  /** A rating that is not an integer of the scale. */
  | 'RATING_OFF_SCALE'
  /** A pairwise answer that is neither of the task's two items. */
  | 'NOT_AN_ITEM';

/** One refused part of a setting or answer: what (code), where (field path), why (reason). */
export interface KindIssue {
  readonly code: KindIssueCode;
  /** JSON path of the culprit, e.g. `answer.spans[2].end` or `settings.scale.max`. */
  readonly field: string;
  /** A sentence for humans. */
  readonly reason: string;
}

/** A value that passed its checks, or the issues that refused it (at least one). */
export type Checked<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly issues: readonly KindIssue[] };

/** A task's payload as imported (a JSON object). */
export type TaskPayload = Readonly<Record<string, unknown>>;

/** One worker's answer to a task (worker ids as the caller knows them). */
export interface WorkerAnswer<A> {
  readonly worker: string;
  readonly answer: A;
}

/** A task with its payload and its current answers, the input of `encode`. */
export interface TaskAnswers<A> {
  readonly taskId: string;
  readonly payload: TaskPayload;
  readonly answers: readonly WorkerAnswer<A>[];
}

/** The typed-array input of the kind's aggregators, with the maps back to the caller's ids. */
export interface EncodedAnswers<E> {
  readonly input: E;
  /** `taskIds[t]`: id of task index t (pairwise: of comparison row t). */
  readonly taskIds: readonly string[];
  /** `workerIds[w]`: id of worker index w. */
  readonly workerIds: readonly string[];
  /** The meaning of the label index: label keys, entity types, classes, grades or item ids. */
  readonly keys: readonly string[];
}

/** A gold answer's score: a value in [0, 1] and whether it reaches the threshold. */
export interface GoldScore {
  readonly score: number;
  readonly pass: boolean;
}

/** One task's aggregated result, the input of an export. */
export interface KindResultRow<A> {
  readonly taskId: string;
  readonly externalId: string | null;
  readonly status: string;
  readonly payload: TaskPayload;
  /** The consensus answer, in the kind's answer shape; null before any answer. */
  readonly answer: A | null;
  readonly confidence: number | null;
  readonly answerCount: number;
  /** Whether `answer` is a reviewer's decision rather than the aggregate (false if omitted). */
  readonly reviewed?: boolean;
}

/** One file of an export (most formats are one file; YOLO is one per image). */
export interface ExportFile {
  readonly name: string;
  readonly contentType: string;
  readonly content: string;
}

/** The export formats over all kinds; each kind lists those it supports in `exportFormats`. */
export type ExportFormat = 'CSV' | 'JSONL' | 'CONLL' | 'SPACY' | 'COCO' | 'YOLO';

/**
 * A task kind. S: its parsed schema settings; A: its parsed answer; E: the typed-array input of
 * its aggregators.
 */
export interface TaskKind<S, A, E> {
  readonly name: KindName;
  /** The default pass threshold of `scoreGold` (a project may set its own). */
  readonly goldThreshold: number;
  /** The formats `exportResults` writes, the first being the default. */
  readonly exportFormats: readonly ExportFormat[];
  /** Checks a project's schema settings (the JSON stored with the project). */
  parseSettings(raw: unknown): Checked<S>;
  /** Checks one answer to one task against the settings; the value is what gets stored. */
  validateAnswer(settings: S, payload: TaskPayload, raw: unknown): Checked<A>;
  /** Scores a (validated) answer against the task's (validated) gold answer. */
  scoreGold(settings: S, payload: TaskPayload, answer: A, gold: A, threshold?: number): GoldScore;
  /**
   * Agreement of two (validated) answers to the same task, in [0, 1], for quality rules and
   * audits (quality/algorithms/answer-agreement.ts): span or box F1, ratings within the
   * tolerance, the same item or label set.
   */
  agreement(settings: S, a: A, b: A): number;
  /**
   * How the project audit's Krippendorff α (quality/kind-agreement.ts) measures the distance
   * between two answers, possibly to different tasks: `INTERVAL`, δ = (value(a) − value(b))² on
   * the answer's position on an interval scale (interval α); `AGREEMENT`, δ = 1 − agreement(a, b)
   * (a distance-based α). Null where the kind has none: the choice kinds compute nominal α from
   * label counts instead, and two pairwise answers to different pairs name different items, so
   * their distance says nothing about chance agreement.
   */
  readonly alphaDistance:
    | { readonly metric: 'INTERVAL'; value(settings: S, answer: A): number }
    | { readonly metric: 'AGREEMENT' }
    | null;
  /** Encodes validated answers for the kind's aggregators. */
  encode(settings: S, tasks: readonly TaskAnswers<A>[]): EncodedAnswers<E>;
  /**
   * The task-level confidence in [0, 1] from the task's current answers (0 with none; 0.5 for
   * an unanswered pair), for dynamic overlap and the review queue.
   */
  taskConfidence(settings: S, payload: TaskPayload, answers: readonly WorkerAnswer<A>[]): number;
  /** Writes aggregated results in one of `exportFormats`. */
  exportResults(
    format: ExportFormat,
    settings: S,
    rows: readonly KindResultRow<A>[],
  ): readonly ExportFile[];
}
