/**
 * Suggests a label distribution for a task before humans answer. Configured via
 * `config.prelabel.strategy` (STYLE.md 5.8): `NullPrelabelStrategy` by default,
 * `OnnxPrelabelStrategy` when a model is configured. Batch pre-labeling of a whole project runs
 * in `PrelabelInferenceWorker` instead; this interface is the one-task path.
 */
export interface PrelabelStrategy {
  /** Loads what the strategy needs (e.g. the model); called once before `suggest`. */
  init?(): Promise<void>;
  /** Releases it; called once at shutdown. */
  destroy?(): Promise<void>;
  /**
   * One probability per entry of `labelSet`, in that order, or null when the strategy has no
   * opinion (no model, or the payload lacks the featured field).
   */
  suggest(task: {
    readonly id: string;
    readonly payload: unknown;
    readonly labelSet: readonly string[];
  }): Promise<Float64Array | null>;
}

/** The default: never has an opinion. */
export class NullPrelabelStrategy implements PrelabelStrategy {
  async suggest(): Promise<null> {
    return null;
  }
}
