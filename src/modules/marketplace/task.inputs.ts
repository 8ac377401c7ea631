import { GraphQLJSONObject } from 'graphql-scalars';
import { ArgsType, Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Connection, ConnectionArgs } from '../../common/pagination';
import { Task } from './task.entity';
import { TaskStatus } from './task.types';

/** Limits of `importTasks`; refusals carry these numbers in `extensions`. */
export const TASK_IMPORT_LIMITS = {
  /** Tasks per `importTasks` call (BATCH_TOO_LARGE above it). */
  maxBatchSize: 10_000,
  /** Bytes of a task's payload serialised as UTF-8 JSON (PAYLOAD_TOO_LARGE above it). */
  maxPayloadBytes: 64 * 1024,
  maxExternalIdLength: 255,
  /** How many skipped external ids an import reports back (the count is always complete). */
  maxReportedSkippedIds: 100,
} as const;

@InputType({ description: 'One task to import.' })
export class ImportTaskItem {
  @Field(() => String, {
    nullable: true,
    description:
      'Your id for the item (1 to 255 characters, unique in the project). Re-importing an existing ' +
      'externalId skips it; items without one are always created, so retry those with an idempotencyKey.',
  })
  externalId?: string | null;

  @Field(() => GraphQLJSONObject, { description: 'The item to label: a JSON object ≤ 64 KiB.' })
  payload: Record<string, unknown>;

  @Field(() => String, { nullable: true, description: 'Gold answer of a single-choice project.' })
  goldLabel?: string | null;

  @Field(() => [String], { nullable: true, description: 'Gold answer of a multi-label project.' })
  goldLabels?: string[] | null;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description:
      'Gold answer of a structured kind (spans, boxes, rating, pairwise), in the shape of AnswerInput.value; checked like a worker’s answer.',
  })
  goldAnswer?: Record<string, unknown> | null;
}

@InputType()
export class ImportTasksInput {
  @Field(() => ID)
  projectId: string;

  @Field(() => [ImportTaskItem], { description: '1 to 10,000 tasks.' })
  tasks: ImportTaskItem[];

  @Field(() => String, {
    nullable: true,
    description: 'A repeat with the same key and tasks returns the first call’s result.',
  })
  idempotencyKey?: string | null;
}

@ObjectType({ description: 'What an import did. Existing externalIds are skipped, never changed.' })
export class ImportTasksResult {
  @Field(() => Int)
  created: number;

  @Field(() => Int)
  skipped: number;

  @Field(() => [String], { description: 'The first 100 skipped externalIds, in input order.' })
  skippedExternalIds: string[];
}

@InputType()
export class TaskFilter {
  @Field(() => TaskStatus, { nullable: true })
  status?: TaskStatus | null;

  @Field({ nullable: true })
  isGold?: boolean;

  @Field({ nullable: true, description: 'Whether aggregation has produced a label yet.' })
  hasConsensus?: boolean;
}

@ArgsType()
export class TasksArgs extends ConnectionArgs {
  @Field(() => TaskFilter, { nullable: true })
  filter?: TaskFilter | null;
}

@ObjectType({ description: 'The current aggregated answer of a task.' })
export class TaskConsensus {
  @Field(() => [String], {
    description: 'Label keys, in schema order (empty for structured kinds).',
  })
  labels: string[];

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description:
      'Structured kinds: the consensus answer of the last aggregation run, in the kind’s answer shape; null before one (the confidence is updated after every answer).',
  })
  answer: Record<string, unknown> | null;

  @Field(() => Float, { nullable: true, description: 'Posterior of the label, 0 to 1.' })
  confidence: number | null;
}

/** A page of tasks (owner and admin view). */
export const TaskConnection = Connection(Task);
