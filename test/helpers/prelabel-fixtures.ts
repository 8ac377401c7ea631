import type { DataSource } from 'typeorm';
import { createLogger } from '../../src/common/logger';
import type { RequestContext } from '../../src/common/request-context';
import { TransactionalConnection } from '../../src/db/transactional-connection';
import { EventBus } from '../../src/events/event-bus';
import { IdempotencyService } from '../../src/modules/idempotency/idempotency.service';
import { DatabaseJobQueue } from '../../src/modules/jobs/database-job-queue';
import type { LogisticRegressionModel } from '../../src/modules/prelabel/algorithms/logistic-regression';
import type { ModelVersion } from '../../src/modules/prelabel/model-version.entity';
import { exportLogisticRegressionToOnnx } from '../../src/modules/prelabel/onnx-export';
import {
  PrelabelService,
  type PrelabelServiceOptions,
} from '../../src/modules/prelabel/prelabel.service';
import { ProjectService } from '../../src/modules/projects/project.service';

/** The featurizer of the hand-built models: the task payload's two `features`. */
export const NUMERIC_FEATURIZER = {
  kind: 'numeric-vector',
  field: 'features',
  dimension: 2,
} as const;

/**
 * A two-feature logistic model built by hand, output columns [dog, cat] (the reverse of the
 * test schema, so label mapping is exercised): P(cat) = σ(2·halfSlope·(x₀ − threshold)).
 */
export function thresholdModel(threshold: number, version: string, halfSlope = 4): Uint8Array {
  const model: LogisticRegressionModel = {
    nFeatures: 2,
    nClasses: 2,
    // logit_dog = −halfSlope·(x₀ − threshold), logit_cat = halfSlope·(x₀ − threshold).
    weights: Float32Array.from([-halfSlope, halfSlope, 0, 0]),
    bias: Float32Array.from([halfSlope * threshold, -halfSlope * threshold]),
  };
  return exportLogisticRegressionToOnnx(model, {
    featurizer: NUMERIC_FEATURIZER,
    labelKeys: ['dog', 'cat'],
    version,
  });
}

/**
 * Registers `modelBytes` (built by `thresholdModel`, so over NUMERIC_FEATURIZER with columns
 * [dog, cat]) on the project and pre-labels all its tasks, the jobs drained: where the model gate,
 * the model annotator and the model loop specs start from.
 */
export async function registerAndPrelabel(
  prelabels: PrelabelService,
  ctx: RequestContext,
  drainJobs: () => Promise<unknown>,
  model: { projectId: string; version: string; modelBytes: Uint8Array },
): Promise<ModelVersion> {
  const version = await prelabels.registerModel(ctx, {
    ...model,
    featurizer: NUMERIC_FEATURIZER,
    labelKeys: ['dog', 'cat'],
  });
  await prelabels.startPrelabeling(ctx, { projectId: model.projectId, modelVersionId: version.id });
  await drainJobs();
  return version;
}

/** A pre-label service over `dataSource` with its jobs registered, built as the app builds it. */
export function buildPrelabelServices(
  dataSource: DataSource,
  options: PrelabelServiceOptions = {},
) {
  const connection = new TransactionalConnection(dataSource);
  const logger = createLogger('silent');
  const projects = new ProjectService(
    connection,
    new EventBus(logger),
    new IdempotencyService(connection),
  );
  const jobs = new DatabaseJobQueue(connection, logger);
  const prelabels = new PrelabelService(connection, projects, jobs, options);
  prelabels.registerJobs();
  return { connection, projects, jobs, prelabels };
}
