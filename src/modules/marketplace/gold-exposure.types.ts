import { Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'How far one gold task has travelled (owner and admins only).' })
export class GoldTaskExposure {
  @Field(() => ID)
  taskId: string;

  @Field(() => String, { nullable: true, description: 'The requester’s own id.' })
  externalId: string | null;

  @Field(() => Int, { description: 'Distinct workers it was served to (leases, any outcome).' })
  servedWorkers: number;

  @Field(() => Int, { description: 'Answers submitted to it.' })
  answers: number;

  @Field({ description: 'servedWorkers reached the project’s goldExposureCap: no longer served.' })
  overExposed: boolean;

  @Field(() => Date, { nullable: true, description: 'When it was retired; null while in service.' })
  retiredAt: Date | null;
}

@ObjectType({ description: 'Exposure of a project’s gold tasks, most exposed first.' })
export class GoldExposureReport {
  @Field(() => ID)
  projectId: string;

  @Field(() => Int, { description: 'The project’s goldExposureCap.' })
  cap: number;

  @Field(() => Int, { description: 'Gold tasks of the project.' })
  goldTasks: number;

  @Field(() => Int, { description: 'Gold tasks still served: neither retired nor over-exposed.' })
  inService: number;

  @Field(() => Int, { description: 'Gold tasks at the cap and not retired.' })
  overExposed: number;

  @Field(() => [GoldTaskExposure], {
    description: 'At most 1,000 gold tasks, most exposed first (only over-exposed ones if asked).',
  })
  tasks: GoldTaskExposure[];
}
