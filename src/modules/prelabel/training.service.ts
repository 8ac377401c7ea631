import { BadUserInputError } from '../../common/errors';
import type { RequestContext } from '../../common/request-context';
import { queryRows } from '../../db/query-rows';
import type { TransactionalConnection } from '../../db/transactional-connection';
import type { ProjectService } from '../projects/project.service';
import { evaluateClassifier } from './algorithms/classification-metrics';
import { createFeaturizer } from './algorithms/featurize';
import { predictProbabilities, trainLogisticRegression } from './algorithms/logistic-regression';
import { ModelSource, ModelVersion } from './model-version.entity';
import { exportLogisticRegressionToOnnx } from './onnx-export';
import { PrelabelService, singleChoiceKeys } from './prelabel.service';

/** What `trainModel` needs. */
export interface TrainModelRequest {
  readonly projectId: string;
  /** Version name; default `trained-<n>` with n the number of the project's versions + 1. */
  readonly version?: string | null;
  /** Featurizer spec (untrusted JSON); default the latest model version's featurizer. */
  readonly featurizer?: unknown;
  /** L2 penalty λ of the regression; default 1e-3. */
  readonly l2?: number | null;
  /** Whether the new version votes at once (default true; the model loop decides after gold). */
  readonly promote?: boolean;
}

/** The report stored as the trained version's `metrics`. */
export interface TrainingReport {
  readonly trainingTasks: number;
  readonly trainingWeight: number;
  readonly goldTasks: number;
  /** null when the project has no gold task with a featurizable payload. */
  readonly accuracy: number | null;
  readonly macroF1: number | null;
  readonly expectedCalibrationError: number | null;
  readonly brierScore: number | null;
  /**
   * The model against the gold answers: `goldConfusion[truth][predicted]` counts, rows and
   * columns in the version's `labelKeys` order; null without scorable gold.
   */
  readonly goldConfusion: number[][] | null;
  readonly iterations: number;
  readonly converged: boolean;
  readonly loss: number;
  readonly skippedTasks: number;
}

/** Fewest consensus-labelled tasks a model is trained from. */
export const MIN_TRAINING_TASKS = 2;

/**
 * Trains a small model from the crowd (the loop of the field: crowd labels train a model that
 * pre-labels the next batch). A multinomial logistic regression is fitted on the featurized
 * payloads of the project's COMPLETE non-gold tasks with a consensus label, each weighted by
 * its consensus confidence; gold tasks are held out and score the model (accuracy, macro-F1,
 * expected calibration error, Brier). The model is exported to ONNX and registered through
 * `PrelabelService.registerModel` as the next version, so it passes the same validation as an
 * uploaded one and gets its own MODEL annotator.
 *
 * `trainModel` runs in the request, on the main thread: fine for the thousands of tasks a project
 * has when it first trains (L-BFGS over sparse rows). The automatic retrain (`modelRetrainEvery`,
 * model-loop.ts) calls it from a background job.
 */
export class TrainingService {
  constructor(
    private readonly db: TransactionalConnection,
    private readonly projects: ProjectService,
    private readonly prelabels: PrelabelService,
  ) {}

