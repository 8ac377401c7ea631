/**
 * Deciding what a quality rule does for one worker, after each of their answers (live) or at each
 * answer of a replay (dry-run, see dry-run.ts): the same function for both, so a dry-run shows
 * exactly what the live rule would have done.
 *
 * A rule's conditions are met when its evidence is sufficient (n ≥ minCount) and every condition
 * holds (NaN never satisfies a comparison). Firing is edge-triggered: a rule that fired is
 * disarmed, and does not act again on every following answer while the same evidence stands.
 * When it re-arms depends on what it did (`rearmPolicy`):
 *
 *   - it blocks or flags, and every BLOCK/FLAG has a duration: once the longest has run out
 *     (now ≥ lastFiredAt + duration). A worker whose 7-day block ended and whose window still
 *     shows the same accuracy at their next answer is blocked again; one who improved is not.
 *   - it blocks or flags without a duration: never by itself. The effect lasts until a person
 *     lifts it, and the service then resets the rule's state for that worker
 *     (INITIAL_RULE_STATE). Without this, a figure hovering around its threshold would flag the
 *     same worker again at every crossing.
 *   - it only notifies, rejects or re-opens: when its conditions stop holding, so it acts once
 *     per episode.
 *
 * Then: armed ∧ met → fire and disarm (lastFiredAt = now). The state is per (rule, worker) and is
 * the caller's to store.
 */
import {
  CollectorEvidence,
  collectEvidence,
  type HistoryNeed,
  relevantAnswers,
} from './collect-evidence';
import {
  ComparisonOp,
  isTimeMetric,
  QualityAction,
  QualityRule,
  RuleCondition,
} from './quality-rule';
import type { WorkerHistory } from './worker-history';

/** Firing state of one rule for one worker; start from `INITIAL_RULE_STATE`. */
export interface RuleState {
  readonly armed: boolean;
  /** Time the rule last fired for this worker (ms since the epoch); null if never. */
  readonly lastFiredAt: number | null;
}

/** A rule that has never fired for the worker. */
export const INITIAL_RULE_STATE: RuleState = { armed: true, lastFiredAt: null };

/** A condition with the value it was tested against. */
export interface ConditionResult extends RuleCondition {
  /** The metric's value; NaN when undefined (empty window). */
  readonly actual: number;
  readonly holds: boolean;
}

/** What `evaluateRule` decided, with everything an audit log entry needs. */
export interface RuleDecision {
  /** Evidence sufficient and every condition holds. */
  readonly conditionsMet: boolean;
  /** The rule fires now: carry out `actions`. */
  readonly fired: boolean;
  /** The rule's actions when it fired, else empty. */
  readonly actions: readonly QualityAction[];
  readonly evidence: CollectorEvidence;
  /** Each condition with its tested value (all false when evidence is insufficient). */
  readonly conditions: readonly ConditionResult[];
  /** The state to store for the next evaluation. */
  readonly state: RuleState;
  /** One line for people (audit log, the worker's "why was I blocked"): figures, no answers. */
  readonly reason: string;
}

/**
 * Evaluates `rule` for one worker at time `now` over the answers `[0, end)` of `history`.
 *
 * @example
 *   const decision = evaluateRule(rule, historyFromEvents(events), ctx.now().getTime(), stored);
 *   if (decision.fired) await applyActions(decision.actions, decision.evidence);
 *   await saveState(decision.state);
 */
export function evaluateRule(
  rule: QualityRule,
  history: WorkerHistory,
  now: number,
  state: RuleState = INITIAL_RULE_STATE,
  end: number = history.length,
): RuleDecision {
  const evidence = collectEvidence(rule.collector, history, now, end);
  const conditions = rule.conditions.map(condition => {
    const actual = evidence.metrics[condition.metric] ?? NaN;
    return {
      ...condition,
      actual,
      holds: evidence.sufficient && compare(actual, condition.op, condition.value),
    };
  });
  const conditionsMet = evidence.sufficient && conditions.every(c => c.holds);

  const policy = rearmPolicy(rule);
  const armed =
    state.armed ||
    (policy.kind === 'AFTER' &&
      state.lastFiredAt !== null &&
      now >= state.lastFiredAt + policy.seconds * 1000) ||
    (policy.kind === 'WHEN_CLEAR' && !conditionsMet);
  const fired = armed && conditionsMet;
  const next: RuleState = fired
    ? { armed: false, lastFiredAt: now }
    : armed === state.armed
      ? state
      : { armed, lastFiredAt: state.lastFiredAt };
  return {
    conditionsMet,
    fired,
    actions: fired ? rule.actions : [],
    evidence,
    conditions,
    state: next,
    reason: describeEvidence(rule, evidence, conditions),
  };
}

