import { GraphQLSafeInt } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';
import { Column } from 'typeorm';
import { AppEntity } from '../../db/app-entity';
import { minorAmountTransformer } from '../ledger/minor-amount.transformer';
import { TextField } from '../../db/columns';

/**
 * Base of the payment records that move one positive amount of one currency (fundings and
 * payouts): the amount in minor units, a bigint read back as a safe JS integer, and its currency.
 */
@ObjectType()
export abstract class AmountEntity extends AppEntity {
  @Field(() => GraphQLSafeInt, { description: 'Minor units.' })
  @Column({ type: 'bigint', transformer: minorAmountTransformer })
  amount: number;

  @TextField()
  currency: string;
}