  /** Trains, evaluates on gold, exports and registers; returns the new version. */
  async trainModel(ctx: RequestContext, request: TrainModelRequest): Promise<ModelVersion> {
    const project = await this.projects.requireProject(ctx, request.projectId);
    const labelKeys = singleChoiceKeys(project);
    const C = labelKeys.length;
    const labelIndex = new Map(labelKeys.map((key, k) => [key, k]));
    const versions = await this.db
      .repo(ctx, ModelVersion)
      .find({ where: { projectId: project.id }, order: { createdAt: 'DESC', id: 'DESC' } });
    const spec = request.featurizer ?? versions[0]?.featurizer;
    if (spec === undefined) {
      throw new BadUserInputError('give a featurizer: the project has no model to take it from', {
        field: 'featurizer',
      });
    }
    let featurizer;
    try {
      featurizer = createFeaturizer(spec);
    } catch (error) {
      throw new BadUserInputError(`featurizer: ${(error as Error).message}`, {
        field: 'featurizer',
      });
    }
    const D = featurizer.dimension;

    const rows = await queryRows<{
      payload: unknown;
      is_gold: boolean;
      label: string;
      confidence: number | null;
    }>(
      this.db.manager(ctx),
      `SELECT payload, is_gold,
              CASE WHEN is_gold THEN gold_labels[1] ELSE consensus_labels[1] END AS label,
              consensus_confidence AS confidence
         FROM tasks
        WHERE project_id = $1
          AND ((is_gold AND gold_labels IS NOT NULL)
               OR (NOT is_gold AND status = 'COMPLETE' AND consensus_labels IS NOT NULL))
        ORDER BY id`,
      [project.id],
    );
    const train = rows.filter(row => !row.is_gold && labelIndex.has(row.label));
    const gold = rows.filter(row => row.is_gold && labelIndex.has(row.label));

    const trainSet = featurizeRows(featurizer, train);
    if (trainSet.n < MIN_TRAINING_TASKS) {
      throw new BadUserInputError(
        `the project has ${trainSet.n} completed tasks with a consensus and a featurizable payload; training needs at least ${MIN_TRAINING_TASKS}`,
        { field: 'projectId' },
      );
    }
    const weights = new Float64Array(trainSet.n);
    const labels = new Int32Array(trainSet.n);
    let trainingWeight = 0;
    trainSet.kept.forEach((row, i) => {
      // A task without a stored confidence counts fully; a confidence of 0 would drop the task.
      weights[i] = row.confidence ?? 1;
      labels[i] = labelIndex.get(row.label)!;
      trainingWeight += weights[i];
    });
    const training = trainLogisticRegression(
      {
        features: trainSet.features,
        nSamples: trainSet.n,
        nFeatures: D,
        nClasses: C,
        labels,
        sampleWeights: weights,
      },
      { l2: request.l2 ?? undefined },
    );

    const goldSet = featurizeRows(featurizer, gold);
    const evaluation =
      goldSet.n > 0
        ? evaluateClassifier(
            predictProbabilities(training.model, goldSet.features, goldSet.n),
            Int32Array.from(goldSet.kept, row => labelIndex.get(row.label)!),
            C,
          )
        : null;
    const report: TrainingReport = {
      trainingTasks: trainSet.n,
      trainingWeight,
      goldTasks: goldSet.n,
      accuracy: evaluation?.accuracy ?? null,
      macroF1: evaluation?.macroF1 ?? null,
      expectedCalibrationError: evaluation?.expectedCalibrationError ?? null,
      brierScore: evaluation?.brierScore ?? null,
      goldConfusion: evaluation
        ? Array.from({ length: C }, (_, truth) =>
            Array.from(evaluation.confusion.subarray(truth * C, (truth + 1) * C)),
          )
        : null,
      iterations: training.iterations,
      converged: training.converged,
      loss: training.loss,
      skippedTasks: train.length - trainSet.n + (gold.length - goldSet.n),
    };

    const version = request.version?.trim() || `trained-${versions.length + 1}`;
    const modelBytes = exportLogisticRegressionToOnnx(training.model, {
      featurizer: featurizer.spec,
      labelKeys,
      version,
      extraMetadata: { training: JSON.stringify(report) },
    });
    return this.prelabels.registerModel(ctx, {
      projectId: project.id,
      version,
      modelBytes,
      featurizer: featurizer.spec,
      labelKeys,
      source: ModelSource.TRAINED,
      metrics: { ...report },
      promote: request.promote,
    });
  }
}

/** Featurizes rows, dropping those whose payload lacks the field (counted by the caller). */
function featurizeRows<T extends { payload: unknown }>(
  featurizer: ReturnType<typeof createFeaturizer>,
  rows: readonly T[],
): { features: Float32Array; n: number; kept: T[] } {
  const D = featurizer.dimension;
  const features = new Float32Array(rows.length * D);
  const kept: T[] = [];
  for (const row of rows) {
    if (featurizer.featurizeInto(row.payload, features, kept.length * D).ok) kept.push(row);
  }
  return { features: features.subarray(0, kept.length * D), n: kept.length, kept };
}
