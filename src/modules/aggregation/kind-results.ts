import { kindOf } from '../kinds/kinds';
import type { ExportFormat, KindResultRow } from '../kinds/task-kind';
import type { Task } from '../marketplace/task.entity';
import { kindSettingsOf } from '../projects/kind-settings';
import type { LabelSchemaLike } from '../projects/validate-project-settings';
import type { ResultsExport } from './aggregation.inputs';
import type { ResultOverride } from './aggregation.service';
import type { ResultsExportFormat } from './aggregation.types';
import type { PresentedTaskResult } from './results-export';

/**
 * A structured kind's export (docs/kinds.md): the tasks' stored consensus answers (the last
 * aggregation run's) and confidences as `KindResultRow`s, written by the kind's
 * `exportResults`. A task with a reviewer's decision (`overrides`) exports the decided value
 * instead, marked `reviewed`. One file for every format but YOLO; `content` is then a JSON object from
 * file name to content (no archive), and `files` lists them.
 */
export function exportKindResults(
  schema: LabelSchemaLike,
  format: ResultsExportFormat,
  tasks: readonly Task[],
  overrides: ReadonlyMap<string, ResultOverride> = new Map(),
): ResultsExport {
  const rows: KindResultRow<unknown>[] = tasks.map(task => ({
    taskId: task.id,
    externalId: task.externalId,
    status: task.status,
    payload: task.payload,
    ...finalKindAnswer(task, overrides.get(task.id)),
    confidence: task.consensusConfidence,
    answerCount: task.countedAnswers,
  }));
  const files = kindOf(schema.kind)
    .exportResults(format as ExportFormat, kindSettingsOf(schema), rows)
    .map(file => ({ ...file }));
  const single = files.length === 1;
  return {
    format,
    contentType: single ? files[0].contentType : 'application/json',
    taskCount: tasks.length,
    content: single
      ? files[0].content
      : JSON.stringify(Object.fromEntries(files.map(file => [file.name, file.content]))),
    files,
  };
}

/**
 * A structured task's final answer: a reviewer's decided value where there is one (`reviewed`),
 * else the stored consensus of the last aggregation run. The one definition of what a result
 * says, shared by the exports (`exportKindResults`) and the results pages (`presentKindResult`).
 */
export function finalKindAnswer(
  task: Pick<Task, 'consensusAnswer'>,
  override: ResultOverride | undefined,
): { answer: Record<string, unknown> | null; reviewed: boolean } {
  const decided = override?.value ?? null;
  return { answer: decided ?? task.consensusAnswer, reviewed: decided !== null };
}

/**
 * A structured task's row of `Project.results`: `finalKindAnswer` as `answer`, withheld
 * (`abstained`) when its confidence is below `abstainBelow` as a choice task's labels are, unless
 * a reviewer decided it. Structured kinds have no label keys, so `labels` and `label` are null.
 */
export function presentKindResult(
  presented: PresentedTaskResult,
  task: Pick<Task, 'consensusAnswer' | 'consensusConfidence'>,
  override: ResultOverride | undefined,
  abstainBelow?: number | null,
): PresentedTaskResult & { answer: Record<string, unknown> | null } {
  const { answer, reviewed } = finalKindAnswer(task, override);
  const confidence = task.consensusConfidence;
  const abstained =
    !reviewed &&
    answer !== null &&
    abstainBelow != null &&
    !(confidence !== null && confidence >= abstainBelow);
  return {
    ...presented,
    labels: null,
    label: null,
    answer: abstained ? null : answer,
    abstained,
    reviewed,
  };
}
