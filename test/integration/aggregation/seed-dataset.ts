import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { Assignment } from '../../../src/modules/marketplace/assignment.entity';
import { AssignmentStatus } from '../../../src/modules/marketplace/assignment.types';
import type { Project } from '../../../src/modules/projects/project.entity';
import { LabelSchemaKind } from '../../../src/modules/projects/project.types';
import { Task } from '../../../src/modules/marketplace/task.entity';
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
  const isGoldItem = new Map(taskRows.map(row => [row.externalId, row.isGold]));
  const taskOf = new Map<string, string>();
  for (let start = 0; start < taskRows.length; start += 1000) {
    const chunk = taskRows.slice(start, start + 1000);
    const result = await dataSource
      .getRepository(Task)
      .insert(chunk as QueryDeepPartialEntity<Task>[]);
    chunk.forEach((row, i) => taskOf.set(row.externalId, result.identifiers[i].id as string));
  }

  const base = Date.parse('2026-02-01T00:00:00.000Z');
  const assignmentRows = rows.map(([worker, item, label], r) => ({
    taskId: taskOf.get(item)!,
    projectId: project.id,
    workerId: userOf.get(worker)!,
    status: AssignmentStatus.SUBMITTED,
    leasedAt: new Date(base + r - 1),
    expiresAt: new Date(base + r + 600_000),
    submittedAt: new Date(base + r),
    answerLabels: [label],
    schemaVersion: 1,
    counted: true,
    isGold: isGoldItem.get(item)!,
    rewardAmount: 5,
    currency: 'usd',
  }));
  const answers: SeededDataset['answers'] = [];
  for (let start = 0; start < assignmentRows.length; start += 1000) {
    const chunk = assignmentRows.slice(start, start + 1000);
    const result = await dataSource
      .getRepository(Assignment)
      .insert(chunk as QueryDeepPartialEntity<Assignment>[]);
    chunk.forEach((row, i) =>
      answers.push({
        assignmentId: result.identifiers[i].id as string,
        workerId: row.workerId,
        taskId: row.taskId,
        label: row.answerLabels[0],
      }),
    );
  }
  await dataSource.query(
    `UPDATE tasks t SET counted_answers = c.n, live_assignments = c.n
     FROM (SELECT task_id, count(*)::int AS n FROM assignments WHERE project_id = $1 GROUP BY task_id) c
     WHERE t.id = c.task_id`,
    [project.id],
  );

  const truth = new Map<string, string>();
  for (const item of items) {
    const label = truthRows.get(item);
    if (label !== undefined) truth.set(taskOf.get(item)!, label);
  }
  const goldTaskIds = new Set(
    taskRows.filter(row => row.isGold).map(row => taskOf.get(row.externalId)!),
  );
  return { project, keys, answers, truth, goldTaskIds, userOf };
}

function readCsv(path: string): string[][] {
  const [, ...lines] = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .filter(line => line.length > 0);
  return lines.map(line => line.split(','));
}
