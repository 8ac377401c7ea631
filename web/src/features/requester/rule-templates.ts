/**
 * Quality rule templates (the JSON format of src/modules/quality/algorithms/quality-rule.ts):
 * the four every labeling team starts from. The requester tunes the threshold, dry-runs the rule
 * against the project's history, then saves it.
 */
export const RULE_TEMPLATES = {
  goldAccuracy: (threshold: number) => ({
    name: `gold accuracy below ${threshold}`,
    collector: { kind: 'GOLD_ACCURACY', window: { lastN: 20 }, minCount: 8 },
    conditions: [{ metric: 'accuracyUpper', op: '<', value: threshold }],
    action: [{ kind: 'BLOCK', scope: 'PROJECT' }],
  }),
  tooFast: (threshold: number) => ({
    name: `median answer faster than ${threshold} s`,
    collector: { kind: 'ANSWER_TIME', window: { lastN: 20 }, minCount: 10 },
    conditions: [{ metric: 'medianSeconds', op: '<', value: threshold }],
    action: [{ kind: 'FLAG', scope: 'PROJECT' }],
  }),
  disagreement: (threshold: number) => ({
    name: `agreement with consensus below ${threshold}`,
    collector: { kind: 'CONSENSUS_AGREEMENT', window: { lastN: 50 }, minCount: 20 },
    conditions: [{ metric: 'agreementUpper', op: '<', value: threshold }],
    action: [{ kind: 'FLAG', scope: 'PROJECT' }],
  }),
  sameAnswer: (threshold: number) => ({
    name: `same answer share above ${threshold}`,
    collector: { kind: 'SAME_ANSWER_SHARE', window: { lastN: 30 }, minCount: 20 },
    conditions: [{ metric: 'share', op: '>', value: threshold }],
    action: [{ kind: 'FLAG', scope: 'PROJECT' }],
  }),
} as const;

/** A template's name. */
export type RuleTemplate = keyof typeof RULE_TEMPLATES;

/** The threshold each template starts with. */
export const DEFAULT_THRESHOLDS: Record<RuleTemplate, number> = {
  goldAccuracy: 0.7,
  tooFast: 2,
  disagreement: 0.5,
  sameAnswer: 0.9,
};
