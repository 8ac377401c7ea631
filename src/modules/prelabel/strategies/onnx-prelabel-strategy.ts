/**
 * A `PrelabelStrategy` backed by one ONNX model: featurize the payload with the model's
 * featurizer, run the model, reorder its columns into the task's label set (label-mapping.ts).
 * The model is loaded and validated in `init()` and released in `destroy()`; `suggest` before
 * `init` is a bug and throws.
 */
import { createFeaturizer, Featurizer } from '../algorithms/featurize';
import { FeaturizerSpecInput } from '../algorithms/featurizer-spec';
import { labelColumns, toLabelSetOrder } from '../algorithms/label-mapping';
import { OnnxModel, OnnxModelOptions } from './onnx-model';
import { PrelabelStrategy } from './prelabel-strategy';

/** What `OnnxPrelabelStrategy` is built from (what a registered model version stores). */
export interface OnnxPrelabelStrategyConfig {
  readonly modelBytes: Uint8Array;
  readonly featurizer: FeaturizerSpecInput;
  /** Label key of each model output column, in column order. */
  readonly labelKeys: readonly string[];
  readonly modelOptions?: OnnxModelOptions;
}

/**
 * Pre-labels one task at a time with an ONNX model.
 *
 * @example
 * const strategy = new OnnxPrelabelStrategy({ modelBytes, featurizer, labelKeys: ['cat', 'dog'] });
 * await strategy.init();
 * const suggestion = await strategy.suggest({ id, payload, labelSet: ['cat', 'dog', 'other'] });
 */
export class OnnxPrelabelStrategy implements PrelabelStrategy {
  private readonly featurizer: Featurizer;
  private model: OnnxModel | undefined;
  private readonly columnsByLabelSet = new Map<string, Int32Array>();

  constructor(private readonly config: OnnxPrelabelStrategyConfig) {
    this.featurizer = createFeaturizer(config.featurizer);
  }

  /** Loads and validates the model (throws its `PrelabelModelError` when it does not fit). */
  async init(): Promise<void> {
    if (this.model) return;
    this.model = await OnnxModel.load(
      this.config.modelBytes,
      { nFeatures: this.featurizer.dimension, nLabels: this.config.labelKeys.length },
      this.config.modelOptions,
    );
  }

  async destroy(): Promise<void> {
    await this.model?.dispose();
    this.model = undefined;
  }

  /**
   * Probabilities in `labelSet` order, or null when the payload cannot be featurized. Throws a
   * RangeError when a model label is not in `labelSet`.
   */
  async suggest(task: {
    readonly id: string;
    readonly payload: unknown;
    readonly labelSet: readonly string[];
  }): Promise<Float64Array | null> {
    if (!this.model) throw new Error('OnnxPrelabelStrategy.suggest before init()');
    const columns = this.columnsFor(task.labelSet);
    const features = new Float32Array(this.featurizer.dimension);
    if (!this.featurizer.featurizeInto(task.payload, features, 0).ok) return null;
    const probabilities = await this.model.predict(features, 1);
    return toLabelSetOrder(probabilities, 1, this.model.nLabels, columns);
  }

  private columnsFor(labelSet: readonly string[]): Int32Array {
    const key = JSON.stringify(labelSet);
    let columns = this.columnsByLabelSet.get(key);
    if (!columns) {
      columns = labelColumns(this.config.labelKeys, labelSet);
      this.columnsByLabelSet.set(key, columns);
    }
    return columns;
  }
}
