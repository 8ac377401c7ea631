/**
 * What a worker may learn of their own quality, and when (DESIGN.md promises 3 and 8; issue 11,
 * "Gold and consensus secrecy"). Like Toloka's delayed control-task feedback, a worker's figures
 * (`myQuality`) never move per answer: they are published once per period, from settled
 * answers only, with gold in whole batches:
 *
 * - publication: at every multiple of `periodSeconds` since the Unix epoch (with the default
 *   day, 00:00 UTC). Between two publications the figures do not change, whatever the worker
 *   answers; the publication time is the same for every worker and never a task's own time;
 * - settled answers: reviewed (approved by the owner or the auto-approval sweep, or rejected) at
 *   or before the publication time. `answers` and `medianSeconds` count these only;
 * - gold accuracy: the settled gold answers in review order, cut to a whole number of batches
 *   of `goldBatchSize`; the rest waits for the batch to fill. A published step therefore covers
 *   at least `goldBatchSize` gold answers reviewed over at least one period;
 * - agreement with consensus: settled answers to tasks whose consensus is final, i.e. the task
 *   is COMPLETE and completed at or before the publication time (an open task's consensus still
 *   moves as others answer, and would tell the worker what the crowd said).
 *
 * Owners and admins keep the live figures (`workerQualityAudit`); blocks are shown at once,
 * because a worker must know why they get no work.
 */
import type { AuditAnswerRow } from './audit-queries.service';

/** The publication schedule of worker-facing quality figures. */
export const QUALITY_FEEDBACK = {
  /** Figures are published at every multiple of this period since the epoch (UTC midnight). */
  periodSeconds: 24 * 3600,
  /** Gold answers are published in whole batches of this many. */
  goldBatchSize: 10,
} as const;

/** An answer row with what publication needs: its review time and its task's completion. */
export interface FeedbackAnswerRow extends AuditAnswerRow {
  readonly reviewed_at: Date | null;
  readonly task_status: string;
  readonly task_completed_at: Date | null;
}

/**
 * Submitted answers of worker $1 (on project $2, or all when null) with their review time and
 * their task's state; as `AuditQueriesService.answerRows` plus three columns.
 */
export const FEEDBACK_ANSWERS_SQL = `
  SELECT a.id AS assignment_id, a.worker_id, a.task_id, a.answer_labels, a.submitted_at,
         a.server_duration_ms, a.counted, (a.excluded_at IS NOT NULL) AS excluded,
         a.gold_correct, t.is_gold AS task_is_gold, t.consensus_labels, t.consensus_confidence,
         a.reviewed_at, t.status AS task_status, t.completed_at AS task_completed_at
  FROM assignments a JOIN tasks t ON t.id = a.task_id
  WHERE a.worker_id = $1
    AND ($2::uuid IS NULL OR a.project_id = $2::uuid)
    AND a.submitted_at IS NOT NULL AND a.answer_labels IS NOT NULL
  ORDER BY a.reviewed_at, a.id`;

/** The latest publication time at or before `now`, and the next one. */
export function publicationTimes(
  now: Date,
  periodSeconds: number = QUALITY_FEEDBACK.periodSeconds,
): { publishedAt: Date; nextPublicationAt: Date } {
  const period = periodSeconds * 1000;
  const published = Math.floor(now.getTime() / period) * period;
  return { publishedAt: new Date(published), nextPublicationAt: new Date(published + period) };
}

/**
 * The answers a worker's figures may use at `publishedAt` (see the header): settled answers,
 * gold cut to whole batches in review order, and consensus kept only where it is final. Pure.
 */
export function publishedAnswers(
  rows: readonly FeedbackAnswerRow[],
  publishedAt: Date,
  goldBatchSize: number = QUALITY_FEEDBACK.goldBatchSize,
): AuditAnswerRow[] {
  const at = publishedAt.getTime();
  const settled = rows
    .filter(row => row.reviewed_at !== null && new Date(row.reviewed_at).getTime() <= at)
    .sort(
      (a, b) =>
        new Date(a.reviewed_at!).getTime() - new Date(b.reviewed_at!).getTime() ||
        (a.assignment_id < b.assignment_id ? -1 : a.assignment_id > b.assignment_id ? 1 : 0),
    );
  const settledGold = settled.filter(row => row.task_is_gold && row.gold_correct !== null).length;
  let goldLeft = Math.floor(settledGold / goldBatchSize) * goldBatchSize;
  return settled.map(row => {
    if (row.task_is_gold && row.gold_correct !== null) {
      // Beyond the last whole batch: an answer, but not yet a scored one.
      return goldLeft-- > 0 ? row : { ...row, gold_correct: null };
    }
    const final =
      row.task_status === 'COMPLETE' &&
      row.task_completed_at !== null &&
      new Date(row.task_completed_at).getTime() <= at;
    return final ? row : { ...row, consensus_labels: null, consensus_confidence: null };
  });
}
