/**
 * Declarative quality rules: a collector gathers one worker's recent history on a project, its
 * conditions test the figures it computes, and when every condition holds the rule's actions
 * fire. The format, as an admin or requester writes it (JSON):
 *
 *   {
 *     "name": "gold below 70%",
 *     "collector": { "kind": "GOLD_ACCURACY", "window": { "lastN": 20 }, "minCount": 8 },
 *     "conditions": [{ "metric": "accuracyUpper", "op": "<", "value": 0.7 }],
 *     "action": { "kind": "BLOCK", "scope": "PROJECT", "durationSeconds": 604800 }
 *   }
 *
 * - `collector.kind` picks the figures (see `METRICS_BY_COLLECTOR`) and which answers count
 *   ("relevant" answers): GOLD_ACCURACY counts answers to gold tasks; CONSENSUS_AGREEMENT counts
 *   answers to tasks that have a confident consensus; ANSWER_TIME and SAME_ANSWER_SHARE count
 *   every answer.
 * - `collector.window`: the last `lastN` relevant answers and/or those submitted in the last
 *   `sinceSeconds`; both given means both limits apply; neither means the whole history.
 * - `collector.minCount`: fewer relevant answers in the window than this is not enough evidence,
 *   and the rule does nothing.
 * - `conditions` are ANDed. Each compares one metric of the collector with a number.
 * - `action` is one action or a list of them; `scope` PROJECT acts on the rule's project, GLOBAL
 *   on every project (default PROJECT, so nothing is global by accident).
 *
 * Validation rejects, with the JSON path of the field at fault (`$.collector.window.lastN`):
 * unknown keys and kinds; thresholds outside a metric's range (a proportion outside [0, 1], a
 * negative time) or that can never hold (`accuracy < 0`); conditions that contradict each other
 * (`share > 0.8` with `share < 0.5`); metrics the collector does not compute; windows of fewer
 * than 1 answer; `minCount > lastN` (the rule could never gather enough evidence); missing or
 * empty actions, and BLOCK with UNBLOCK on the same scope.
 *
 * Pure: zod is the only import.
 */
import { z } from 'zod';

import { DEFAULT_CONFIDENCE_LEVEL } from './wilson-interval';

/** What a collector measures; see the file header for the answers each one counts. */
export const COLLECTOR_KINDS = [
  'GOLD_ACCURACY',
  'ANSWER_TIME',
  'CONSENSUS_AGREEMENT',
  'SAME_ANSWER_SHARE',
] as const;
export type CollectorKind = (typeof COLLECTOR_KINDS)[number];

/**
 * Metrics each collector computes. `*Lower` / `*Upper` are the ends of the Wilson score
 * interval at `collector.confidenceLevel`: "block when accuracyUpper < 0.7" blocks only workers
 * whose accuracy is below 70% with 95% confidence, not those unlucky on a few golds.
 */
export const METRICS_BY_COLLECTOR = {
  GOLD_ACCURACY: ['accuracy', 'accuracyLower', 'accuracyUpper'],
  ANSWER_TIME: ['medianSeconds'],
  CONSENSUS_AGREEMENT: ['agreement', 'agreementLower', 'agreementUpper'],
  SAME_ANSWER_SHARE: ['share'],
} as const satisfies Record<CollectorKind, readonly string[]>;

/** Every metric name a condition may use. */
export type MetricName = (typeof METRICS_BY_COLLECTOR)[CollectorKind][number];

/** Metrics that are times in seconds (range [0, ∞)); all others are proportions in [0, 1]. */
const TIME_METRICS: ReadonlySet<MetricName> = new Set<MetricName>(['medianSeconds']);

export const COMPARISON_OPS = ['<', '<=', '>', '>='] as const;
export type ComparisonOp = (typeof COMPARISON_OPS)[number];

export const ACTION_KINDS = [
  'BLOCK',
  'FLAG',
  'UNBLOCK',
  'REJECT_PENDING',
  'REOPEN_TASKS',
  'NOTIFY',
] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

