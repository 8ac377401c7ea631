import { type EnumValue, graphqlEnum } from '../../common/graphql-enum';

/**
 * QUEUED (background run waiting for the job queue) → RUNNING → SUCCEEDED | FAILED, or
 * SUPERSEDED when a run that read newer answers finished first (its results were not applied).
 * A run awaited by its mutation is only ever stored finished.
 */
export const AggregationRunStatus = graphqlEnum('AggregationRunStatus', [
  'QUEUED',
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'SUPERSEDED',
]);
export type AggregationRunStatus = EnumValue<typeof AggregationRunStatus>;

/** Formats of `exportResults`. */
export const ResultsExportFormat = graphqlEnum('ResultsExportFormat', ['CSV', 'JSONL']);
export type ResultsExportFormat = EnumValue<typeof ResultsExportFormat>;
