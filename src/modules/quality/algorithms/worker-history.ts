/**
 * One worker's answers on a project, in the form quality rules read: plain `AnswerEvent` objects
 * at the door (what a service builds from assignment rows), stored column-wise in typed arrays
 * (`WorkerHistory`) in submission order, so that windows are index ranges and a dry-run over a
 * project's whole history appends without allocating per answer.
 */

/** One submitted answer, as far as quality rules are concerned. */
export interface AnswerEvent {
  /** Submission time, milliseconds since the Unix epoch. */
  readonly submittedAt: number;
  /** Time the worker spent on the assignment (lease to submit), milliseconds. */
  readonly durationMs: number;
  /** Whether the task was a gold task. */
  readonly isGold: boolean;
  /** For gold tasks, whether the answer matched the gold answer; null for other tasks. */
  readonly goldCorrect: boolean | null;
  /**
   * Whether the answer matched the task's consensus, when that consensus is confident (its
   * posterior reached the project's target); null while there is no confident consensus.
   */
  readonly agreedWithConfidentConsensus: boolean | null;
  /**
   * Graded agreement in [0, 1] instead of the yes/no above, for the structured kinds: the
   * answer's mean pairwise agreement with the other workers' answers to the task
   * (answer-agreement.ts); null when no other worker answered it. When present (even null) it
   * decides, and `agreedWithConfidentConsensus` is not read.
   */
  readonly agreementScore?: number | null;
  /** The answer in canonical form (e.g. the label key), compared for SAME_ANSWER_SHARE. */
  readonly answerKey: string | number;
}

/** Codes of `WorkerHistory.gold`. */
export const GoldOutcome = { NotGold: -1, Wrong: 0, Correct: 1 } as const;
/** Codes of `WorkerHistory.consensus`. */
export const ConsensusOutcome = { Unknown: -1, Disagreed: 0, Agreed: 1 } as const;

/**
 * A worker's answers column-wise, oldest first; entries at index ≥ `length` are spare capacity.
 * `answer[i]` is a dense id of the answer key (`answerKeys[answer[i]]`).
 */
export interface WorkerHistory {
  readonly length: number;
  readonly submittedAt: Float64Array;
  readonly durationMs: Float64Array;
  /** GoldOutcome codes. */
  readonly gold: Int8Array;
  /** ConsensusOutcome codes: whether the answer has an agreement figure (Unknown: none). */
  readonly consensus: Int8Array;
  /** The answer's agreement in [0, 1] (1 or 0 for agreed / disagreed); NaN when Unknown. */
  readonly agreement: Float64Array;
  readonly answer: Int32Array;
  readonly answerKeys: readonly (string | number)[];
}

/**
 * Builds a `WorkerHistory` answer by answer (capacity doubles as needed). Answers must come in
 * submission order; `history()` is a view of the current contents, valid until the next `add`.
 */
export class WorkerHistoryBuilder {
  private size = 0;
  private submittedAt = new Float64Array(16);
  private durationMs = new Float64Array(16);
  private gold = new Int8Array(16);
  private consensus = new Int8Array(16);
  private agreement = new Float64Array(16);
  private answer = new Int32Array(16);
  private readonly answerKeys: (string | number)[] = [];
  private readonly answerIds = new Map<string | number, number>();

  /** Appends one answer; throws RangeError for malformed events or out-of-order times. */
  add(event: AnswerEvent): void {
    checkEvent(event);
    if (this.size > 0 && event.submittedAt < this.submittedAt[this.size - 1]) {
      throw new RangeError(
        `answers must be added in submission order: ${event.submittedAt} < ${this.submittedAt[this.size - 1]}`,
      );
    }
    if (this.size === this.submittedAt.length) this.grow();
    const i = this.size++;
    this.submittedAt[i] = event.submittedAt;
    this.durationMs[i] = event.durationMs;
    this.gold[i] = !event.isGold
      ? GoldOutcome.NotGold
      : event.goldCorrect
        ? GoldOutcome.Correct
        : GoldOutcome.Wrong;
    const score =
      event.agreementScore !== undefined
        ? (event.agreementScore ?? NaN)
        : event.agreedWithConfidentConsensus === null
          ? NaN
          : Number(event.agreedWithConfidentConsensus);
    this.agreement[i] = score;
    this.consensus[i] = Number.isNaN(score)
      ? ConsensusOutcome.Unknown
      : score === 1
        ? ConsensusOutcome.Agreed
        : ConsensusOutcome.Disagreed;
    let id = this.answerIds.get(event.answerKey);
    if (id === undefined) {
      id = this.answerKeys.length;
      this.answerKeys.push(event.answerKey);
      this.answerIds.set(event.answerKey, id);
    }
    this.answer[i] = id;
  }

  /** The answers added so far. */
  history(): WorkerHistory {
    return {
      length: this.size,
      submittedAt: this.submittedAt,
      durationMs: this.durationMs,
      gold: this.gold,
      consensus: this.consensus,
      agreement: this.agreement,
      answer: this.answer,
      answerKeys: this.answerKeys,
    };
  }

  private grow(): void {
    const capacity = this.submittedAt.length * 2;
    this.submittedAt = copyInto(new Float64Array(capacity), this.submittedAt);
    this.durationMs = copyInto(new Float64Array(capacity), this.durationMs);
    this.gold = copyInto(new Int8Array(capacity), this.gold);
    this.consensus = copyInto(new Int8Array(capacity), this.consensus);
    this.agreement = copyInto(new Float64Array(capacity), this.agreement);
    this.answer = copyInto(new Int32Array(capacity), this.answer);
  }
}

/**
 * A `WorkerHistory` from events in any order: sorted by submission time (stable, so answers
 * with equal times keep their given order). Throws RangeError for malformed events.
 */
export function historyFromEvents(events: readonly AnswerEvent[]): WorkerHistory {
  const order = events.map((_, i) => i);
  order.sort((a, b) => events[a].submittedAt - events[b].submittedAt || a - b);
  const builder = new WorkerHistoryBuilder();
  for (const i of order) builder.add(events[i]);
  return builder.history();
}

function checkEvent(event: AnswerEvent): void {
  if (!Number.isFinite(event.submittedAt)) {
    throw new RangeError(`submittedAt must be a finite number, got ${event.submittedAt}`);
  }
  if (!(event.durationMs >= 0 && Number.isFinite(event.durationMs))) {
    throw new RangeError(
      `durationMs must be a finite non-negative number, got ${event.durationMs}`,
    );
  }
  const score = event.agreementScore;
  if (score != null && !(score >= 0 && score <= 1)) {
    throw new RangeError(`agreementScore must be in [0, 1] or null, got ${score}`);
  }
  if (event.isGold !== (event.goldCorrect !== null)) {
    throw new RangeError('goldCorrect must be a boolean for gold tasks and null for other tasks');
  }
}

function copyInto<T extends Float64Array | Int8Array | Int32Array>(target: T, source: T): T {
  target.set(source as never);
  return target;
}
