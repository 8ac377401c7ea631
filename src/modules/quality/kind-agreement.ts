import { kindOf } from '../kinds/kinds';
import { isStructuredKind, kindSettingsOf } from '../projects/kind-settings';
import type { LabelSchemaLike } from '../projects/validate-project-settings';
import { meanPairwiseAgreement, observedPairwiseAgreement } from './algorithms/answer-agreement';
import { distanceAlpha } from './algorithms/distance-alpha';
import { intervalAlpha } from './algorithms/interval-alpha';

/**
 * Graded agreement of structured answers for quality rules and audits (docs/kinds.md): each
 * answer's mean pairwise agreement with the other workers' answers to its task, by the kind's
 * `agreement` (span F1, box F1 at IoU 0.5, ratings within tolerance, the same item). The choice
 * kinds keep agreement with the task's confident consensus, so this returns null for them.
 */
export interface KindAgreement {
  /** Each answer's agreement (NaN: no other worker's answer to its task among `answers`). */
  of(answers: ReadonlyArray<{ task: string; worker: string; answer: unknown }>): Float64Array;
  /** One answer's agreement with `others` (other workers' answers to its task); null with none. */
  withOthers(answer: unknown, others: readonly unknown[] | null): number | null;
}

/**
 * SQL joined after an answer `a`: `o.others`, the other workers' counted, non-excluded answers to
 * its task as a JSON array (null when none, and for a choice answer, whose lateral subquery its
 * first condition cuts off).
 */
export const OTHERS_JOIN = `
    LEFT JOIN LATERAL (
      SELECT json_agg(x.answer ORDER BY x.submitted_at, x.id) AS others FROM assignments x
      WHERE a.answer IS NOT NULL AND x.task_id = a.task_id AND x.worker_id <> a.worker_id
        AND x.counted AND x.excluded_at IS NULL AND x.answer IS NOT NULL) o ON true`;

/** The graded agreement of `schema`'s kind; null for the choice kinds. */
export function kindAgreement(schema: LabelSchemaLike): KindAgreement | null {
  if (!isStructuredKind(schema.kind)) return null;
  const kind = kindOf(schema.kind);
  const settings = kindSettingsOf(schema);
  const of: KindAgreement['of'] = answers => {
    const tasks = new Map<string, number>();
    const workers = new Map<string, number>();
    const id = (ids: Map<string, number>, key: string) => {
      if (!ids.has(key)) ids.set(key, ids.size);
      return ids.get(key)!;
    };
    return meanPairwiseAgreement(
      Int32Array.from(answers, a => id(tasks, a.task)),
      Int32Array.from(answers, a => id(workers, a.worker)),
      (i, j) => kind.agreement(settings, answers[i].answer as never, answers[j].answer as never),
    );
  };
  return {
    of,
    withOthers(answer, others) {
      if (!others || others.length === 0) return null;
      const answers = [answer, ...others].map((a, i) => ({
        task: '',
        worker: String(i),
        answer: a,
      }));
      return of(answers)[0];
    },
  };
}

/** A point estimate in the shape of the choice kinds' `AgreementEstimate` (no interval). */
export interface PointEstimate {
  readonly value: number;
}

/**
 * A structured project's agreement statistics for the project audit: the kind's own measures,
 * not κ (there is no fixed set of categories whose chance shares κ and AC1 need).
 *
 * - `observedAgreement`: the mean over tasks of the mean pairwise `agreement` of their answers
 *   by different workers (span F1, box F1 at IoU 0.5, ratings within tolerance, same item):
 *   `observedPairwiseAgreement`;
 * - `krippendorffAlpha`: interval α for ratings (`interval-alpha.ts`), α at distance
 *   1 − agreement for spans and boxes (`distance-alpha.ts`), null for pairwise (the kind's
 *   `alphaDistance`); `alphaDistance` names which, `alphaExpectedExact` whether D_e visited
 *   every pair of answers or a seeded sample of them.
 */
export interface KindAgreementReport {
  readonly observedAgreement: PointEstimate;
  readonly krippendorffAlpha: PointEstimate | null;
  readonly alphaDistance: 'INTERVAL' | 'AGREEMENT' | null;
  readonly alphaExpectedExact: boolean | null;
  readonly ratedTasks: number;
  readonly pairableTasks: number;
}

/**
 * The agreement statistics of `answers` (validated answers of `schema`'s structured kind, each
 * with its task and worker); null for the choice kinds. `seed` fixes the pairs a large project's
 * D_e samples, so the same answers always give the same α.
 */
export function kindAgreementReport(
  schema: LabelSchemaLike,
  answers: ReadonlyArray<{ task: string; worker: string; answer: unknown }>,
  seed = 1,
): KindAgreementReport | null {
  const agreement = kindAgreement(schema);
  if (agreement === null) return null;
  const kind = kindOf(schema.kind);
  const settings = kindSettingsOf(schema);
  const tasks = new Map<string, number>();
  const unit = Int32Array.from(answers, a => {
    if (!tasks.has(a.task)) tasks.set(a.task, tasks.size);
    return tasks.get(a.task)!;
  });
  const observed = observedPairwiseAgreement(unit, agreement.of(answers));
  const metric = kind.alphaDistance;
  let alpha: { alpha: number; expectedExact: boolean } | null = null;
  if (metric?.metric === 'INTERVAL') {
    const values = Float64Array.from(answers, a => metric.value(settings, a.answer as never));
    alpha = { alpha: intervalAlpha(unit, values).alpha, expectedExact: true };
  } else if (metric?.metric === 'AGREEMENT') {
    const distance = (i: number, j: number) =>
      1 - kind.agreement(settings, answers[i].answer as never, answers[j].answer as never);
    const result = distanceAlpha(unit, distance, { seed });
    alpha = { alpha: result.alpha, expectedExact: result.expectedExact };
  }
  return {
    observedAgreement: { value: observed.value },
    krippendorffAlpha: alpha && { value: alpha.alpha },
    alphaDistance: metric?.metric ?? null,
    alphaExpectedExact: alpha?.expectedExact ?? null,
    ratedTasks: observed.ratedTasks,
    pairableTasks: observed.pairableTasks,
  };
}
