import { GraphQLJSONObject } from 'graphql-scalars';
import { Args, Int, Resolver, Root } from 'type-graphql';
import type { ConnectionShape } from '../../common/pagination';
import { RequestContext } from '../../common/request-context';
import { Assignment } from './assignment.entity';
import { Project } from '../projects/project.entity';
import { Task } from './task.entity';
import {
  ImportTasksInput,
  ImportTasksResult,
  TaskConnection,
  TaskConsensus,
  TasksArgs,
} from './task.inputs';
import { TaskService } from './task.service';
import { IdArg, InputArg, OwnerField, OwnerMutation, OwnerQuery } from '../../graphql/operations';

/**
 * The owner/admin view of tasks. Every way to a `Task` (the `task` query, `Project.tasks`)
 * checks ownership in the service; the private fields below carry their own role check as well,
 * so no future path can hand them to a worker. Workers get `WorkerTask` instead.
 */
@Resolver(() => Task)
export class TaskResolver {
  constructor(private readonly tasks: TaskService) {}

  @OwnerMutation(
    () => ImportTasksResult,
    'Imports up to 10,000 tasks in one transaction; existing externalIds are skipped. ' +
      'Allowed in DRAFT, ACTIVE and PAUSED projects.',
  )
  importTasks(
    @InputArg() input: ImportTasksInput,
    ctx: RequestContext,
  ): Promise<ImportTasksResult> {
    return this.tasks.importTasks(ctx, input);
  }

  @OwnerQuery(() => Task, 'A task of one of your projects (any task for admins).')
  task(@IdArg() id: string, ctx: RequestContext): Promise<Task> {
    return this.tasks.findTask(ctx, id);
  }

  @OwnerField(() => Boolean, 'Whether this is a gold (control) task.')
  isGold(@Root() task: Task): boolean {
    return task.isGold;
  }

  @OwnerField(() => [String], {
    nullable: true,
    description: 'The known answer of a gold task (label keys); null otherwise.',
  })
  goldLabels(@Root() task: Task): string[] | null {
    return task.goldLabels;
  }

  @OwnerField(() => GraphQLJSONObject, {
    nullable: true,
    description: 'The known answer of a gold task of a structured kind; null otherwise.',
  })
  goldAnswer(@Root() task: Task): Record<string, unknown> | null {
    return task.goldAnswer;
  }

  @OwnerField(() => Int, 'Submitted answers that count towards overlap.')
  countedAnswers(@Root() task: Task): number {
    return task.countedAnswers;
  }

  @OwnerField(() => Int, 'Slots in use: live leases plus counted answers.')
  liveAssignments(@Root() task: Task): number {
    return task.liveAssignments;
  }

  @OwnerField(() => TaskConsensus, {
    nullable: true,
    description: 'The aggregated answer so far; null before any answer.',
  })
  consensus(@Root() task: Task): TaskConsensus | null {
    if (!task.consensusLabels && !task.consensusAnswer && task.consensusConfidence === null) {
      return null;
    }
    return {
      labels: task.consensusLabels ?? [],
      answer: task.consensusAnswer,
      confidence: task.consensusConfidence,
    };
  }

  @OwnerField(() => Date, { nullable: true })
  completedAt(@Root() task: Task): Date | null {
    return task.completedAt;
  }

  @OwnerField(() => [Assignment], 'Every assignment of the task, oldest first.')
  assignments(@Root() task: Task, ctx: RequestContext): Promise<Assignment[]> {
    return ctx.loaders.assignmentsByTaskId.load(task.id);
  }

  @OwnerField(() => Project)
  async project(@Root() task: Task, ctx: RequestContext): Promise<Project> {
    const project = await ctx.loaders.projectById.load(task.projectId);
    if (!project) throw new Error(`task ${task.id} has no project row`);
    return project;
  }
}

/** `Project.tasks`: lives with the tasks it lists. */
@Resolver(() => Project)
export class ProjectTasksResolver {
  constructor(private readonly taskService: TaskService) {}

  @OwnerField(() => TaskConnection, 'The project’s tasks, oldest first.')
  tasks(
    @Root() project: Project,
    @Args() args: TasksArgs,
    ctx: RequestContext,
  ): Promise<ConnectionShape<Task>> {
    return this.taskService.listTasks(ctx, project, args);
  }
}
