/**
 * Dry-run: what a project's quality rules would have done over its history, without acting.
 *
 * Replays every answer in submission order (equal times ordered by worker id, then task id, then
 * the given order, so a shuffled history gives the same report) and, after each
 * answer, evaluates every rule for that worker with `evaluateRule`, exactly as the live hook
 * does after a submit. Effects are simulated only as far as the replay itself needs them:
 *
 * - BLOCK (either scope: inside one project both stop the worker) sets the worker's simulated
 *   block until now + durationSeconds (forever without a duration); UNBLOCK lifts it. Answers the
 *   worker submitted while the simulated block was on would not have existed: they are counted
 *   in `answersPrevented` and left out of the worker's replayed history (not evaluated). What the
 *   other workers would have answered instead is not modelled.
 * - FLAG marks the worker flagged (until the flag's duration runs out).
 * - REOPEN_TASKS reports how many of the worker's answers it would have excluded (`WINDOW`: the
 *   evidence window's; `ALL`: all replayed so far).
 * - REJECT_PENDING and NOTIFY are only reported: review times are not part of the history.
 *
 * Caveat: `agreedWithConfidentConsensus` comes from the events as given; a replay built from
 * today's consensus judges early answers with hindsight that the live rule did not have.
 *
 * Cost: O(answers × rules × window) time, O(answers) memory.
 */
import { evaluateRule, INITIAL_RULE_STATE, type RuleDecision, RuleState } from './evaluate-rule';
import type { QualityRule } from './quality-rule';
import { AnswerEvent, WorkerHistoryBuilder } from './worker-history';

/** An answer of a project's history: whose it was, and optionally on which task. */
export interface ProjectAnswerEvent extends AnswerEvent {
  readonly workerId: string;
  readonly taskId?: string;
}

/** One time a rule would have fired: what the live rule's decision would have carried, and when. */
export interface DryRunFiring extends Pick<
  RuleDecision,
  'actions' | 'evidence' | 'conditions' | 'reason'
> {
  /** Index of the rule in the list given to `dryRunRules`. */
  readonly ruleIndex: number;
  readonly ruleName: string;
  readonly workerId: string;
  /** Submission time of the answer after which it fired (ms since the epoch). */
  readonly at: number;
  /** REOPEN_TASKS: the worker's answers it would have excluded; null without REOPEN_TASKS. */
  readonly answersToExclude: number | null;
}

/** What the rules would have done to one worker. */
export interface DryRunWorker {
  readonly workerId: string;
  /** Answers in the history. */
  readonly answers: number;
  /** Answers replayed (not prevented by a simulated block). */
  readonly answersReplayed: number;
  /** Answers submitted while the worker would have been blocked. */
  readonly answersPrevented: number;
  readonly firings: number;
  readonly firstFiredAt: number | null;
  /** Blocked at the end of the replay, and until when (null: no end). */
  readonly blockedAtEnd: boolean;
  readonly blockedUntil: number | null;
  /** Flagged at the end of the replay. */
  readonly flaggedAtEnd: boolean;
}

/** The outcome of a dry-run. */
export interface DryRunReport {
  /** Every firing, in time order. */
  readonly firings: readonly DryRunFiring[];
  /** Every worker of the history, in order of their first answer (ties by worker id). */
  readonly workers: readonly DryRunWorker[];
  readonly totals: {
    readonly answers: number;
    readonly workers: number;
    readonly firings: number;
    /** Workers at least one rule fired for. */
    readonly workersTouched: number;
    readonly workersBlockedAtEnd: number;
    readonly workersFlaggedAtEnd: number;
    readonly answersPrevented: number;
  };
  /** Time span replayed; null for an empty history. */
  readonly from: number | null;
  readonly to: number | null;
}

/** Options of `dryRunRules`. */
export interface DryRunOptions {
  /** "Now" at the end of the replay, for blocked/flagged-at-end; default the last answer's time. */
  readonly endAt?: number;
}

/**
 * Replays `events` through `rules` (validated rules, see quality-rule.ts) and reports what they
 * would have done; see the file header. Throws RangeError for malformed events.
 */
