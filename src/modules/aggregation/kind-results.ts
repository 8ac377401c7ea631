import { kindOf } from '../kinds/kinds';
import type { ExportFormat, KindResultRow } from '../kinds/task-kind';
import type { Task } from '../marketplace/task.entity';
import { kindSettingsOf } from '../projects/kind-settings';
import type { LabelSchemaLike } from '../projects/validate-project-settings';
import type { ResultsExport } from './aggregation.inputs';
import type { ResultOverride } from './aggregation.service';
import type { ResultsExportFormat } from './aggregation.types';

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
  const rows: KindResultRow<unknown>[] = tasks.map(task => {
    const decided = overrides.get(task.id)?.value ?? null;
    return {
      taskId: task.id,
      externalId: task.externalId,
      status: task.status,
      payload: task.payload,
      answer: decided ?? task.consensusAnswer,
      confidence: task.consensusConfidence,
      answerCount: task.countedAnswers,
      reviewed: decided !== null,
    };
  });
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
