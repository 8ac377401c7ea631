import { Args, Resolver, Root } from 'type-graphql';
import type { ConnectionShape } from '../../common/pagination';
import { RequestContext } from '../../common/request-context';
import { User } from '../auth/user.entity';
import { Project } from './project.entity';
import {
  CreateProjectInput,
  ProjectConnection,
  ProjectsArgs,
  UpdateProjectInput,
} from './project.inputs';
import { ProjectService } from './project.service';
import {
  IdArg,
  InputArg,
  OwnerField,
  OwnerMutation,
  OwnerQuery,
  RequesterMutation,
} from '../../graphql/operations';

/**
 * Projects for requesters (their own) and admins (all). Workers never see a `Project`; they get
 * the project's name, instructions and schema inside `WorkerTask`.
 */
@Resolver(() => Project)
export class ProjectResolver {
  constructor(private readonly projectService: ProjectService) {}

  @RequesterMutation(() => Project, 'Creates a DRAFT project owned by the caller.')
  createProject(@InputArg() input: CreateProjectInput, ctx: RequestContext): Promise<Project> {
    return this.projectService.create(ctx, input);
  }

  @OwnerMutation(() => Project, 'Changes settings; see UpdateProjectInput for limits.')
  updateProject(
    @IdArg() id: string,
    @InputArg() input: UpdateProjectInput,
    ctx: RequestContext,
  ): Promise<Project> {
    return this.projectService.update(ctx, id, input);
  }

  @OwnerMutation(
    () => Project,
    'DRAFT → ACTIVE. Needs an open non-gold task, and a gold task if goldRate > 0.',
  )
  launchProject(@IdArg() id: string, ctx: RequestContext): Promise<Project> {
    return this.projectService.transition(ctx, id, 'launch');
  }

  @OwnerMutation(() => Project, 'ACTIVE → PAUSED: no new leases.')
  pauseProject(@IdArg() id: string, ctx: RequestContext): Promise<Project> {
    return this.projectService.transition(ctx, id, 'pause');
  }

  @OwnerMutation(() => Project, 'PAUSED → ACTIVE.')
  resumeProject(@IdArg() id: string, ctx: RequestContext): Promise<Project> {
    return this.projectService.transition(ctx, id, 'resume');
  }

  @OwnerMutation(() => Project, 'ACTIVE or PAUSED → COMPLETED: no more work.')
  completeProject(@IdArg() id: string, ctx: RequestContext): Promise<Project> {
    return this.projectService.transition(ctx, id, 'complete');
  }

  @OwnerMutation(() => Project, 'DRAFT, PAUSED or COMPLETED → ARCHIVED (final).')
  archiveProject(@IdArg() id: string, ctx: RequestContext): Promise<Project> {
    return this.projectService.transition(ctx, id, 'archive');
  }

  @OwnerQuery(() => Project, 'One of your projects (any project for admins).')
  project(@IdArg() id: string, ctx: RequestContext): Promise<Project> {
    return this.projectService.findOne(ctx, id);
  }

  @OwnerQuery(() => ProjectConnection, 'Your projects (all projects for admins).')
  projects(@Args() args: ProjectsArgs, ctx: RequestContext): Promise<ConnectionShape<Project>> {
    return this.projectService.list(ctx, args);
  }

  @OwnerField(() => User, 'The requester who owns the project.')
  async owner(@Root() project: Project, ctx: RequestContext): Promise<User> {
    const owner = await ctx.loaders.userById.load(project.ownerId);
    if (!owner) throw new Error(`project ${project.id} has no owner row`);
    return owner;
  }
}
