/**
 * PAIRWISE: which of a task's two items is better; the answer is the preferred item's id, as in
 * `quorum aggregate --kind pairwise` (`worker,left,right,label`). The items are the payload's
 * `leftField` and `rightField` (default `left`, `right`): strings or numbers, and distinct.
 *
 * Gold: exact (score 1 or 0, threshold 1). Aggregation input: a `PairwiseMatrix` with one row
 * per answer (`taskIds[r]` is row r's task) over the items of all tasks (`keys` are the item
 * ids). Confidence: noisy Bradley–Terry fitted on the pair's current answers, then its online
 * confidence (`pairwiseTaskConfidence`): the probability that the current leader is better
 * (0.5 before any answer).
 *
 * Exports: CSV `task_id,external_id,left,right,preferred,confidence,answers,reviewed` and JSONL with the
 * same fields.
 */
import {
  noisyBradleyTerry,
  pairwiseTaskConfidence,
  type PairwiseMatrix,
} from '../aggregation/algorithms/kinds/pairwise';
import {
  Interner,
  answerField,
  fromPayload,
  isRecord,
  ok,
  okUnless,
  payloadString,
  readFieldName,
  refuse,
  settingsObject,
  tableExport,
} from './kind-checks';
import type { KindIssue, TaskKind, TaskPayload } from './task-kind';

/** Parsed PAIRWISE settings. */
export interface PairwiseSettings {
  readonly leftField: string;
  readonly rightField: string;
}

/** A PAIRWISE answer: the id of the preferred item. */
export interface PairwiseAnswer {
  readonly preferred: string;
}

/**
 * An item's id: the payload field itself when it is a string (or a number), else its `id` when
 * it is an object (`{ id, text }`, `{ id, image }`: what a widget shows beside the id).
 */
function itemId(payload: TaskPayload, field: string): string | null {
  const value = payload[field];
  return isRecord(value) ? payloadString(value, 'id') : payloadString(payload, field);
}

/** The task's two item ids, or null when either is missing or they are equal. */
export function itemsOf(settings: PairwiseSettings, payload: TaskPayload): [string, string] | null {
  const left = itemId(payload, settings.leftField);
  const right = itemId(payload, settings.rightField);
  return left !== null && right !== null && left !== right ? [left, right] : null;
}

function parseSettings(raw: unknown) {
  const issues: KindIssue[] = [];
  const object = settingsObject(raw, issues);
  const leftField = readFieldName(object, 'leftField', 'left', issues);
  const rightField = readFieldName(object, 'rightField', 'right', issues);
  if (issues.length === 0 && leftField === rightField) {
    issues.push({
      code: 'INVALID_SETTINGS',
      field: 'settings.rightField',
      reason: 'the two item fields differ',
    });
  }
  return okUnless<PairwiseSettings>(issues, () => ({ leftField, rightField }));
}

function validateAnswer(settings: PairwiseSettings, payload: TaskPayload, raw: unknown) {
  const items = fromPayload(
    itemsOf(settings, payload),
    settings.leftField,
    'the task has two distinct items to compare',
  );
  if (!items.ok) return items;
  const isString = (value: unknown): value is string => typeof value === 'string';
  const preferred = answerField(raw, 'preferred', isString, 'the preferred item id, a string');
  if (!preferred.ok) return preferred;
  if (!items.value.includes(preferred.value)) {
    return refuse<PairwiseAnswer>(
      'NOT_AN_ITEM',
      'answer.preferred',
      'the preferred item is one of the two items of the task',
    );
  }
  return ok<PairwiseAnswer>({ preferred: preferred.value });
}

/** The PAIRWISE kind. */
export const pairwiseKind: TaskKind<PairwiseSettings, PairwiseAnswer, PairwiseMatrix> = {
  name: 'PAIRWISE',
  goldThreshold: 1,
  exportFormats: ['CSV', 'JSONL'],
  parseSettings,
  validateAnswer,

  scoreGold(_settings, _payload, answer, gold, threshold = 1) {
    const score = answer.preferred === gold.preferred ? 1 : 0;
    return { score, pass: score >= threshold };
  },

  agreement(_settings, a, b) {
    return a.preferred === b.preferred ? 1 : 0;
  },

  // Answers to different pairs name different items: no distance across tasks, so no α.
  alphaDistance: null,

  encode(settings, tasks) {
    const items = new Interner();
    const workers = new Interner();
    const rows: Array<[number, number, number, number]> = [];
    const taskIds: string[] = [];
    for (const task of tasks) {
      const pair = itemsOf(settings, task.payload);
      if (pair === null) continue;
      const [left, right] = [items.of(pair[0]), items.of(pair[1])];
      for (const { worker, answer } of task.answers) {
        rows.push([workers.of(worker), left, right, answer.preferred === pair[0] ? 1 : 0]);
        taskIds.push(task.taskId);
      }
    }
    const input: PairwiseMatrix = {
      nItems: items.ids.length,
      nWorkers: workers.ids.length,
      worker: Int32Array.from(rows, r => r[0]),
      left: Int32Array.from(rows, r => r[1]),
      right: Int32Array.from(rows, r => r[2]),
      leftWins: Uint8Array.from(rows, r => r[3]),
    };
    return { input, taskIds, workerIds: workers.ids, keys: items.ids };
  },

  taskConfidence(settings, payload, answers) {
    if (answers.length === 0) return 0.5;
    const { input } = pairwiseKind.encode(settings, [{ taskId: '', payload, answers }]);
    if (input.nItems !== 2) return 0.5;
    const fit = noisyBradleyTerry(input);
    const votes = Array.from(input.worker, (worker, r) => ({
      worker,
      leftWins: input.leftWins[r] === 1,
    }));
    return pairwiseTaskConfidence(fit, 0, 1, votes);
  },

  exportResults(format, settings, rows) {
    const records = rows.map(row => {
      const pair = itemsOf(settings, row.payload);
      return {
        task_id: row.taskId,
        external_id: row.externalId,
        left: pair?.[0] ?? null,
        right: pair?.[1] ?? null,
        preferred: row.answer?.preferred ?? null,
        confidence: row.confidence,
        answers: row.answerCount,
        reviewed: row.reviewed ?? false,
      };
    });
    return tableExport(
      'PAIRWISE',
      format,
      'pairwise',
      ['task_id', 'external_id', 'left', 'right', 'preferred', 'confidence', 'answers', 'reviewed'],
      records,
    );
  },
};
