import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { Project } from '../../../src/modules/projects/project.entity';
import { LabelSchemaKind } from '../../../src/modules/projects/project.types';
import { Task } from '../../../src/modules/marketplace/task.entity';
import { insertSubmittedAnswers } from '../../helpers/answer-fixtures';
import { makeProject, makeWorkers } from '../../helpers/factories';

/** A benchmark dataset stored as a Quorum project: one user per dataset worker, one task per item. */
export interface SeededDataset {
  readonly project: Project;
  /** The schema's keys: the dataset's labels, sorted numerically. */
  readonly keys: string[];
  /** Answers in file order, with database ids. */
  readonly answers: Array<{
    assignmentId: string;
    workerId: string;
    taskId: string;
    label: string;
  }>;
  /** Database task id → the dataset's true label (every item of the bundled datasets has one). */
  readonly truth: Map<string, string>;
  /** Database task ids stored as gold tasks. */
  readonly goldTaskIds: Set<string>;
  /** Dataset worker id → user id. */
  readonly userOf: Map<string, string>;
}

/**
 * Stores `test/fixtures/datasets/<name>` as an ACTIVE single-choice project owned by `ownerId`:
 * users for workers, tasks with `externalId` = the dataset's item id, and one SUBMITTED, counted
 * assignment per answer, submitted 1 ms apart in file order (so the service reads them in file
 * order). Items for which `isGold(item, index)` holds (index = order of first appearance) become gold
 * tasks with their true label. Rows go straight in through repositories, no services.
 */
export async function seedDataset(
  dataSource: DataSource,
  name: string,
  ownerId: string,
  options: { isGold?: (item: string, itemIndex: number) => boolean } = {},
): Promise<SeededDataset> {
  const folder = join(__dirname, '../../fixtures/datasets', name);
  const rows = readCsv(join(folder, 'labels.csv')); // worker,task,label
  const truthRows = new Map(
    readCsv(join(folder, 'gold.csv')).map(([task, label]) => [task, label]),
  );
  const keys = [...new Set(rows.map(row => row[2]))].sort((a, b) => Number(a) - Number(b));

  const project = await makeProject(dataSource, ownerId, {
    labelSchema: {
      kind: LabelSchemaKind.SINGLE_CHOICE,
      labels: keys.map(key => ({ key, displayName: `Class ${key}` })),
    },
    minOverlap: 10,
    maxOverlap: 50,
  });

  const datasetWorkers = [...new Set(rows.map(row => row[0]))];
  const users = await makeWorkers(dataSource, datasetWorkers.length);
  const userOf = new Map(datasetWorkers.map((worker, i) => [worker, users[i].id]));

  const items = [...new Set(rows.map(row => row[1]))];
  const taskRows = items.map((item, index) => {
    const gold = options.isGold?.(item, index) ?? false;
    return {
      projectId: project.id,
      externalId: item,
      payload: { item },
      isGold: gold,
      goldLabels: gold ? [truthRows.get(item)!] : null,
    };
  });
  const taskOf = new Map<string, string>();
  for (let start = 0; start < taskRows.length; start += 1000) {
    const chunk = taskRows.slice(start, start + 1000);
    const result = await dataSource
      .getRepository(Task)
      .insert(chunk as QueryDeepPartialEntity<Task>[]);
    chunk.forEach((row, i) => taskOf.set(row.externalId, result.identifiers[i].id as string));
  }

  const goldTaskIds = new Set(
    taskRows.filter(row => row.isGold).map(row => taskOf.get(row.externalId)!),
  );
  const assignmentIds = await insertSubmittedAnswers(
    dataSource,
    project,
    rows.map(([worker, item, label]) => ({
      worker: userOf.get(worker)!,
      task: taskOf.get(item)!,
      labels: [label],
    })),
    goldTaskIds,
  );
  const answers: SeededDataset['answers'] = rows.map(([worker, item, label], r) => ({
    assignmentId: assignmentIds[r],
    workerId: userOf.get(worker)!,
    taskId: taskOf.get(item)!,
    label,
  }));

  const truth = new Map<string, string>();
  for (const item of items) {
    const label = truthRows.get(item);
    if (label !== undefined) truth.set(taskOf.get(item)!, label);
  }
  return { project, keys, answers, truth, goldTaskIds, userOf };
}

function readCsv(path: string): string[][] {
  const [, ...lines] = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .filter(line => line.length > 0);
  return lines.map(line => line.split(','));
}
