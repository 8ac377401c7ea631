import type { OnlineAggregationService } from './modules/aggregation/online/online-aggregation.service';
import type { SubmissionStep } from './modules/marketplace/assignment.hooks';
import type { QualityRulesService } from './modules/quality/quality-rules.service';
import type { QualificationService } from './modules/workers/qualification.service';

/**
 * The steps of every submit transaction, in the order they run. Each runs after the answer is
 * stored and counted (`assignments` row SUBMITTED, `tasks.counted_answers` + 1, task row locked)
 * and before the task's completion is decided; a step that throws rolls the submission back.
 * Order matters: a step reads what the steps before it wrote.
 */
export function submissionSteps(modules: {
  online: OnlineAggregationService;
  qualityRules: QualityRulesService;
  qualifications: QualificationService;
}): SubmissionStep[] {
  const { online, qualityRules, qualifications } = modules;
  return [
    {
      // Reads the task's counted, non-excluded answers, the last fit's worker confusions and the
      // latest model's vote (prelabel's `modelVoteSql`), all in the submit's one read; sets the
      // task's `posterior`, `consensus_labels`, `consensus_confidence` (stored by the submit's
      // one task write); may ask to complete the task (dynamic overlap, model gate) and queue a
      // refit job.
      name: 'online posterior and dynamic overlap',
      prefetch: (_tx, submitted) => online.prefetchSubmitted(submitted),
      run: (tx, submitted, prefetched) => online.onSubmitted(tx, submitted, prefetched),
    },
    {
      // Reads the project's enabled rules, the worker's answers and the `consensus_labels` the
      // step above has just written; writes `quality_rule_states`, the audit log, and acts
      // through workers/ (blocks), review (rejections) and exclusions (task slots).
      name: 'quality rules',
      prefetch: (_tx, submitted) => qualityRules.prefetchSubmitted(submitted),
      run: (tx, submitted, prefetched) => qualityRules.onAnswerSubmitted(tx, submitted, prefetched),
    },
    {
      // Reads the worker's gold answers on a project that asks for qualification; writes
      // `worker_qualifications` (passed, failed with a retry time).
      name: 'qualification',
      prefetch: (_tx, submitted) => qualifications.prefetchSubmitted(submitted),
      run: (tx, submitted, prefetched) =>
        qualifications.onAnswerSubmitted(tx, submitted, prefetched),
    },
  ];
}