export const ACTION_SCOPES = ['PROJECT', 'GLOBAL'] as const;
/** PROJECT: the rule's project only. GLOBAL: every project. */
export type ActionScope = (typeof ACTION_SCOPES)[number];

export const NOTIFY_RECIPIENTS = ['REQUESTER', 'ADMINS', 'WORKER'] as const;
export type NotifyRecipient = (typeof NOTIFY_RECIPIENTS)[number];

/** Largest `lastN`: live evaluation reads the window after every answer, so it stays bounded. */
export const MAX_WINDOW_ANSWERS = 10_000;

/** A validated, normalised collector. */
export interface RuleCollector {
  readonly kind: CollectorKind;
  readonly window: RuleWindow;
  readonly minCount: number;
  /** Coverage of the Wilson intervals (GOLD_ACCURACY, CONSENSUS_AGREEMENT). Default 0.95. */
  readonly confidenceLevel: number;
}

/** Null means "no limit of this kind". */
export interface RuleWindow {
  readonly lastN: number | null;
  readonly sinceSeconds: number | null;
}

/** `metric op value`, e.g. accuracy < 0.7. */
export interface RuleCondition {
  readonly metric: MetricName;
  readonly op: ComparisonOp;
  readonly value: number;
}

/**
 * What a rule does when it fires. The service carries them out; `durationSeconds` null means
 * until lifted. REOPEN_TASKS excludes the worker's answers (kept stored, see DESIGN.md "Bad
 * input") from aggregation and sends their tasks back to the queue: the answers in the
 * collector's window, or all of the worker's answers in scope.
 */
export type QualityAction =
  | { readonly kind: 'BLOCK'; readonly scope: ActionScope; readonly durationSeconds: number | null }
  | { readonly kind: 'FLAG'; readonly scope: ActionScope; readonly durationSeconds: number | null }
  | { readonly kind: 'UNBLOCK'; readonly scope: ActionScope }
  | { readonly kind: 'REJECT_PENDING'; readonly scope: ActionScope }
  | {
      readonly kind: 'REOPEN_TASKS';
      readonly scope: ActionScope;
      readonly answers: 'WINDOW' | 'ALL';
    }
  | {
      readonly kind: 'NOTIFY';
      readonly scope: ActionScope;
      readonly to: readonly NotifyRecipient[];
    };

/** A validated rule in normal form (`action` always a list, defaults filled in). */
export interface QualityRule {
  readonly name: string;
  readonly collector: RuleCollector;
  readonly conditions: readonly RuleCondition[];
  readonly actions: readonly QualityAction[];
}

/** One problem with a rule, at the JSON path of the field at fault. */
export interface RuleIssue {
  /** JSONPath, e.g. `$.conditions[0].value`; `$` for the rule itself. */
  readonly path: string;
  /** The same path as keys and indexes, e.g. ['conditions', 0, 'value']. */
  readonly segments: readonly (string | number)[];
  readonly message: string;
}

/** Outcome of `validateQualityRule`. */
export type RuleValidation =
  | { readonly ok: true; readonly rule: QualityRule }
  | { readonly ok: false; readonly issues: readonly RuleIssue[] };

/** Thrown by `parseQualityRule`; the service maps it to BAD_USER_INPUT with the issues. */
export class InvalidQualityRuleError extends Error {
  constructor(readonly issues: readonly RuleIssue[]) {
    super(`Invalid quality rule: ${issues.map(i => `${i.path}: ${i.message}`).join('; ')}`);
    this.name = 'InvalidQualityRuleError';
  }
}

const positiveInt = z.int().min(1);
const scope = z.enum(ACTION_SCOPES).default('PROJECT');
const duration = z.int().min(1, 'must be at least 1 second').optional();

const windowSchema = z.strictObject({
  lastN: positiveInt.max(MAX_WINDOW_ANSWERS).optional(),
  sinceSeconds: positiveInt.optional(),
});

const collectorSchema = z.strictObject({
  kind: z.enum(COLLECTOR_KINDS),
  window: windowSchema.default({}),
  minCount: positiveInt,
  confidenceLevel: z.number().gt(0).lt(1).optional(),
});

