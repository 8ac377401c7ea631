/**
 * What featurizing one payload gave: a written row, or a typed reason to skip the task. A payload
 * that lacks the featured field is an expected condition of real data (the pre-label job skips
 * and reports that task, and goes on), so it is a value, never an exception.
 */

/** Why a payload could not be featurized. */
export type SkipReason =
  /** The field path does not resolve to a value. */
  | 'missing-field'
  /** The value is not of the kind the featurizer needs (a string, an array of numbers). */
  | 'wrong-type'
  /** A numeric vector whose length differs from the featurizer dimension. */
  | 'wrong-length'
  /** A numeric vector with NaN, ±Infinity or a non-number entry. */
  | 'not-finite';

/** A row that was not featurized; its slot in the output holds zeros. */
export interface RowSkip {
  readonly ok: false;
  readonly reason: SkipReason;
  /** Human-readable detail, for the job's report (never parsed). */
  readonly message: string;
}

/** The result of featurizing one payload. */
export type RowOutcome = { readonly ok: true } | RowSkip;

/** The shared success value: featurizing a row that works allocates nothing. */
export const ROW_FEATURIZED: RowOutcome = Object.freeze({ ok: true });

/** A skip outcome. */
export function rowSkip(reason: SkipReason, message: string): RowSkip {
  return { ok: false, reason, message };
}