/** When a rule that fired may fire again for the same worker; see the file header. */
export type RearmPolicy =
  | { readonly kind: 'AFTER'; readonly seconds: number }
  | { readonly kind: 'NEVER' }
  | { readonly kind: 'WHEN_CLEAR' };

/** The re-arm policy implied by a rule's actions; see the file header. */
export function rearmPolicy(rule: QualityRule): RearmPolicy {
  let longest: number | null = null;
  for (const action of rule.actions) {
    if (action.kind !== 'BLOCK' && action.kind !== 'FLAG') continue;
    if (action.durationSeconds === null) return { kind: 'NEVER' };
    longest = Math.max(longest ?? 0, action.durationSeconds);
  }
  return longest === null ? { kind: 'WHEN_CLEAR' } : { kind: 'AFTER', seconds: longest };
}

/**
 * A sentence stating the evidence and the conditions, e.g.
 * `gold accuracy 40.0% (4 of 10, 95% CI 16.8–68.7%) over the last 10 gold answers; accuracyUpper < 0.7: yes`.
 */
export function describeEvidence(
  rule: QualityRule,
  evidence: CollectorEvidence,
  conditions: readonly ConditionResult[],
): string {
  const scopeText = describeWindow(rule, evidence);
  let figures: string;
  switch (evidence.kind) {
    case 'GOLD_ACCURACY':
    case 'CONSENSUS_AGREEMENT': {
      const gold = evidence.kind === 'GOLD_ACCURACY';
      const value = gold ? evidence.metrics.accuracy : evidence.metrics.agreement;
      const lower = gold ? evidence.metrics.accuracyLower : evidence.metrics.agreementLower;
      const upper = gold ? evidence.metrics.accuracyUpper : evidence.metrics.agreementUpper;
      const level = Math.round((evidence.confidenceLevel ?? 0.95) * 100);
      figures =
        evidence.count === 0
          ? `${gold ? 'gold accuracy' : 'agreement with confident consensus'}: no answers`
          : `${gold ? 'gold accuracy' : 'agreement with confident consensus'} ${percent(value)} (${evidence.successes} of ${evidence.count}, ${level}% CI ${percent(lower, false)}–${percent(upper)})`;
      break;
    }
    case 'ANSWER_TIME':
      figures = `median answer time ${seconds(evidence.metrics.medianSeconds)}`;
      break;
    case 'SAME_ANSWER_SHARE':
      figures = `same answer on ${percent(evidence.metrics.share)} (${evidence.successes ?? 0} of ${evidence.count})`;
      break;
  }
  const tests = evidence.sufficient
    ? conditions
        .map(
          c =>
            `${c.metric} ${c.op} ${formatThreshold(c.metric, c.value)}: ${c.holds ? 'yes' : 'no'}`,
        )
        .join(', ')
    : `not enough evidence (${evidence.count} < minCount ${evidence.minCount})`;
  return `${figures} ${scopeText}; ${tests}`;
}

function compare(actual: number, op: ComparisonOp, threshold: number): boolean {
  switch (op) {
    case '<':
      return actual < threshold;
    case '<=':
      return actual <= threshold;
    case '>':
      return actual > threshold;
    case '>=':
      return actual >= threshold;
  }
}

/** How a reason names the answers a collector counts. */
const WINDOW_NOUNS: Readonly<Record<HistoryNeed['relevant'], string>> = {
  GOLD: 'gold answers',
  CONFIDENT_CONSENSUS: 'answers with a confident consensus',
  ALL: 'answers',
};

function describeWindow(rule: QualityRule, evidence: CollectorEvidence): string {
  const what = WINDOW_NOUNS[relevantAnswers(evidence.kind)];
  const { lastN, sinceSeconds } = rule.collector.window;
  const parts: string[] = [];
  if (lastN !== null) parts.push(`the last ${lastN} ${what}`);
  if (sinceSeconds !== null)
    parts.push(`${lastN === null ? `${what} of ` : ''}the last ${duration(sinceSeconds)}`);
  return parts.length === 0 ? `over all ${what}` : `over ${parts.join(' within ')}`;
}

function percent(value: number | undefined, withSign = true): string {
  if (value === undefined || Number.isNaN(value)) return 'n/a';
  return `${(value * 100).toFixed(1)}${withSign ? '%' : ''}`;
}

function seconds(value: number | undefined): string {
  return value === undefined || Number.isNaN(value) ? 'n/a' : `${value.toFixed(1)} s`;
}

function formatThreshold(metric: RuleCondition['metric'], value: number): string {
  return isTimeMetric(metric) ? `${value} s` : String(value);
}

function duration(totalSeconds: number): string {
  const units: [number, string][] = [
    [86400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, name] of units) {
    if (totalSeconds % size === 0) {
      const n = totalSeconds / size;
      return n === 1 ? name : `${n} ${name}s`;
    }
  }
  return `${totalSeconds} seconds`;
}
