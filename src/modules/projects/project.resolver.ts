import {
  Arg,
  Args,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import type { ConnectionShape } from '../../common/pagination';
import type { RequestContext } from '../../common/request-context';
import { Role } from '../auth/role';
import { User } from '../auth/user.entity';
import { Project } from './project.entity';
import {
  CreateProjectInput,
  ProjectConnection,
  ProjectsArgs,
  UpdateProjectInput,
} from './project.inputs';
import { ProjectService } from './project.service';

/**
 * Projects for requesters (their own) and admins (all). Workers never see a `Project`; they get
 * the project's name, instructions and schema inside `WorkerTask`.
 */
@Resolver(() => Project)
export class ProjectResolver {
  constructor(private readonly projectService: ProjectService) {}

  @Authorized(Role.REQUESTER)
  @Mutation(() => Project, { description: 'Creates a DRAFT project owned by the caller.' })
  createProject(
    @Arg('input') input: CreateProjectInput,
    @Ctx() ctx: RequestContext,
  ): Promise<Project> {
    return this.projectService.create(ctx, input);
  }

  @Authorized(Role.REQUESTER, Role.ADMIN)
  @Mutation(() => Project, { description: 'Changes settings; see UpdateProjectInput for limits.' })
  updateProject(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: UpdateProjectInput,
    @Ctx() ctx: RequestContext,
  ): Promise<Project> {
    return this.projectService.update(ctx, id, input);
  }

  @Authorized(Role.REQUESTER, Role.ADMIN)
  @Mutation(() => Project, {
    description: 'DRAFT → ACTIVE. Needs an open non-gold task, and a gold task if goldRate > 0.',
  })
  launchProject(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Project> {
    return this.projectService.transition(ctx, id, 'launch');
  }

  @Authorized(Role.REQUESTER, Role.ADMIN)
  @Mutation(() => Project, { description: 'ACTIVE → PAUSED: no new leases.' })
  pauseProject(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Project> {
    return this.projectService.transition(ctx, id, 'pause');
  }

  @Authorized(Role.REQUESTER, Role.ADMIN)
  @Mutation(() => Project, { description: 'PAUSED → ACTIVE.' })
  resumeProject(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Project> {
    return this.projectService.transition(ctx, id, 'resume');
  }

  @Authorized(Role.REQUESTER, Role.ADMIN)
  @Mutation(() => Project, { description: 'ACTIVE or PAUSED → COMPLETED: no more work.' })
  completeProject(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Project> {
    return this.projectService.transition(ctx, id, 'complete');
  }

  @Authorized(Role.REQUESTER, Role.ADMIN)
  @Mutation(() => Project, { description: 'DRAFT, PAUSED or COMPLETED → ARCHIVED (final).' })
  archiveProject(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Project> {
    return this.projectService.transition(ctx, id, 'archive');
  }

  @Authorized(Role.REQUESTER, Role.ADMIN)
  @Query(() => Project, { description: 'One of your projects (any project for admins).' })
  project(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Project> {
    return this.projectService.findOne(ctx, id);
  }

  @Authorized(Role.REQUESTER, Role.ADMIN)
  @Query(() => ProjectConnection, { description: 'Your projects (all projects for admins).' })
  projects(
    @Args() args: ProjectsArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<ConnectionShape<Project>> {
    return this.projectService.list(ctx, args);
  }

  @Authorized(Role.REQUESTER, Role.ADMIN)
  @FieldResolver(() => User, { description: 'The requester who owns the project.' })
  async owner(@Root() project: Project, @Ctx() ctx: RequestContext): Promise<User> {
    const owner = await ctx.loaders.userById.load(project.ownerId);
    if (!owner) throw new Error(`project ${project.id} has no owner row`);
    return owner;
  }
}
