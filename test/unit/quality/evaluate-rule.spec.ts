import {
  evaluateRule,
  INITIAL_RULE_STATE,
  rearmPolicy,
  RuleState,
} from '../../../src/modules/quality/algorithms/evaluate-rule';
import {
  parseQualityRule,
  QualityRule,
} from '../../../src/modules/quality/algorithms/quality-rule';
import {
  AnswerEvent,
  historyFromEvents,
  WorkerHistoryBuilder,
} from '../../../src/modules/quality/algorithms/worker-history';
import { answerAt, HOUR, MINUTE } from '../../fixtures/quality/answer-events';

/** A 20-second gold answer at `minute`, right or wrong. */
const gold = (minute: number, correct: boolean): AnswerEvent =>
  answerAt(minute, {
    durationMs: 20_000,
    isGold: true,
    goldCorrect: correct,
    answerKey: correct ? 'right' : 'wrong',
  });

/** Gold answers one a minute from minute 1, right or wrong as `correct` says in turn. */
const golds = (...correct: boolean[]) => correct.map((right, i) => gold(i + 1, right));

/** Takes `action` (by default a one-hour block) when gold accuracy < 0.5 after 4 golds. */
function goldRule(action: object = { kind: 'BLOCK', durationSeconds: 3600 }): QualityRule {
  return parseQualityRule({
    name: 'gold below 50%',
    collector: { kind: 'GOLD_ACCURACY', window: { lastN: 4 }, minCount: 4 },
    conditions: [{ metric: 'accuracy', op: '<', value: 0.5 }],
    action,
  });
}

/** Evaluates `rule` after each answer in turn, threading the state; returns the decisions. */
function replay(rule: QualityRule, events: AnswerEvent[], state: RuleState = INITIAL_RULE_STATE) {
  const builder = new WorkerHistoryBuilder();
  return events.map(event => {
    builder.add(event);
    const decision = evaluateRule(rule, builder.history(), event.submittedAt, state);
    state = decision.state;
    return decision;
  });
}

