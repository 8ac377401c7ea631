import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../../common/pagination';
import { LedgerEntry } from '../ledger/ledger-entry.entity';
import { LedgerTransaction } from '../ledger/ledger-transaction.entity';
import { LedgerAccountKind } from '../ledger/ledger.types';
import { Funding } from './funding.entity';
import { PayoutAccount } from './payout-account.entity';
import { Payout } from './payout.entity';
import { PayoutSkipReason } from './payout.service';
import { MoneyField } from '../ledger/money-field';

registerEnumType(PayoutSkipReason, { name: 'PayoutSkipReason' });

@ObjectType({ description: 'A requester’s money in one currency, in minor units.' })
export class RequesterBalance {
  @Field()
  currency: string;

  @MoneyField('REQUESTER_AVAILABLE: free to launch or bonus.')
  available: number;

  @MoneyField('Held in the escrow of your projects.')
  inEscrow: number;

  @MoneyField('Paid for approved answers and bonuses, fees included.')
  spent: number;
}

@ObjectType({ description: 'Where a project’s money went, in minor units of its currency.' })
export class ProjectMoney {
  @Field(() => ID)
  projectId: string;

  @Field()
  currency: string;

  @MoneyField('Reserved into escrow over the project’s life.')
  reserved: number;

  @MoneyField('Escrow balance now.')
  escrow: number;

  @MoneyField('Rewards paid to workers for approved answers.')
  rewards: number;

  @MoneyField('Bonuses paid to workers of this project.')
  bonuses: number;

  @MoneyField('Platform fees on rewards and bonuses.')
  fees: number;

  @MoneyField('rewards + bonuses + fees.')
  spent: number;

  @MoneyField('Returned to your available balance at closing.')
  released: number;

  @Field(() => Int, { description: 'Approved assignments paid.' })
  approvedAssignments: number;
}

@ObjectType({ description: 'A worker’s money in one currency, in minor units.' })
export class WorkerEarnings {
  @Field()
  currency: string;

  @MoneyField('WORKER_EARNED: approved and not yet in a payout.')
  earned: number;

  @MoneyField('WORKER_PAYOUT_PENDING: in a payout on its way.')
  pending: number;

  @MoneyField('WORKER_PAID_OUT: transferred so far.')
  paidOut: number;
}

@ObjectType()
export class TrialBalanceLine {
  @Field(() => LedgerAccountKind)
  kind: LedgerAccountKind;

  @Field(() => Int)
  accounts: number;

  @MoneyField('Sum of the balances of this kind.')
  balance: number;
}

@ObjectType()
export class TrialBalanceCurrency {
  @Field()
  currency: string;

  @MoneyField('Sum of every account: 0 when the books balance.')
  total: number;

  @Field(() => [TrialBalanceLine])
  lines: TrialBalanceLine[];
}

@ObjectType({
  description: 'Every account summed by kind and currency; each currency sums to zero.',
})
export class TrialBalance {
  @Field({ description: 'Every currency sums to zero.' })
  balanced: boolean;

  @Field({ description: 'Every cached account balance equals the sum of its entries.' })
  cachedBalancesMatchEntries: boolean;

  @Field(() => [TrialBalanceCurrency])
  currencies: TrialBalanceCurrency[];
}

@ObjectType({ description: 'A new funding and what the payer needs to complete it.' })
export class FundingStart {
  @Field(() => Funding)
  funding: Funding;

  @Field(() => String, {
    nullable: true,
    description: 'PaymentIntent client secret for Stripe.js.',
  })
  clientSecret: string | null;

  @Field(() => String, { nullable: true, description: 'Stripe Checkout page.' })
  checkoutUrl: string | null;
}

@ObjectType()
export class Bonus {
  @Field(() => LedgerTransaction)
  transaction: LedgerTransaction;

  @MoneyField()
  amount: number;

  @MoneyField('Platform fee charged on top of the bonus.')
  fee: number;
}

@ObjectType()
export class PayoutAccountLink {
  @Field({ description: 'Stripe onboarding page; single use, expires soon.' })
  url: string;

  @Field()
  expiresAt: Date;

  @Field(() => PayoutAccount)
  account: PayoutAccount;
}

@ObjectType()
export class SkippedPayout {
  @Field(() => ID)
  workerId: string;

  @Field()
  currency: string;

  @Field(() => PayoutSkipReason)
  reason: PayoutSkipReason;
}

@ObjectType()
export class PayoutRun {
  @Field(() => [Payout], { description: 'Created by this run, as recorded after sending.' })
  payouts: Payout[];

  @Field(() => [SkippedPayout])
  skipped: SkippedPayout[];
}

export const LedgerEntryConnection = Connection(LedgerEntry);
export type LedgerEntryConnection = InstanceType<typeof LedgerEntryConnection>;
export const PayoutConnection = Connection(Payout);
export type PayoutConnection = InstanceType<typeof PayoutConnection>;