const ALL_METRICS = Object.values(METRICS_BY_COLLECTOR).flat() as [MetricName, ...MetricName[]];

const conditionSchema = z.strictObject({
  metric: z.enum(ALL_METRICS),
  op: z.enum(COMPARISON_OPS),
  value: z.number(),
});

const actionSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('BLOCK'), scope, durationSeconds: duration }),
  z.strictObject({ kind: z.literal('FLAG'), scope, durationSeconds: duration }),
  z.strictObject({ kind: z.literal('UNBLOCK'), scope }),
  z.strictObject({ kind: z.literal('REJECT_PENDING'), scope }),
  z.strictObject({
    kind: z.literal('REOPEN_TASKS'),
    scope,
    answers: z.enum(['WINDOW', 'ALL']).default('ALL'),
  }),
  z.strictObject({
    kind: z.literal('NOTIFY'),
    scope,
    to: z.array(z.enum(NOTIFY_RECIPIENTS)).min(1).default(['REQUESTER']),
  }),
]);

const nameSchema = z.string().trim().min(1, 'must not be empty').max(200);

type ParsedCollector = z.output<typeof collectorSchema>;
type ParsedCondition = z.output<typeof conditionSchema>;
type ParsedAction = z.output<typeof actionSchema>;

const RULE_FIELDS = ['name', 'collector', 'conditions', 'action'];

/**
 * Validates a rule written in the format of the file header and returns it in normal form, or
 * every problem found with its JSON path. Never throws on bad input.
 *
 * Each part (name, collector, every condition, every action) is parsed on its own, and the
 * checks across parts run on the parts that parsed, so one round trip reports every problem.
 */
export function validateQualityRule(input: unknown): RuleValidation {
  if (!isPlainObject(input)) {
    return { ok: false, issues: [issue([], 'a rule must be a JSON object')] };
  }
  const issues: RuleIssue[] = [];
  for (const key of Object.keys(input)) {
    if (!RULE_FIELDS.includes(key)) issues.push(issue([key], `unknown field "${key}"`));
  }

  const name = parsePart(nameSchema, input.name, ['name'], issues);
  const collector = parsePart(collectorSchema, input.collector, ['collector'], issues);

  const conditions: (ParsedCondition | undefined)[] = [];
  if (!Array.isArray(input.conditions)) {
    issues.push(issue(['conditions'], 'must be a non-empty list of conditions'));
  } else if (input.conditions.length === 0) {
    issues.push(issue(['conditions'], 'a rule needs at least one condition'));
  } else {
    input.conditions.forEach((raw, index) =>
      conditions.push(parsePart(conditionSchema, raw, ['conditions', index], issues)),
    );
  }

  // `action` is one action or a list; a single one is reported as `$.action.kind`, not `[0]`.
  const actionIsSingle = isPlainObject(input.action);
  const rawActions: unknown[] = actionIsSingle
    ? [input.action]
    : Array.isArray(input.action)
      ? input.action
      : [];
  const actionPath = (index: number): (string | number)[] =>
    actionIsSingle ? ['action'] : ['action', index];
  if (rawActions.length === 0) {
    issues.push(
      issue(
        ['action'],
        input.action === undefined || input.action === null || Array.isArray(input.action)
          ? 'a rule needs at least one action (an object or a non-empty list)'
          : 'must be an action object or a non-empty list of them',
      ),
    );
  }
  const actions = rawActions.map((raw, index) =>
    parsePart(actionSchema, raw, actionPath(index), issues),
  );

  if (collector) issues.push(...collectorIssues(collector));
  issues.push(...conditionIssues(conditions, collector));
  issues.push(...actionIssues(actions, actionPath));

  if (issues.length > 0 || !name || !collector) return { ok: false, issues };
  return {
    ok: true,
    rule: normalise(name, collector, conditions as ParsedCondition[], actions as ParsedAction[]),
  };
}

/** `validateQualityRule` for callers that want an exception: throws InvalidQualityRuleError. */
export function parseQualityRule(input: unknown): QualityRule {
  const result = validateQualityRule(input);
  if (!result.ok) throw new InvalidQualityRuleError(result.issues);
  return result.rule;
}

