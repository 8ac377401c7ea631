/**
 * Pure rules of expert review: which tasks a reviewer should look at, what a valid final label
 * is, and the pseudonym a reviewer sees instead of a worker's identity. No app imports.
 *
 * Pseudonyms: `Worker ` + the first 8 hex digits of SHA-256(projectId ‖ ':' ‖ userId). Stable
 * within a project (a reviewer can tell that two answers came from one person) and different
 * across projects (pseudonyms cannot be joined between projects to re-identify a worker).
 */
import { createHash } from 'node:crypto';

/** A worker's (or reviewer's) pseudonym within one project. */
export function pseudonymOf(projectId: string, userId: string): string {
  const digest = createHash('sha256').update(`${projectId}:${userId}`).digest('hex');
  return `Worker ${digest.slice(0, 8)}`;
}

/** What the queue knows of a task to decide why it needs review. */
export interface ReviewCandidate {
  readonly consensusLabels: readonly string[] | null;
  readonly confidence: number | null;
  readonly modelLabel: string | null;
}

/**
 * Why a task needs an expert: its consensus confidence is below `threshold` (the label would be
 * withheld at that abstention level), and/or the latest model's prediction is not among the
 * consensus labels. A task without any consensus has nothing to review yet.
 */
export function reviewReasons(
  candidate: ReviewCandidate,
  threshold: number,
): Array<'LOW_CONFIDENCE' | 'MODEL_DISAGREES'> {
  const reasons: Array<'LOW_CONFIDENCE' | 'MODEL_DISAGREES'> = [];
  if (candidate.consensusLabels === null) return reasons;
  if (candidate.confidence !== null && candidate.confidence < threshold) {
    reasons.push('LOW_CONFIDENCE');
  }
  if (candidate.modelLabel !== null && !candidate.consensusLabels.includes(candidate.modelLabel)) {
    reasons.push('MODEL_DISAGREES');
  }
  return reasons;
}

/**
 * The problem with a final label, or null when it is valid: single choice takes exactly one key
 * of the schema; multi-label any set of distinct keys (the empty set included). Keys come back
 * in schema order from `orderedLabels`.
 */
export function decisionLabelProblem(
  kind: 'SINGLE_CHOICE' | 'MULTI_LABEL',
  keys: readonly string[],
  labels: readonly string[],
): string | null {
  if (kind === 'SINGLE_CHOICE' && labels.length !== 1) {
    return 'A single-choice decision takes exactly one label';
  }
  if (new Set(labels).size !== labels.length) return 'Labels must be distinct';
  const unknown = labels.find(label => !keys.includes(label));
  return unknown === undefined ? null : `Unknown label key: ${unknown}`;
}

/** `labels` in the schema's order (how aggregation stores consensus labels). */
export function orderedLabels(keys: readonly string[], labels: readonly string[]): string[] {
  return keys.filter(key => labels.includes(key));
}
