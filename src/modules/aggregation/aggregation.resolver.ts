import { Arg, Args, Float, Resolver, Root } from 'type-graphql';
import { ConnectionArgs, type ConnectionShape } from '../../common/pagination';
import { RequestContext } from '../../common/request-context';
import { Project } from '../projects/project.entity';
import { AGGREGATOR_NAMES, DEFAULT_AGGREGATOR } from './algorithms';
import { AggregationRun } from './aggregation-run.entity';
import {
  AggregationMethodInfo,
  AggregationRunConnection,
  ProjectResultsArgs,
  ResultsExport,
  ResultsPageArgs,
  type TaskResult,
  TaskResultConnection,
  WorkerQualityConnection,
  WorkerQualityView,
} from './aggregation.inputs';
import { AggregationService } from './aggregation.service';
import { ResultsExportFormat } from './aggregation.types';
import {
  IdArg,
  OwnerField,
  OwnerMutation,
  OwnerQuery,
  SignedInQuery,
} from '../../graphql/operations';

const RESULTS_PAGE_DESCRIPTION =
  'Project.results in export-sized pages (up to 5,000 tasks), for streaming a project of any ' +
  'size: keyset-paginated, oldest task first, every task exactly once across the pages.';

/**
 * Running aggregation and reading its results: for a project's owner and admins only (the
 * service answers NOT_FOUND for anyone else's project). Workers never reach consensus or
 * quality through here (DESIGN.md promise 3).
 */
@Resolver(() => AggregationRun)
export class AggregationResolver {
  constructor(private readonly aggregation: AggregationService) {}

  @SignedInQuery(() => [AggregationMethodInfo], 'The aggregation methods available.')
  aggregationMethods(): AggregationMethodInfo[] {
    return AGGREGATOR_NAMES.map(name => ({ name, isDefault: name === DEFAULT_AGGREGATOR }));
  }

  @OwnerMutation(
    () => AggregationRun,
    'Aggregates the project’s counted answers and stores each task’s consensus, confidence and ' +
      'posterior and each worker’s quality. Idempotent: the same answers give the same results. ' +
      'Awaits the result (computed off the request thread) unless `background`, which queues the ' +
      'run and returns it QUEUED (poll aggregationRun).',
  )
  runAggregation(
    @IdArg('projectId') projectId: string,
    @Arg('method', () => String, {
      nullable: true,
      description: 'A name from aggregationMethods; default the project’s aggregationMethod.',
    })
    method: string | null,
    @Arg('background', () => Boolean, { defaultValue: false }) background: boolean,
    ctx: RequestContext,
  ): Promise<AggregationRun> {
    return this.aggregation.runAggregation(ctx, projectId, { method, background });
  }

  @OwnerQuery(() => AggregationRun, 'One aggregation run of one of your projects.')
  aggregationRun(@IdArg() id: string, ctx: RequestContext): Promise<AggregationRun> {
    return this.aggregation.findRun(ctx, id);
  }

  @OwnerQuery(
    () => ResultsExport,
    'The project’s results as one CSV or JSONL file, every task in creation order (at most ' +
      '100,000 tasks: BATCH_TOO_LARGE above; page through resultsPage instead).',
  )
  exportResults(
    @IdArg('projectId') projectId: string,
    @Arg('format', () => ResultsExportFormat) format: ResultsExportFormat,
    @Arg('abstainBelow', () => Float, {
      nullable: true,
      description: 'Leave the label empty where the confidence is below this (0 to 1).',
    })
    abstainBelow: number | null,
    ctx: RequestContext,
  ): Promise<ResultsExport> {
    return this.aggregation.exportResults(ctx, projectId, format, abstainBelow);
  }

  @OwnerQuery(() => TaskResultConnection, RESULTS_PAGE_DESCRIPTION)
  resultsPage(@Args() args: ResultsPageArgs, ctx: RequestContext) {
    return this.aggregation.resultsPage(ctx, args);
  }

  @OwnerQuery(() => WorkerQualityView, {
    nullable: true,
    description:
      'A worker’s quality on one of your projects (any project, for admins), from its latest ' +
      'aggregation run; null when the worker has no answers in it.',
  })
  workerQuality(
    @IdArg('projectId') projectId: string,
    @IdArg('workerId') workerId: string,
    ctx: RequestContext,
  ): Promise<WorkerQualityView | null> {
    return this.aggregation.workerQuality(ctx, projectId, workerId);
  }
}

/** The aggregation fields of `Project`: results, runs and worker quality. */
@Resolver(() => Project)
export class ProjectAggregationResolver {
  constructor(private readonly aggregation: AggregationService) {}

  @OwnerField(
    () => TaskResultConnection,
    'Each task’s aggregated label, confidence and posterior, oldest task first.',
  )
  results(
    @Root() project: Project,
    @Args() args: ProjectResultsArgs,
    ctx: RequestContext,
  ): Promise<ConnectionShape<TaskResult>> {
    return this.aggregation.results(ctx, project, args);
  }

  @OwnerField(() => AggregationRunConnection, 'Aggregation runs, oldest first.')
  aggregationRuns(
    @Root() project: Project,
    @Args() args: ConnectionArgs,
    ctx: RequestContext,
  ): Promise<ConnectionShape<AggregationRun>> {
    return this.aggregation.listRuns(ctx, project, args);
  }

  @OwnerField(() => AggregationRun, { nullable: true, description: 'The most recent run.' })
  latestAggregationRun(
    @Root() project: Project,
    ctx: RequestContext,
  ): Promise<AggregationRun | null> {
    return this.aggregation.latestRun(ctx, project);
  }

  @OwnerField(
    () => WorkerQualityConnection,
    'Quality of every worker with answers in the latest successful run.',
  )
  workerQualities(
    @Root() project: Project,
    @Args() args: ConnectionArgs,
    ctx: RequestContext,
  ): Promise<ConnectionShape<WorkerQualityView>> {
    return this.aggregation.listWorkerQualities(ctx, project, args);
  }
}