/** True when `metric` is measured in seconds rather than as a proportion. */
export function isTimeMetric(metric: MetricName): boolean {
  return TIME_METRICS.has(metric);
}

/** Parses one part of the rule; on failure records its issues under `at` and returns undefined. */
function parsePart<T extends z.ZodType>(
  schema: T,
  raw: unknown,
  at: (string | number)[],
  issues: RuleIssue[],
): z.output<T> | undefined {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  for (const zodIssue of parsed.error.issues) issues.push(toRuleIssue(zodIssue, at));
  return undefined;
}

function collectorIssues(collector: ParsedCollector): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const lastN = collector.window.lastN;
  if (lastN !== undefined && collector.minCount > lastN) {
    issues.push(
      issue(
        ['collector', 'minCount'],
        `minCount ${collector.minCount} exceeds window.lastN ${lastN}: the rule could never have enough evidence`,
      ),
    );
  }
  if (
    collector.confidenceLevel !== undefined &&
    collector.kind !== 'GOLD_ACCURACY' &&
    collector.kind !== 'CONSENSUS_AGREEMENT'
  ) {
    issues.push(
      issue(
        ['collector', 'confidenceLevel'],
        `${collector.kind} computes no interval; confidenceLevel applies to GOLD_ACCURACY and CONSENSUS_AGREEMENT`,
      ),
    );
  }
  return issues;
}

/** Metric ↔ collector, thresholds in range and able to hold, no two contradicting each other. */
function conditionIssues(
  conditions: readonly (ParsedCondition | undefined)[],
  collector: ParsedCollector | undefined,
): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const usable: (ParsedCondition | undefined)[] = conditions.map((condition, index) => {
    if (!condition) return undefined;
    const at = ['conditions', index];
    const allowed: readonly string[] | undefined =
      collector && METRICS_BY_COLLECTOR[collector.kind];
    if (allowed && !allowed.includes(condition.metric)) {
      issues.push(
        issue(
          [...at, 'metric'],
          `${collector!.kind} does not compute "${condition.metric}"; expected one of ${allowed.join(', ')}`,
        ),
      );
      return undefined;
    }
    const range = metricRange(condition.metric);
    if (!Number.isFinite(condition.value)) {
      issues.push(issue([...at, 'value'], 'must be a finite number'));
      return undefined;
    }
    if (condition.value < range.min || condition.value > range.max) {
      issues.push(
        issue(
          [...at, 'value'],
          isTimeMetric(condition.metric)
            ? `${condition.metric} is a time in seconds and cannot be negative`
            : `${condition.metric} is a proportion: the threshold must be in [0, 1]`,
        ),
      );
      return undefined;
    }
    if (halfLine(condition).isEmptyWithin(range)) {
      const max = range.max === Infinity ? '∞' : String(range.max);
      issues.push(
        issue(
          at,
          `"${condition.metric} ${condition.op} ${condition.value}" can never hold: ${condition.metric} is in [${range.min}, ${max}]`,
        ),
      );
      return undefined;
    }
    return condition;
  });

  // Two half-lines on one metric either overlap or not; pairs are enough (Helly's theorem in 1D).
  for (let j = 0; j < usable.length; j++) {
    for (let i = 0; i < j; i++) {
      const a = usable[i];
      const b = usable[j];
      if (!a || !b || a.metric !== b.metric) continue;
      if (halfLine(a).disjointFrom(b)) {
        issues.push(
          issue(
            ['conditions', j],
            `"${b.metric} ${b.op} ${b.value}" contradicts conditions[${i}] "${a.metric} ${a.op} ${a.value}": both can never hold`,
          ),
        );
      }
    }
  }
  return issues;
}