describe(evaluateRule.name, () => {
  it('fires once the evidence is sufficient and the conditions hold, with its actions', () => {
    const decisions = replay(goldRule(), golds(false, false, true, false));
    expect(decisions.map(d => d.fired)).toEqual([false, false, false, true]);
    const last = decisions[3];
    expect(last.actions).toEqual([{ kind: 'BLOCK', scope: 'PROJECT', durationSeconds: 3600 }]);
    expect(last.state).toEqual({ armed: false, lastFiredAt: 4 * MINUTE });
    expect(last.evidence).toMatchObject({ count: 4, successes: 1, sufficient: true });
    expect(last.conditions).toEqual([
      { metric: 'accuracy', op: '<', value: 0.5, actual: 0.25, holds: true },
    ]);
  });

  it('does not act on insufficient evidence, however bad it looks', () => {
    const decisions = replay(goldRule(), golds(false, false, false));
    expect(decisions.every(d => !d.fired && !d.conditionsMet)).toBe(true);
    expect(decisions[2].conditions[0]).toMatchObject({ actual: 0, holds: false });
    expect(decisions[2].reason).toContain('not enough evidence (3 < minCount 4)');
  });

  it('fires a notify-only rule once per episode: re-armed when its conditions clear', () => {
    const notify = goldRule({ kind: 'NOTIFY' });
    const events = [
      ...[1, 2, 3, 4].map(m => gold(m, false)), // fires at 4
      gold(5, false), // still bad: no second firing
      gold(6, true),
      gold(7, true), // 2 of 4: conditions clear, re-armed
      gold(8, false),
      gold(9, false), // 2 of 4 right (6, 7): not < 0.5
      gold(10, false), // 1 of 4: fires again
    ];
    const decisions = replay(notify, events);
    expect(decisions.map(d => d.fired)).toEqual([
      false,
      false,
      false,
      true,
      false,
      false,
      false,
      false,
      false,
      true,
    ]);
    expect(decisions[5].state.armed).toBe(false);
    expect(decisions[6].state).toEqual({ armed: true, lastFiredAt: 4 * MINUTE });
  });

  it('never fires a permanent block or flag twice, even across episodes', () => {
    const events = [1, 2, 3, 4].map(m => gold(m, false));
    events.push(gold(6, true), gold(7, true), ...[8, 9, 10].map(m => gold(m, false)));
    const decisions = replay(goldRule({ kind: 'BLOCK' }), events);
    expect(decisions.filter(d => d.fired)).toHaveLength(1);
    expect(decisions.at(-1)!.conditionsMet).toBe(true);
    // The service resets the state when a person lifts the block: then it fires again.
    const history = historyFromEvents(events);
    expect(
      evaluateRule(goldRule({ kind: 'BLOCK' }), history, 11 * MINUTE, INITIAL_RULE_STATE).fired,
    ).toBe(true);
  });

  it('fires again after the block it imposed has run out, if the evidence still holds', () => {
    const rule = goldRule({ kind: 'BLOCK', durationSeconds: 3600 });
    const fired = replay(
      rule,
      [1, 2, 3, 4].map(m => gold(m, false)),
    );
    const state = fired[3].state;
    const history = historyFromEvents([1, 2, 3, 4, 70].map(m => gold(m, false)));
    // 59 minutes after firing: still disarmed.
    const early = evaluateRule(rule, history, 4 * MINUTE + HOUR - 1, state);
    expect(early.fired).toBe(false);
    // One hour after: fires again.
    const late = evaluateRule(rule, history, 4 * MINUTE + HOUR, state);
    expect(late.fired).toBe(true);
    expect(late.state.lastFiredAt).toBe(4 * MINUTE + HOUR);
  });

  it('requires every condition (AND)', () => {
    const rule = parseQualityRule({
      name: 'low and surely low',
      collector: { kind: 'GOLD_ACCURACY', minCount: 2 },
      conditions: [
        { metric: 'accuracy', op: '<', value: 0.5 },
        { metric: 'accuracyUpper', op: '<', value: 0.5 },
      ],
      action: { kind: 'FLAG' },
    });
    // 1 of 4: accuracy 0.25 but the Wilson upper bound is 0.70: not sure enough.
    const few = historyFromEvents(golds(true, false, false, false));
    const fewDecision = evaluateRule(rule, few, 5 * MINUTE);
    expect(fewDecision.conditions.map(c => c.holds)).toEqual([true, false]);
    expect(fewDecision.fired).toBe(false);
    // 1 of 20: the upper bound falls to 0.24.
    const many = historyFromEvents(Array.from({ length: 20 }, (_, i) => gold(i, i === 0)));
    expect(evaluateRule(rule, many, 30 * MINUTE).fired).toBe(true);
  });

  it('states the figures in its reason, without answers', () => {
    const decision = replay(goldRule(), golds(false, true, false, false))[3];
    expect(decision.reason).toMatch(
      /^gold accuracy 25\.0% \(1 of 4, 95% CI 4\.6–69\.9%\) over the last 4 gold answers; accuracy < 0\.5: yes$/,
    );
  });

  it('describes time windows and time metrics', () => {
    const rule = parseQualityRule({
      name: 'fast',
      collector: { kind: 'ANSWER_TIME', window: { sinceSeconds: 3600 }, minCount: 1 },
      conditions: [{ metric: 'medianSeconds', op: '<', value: 30 }],
      action: { kind: 'FLAG' },
    });
    const decision = evaluateRule(rule, historyFromEvents(golds(true)), 2 * MINUTE);
    expect(decision.reason).toBe(
      'median answer time 20.0 s over answers of the last hour; medianSeconds < 30 s: yes',
    );
    expect(decision.fired).toBe(true);
  });
});

describe(rearmPolicy.name, () => {
  const withActions = (action: unknown) =>
    parseQualityRule({
      name: 'r',
      collector: { kind: 'GOLD_ACCURACY', minCount: 1 },
      conditions: [{ metric: 'accuracy', op: '<', value: 0.5 }],
      action,
    });

  it('waits for the longest timed BLOCK or FLAG, never re-arms a permanent one, else re-arms on clearing', () => {
    expect(
      rearmPolicy(
        withActions([
          { kind: 'BLOCK', durationSeconds: 60 },
          { kind: 'FLAG', durationSeconds: 600 },
        ]),
      ),
    ).toEqual({ kind: 'AFTER', seconds: 600 });
    expect(
      rearmPolicy(withActions([{ kind: 'BLOCK', durationSeconds: 60 }, { kind: 'FLAG' }])),
    ).toEqual({ kind: 'NEVER' });
    expect(rearmPolicy(withActions([{ kind: 'NOTIFY' }, { kind: 'REJECT_PENDING' }]))).toEqual({
      kind: 'WHEN_CLEAR',
    });
  });
});
