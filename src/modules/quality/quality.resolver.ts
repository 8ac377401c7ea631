import { GraphQLJSONObject } from 'graphql-scalars';
import { Arg, Args, Resolver } from 'type-graphql';
import { BadUserInputError } from '../../common/errors';
import { RequestContext } from '../../common/request-context';
import { Role } from '../auth/role';
import type { ProjectService } from '../projects/project.service';
import { AuditLogEntry } from './audit-log.entity';
import type { AuditService } from './audit.service';
import type { ExclusionService } from './exclusion.service';
import { QualityRuleRecord } from './quality-rule.entity';
import type { QualityRulesService } from './quality-rules.service';
import { AuditLogArgs, WorkerAnswersArgs } from './quality.inputs';
import { DryRunResult, ExclusionResult } from './quality.types';
import { AdminMutation, IdArg, OwnerMutation, OwnerQuery } from '../../graphql/operations';

/** Quality rules, dry-runs, exclusions and the audit log (docs/quality.md). */
@Resolver()
export class QualityResolver {
  constructor(
    private readonly rules: QualityRulesService,
    private readonly exclusions: ExclusionService,
    private readonly audit: AuditService,
    private readonly projects: ProjectService,
  ) {}

  @OwnerMutation(
    () => QualityRuleRecord,
    'Adds a rule (owner or admin; GLOBAL actions admins only).',
  )
  createQualityRule(
    @IdArg('projectId') projectId: string,
    @Arg('rule', () => GraphQLJSONObject) rule: Record<string, unknown>,
    ctx: RequestContext,
  ): Promise<QualityRuleRecord> {
    return this.rules.createRule(ctx, projectId, rule);
  }

  @OwnerMutation(() => QualityRuleRecord, 'Replaces a rule and/or (re)enables it.')
  updateQualityRule(
    @IdArg('ruleId') ruleId: string,
    @Arg('rule', () => GraphQLJSONObject, { nullable: true }) rule: Record<string, unknown> | null,
    @Arg('enabled', () => Boolean, { nullable: true }) enabled: boolean | null,
    ctx: RequestContext,
  ): Promise<QualityRuleRecord> {
    return this.rules.updateRule(ctx, ruleId, rule, enabled);
  }

  @OwnerMutation(() => QualityRuleRecord, 'Disables a rule (kept for the audit log).')
  deleteQualityRule(
    @IdArg('ruleId') ruleId: string,
    ctx: RequestContext,
  ): Promise<QualityRuleRecord> {
    return this.rules.deleteRule(ctx, ruleId);
  }

  @OwnerQuery(() => [QualityRuleRecord], 'A project’s rules (owner or admin).')
  qualityRules(
    @IdArg('projectId') projectId: string,
    ctx: RequestContext,
  ): Promise<QualityRuleRecord[]> {
    return this.rules.listRules(ctx, projectId);
  }

  @OwnerQuery(
    () => DryRunResult,
    'What a rule would have done over the project’s history; acts on nothing.',
  )
  dryRunQualityRule(
    @IdArg('projectId') projectId: string,
    @Arg('rule', () => GraphQLJSONObject) rule: Record<string, unknown>,
    ctx: RequestContext,
  ): Promise<DryRunResult> {
    return this.rules.dryRun(ctx, projectId, rule);
  }

  @AdminMutation(
    () => ExclusionResult,
    'Excludes a worker’s answers from aggregation (kept stored) and sends their tasks back to the queue.',
  )
  excludeWorkerAnswers(
    @Args() { workerId, projectId, reason }: WorkerAnswersArgs,
    ctx: RequestContext,
  ): Promise<ExclusionResult> {
    return this.exclusions.excludeWorkerAnswers(ctx, workerId, projectId ?? null, reason);
  }

  @AdminMutation(() => ExclusionResult, 'Includes excluded answers again.')
  includeWorkerAnswers(
    @Args() { workerId, projectId, reason }: WorkerAnswersArgs,
    ctx: RequestContext,
  ): Promise<ExclusionResult> {
    return this.exclusions.includeWorkerAnswers(ctx, workerId, projectId ?? null, reason);
  }

  @OwnerQuery(
    () => [AuditLogEntry],
    'The quality audit log, newest first (requesters: one of their projects).',
  )
  async qualityAuditLog(@Args() args: AuditLogArgs, ctx: RequestContext): Promise<AuditLogEntry[]> {
    if (args.projectId != null) await this.projects.requireProject(ctx, args.projectId);
    else if (!ctx.hasRole(Role.ADMIN)) {
      throw new BadUserInputError('Name one of your projects', { field: 'projectId' });
    }
    return this.audit.entries(ctx, {
      projectId: args.projectId,
      workerId: args.workerId,
      limit: args.limit ?? undefined,
    });
  }
}
