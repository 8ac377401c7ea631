import {
  InvalidQualityRuleError,
  parseQualityRule,
  validateQualityRule,
} from '../../../src/modules/quality/algorithms/quality-rule';

/** A valid rule; tests override one part at a time. */
function goldRule(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'gold below 70%',
    collector: { kind: 'GOLD_ACCURACY', window: { lastN: 20 }, minCount: 8 },
    conditions: [{ metric: 'accuracyUpper', op: '<', value: 0.7 }],
    action: { kind: 'BLOCK', scope: 'PROJECT', durationSeconds: 604800 },
    ...overrides,
  };
}

/** The paths of the issues found, for compact assertions. */
function issuePaths(input: unknown): string[] {
  const result = validateQualityRule(input);
  return result.ok ? [] : result.issues.map(i => i.path);
}

/** The issue paths of the default gold rule with these `conditions` instead of its own. */
const conditionIssues = (...conditions: object[]) => issuePaths(goldRule({ conditions }));

describe('validateQualityRule', () => {
  it('normalises a valid rule: one action becomes a list, defaults filled in', () => {
    const result = validateQualityRule(goldRule());
    expect(result).toEqual({
      ok: true,
      rule: {
        name: 'gold below 70%',
        collector: {
          kind: 'GOLD_ACCURACY',
          window: { lastN: 20, sinceSeconds: null },
          minCount: 8,
          confidenceLevel: 0.95,
        },
        conditions: [{ metric: 'accuracyUpper', op: '<', value: 0.7 }],
        actions: [{ kind: 'BLOCK', scope: 'PROJECT', durationSeconds: 604800 }],
      },
    });
  });

  it('accepts each of the issue examples', () => {
    const examples = [
      goldRule({ action: { kind: 'BLOCK', scope: 'GLOBAL' } }),
      {
        name: 'too fast',
        collector: { kind: 'ANSWER_TIME', window: { lastN: 10 }, minCount: 10 },
        conditions: [{ metric: 'medianSeconds', op: '<', value: 2.5 }],
        action: [{ kind: 'FLAG' }, { kind: 'NOTIFY', to: ['ADMINS', 'REQUESTER'] }],
      },
      {
        name: 'disagrees with consensus',
        collector: {
          kind: 'CONSENSUS_AGREEMENT',
          window: { lastN: 50, sinceSeconds: 86400 },
          minCount: 20,
        },
        conditions: [{ metric: 'agreement', op: '<', value: 0.5 }],
        action: [
          { kind: 'BLOCK', durationSeconds: 86400 },
          { kind: 'REJECT_PENDING' },
          { kind: 'REOPEN_TASKS', answers: 'WINDOW' },
        ],
      },
      {
        name: 'same answer',
        collector: { kind: 'SAME_ANSWER_SHARE', window: { lastN: 30 }, minCount: 30 },
        conditions: [{ metric: 'share', op: '>', value: 0.9 }],
        action: { kind: 'FLAG', durationSeconds: 3600 },
      },
    ];
    for (const example of examples) expect(validateQualityRule(example).ok).toBe(true);
  });

  it('fills action defaults: PROJECT scope, REOPEN_TASKS on all answers, NOTIFY the requester', () => {
    const rule = parseQualityRule(
      goldRule({ action: [{ kind: 'REOPEN_TASKS' }, { kind: 'NOTIFY' }, { kind: 'FLAG' }] }),
    );
    expect(rule.actions).toEqual([
      { kind: 'REOPEN_TASKS', scope: 'PROJECT', answers: 'ALL' },
      { kind: 'NOTIFY', scope: 'PROJECT', to: ['REQUESTER'] },
      { kind: 'FLAG', scope: 'PROJECT', durationSeconds: null },
    ]);
  });

  it('rejects an unknown collector at $.collector.kind', () => {
    const result = validateQualityRule(
      goldRule({ collector: { kind: 'GOLD_ACCURACYY', minCount: 3 } }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0]).toMatchObject({
      path: '$.collector.kind',
      segments: ['collector', 'kind'],
    });
    expect(result.issues[0].message).toContain('GOLD_ACCURACY');
  });

  it.each([
    ['accuracy above 1', { metric: 'accuracy', op: '<', value: 1.2 }, '$.conditions[0].value'],
    ['accuracy below 0', { metric: 'accuracy', op: '>', value: -0.1 }, '$.conditions[0].value'],
    ['a negative time', { metric: 'medianSeconds', op: '<', value: -1 }, '$.conditions[0].value'],
    ['share above 1', { metric: 'share', op: '>', value: 1.5 }, '$.conditions[0].value'],
    ['an unknown metric', { metric: 'precision', op: '<', value: 0.5 }, '$.conditions[0].metric'],
    ['an unknown operator', { metric: 'accuracy', op: '==', value: 0.5 }, '$.conditions[0].op'],
    [
      'a threshold that is not a number',
      { metric: 'accuracy', op: '<', value: '0.5' },
      '$.conditions[0].value',
    ],
  ])('rejects %s with the field path', (_, condition, path) => {
    const kind =
      String(condition.metric) === 'medianSeconds'
        ? 'ANSWER_TIME'
        : String(condition.metric) === 'share'
          ? 'SAME_ANSWER_SHARE'
          : 'GOLD_ACCURACY';
    expect(
      issuePaths(goldRule({ collector: { kind, minCount: 5 }, conditions: [condition] })),
    ).toEqual([path]);
  });

  it('rejects conditions that can never hold, alone or together', () => {
    expect(conditionIssues({ metric: 'accuracy', op: '<', value: 0 })).toEqual(['$.conditions[0]']);
    expect(conditionIssues({ metric: 'accuracy', op: '>', value: 1 })).toEqual(['$.conditions[0]']);
    expect(
      conditionIssues(
        { metric: 'accuracy', op: '>', value: 0.8 },
        { metric: 'accuracyUpper', op: '<', value: 0.5 },
        { metric: 'accuracy', op: '<=', value: 0.8 },
      ),
    ).toEqual(['$.conditions[2]']);
    // Touching closed bounds leave exactly one value: allowed.
    expect(
      conditionIssues(
        { metric: 'accuracy', op: '>=', value: 0.5 },
        { metric: 'accuracy', op: '<=', value: 0.5 },
      ),
    ).toEqual([]);
  });

  it('accepts thresholds at the edge of the range that can still hold', () => {
    expect(conditionIssues({ metric: 'accuracy', op: '<=', value: 0 })).toEqual([]);
    expect(conditionIssues({ metric: 'accuracy', op: '>=', value: 1 })).toEqual([]);
  });

  it('rejects a metric the collector does not compute', () => {
    const result = validateQualityRule(
      goldRule({ conditions: [{ metric: 'medianSeconds', op: '<', value: 3 }] }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues[0].path).toBe('$.conditions[0].metric');
    expect(result.issues[0].message).toContain('accuracy, accuracyLower, accuracyUpper');
  });

  it('rejects windows of fewer than one answer and minCount above lastN', () => {
    expect(
      issuePaths(
        goldRule({ collector: { kind: 'GOLD_ACCURACY', window: { lastN: 0 }, minCount: 1 } }),
      ),
    ).toEqual(['$.collector.window.lastN']);
    expect(
      issuePaths(
        goldRule({ collector: { kind: 'GOLD_ACCURACY', window: { lastN: 5 }, minCount: 8 } }),
      ),
    ).toEqual(['$.collector.minCount']);
    expect(
      issuePaths(
        goldRule({
          collector: { kind: 'GOLD_ACCURACY', window: { sinceSeconds: -60 }, minCount: 1 },
        }),
      ),
    ).toEqual(['$.collector.window.sinceSeconds']);
    expect(issuePaths(goldRule({ collector: { kind: 'GOLD_ACCURACY', minCount: 0 } }))).toEqual([
      '$.collector.minCount',
    ]);
    expect(
      issuePaths(
        goldRule({ collector: { kind: 'GOLD_ACCURACY', window: { lastN: 2.5 }, minCount: 1 } }),
      ),
    ).toEqual(['$.collector.window.lastN']);
  });

  it('rejects a confidence level on a collector without an interval', () => {
    expect(
      issuePaths({
        name: 'fast',
        collector: { kind: 'ANSWER_TIME', minCount: 5, confidenceLevel: 0.9 },
        conditions: [{ metric: 'medianSeconds', op: '<', value: 2 }],
        action: { kind: 'FLAG' },
      }),
    ).toEqual(['$.collector.confidenceLevel']);
  });

  it.each([
    ['missing', undefined],
    ['null', null],
    ['an empty list', []],
    ['a string', 'BLOCK'],
  ])('rejects an action that is %s at $.action', (_, action) => {
    const input = goldRule({ action });
    if (action === undefined) delete input.action;
    expect(issuePaths(input)).toEqual(['$.action']);
  });

  it('points at the faulty action and field, in a list or alone', () => {
    expect(issuePaths(goldRule({ action: { kind: 'BAN' } }))).toEqual(['$.action.kind']);
    expect(issuePaths(goldRule({ action: [{ kind: 'FLAG' }, { kind: 'BAN' }] }))).toEqual([
      '$.action[1].kind',
    ]);
    expect(issuePaths(goldRule({ action: { kind: 'BLOCK', durationSeconds: 0 } }))).toEqual([
      '$.action.durationSeconds',
    ]);
    expect(issuePaths(goldRule({ action: { kind: 'BLOCK', scope: 'WORLD' } }))).toEqual([
      '$.action.scope',
    ]);
    expect(issuePaths(goldRule({ action: { kind: 'UNBLOCK', durationSeconds: 60 } }))).toEqual([
      '$.action.durationSeconds',
    ]);
  });

  it('rejects repeated actions and BLOCK with UNBLOCK on one scope', () => {
    expect(
      issuePaths(goldRule({ action: [{ kind: 'FLAG' }, { kind: 'FLAG', scope: 'PROJECT' }] })),
    ).toEqual(['$.action[1]']);
    expect(issuePaths(goldRule({ action: [{ kind: 'BLOCK' }, { kind: 'UNBLOCK' }] }))).toEqual([
      '$.action[1]',
    ]);
    expect(
      issuePaths(goldRule({ action: [{ kind: 'BLOCK', scope: 'GLOBAL' }, { kind: 'UNBLOCK' }] })),
    ).toEqual([]);
  });

  it('reports unknown fields at the field itself', () => {
    expect(issuePaths({ ...goldRule(), actions: [] })).toEqual(['$.actions']);
    expect(
      issuePaths(
        goldRule({ collector: { kind: 'GOLD_ACCURACY', minCount: 3, windw: { lastN: 3 } } }),
      ),
    ).toEqual(['$.collector.windw']);
  });

  it('reports every problem in one pass', () => {
    const paths = issuePaths({
      name: '',
      collector: { kind: 'GOLD_ACCURACY', window: { lastN: 4 }, minCount: 9 },
      conditions: [
        { metric: 'accuracy', op: '<', value: 2 },
        { metric: 'share', op: '>', value: 0.5 },
      ],
    });
    expect(paths.sort()).toEqual(
      [
        '$.action',
        '$.collector.minCount',
        '$.conditions[0].value',
        '$.conditions[1].metric',
        '$.name',
      ].sort(),
    );
  });

  it('rejects a rule that is not an object, and an empty condition list', () => {
    expect(issuePaths(null)).toEqual(['$']);
    expect(issuePaths([goldRule()])).toEqual(['$']);
    expect(issuePaths(goldRule({ conditions: [] }))).toEqual(['$.conditions']);
  });
});

describe('parseQualityRule', () => {
  it('throws InvalidQualityRuleError carrying the issues', () => {
    const attempt = () => parseQualityRule(goldRule({ action: [] }));
    expect(attempt).toThrow(InvalidQualityRuleError);
    try {
      attempt();
    } catch (error) {
      expect((error as InvalidQualityRuleError).issues.map(i => i.path)).toEqual(['$.action']);
      expect((error as Error).message).toContain('$.action');
    }
  });
});
