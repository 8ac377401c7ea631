import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { ConnectionArgs } from '../../common/pagination';
import { LedgerAccountKind } from '../ledger/ledger.types';
import { FundingMethod, PayoutStatus } from './payments.types';
import { MoneyField } from '../ledger/money-field';

/**
 * Inputs of the money mutations. Amounts are whole minor units (cents) as `SafeInt`; the
 * services refuse zero, negative and fractional amounts with BAD_USER_INPUT (field `amount`).
 * Every mutation that moves money takes an `idempotencyKey` (1 to 255 characters): a repeat with
 * the same key and parameters returns the first result, other parameters get
 * IDEMPOTENCY_KEY_REUSED.
 */
@InputType()
export class RecordManualFundingInput {
  @Field(() => ID)
  requesterId: string;

  @MoneyField('Minor units, > 0.')
  amount: number;

  @Field({ description: 'ISO 4217 code, any case.' })
  currency: string;

  @Field({ description: 'Where the money came from (bank transfer id, invoice number).' })
  reference: string;

  @Field()
  idempotencyKey: string;
}

@InputType()
export class CreateFundingInput {
  @MoneyField('Minor units, > 0.')
  amount: number;

  @Field({ description: 'ISO 4217 code, any case.' })
  currency: string;

  @Field(() => FundingMethod, { defaultValue: FundingMethod.PAYMENT_INTENT })
  method: FundingMethod;

  @Field(() => String, {
    nullable: true,
    description: 'Checkout: where Stripe sends the payer after paying.',
  })
  successUrl?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Checkout: where Stripe sends a payer who gives up.',
  })
  cancelUrl?: string | null;

  @Field()
  idempotencyKey: string;
}

@InputType()
export class AwardBonusInput {
  @Field(() => ID, { description: 'The answered assignment the bonus rewards.' })
  assignmentId: string;

  @MoneyField('Minor units, > 0; the platform fee is added on top.')
  amount: number;

  @Field({ description: 'Must be the assignment’s currency.' })
  currency: string;

  @Field({ description: 'Shown to the worker; 1 to 1,000 characters.' })
  reason: string;

  @Field()
  idempotencyKey: string;
}

@InputType()
export class ConnectPayoutAccountInput {
  @Field({ description: 'Where Stripe sends the worker when the link expired or was used.' })
  refreshUrl: string;

  @Field({ description: 'Where Stripe sends the worker after onboarding.' })
  returnUrl: string;
}

@InputType()
export class CreatePayoutsInput {
  @Field()
  idempotencyKey: string;

  @Field(() => String, { nullable: true, description: 'Only this currency.' })
  currency?: string | null;

  @MoneyField({
    nullable: true,
    description: 'Smallest earned balance paid; default PAYOUT_MINIMUM_AMOUNT.',
  })
  minimumAmount?: number | null;

  @Field(() => [ID], { nullable: true, description: 'Only these workers.' })
  workerIds?: string[] | null;
}

@InputType()
export class CreatePayoutInput {
  @Field(() => ID)
  workerId: string;

  @Field()
  currency: string;

  @Field()
  idempotencyKey: string;
}

@InputType()
export class MarkPayoutPaidInput {
  @Field(() => ID)
  payoutId: string;

  @Field({ description: 'How it was paid (bank transfer id, ...).' })
  reference: string;

  @Field()
  idempotencyKey: string;
}

@InputType()
export class MarkPayoutFailedInput {
  @Field(() => ID)
  payoutId: string;

  @Field()
  reason: string;

  @Field()
  idempotencyKey: string;
}

@ArgsType()
export class LedgerEntriesArgs extends ConnectionArgs {
  @Field(() => String, { nullable: true })
  currency?: string | null;

  @Field(() => LedgerAccountKind, { nullable: true })
  accountKind?: LedgerAccountKind | null;
}

@ArgsType()
export class PayoutsArgs extends ConnectionArgs {
  @Field(() => PayoutStatus, { nullable: true })
  status?: PayoutStatus | null;

  @Field(() => ID, { nullable: true })
  workerId?: string | null;
}

@ArgsType()
export class MyPayoutsArgs extends ConnectionArgs {
  @Field(() => PayoutStatus, { nullable: true })
  status?: PayoutStatus | null;
}

@ArgsType()
export class FundingsArgs {
  @Field(() => Int, { defaultValue: 20, description: '1 to 100, newest first.' })
  first: number;
}
