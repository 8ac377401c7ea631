/**
 * SINGLE_CHOICE and MULTI_LABEL as kinds: thin wrappers over the code the product already runs,
 * so their behaviour does not change. Answer checks are `validateAnswer` of
 * marketplace/validate-answer.ts (its refusals mapped to UNKNOWN_LABEL or MALFORMED_ANSWER);
 * encoding is `ProjectAnswerEncoder` (aggregation/encode-project-answers.ts); exports are the
 * results CSV and JSONL of aggregation/results-export.ts.
 *
 * Gold: the same set (`sameLabels`), score 1 or 0, threshold 1. Confidence: majority vote over the
 * task's current answers through `computeAggregation` (the probability of the consensus); the
 * product's online Dawid–Skene posterior stays the submit step for these kinds (docs/kinds.md).
 */
import { computeAggregation } from '../aggregation/compute-aggregation';
import {
  ProjectAnswerEncoder,
  type EncodedProjectAnswers,
} from '../aggregation/encode-project-answers';
import {
  presentTaskResult,
  resultsToCsv,
  resultsToJsonl,
  EXPORT_CONTENT_TYPES,
} from '../aggregation/results-export';
import { sameLabels, validateAnswer } from '../marketplace/validate-answer';
import {
  answerObject,
  okUnless,
  readKeyList,
  refuse,
  settingsObject,
  unsupportedFormat,
} from './kind-checks';
import type { KindIssue, KindName, TaskKind } from './task-kind';

/** Parsed settings of the choice kinds: the schema's label keys, in schema order. */
export interface ChoiceSettings {
  readonly labels: readonly string[];
}

/** An answer of the choice kinds: label keys in schema order (one for SINGLE_CHOICE). */
export interface ChoiceAnswer {
  readonly labels: readonly string[];
}

/** A choice kind; `kind` is SINGLE_CHOICE or MULTI_LABEL. */
function choiceKind(
  kind: Extract<KindName, 'SINGLE_CHOICE' | 'MULTI_LABEL'>,
): TaskKind<ChoiceSettings, ChoiceAnswer, EncodedProjectAnswers> {
  const self: TaskKind<ChoiceSettings, ChoiceAnswer, EncodedProjectAnswers> = {
    name: kind,
    goldThreshold: 1,
    exportFormats: ['CSV', 'JSONL'],

    parseSettings(raw) {
      const issues: KindIssue[] = [];
      const labels = readKeyList(settingsObject(raw, issues), 'labels', issues);
      return okUnless<ChoiceSettings>(issues, () => ({ labels }));
    },

    validateAnswer(settings, _payload, raw) {
      const issues: KindIssue[] = [];
      const { labels } = answerObject(raw, issues);
      if (issues.length > 0) return { ok: false, issues };
      if (!Array.isArray(labels) || !labels.every(l => typeof l === 'string')) {
        return refuse('MALFORMED_ANSWER', 'answer.labels', 'labels are a list of label keys');
      }
      const checked = validateAnswer(
        { kind, labels: settings.labels.map(key => ({ key })) },
        labels as string[],
      );
      if (checked.ok) return { ok: true, value: { labels: checked.labels } };
      const code = checked.message.startsWith('Unknown label')
        ? 'UNKNOWN_LABEL'
        : 'MALFORMED_ANSWER';
      return refuse(code, 'answer.labels', checked.message);
    },

    scoreGold(_settings, _payload, answer, gold, threshold = 1) {
      const score = sameLabels(answer.labels, gold.labels) ? 1 : 0;
      return { score, pass: score >= threshold };
    },

    agreement(_settings, a, b) {
      return sameLabels(a.labels, b.labels) ? 1 : 0;
    },

    // The audit computes their nominal α from label counts (aggregation/algorithms/agreement.ts).
    alphaDistance: null,

    encode(settings, tasks) {
      const encoder = new ProjectAnswerEncoder(kind, settings.labels);
      for (const task of tasks) {
        for (const { worker, answer } of task.answers) {
          encoder.add({
            workerId: worker,
            taskId: task.taskId,
            answerLabels: answer.labels,
            goldLabels: null,
          });
        }
      }
      const input = encoder.finish();
      return { input, taskIds: input.taskIds, workerIds: input.workerIds, keys: settings.labels };
    },

    taskConfidence(settings, payload, answers) {
      if (answers.length === 0) return 0;
      const { input } = self.encode(settings, [{ taskId: '', payload, answers }]);
      const solution = computeAggregation({
        method: 'majority-vote',
        kind,
        nKeys: settings.labels.length,
        matrix: input.matrix,
        answerSets: input.answerSets,
      });
      const confidence = solution.confidence[0];
      return Number.isFinite(confidence) ? confidence : 0;
    },

    exportResults(format, settings, rows) {
      const presented = rows.map(row =>
        presentTaskResult(
          {
            taskId: row.taskId,
            externalId: row.externalId,
            status: row.status,
            consensusLabels: row.answer?.labels ?? null,
            consensusConfidence: row.confidence,
            posterior: null,
            answerCount: row.answerCount,
            isGold: false,
            goldLabels: null,
          },
          { kind, keys: settings.labels },
        ),
      );
      if (format === 'CSV') {
        return [
          {
            name: 'results.csv',
            contentType: EXPORT_CONTENT_TYPES.CSV,
            content: resultsToCsv(presented),
          },
        ];
      }
      if (format === 'JSONL') {
        return [
          {
            name: 'results.jsonl',
            contentType: EXPORT_CONTENT_TYPES.JSONL,
            content: resultsToJsonl(presented),
          },
        ];
      }
      throw unsupportedFormat(kind, format);
    },
  };
  return self;
}

/** The SINGLE_CHOICE kind: exactly one label key of the schema. */
export const singleChoiceKind = choiceKind('SINGLE_CHOICE');

/** The MULTI_LABEL kind: a non-empty set of label keys of the schema. */
export const multiLabelKind = choiceKind('MULTI_LABEL');
