import { ArgsType, Field, ID, Int } from 'type-graphql';

/** Filters of the `qualityAuditLog` query. */
@ArgsType()
export class AuditLogArgs {
  @Field(() => ID, { nullable: true, description: 'Required for requesters: one of theirs.' })
  projectId?: string | null;

  @Field(() => ID, { nullable: true })
  workerId?: string | null;

  @Field(() => Int, { nullable: true, description: 'At most 500 (the default).' })
  limit?: number | null;
}

/** Whose answers `excludeWorkerAnswers` / `includeWorkerAnswers` act on, and why. */
@ArgsType()
export class WorkerAnswersArgs {
  @Field(() => ID)
  workerId: string;

  @Field(() => ID, { nullable: true, description: 'Omit: every project.' })
  projectId?: string | null;

  @Field()
  reason: string;
}
