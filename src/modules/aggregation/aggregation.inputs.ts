import { Max, Min } from 'class-validator';
import { GraphQLJSONObject } from 'graphql-scalars';
import { ArgsType, Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Connection, ConnectionArgs, ExportConnectionArgs } from '../../common/pagination';
import { TaskStatus } from '../marketplace/task.types';
import { AggregationRun } from './aggregation-run.entity';
import { ResultsExportFormat } from './aggregation.types';

/** Limits of the aggregation API; refusals carry these numbers in `extensions`. */
export const AGGREGATION_LIMITS = {
  /**
   * Tasks in one `exportResults` answer (BATCH_TOO_LARGE above it). The export is one GraphQL
   * string: 100,000 tasks make about 10 MB of CSV. Larger projects page through `resultsPage`.
   */
  maxExportTasks: 100_000,
} as const;

@ObjectType({ description: 'An aggregation method of the registry.' })
export class AggregationMethodInfo {
  @Field({ description: 'The name runAggregation and Project.aggregationMethod take.' })
  name: string;

  @Field({ description: 'Whether projects use it when they name none.' })
  isDefault: boolean;
}

@ObjectType({ description: 'The probability of one label key.' })
export class LabelProbability {
  @Field()
  key: string;

  @Field(() => Float)
  probability: number;
}

@InputType({ description: 'Filters of Project.results; all optional, combined with AND.' })
export class ResultsFilter {
  @Field({ nullable: true })
  isGold?: boolean;

  @Field({ nullable: true, description: 'Whether the task has a consensus yet.' })
  hasConsensus?: boolean;

  @Field(() => Float, {
    nullable: true,
    description: 'Only tasks with a consensus whose confidence is below this (a review queue).',
  })
  @Min(0)
  @Max(1)
  confidenceBelow?: number;
}

const ABSTAIN_BELOW = {
  nullable: true,
  description: 'Abstention: the label is null when the confidence is below this (0 to 1).',
} as const;

@ArgsType()
export class ProjectResultsArgs extends ConnectionArgs {
  @Field(() => ResultsFilter, { nullable: true })
  filter?: ResultsFilter | null;

  @Field(() => Float, ABSTAIN_BELOW)
  @Min(0)
  @Max(1)
  abstainBelow?: number | null;
}

/**
 * `resultsPage`: a project's results in export-sized pages. A root field, not a `Project` one,
 * so a big page cannot be multiplied by a list of projects.
 */
@ArgsType()
export class ResultsPageArgs extends ExportConnectionArgs {
  @Field(() => ID)
  projectId: string;

  @Field(() => Float, ABSTAIN_BELOW)
  @Min(0)
  @Max(1)
  abstainBelow?: number | null;
}

@ObjectType({
  description: 'A task’s aggregated result, as its project’s owner and admins see it.',
})
export class TaskResult {
  @Field(() => ID)
  taskId: string;

  @Field(() => String, { nullable: true })
  externalId: string | null;

  @Field(() => TaskStatus)
  status: TaskStatus;

  @Field(() => [String], {
    nullable: true,
    description:
      'Consensus label keys in schema order: one for single choice, a set (maybe empty) for ' +
      'multi-label. Null before any answer, or when abstaining.',
  })
  labels: string[] | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Single choice: the consensus key (null when none or abstaining). Multi-label: null.',
  })
  label: string | null;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description:
      'Structured kinds (spans, boxes, ratings, pairwise): the consensus answer in the kind’s ' +
      'answer shape, the value the kind’s exports write (a reviewer’s decision where there is ' +
      'one; boxes carry their score). Null for the choice kinds, before an aggregation run, or ' +
      'when abstaining.',
  })
  answer: Record<string, unknown> | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'Probability that the consensus is right (single choice: its posterior; multi-label: the ' +
      'product over keys; structured kinds: the confidence in `answer`). Null before any answer.',
  })
  confidence: number | null;

  @Field(() => Boolean, { description: 'Whether the label was withheld for low confidence.' })
  abstained: boolean;

  @Field(() => Boolean, {
    description: 'Whether a reviewer’s decision replaced the aggregate label (never withheld).',
  })
  reviewed: boolean;

  @Field(() => [LabelProbability], {
    nullable: true,
    description:
      'Per key in schema order: single choice, the posterior distribution; multi-label, the ' +
      'probability that the key belongs to the task’s set.',
  })
  posterior: LabelProbability[] | null;

  @Field(() => Int, { description: 'Answers currently counted for the task.' })
  answerCount: number;

  @Field()
  isGold: boolean;

  @Field(() => [String], { nullable: true, description: 'The known answer of a gold task.' })
  goldLabels: string[] | null;
}