export function dryRunRules(
  rules: readonly QualityRule[],
  events: readonly ProjectAnswerEvent[],
  options: DryRunOptions = {},
): DryRunReport {
  const order = events.map((_, i) => i);
  order.sort(
    (a, b) =>
      events[a].submittedAt - events[b].submittedAt ||
      compareStrings(events[a].workerId, events[b].workerId) ||
      compareStrings(events[a].taskId ?? '', events[b].taskId ?? '') ||
      a - b,
  );

  const workers = new Map<string, ReplayedWorker>();
  const firings: DryRunFiring[] = [];

  for (const e of order) {
    const event = events[e];
    let worker = workers.get(event.workerId);
    if (!worker) {
      worker = new ReplayedWorker(event.workerId, rules.length);
      workers.set(event.workerId, worker);
    }
    worker.answers++;
    const at = event.submittedAt;
    if (at < worker.blockedUntil) {
      worker.answersPrevented++;
      continue;
    }
    worker.history.add(event);
    worker.answersReplayed++;
    const history = worker.history.history();

    rules.forEach((rule, ruleIndex) => {
      const decision = evaluateRule(rule, history, at, worker.states[ruleIndex]);
      worker.states[ruleIndex] = decision.state;
      if (!decision.fired) return;
      let answersToExclude: number | null = null;
      for (const action of decision.actions) {
        switch (action.kind) {
          case 'BLOCK':
            worker.blockedUntil = until(at, action.durationSeconds);
            break;
          case 'UNBLOCK':
            worker.blockedUntil = -Infinity;
            break;
          case 'FLAG':
            worker.flaggedUntil = Math.max(worker.flaggedUntil, until(at, action.durationSeconds));
            break;
          case 'REOPEN_TASKS':
            answersToExclude = Math.max(
              answersToExclude ?? 0,
              action.answers === 'WINDOW' ? decision.evidence.count : history.length,
            );
            break;
          case 'REJECT_PENDING':
          case 'NOTIFY':
            break;
        }
      }
      worker.firings++;
      worker.firstFiredAt ??= at;
      firings.push({
        ruleIndex,
        ruleName: rule.name,
        workerId: worker.id,
        at,
        actions: decision.actions,
        evidence: decision.evidence,
        conditions: decision.conditions,
        reason: decision.reason,
        answersToExclude,
      });
    });
  }

  const from = order.length > 0 ? events[order[0]].submittedAt : null;
  const to = order.length > 0 ? events[order[order.length - 1]].submittedAt : null;
  const endAt = options.endAt ?? to ?? 0;
  const summaries = [...workers.values()].map((w): DryRunWorker => ({
    workerId: w.id,
    answers: w.answers,
    answersReplayed: w.answersReplayed,
    answersPrevented: w.answersPrevented,
    firings: w.firings,
    firstFiredAt: w.firstFiredAt,
    // Blocked at time T while T < blockedUntil, as during the replay.
    blockedAtEnd: endAt < w.blockedUntil,
    blockedUntil: endAt < w.blockedUntil && Number.isFinite(w.blockedUntil) ? w.blockedUntil : null,
    flaggedAtEnd: endAt < w.flaggedUntil,
  }));
  return {
    firings,
    workers: summaries,
    totals: {
      answers: events.length,
      workers: summaries.length,
      firings: firings.length,
      workersTouched: summaries.filter(w => w.firings > 0).length,
      workersBlockedAtEnd: summaries.filter(w => w.blockedAtEnd).length,
      workersFlaggedAtEnd: summaries.filter(w => w.flaggedAtEnd).length,
      answersPrevented: summaries.reduce((sum, w) => sum + w.answersPrevented, 0),
    },
    from,
    to,
  };
}

/** Replay state of one worker. */
class ReplayedWorker {
  readonly history = new WorkerHistoryBuilder();
  readonly states: RuleState[];
  answers = 0;
  answersReplayed = 0;
  answersPrevented = 0;
  firings = 0;
  firstFiredAt: number | null = null;
  blockedUntil = -Infinity;
  flaggedUntil = -Infinity;

  constructor(
    readonly id: string,
    rules: number,
  ) {
    this.states = new Array<RuleState>(rules).fill(INITIAL_RULE_STATE);
  }
}

function until(at: number, durationSeconds: number | null): number {
  return durationSeconds === null ? Infinity : at + durationSeconds * 1000;
}

/** Code-unit order, independent of locale. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
