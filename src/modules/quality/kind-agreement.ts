import { kindOf } from '../kinds/kinds';
import { isStructuredKind, kindSettingsOf } from '../projects/kind-settings';
import type { LabelSchemaLike } from '../projects/validate-project-settings';
import { meanPairwiseAgreement } from './algorithms/answer-agreement';

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
