import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { AuditLogEntry } from './audit-log.entity';
import { QUALITY_FEEDBACK } from './published-quality';
import { QualityRuleRecord } from './quality-rule.entity';
import { WorkerBlock } from '../workers/worker-block.entity';

@ObjectType({ description: 'What an exclusion or inclusion of a worker’s answers did.' })
export class ExclusionResult {
  @Field(() => Int, { description: 'Answers excluded (or included again).' })
  answers: number;

  @Field(() => Int, { description: 'Included answers that took an overlap slot again.' })
  answersCounted: number;

  @Field(() => Int, { description: 'COMPLETE tasks sent back to the queue.' })
  tasksReopened: number;

  @Field(() => [ID])
  taskIds: string[];
}

@ObjectType({ description: 'One time a rule would have fired in a dry-run.' })
export class DryRunFiringView {
  @Field(() => ID)
  workerId: string;

  @Field()
  at: Date;

  @Field(() => [String], { description: 'Action kinds it would have taken.' })
  actions: string[];

  @Field()
  reason: string;

  @Field(() => GraphQLJSONObject, { description: 'Evidence figures: count, metrics, window.' })
  evidence: Record<string, unknown>;

  @Field(() => Int, { nullable: true, description: 'REOPEN_TASKS: answers it would exclude.' })
  answersToExclude: number | null;
}

@ObjectType({ description: 'What a rule would have done to one worker.' })
export class DryRunWorkerView {
  @Field(() => ID)
  workerId: string;

  @Field(() => Int)
  answers: number;

  @Field(() => Int, { description: 'Answers submitted while the worker would have been blocked.' })
  answersPrevented: number;

  @Field(() => Int)
  firings: number;

  @Field(() => Date, { nullable: true })
  firstFiredAt: Date | null;

  @Field()
  blockedAtEnd: boolean;

  @Field()
  flaggedAtEnd: boolean;
}

@ObjectType({ description: 'A dry-run of a rule over a project’s history; nothing was done.' })
export class DryRunResult {
  @Field(() => Int)
  answers: number;

  @Field(() => Int)
  workersTouched: number;

  @Field(() => Int)
  answersPrevented: number;

  @Field(() => [DryRunWorkerView], { description: 'Workers the rule fired for.' })
  workers: DryRunWorkerView[];

  @Field(() => [DryRunFiringView])
  firings: DryRunFiringView[];
}

@ObjectType({ description: 'A proportion with its Wilson score interval.' })
export class ProportionView {
  @Field(() => Float, {
    description:
      'Successes: a count, or for agreement on spans, boxes, ratings and pairwise tasks the sum of each answer’s graded agreement (mean pairwise F1).',
  })
  successes: number;

  @Field(() => Int)
  count: number;

  @Field(() => Float, { nullable: true })
  estimate: number | null;

  @Field(() => Float, { nullable: true })
  lower: number | null;

  @Field(() => Float, { nullable: true })
  upper: number | null;
}

@ObjectType({ description: 'A worker’s quality figures on a project (admins and the owner).' })
export class WorkerQualityAudit {
  @Field(() => ID)
  workerId: string;

  @Field(() => ID)
  projectId: string;

  @Field(() => Int, { description: 'Submitted answers (excluded ones included).' })
  answers: number;

  @Field(() => Int)
  excludedAnswers: number;

  @Field(() => ProportionView, { description: 'Gold accuracy, 95% Wilson interval.' })
  goldAccuracy: ProportionView;

  @Field(() => ProportionView, {
    description:
      'Agreement with confident consensus (spans, boxes, ratings, pairwise: mean pairwise agreement with the other workers’ answers, e.g. span F1), 95% Wilson.',
  })
  consensusAgreement: ProportionView;

  @Field(() => Float, { nullable: true, description: 'Median server-measured time, seconds.' })
  medianSeconds: number | null;

  @Field(() => [String], { description: 'Labels indexing the confusion matrix.' })
  labels: string[];

  @Field(() => [[Int]], {
    description: 'Rows: consensus label; columns: the worker’s label (counts, confident tasks).',
  })
  confusion: number[][];

  @Field(() => [WorkerBlock])
  blocks: WorkerBlock[];

  @Field(() => [AuditLogEntry], { description: 'Audit entries touching the worker, newest first.' })
  events: AuditLogEntry[];
}

@ObjectType({
  description:
    'A worker’s own figures: no gold answers, no other workers. Published once a day (00:00 ' +
    `UTC) from reviewed answers only, gold in whole batches of ${QUALITY_FEEDBACK.goldBatchSize}, ` +
    'consensus of completed tasks only, so they never move per answer (docs/quality.md, ' +
    '"What a worker learns").',
})
export class MyQuality {
  @Field(() => ID)
  projectId: string;

  @Field({ description: 'The publication these figures are from (the same for every worker).' })
  publishedAt: Date;

  @Field({ description: 'When the figures are published next.' })
  nextPublicationAt: Date;

  @Field(() => Int, { description: 'Answers reviewed (approved or rejected) by publishedAt.' })
  answers: number;

  @Field(() => ProportionView, {
    description: `Reviewed gold answers, in whole batches of ${QUALITY_FEEDBACK.goldBatchSize} (the rest waits).`,
  })
  goldAccuracy: ProportionView;

  @Field(() => ProportionView, {
    description: 'Reviewed answers to tasks completed by publishedAt, against their consensus.',
  })
  consensusAgreement: ProportionView;

  @Field(() => Float, { nullable: true, description: 'Median time of the reviewed answers, s.' })
  medianSeconds: number | null;

  @Field(() => [MyBlock], { description: 'Blocks in force on this project or everywhere.' })
  blocks: MyBlock[];
}

@ObjectType({ description: 'Why a worker is blocked, as they may see it.' })
export class MyBlock {
  @Field(() => ID, { nullable: true })
  projectId: string | null;

  @Field()
  reason: string;

  @Field()
  startsAt: Date;

  @Field(() => Date, { nullable: true })
  endsAt: Date | null;

  @Field({ description: 'Whether a quality rule (rather than a person) blocked.' })
  byRule: boolean;
}

@ObjectType({ description: 'A project’s agreement statistics and task confidence distribution.' })
export class ProjectQualityAudit {
  @Field(() => ID)
  projectId: string;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description:
      'agreementReport (Fleiss κ, Krippendorff α, …) over counted answers. Structured kinds: ' +
      'observedAgreement is the mean pairwise agreement of the kind (span or box F1, ratings ' +
      'within tolerance, same item) and krippendorffAlpha interval α (ratings) or α at distance ' +
      '1 − that agreement (spans, boxes; null for pairwise), point estimates only (docs/kinds.md).',
  })
  agreement: Record<string, unknown> | null;

  @Field(() => [Float], { description: 'Confidence histogram bin edges (length bins + 1).' })
  confidenceEdges: number[];

  @Field(() => [Int], { description: 'Tasks with a consensus per confidence bin.' })
  confidenceCounts: number[];

  @Field(() => [QualityRuleRecord])
  rules: QualityRuleRecord[];
}
