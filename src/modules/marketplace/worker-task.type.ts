import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import type { User } from '../auth/user.entity';
import { type SpanSettings, tokensOf } from '../kinds/spans-kind';
import { kindSettingsOf } from '../projects/kind-settings';
import type { Project } from '../projects/project.entity';
import { LabelSchema } from '../projects/project.types';
import type { Task } from './task.entity';

/**
 * What a worker sees of a task they hold or have answered (DESIGN.md promise 3): the payload to
 * label, how to label it, and whose project it is by display name only. This is the ONLY task
 * shape a worker-facing resolver may return; the `Task` object type is for owners and admins.
 *
 * Deliberately absent, so gold tasks are indistinguishable from ordinary ones in every field:
 * - `isGold`, `goldLabels`: the gold answer, and the fact that a task is gold;
 * - `externalId`: the requester's own id, which often names gold items ("gold-17");
 * - `createdAt`/`updatedAt`: gold is often imported in a separate batch, so timestamps tell;
 * - `status`, `liveAssignments`, `countedAnswers`, `consensus*`, `posterior`: other workers'
 *   progress and the consensus of an open task;
 * - the requester's id or email (`requesterDisplayName` only).
 *
 * `prelabel` is resolved by `WorkerTaskResolver` (one batched query per request): the latest
 * model version's prediction, only when the project shows pre-labels to workers. It is the
 * model's answer, never the gold answer, so it is present or null the same way on gold tasks.
 *
 * Build it with `toWorkerTask`, which copies the allowed fields one by one, so a column added to
 * `Task` later never reaches workers by accident.
 */
@ObjectType({ description: 'A task as the worker holding it sees it: payload and instructions.' })
export class WorkerTask {
  @Field(() => ID, { description: 'The task id.' })
  id: string;

  @Field(() => ID)
  projectId: string;

  @Field({ description: 'The project name.' })
  projectName: string;

  @Field({ description: 'Public display name of the requester who owns the project.' })
  requesterDisplayName: string;

  @Field({ description: 'Markdown instructions of the project.' })
  instructions: string;

  @Field(() => LabelSchema, { description: 'The labels an answer may use.' })
  labelSchema: LabelSchema;

  @Field(() => Int, {
    description: 'Version of the label schema this view shows; answers are recorded under it.',
  })
  schemaVersion: number;

  @Field(() => GraphQLJSONObject, { description: 'The item to label.' })
  payload: Record<string, unknown>;

  @Field(() => [String], {
    nullable: true,
    description:
      'TEXT_SPANS: the tokens span answers index (end exclusive), exactly as the server tokenizes the payload; null for other kinds.',
  })
  tokens: string[] | null;
}

/**
 * A model's pre-label as a worker sees it: the predicted label and the model's confidence only
 * (not the model version, its other probabilities, or any consensus).
 */
@ObjectType({ description: 'The model’s suggested label for a task, when the project shows it.' })
export class WorkerPrelabel {
  @Field({ description: 'The label key the model predicts.' })
  labelKey: string;

  @Field(() => Float, { description: 'The model’s probability for that label, 0 to 1.' })
  confidence: number;
}

/**
 * The worker's view of `task`. `project` must be the task's project and `requester` its owner
 * (only `displayName` is read). Copies field by field: never spread a `Task` into a view.
 */
export function toWorkerTask(
  task: Pick<Task, 'id' | 'projectId' | 'payload'>,
  project: Pick<Project, 'id' | 'name' | 'instructions' | 'labelSchema' | 'schemaVersion'>,
  requester: Pick<User, 'displayName'>,
): WorkerTask {
  if (task.projectId !== project.id) {
    throw new Error(`toWorkerTask: task ${task.id} is not in project ${project.id}`);
  }
  const view = new WorkerTask();
  view.id = task.id;
  view.projectId = project.id;
  view.projectName = project.name;
  view.requesterDisplayName = requester.displayName;
  view.instructions = project.instructions;
  const settings = kindSettingsOf(project.labelSchema);
  view.labelSchema = {
    kind: project.labelSchema.kind,
    labels: project.labelSchema.labels.map(({ key, displayName }) => ({ key, displayName })),
    settings,
  };
  view.schemaVersion = project.schemaVersion;
  view.payload = task.payload;
  view.tokens =
    project.labelSchema.kind === 'TEXT_SPANS'
      ? tokensOf(settings as unknown as SpanSettings, task.payload)
      : null;
  return view;
}
