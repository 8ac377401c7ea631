import { Field, ID, Int, ObjectType } from 'type-graphql';

/** Work appeared in a project open to you: a project-level fact, never which task (or that it is gold). */
@ObjectType({
  description:
    'New work in a project open to you (tasks imported, or the project launched or resumed). Fetch the catalogue or lease to see it.',
})
export class NewWorkEvent {
  @Field(() => ID)
  projectId: string;

  @Field(() => Date, { description: 'When the server noticed the work.' })
  at: Date;
}

/** Your own lease is about to run out, or has. */
@ObjectType({
  description:
    'A warning about your own lease: sent once when a minute (or a quarter of a shorter lease) is left, and once when it has expired.',
})
export class LeaseWarning {
  @Field(() => ID)
  assignmentId: string;

  @Field(() => ID)
  projectId: string;

  @Field(() => Date)
  expiresAt: Date;

  @Field(() => Int, {
    description: 'Whole seconds left when the warning was sent (0 once expired).',
  })
  secondsLeft: number;

  @Field({ description: 'True when the lease has run out: answering it will be refused.' })
  expired: boolean;
}
