import { singleChoice } from './label-schemas';
/**
 * A valid `CreateProjectInput` for GraphQL e2e specs: a positive/negative sentiment project with
 * one answer per task; override any field.
 */
export function sentimentProjectInput(overrides: Record<string, unknown> = {}) {
  return {
    name: 'Sentiment',
    labelSchema: singleChoice(['pos', 'Positive'], ['neg', 'Negative']),
    rewardAmount: 12,
    currency: 'usd',
    overlap: { minOverlap: 1 },
    ...overrides,
  };
}
