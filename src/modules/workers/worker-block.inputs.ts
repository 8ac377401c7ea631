import { ArgsType, Field, ID, InputType } from 'type-graphql';

/** Longest block reason. */
export const MAX_BLOCK_REASON_LENGTH = 2000;

@InputType()
export class BlockWorkerInput {
  @Field(() => ID)
  workerId: string;

  @Field(() => ID, {
    nullable: true,
    description: 'Block on this project only. Omit to block everywhere (admins only).',
  })
  projectId?: string | null;

  @Field({ description: '1 to 2,000 characters; kept for audits.' })
  reason: string;

  @Field(() => Date, { nullable: true, description: 'Until when; omit for until lifted.' })
  endsAt?: Date | null;
}

@ArgsType()
export class WorkerBlocksArgs {
  @Field(() => ID, {
    nullable: true,
    description: 'Blocks on this project (required for requesters: one of theirs).',
  })
  projectId?: string | null;

  @Field(() => ID, { nullable: true })
  workerId?: string | null;

  @Field({ defaultValue: true, description: 'Only blocks in force now.' })
  activeOnly: boolean;
}