/** A page of task results. */
export const TaskResultConnection = Connection(TaskResult);

@ObjectType({ description: 'One file of an export.' })
export class ExportedFile {
  @Field({ description: 'File name, a relative path for YOLO (`labels/<image>.txt`).' })
  name: string;

  @Field()
  contentType: string;

  @Field()
  content: string;
}

@ObjectType({ description: 'The results of a project as one file (YOLO: several, in `files`).' })
export class ResultsExport {
  @Field(() => ResultsExportFormat)
  format: ResultsExportFormat;

  @Field({ description: 'text/csv or application/x-ndjson.' })
  contentType: string;

  @Field(() => Int)
  taskCount: number;

  @Field({
    description:
      'The file. CSV: task_id,external_id,label,confidence,answers,reviewed (multi-label keys joined by |). ' +
      'JSONL: one object per task with labels, confidence, posterior, answers and gold. ' +
      'Structured kinds: see docs/kinds.md. A format of several files (YOLO): a JSON object from file name to content.',
  })
  content: string;

  @Field(() => [ExportedFile], {
    description:
      'The export as files: one for every format but YOLO (`classes.txt` and one `labels/<image>.txt` per image).',
  })
  files: ExportedFile[];
}

@ObjectType({ description: 'One row of a confusion matrix: how a worker answers a true label.' })
export class ConfusionRow {
  @Field()
  trueLabel: string;

  @Field(() => [LabelProbability], { description: 'P(answers key | true label), schema order.' })
  answered: LabelProbability[];
}

@ObjectType({ description: 'Multi-label: how a worker treats one key.' })
export class KeyConfusion {
  @Field()
  key: string;

  @Field(() => Float, { description: 'P(the worker includes the key | the key applies).' })
  sensitivity: number;

  @Field(() => Float, { description: 'P(the worker leaves the key out | the key does not apply).' })
  specificity: number;
}

@ObjectType('WorkerQuality', {
  description: 'A worker’s quality on one project, from the project’s latest aggregation run.',
})
export class WorkerQualityView {
  @Field(() => ID)
  projectId: string;

  @Field(() => ID)
  workerId: string;

  @Field({ description: 'The method that estimated it.' })
  method: string;

  @Field(() => Float, {
    nullable: true,
    description:
      'The method’s skill estimate: P(correct answer) for dawid-skene, one-coin-dawid-skene and ' +
      'weighted-majority-vote; P(knows the answer) for mace; vote weight for wawa and ' +
      'zero-based-skill; ability (log-odds) for glad; null for majority-vote. Multi-label: the ' +
      'mean over keys.',
  })
  skill: number | null;

  @Field(() => Int, { description: 'Answers used by the run.' })
  answers: number;

  @Field(() => Int)
  goldAnswers: number;

  @Field(() => Int, { description: 'Gold answers equal to the gold answer (the whole set).' })
  goldCorrect: number;

  @Field(() => Float, { nullable: true, description: 'goldCorrect / goldAnswers.' })
  goldAccuracy: number | null;

  @Field(() => Float, { description: 'Share of answers equal to the task’s consensus.' })
  agreement: number;

  @Field(() => [ConfusionRow], {
    nullable: true,
    description:
      'Single choice, methods with confusion matrices (dawid-skene): one row per true label.',
  })
  confusion: ConfusionRow[] | null;

  @Field(() => [KeyConfusion], {
    nullable: true,
    description: 'Multi-label, methods with confusion matrices: one entry per key.',
  })
  keyConfusions: KeyConfusion[] | null;

  @Field({ description: 'When the estimate last changed.' })
  updatedAt: Date;
}

/** A page of worker qualities. */
export const WorkerQualityConnection = Connection(WorkerQualityView, 'WorkerQuality');

/** A page of aggregation runs. */
export const AggregationRunConnection = Connection(AggregationRun);
