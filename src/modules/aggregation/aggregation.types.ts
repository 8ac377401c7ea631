import { registerEnumType } from 'type-graphql';

/**
 * QUEUED (background run waiting for the job queue) → RUNNING → SUCCEEDED | FAILED, or
 * SUPERSEDED when a run that read newer answers finished first (its results were not applied).
 * A run awaited by its mutation is only ever stored finished.
 */
export enum AggregationRunStatus {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  SUPERSEDED = 'SUPERSEDED',
}
registerEnumType(AggregationRunStatus, { name: 'AggregationRunStatus' });

/** Formats of `exportResults`. */
export enum ResultsExportFormat {
  CSV = 'CSV',
  JSONL = 'JSONL',
}
registerEnumType(ResultsExportFormat, { name: 'ResultsExportFormat' });
