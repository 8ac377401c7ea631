import { Field, ID, ObjectType } from 'type-graphql';
import { MoneyField } from '../ledger/money-field';

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

  @MoneyField('The owner’s available balance now.')
  available: number;

  @MoneyField('tasks × maxOverlap × (reward + platform fee): the escrow the project needs.')
  required: number;

  @MoneyField('Reserved into escrow so far, over its life.')
  reservedSoFar: number;

  @MoneyField('Launch or resume moves this into escrow.')
  toReserve: number;

  @MoneyField('Escrow balance now.')
  escrow: number;

  @MoneyField('Complete or archive returns this to the available balance (open answers kept).')
  toRelease: number;
}