/** Repeated actions, and BLOCK with UNBLOCK on the same scope. */
function actionIssues(
  actions: readonly (ParsedAction | undefined)[],
  actionPath: (index: number) => (string | number)[],
): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const seen = new Map<string, number>();
  actions.forEach((action, index) => {
    if (!action) return;
    const key = `${action.kind}:${action.scope}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      issues.push(
        issue(actionPath(index), `repeats action[${earlier}] (${action.kind} ${action.scope})`),
      );
    }
    seen.set(key, index);
    const opposite =
      action.kind === 'BLOCK' ? 'UNBLOCK' : action.kind === 'UNBLOCK' ? 'BLOCK' : null;
    const clash = opposite === null ? undefined : seen.get(`${opposite}:${action.scope}`);
    if (clash !== undefined) {
      issues.push(
        issue(
          actionPath(index),
          `${action.kind} and ${opposite} on the same scope (${action.scope}) cancel out`,
        ),
      );
    }
  });
  return issues;
}

function normalise(
  name: string,
  collector: ParsedCollector,
  conditions: readonly ParsedCondition[],
  actions: readonly ParsedAction[],
): QualityRule {
  return {
    name,
    collector: {
      kind: collector.kind,
      window: {
        lastN: collector.window.lastN ?? null,
        sinceSeconds: collector.window.sinceSeconds ?? null,
      },
      minCount: collector.minCount,
      confidenceLevel: collector.confidenceLevel ?? DEFAULT_CONFIDENCE_LEVEL,
    },
    conditions: conditions.map(c => ({ metric: c.metric, op: c.op, value: c.value })),
    actions: actions.map((action): QualityAction => {
      switch (action.kind) {
        case 'BLOCK':
        case 'FLAG':
          return {
            kind: action.kind,
            scope: action.scope,
            durationSeconds: action.durationSeconds ?? null,
          };
        case 'UNBLOCK':
        case 'REJECT_PENDING':
          return { kind: action.kind, scope: action.scope };
        case 'REOPEN_TASKS':
          return { kind: action.kind, scope: action.scope, answers: action.answers };
        case 'NOTIFY':
          return { kind: action.kind, scope: action.scope, to: [...new Set(action.to)] };
      }
    }),
  };
}

/** The values a metric can take. */
function metricRange(metric: MetricName): { min: number; max: number } {
  return isTimeMetric(metric) ? { min: 0, max: Infinity } : { min: 0, max: 1 };
}

/** The set { x : x op value } as a half-line, to spot conditions that can never hold. */
function halfLine(condition: { op: ComparisonOp; value: number }) {
  const { op, value } = condition;
  const upper = op === '<' || op === '<=';
  const strict = op === '<' || op === '>';
  return {
    isEmptyWithin(range: { min: number; max: number }): boolean {
      return upper
        ? strict
          ? value <= range.min
          : value < range.min
        : strict
          ? value >= range.max
          : value > range.max;
    },
    disjointFrom(other: { op: ComparisonOp; value: number }): boolean {
      const otherUpper = other.op === '<' || other.op === '<=';
      if (upper === otherUpper) return false;
      const below = upper ? condition : other; // x < / <= below.value
      const above = upper ? other : condition; // x > / >= above.value
      const bothInclusive = below.op === '<=' && above.op === '>=';
      return bothInclusive ? above.value > below.value : above.value >= below.value;
    },
  };
}

function issue(segments: (string | number)[], message: string): RuleIssue {
  return { path: toJsonPath(segments), segments, message };
}

/** Maps a zod issue of a part parsed at `at` to a RuleIssue; unknown keys point at the key. */
function toRuleIssue(zodIssue: z.core.$ZodIssue, at: readonly (string | number)[]): RuleIssue {
  const segments = [...at, ...zodIssue.path.map(s => (typeof s === 'symbol' ? String(s) : s))];
  if (zodIssue.code === 'unrecognized_keys' && zodIssue.keys.length > 0) {
    const keys = zodIssue.keys;
    return issue(
      [...segments, keys[0]],
      keys.length === 1
        ? `unknown field "${keys[0]}"`
        : `unknown fields ${keys.map(k => `"${k}"`).join(', ')}`,
    );
  }
  return issue(segments, zodIssue.message);
}

function toJsonPath(segments: readonly (string | number)[]): string {
  let path = '$';
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) path += `.${segment}`;
    else path += `[${JSON.stringify(segment)}]`;
  }
  return path;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
