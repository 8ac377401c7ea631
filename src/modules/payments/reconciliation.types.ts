import { type EnumValue, graphqlEnum } from '../../common/graphql-enum';
import { Field, Int, ObjectType } from 'type-graphql';
import { MoneyField } from '../ledger/money-field';

export const ReconciliationDifferenceKind = graphqlEnum('ReconciliationDifferenceKind', [
  'MISSING_IN_LEDGER',
  'MISSING_AT_PROVIDER',
  'AMOUNT_MISMATCH',
]);
export type ReconciliationDifferenceKind = EnumValue<typeof ReconciliationDifferenceKind>;

@ObjectType({ description: 'One Stripe object on which the ledger and Stripe disagree.' })
export class ReconciliationDifference {
  @Field(() => ReconciliationDifferenceKind)
  kind: ReconciliationDifferenceKind;

  @Field({ description: '`charge`, `transfer` or `transfer_refund`.' })
  movement: string;

  @Field({ description: 'Stripe id: ch_… or tr_….' })
  reference: string;

  @Field()
  currency: string;

  @MoneyField({ nullable: true })
  ledgerAmount: number | null;

  @MoneyField({ nullable: true })
  providerAmount: number | null;
}

@ObjectType({ description: 'The ledger compared with Stripe’s balance transactions.' })
export class ReconciliationReportType {
  @Field()
  checkedAt: Date;

  @Field(() => Date, { nullable: true })
  since: Date | null;

  @Field()
  provider: string;

  @Field(() => Int)
  providerMovements: number;

  @Field(() => Int)
  ledgerMovements: number;

  @Field(() => [ReconciliationDifference])
  differences: ReconciliationDifference[];

  @Field(() => [String])
  unbalancedCurrencies: string[];

  @Field(() => Int)
  balanceMismatches: number;

  @Field(() => Int)
  unpaidApprovals: number;

  @Field(() => Int)
  stalePendingPayouts: number;

  @Field({ description: 'Nothing needs a human.' })
  ok: boolean;
}
