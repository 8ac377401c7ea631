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
/**
 * CSV and JSONL for the choice kinds, RATING and PAIRWISE; JSONL, CONLL (BIO) and SPACY (v2 JSON)
 * for TEXT_SPANS; COCO and YOLO for BOUNDING_BOXES. A format the project's kind does not write
 * is BAD_USER_INPUT (reason UNSUPPORTED_FORMAT).
 */
export const ResultsExportFormat = graphqlEnum('ResultsExportFormat', [
  'CSV',
  'JSONL',
  'CONLL',
  'SPACY',
  'COCO',
  'YOLO',
]);
export type ResultsExportFormat = EnumValue<typeof ResultsExportFormat>;
