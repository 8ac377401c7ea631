import { Resolver } from 'type-graphql';
import { RequestContext } from '../../common/request-context';
import { ModelVersion } from './model-version.entity';
import { PrelabelRun } from './prelabel-run.entity';
import { RegisterModelInput, StartPrelabelingInput, TrainModelInput } from './prelabel.inputs';
import { decodeModelBase64, PrelabelService } from './prelabel.service';
import { TrainingService } from './training.service';
import { IdArg, InputArg, OwnerMutation, OwnerQuery } from '../../graphql/operations';

/**
 * Pre-label models for project owners and admins: register, pre-label, train. Another
 * requester's project, model or run is NOT_FOUND (checked in the services).
 */
@Resolver(() => ModelVersion)
export class PrelabelResolver {
  constructor(
    private readonly prelabels: PrelabelService,
    private readonly training: TrainingService,
  ) {}

  @OwnerMutation(
    () => ModelVersion,
    'Registers an ONNX model after loading it and running it on a task; nothing is stored on error (MODEL_* codes).',
  )
  registerModel(@InputArg() input: RegisterModelInput, ctx: RequestContext): Promise<ModelVersion> {
    return this.prelabels.registerModel(ctx, {
      projectId: input.projectId,
      version: input.version,
      modelBytes: decodeModelBase64(input.modelBase64),
      featurizer: input.featurizer,
      labelKeys: input.labelKeys,
    });
  }

  @OwnerMutation(
    () => PrelabelRun,
    'Starts a background job that pre-labels every task of the project.',
  )
  startPrelabeling(
    @InputArg() input: StartPrelabelingInput,
    ctx: RequestContext,
  ): Promise<PrelabelRun> {
    return this.prelabels.startPrelabeling(ctx, input);
  }

  @OwnerMutation(
    () => ModelVersion,
    'Trains a model from the consensus of completed tasks, evaluates it on gold and registers it.',
  )
  trainModel(@InputArg() input: TrainModelInput, ctx: RequestContext): Promise<ModelVersion> {
    return this.training.trainModel(ctx, input);
  }

  @OwnerQuery(() => PrelabelRun, 'Progress of a pre-labeling job.')
  prelabelRun(@IdArg() id: string, ctx: RequestContext): Promise<PrelabelRun> {
    return this.prelabels.prelabelRun(ctx, id);
  }

  @OwnerQuery(() => [ModelVersion], 'The project’s model versions, oldest first.')
  modelVersions(
    @IdArg('projectId') projectId: string,
    ctx: RequestContext,
  ): Promise<ModelVersion[]> {
    return this.prelabels.modelVersions(ctx, projectId);
  }
}
