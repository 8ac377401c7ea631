import { Field, ID, ObjectType } from 'type-graphql';
import { GraphQLSafeInt } from 'graphql-scalars';

/** What each lifecycle move of a project would do to money, computed now. */
@ObjectType({
  description:
    'The money each lifecycle move would reserve or release now (owner or admin), shown before confirming.',
})
export class ProjectMoneyPreview {
  @Field(() => ID)
  projectId: string;

  @Field()
  currency: string;

  @Field(() => GraphQLSafeInt, { description: 'The owner’s available balance now.' })
  available: number;

  @Field(() => GraphQLSafeInt, {
    description: 'tasks × maxOverlap × (reward + platform fee): the escrow the project needs.',
  })
  required: number;

  @Field(() => GraphQLSafeInt, { description: 'Reserved into escrow so far, over its life.' })
  reservedSoFar: number;

  @Field(() => GraphQLSafeInt, { description: 'Launch or resume moves this into escrow.' })
  toReserve: number;

  @Field(() => GraphQLSafeInt, { description: 'Escrow balance now.' })
  escrow: number;

  @Field(() => GraphQLSafeInt, {
    description: 'Complete or archive returns this to the available balance (open answers kept).',
  })
  toRelease: number;
}
