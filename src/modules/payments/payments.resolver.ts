import { Arg, Args, Int, Resolver } from 'type-graphql';
import type { ConnectionShape } from '../../common/pagination';
import { RequestContext } from '../../common/request-context';
import type { LedgerEntry } from '../ledger/ledger-entry.entity';
import type { EscrowService } from './escrow.service';
import { Funding } from './funding.entity';
import type { FundingService } from './funding.service';
import type { MoneyQueryService } from './money-query.service';
import {
  Bonus,
  FundingStart,
  LedgerEntryConnection,
  PayoutAccountLink,
  PayoutConnection,
  PayoutRun,
  ProjectMoney,
  RequesterBalance,
  TrialBalance,
  WorkerEarnings,
} from './money.types';
import {
  AwardBonusInput,
  ConnectPayoutAccountInput,
  CreateFundingInput,
  CreatePayoutInput,
  CreatePayoutsInput,
  FundingsArgs,
  LedgerEntriesArgs,
  MarkPayoutFailedInput,
  MarkPayoutPaidInput,
  MyPayoutsArgs,
  PayoutsArgs,
  RecordManualFundingInput,
} from './payments.inputs';
import { PayoutAccount } from './payout-account.entity';
import { Payout } from './payout.entity';
import type { PayoutService } from './payout.service';
import type { ReconciliationService } from './reconciliation.service';
import { ReconciliationReportType } from './reconciliation.types';
import {
  AdminMutation,
  AdminQuery,
  IdArg,
  InputArg,
  OwnerMutation,
  OwnerQuery,
  RequesterMutation,
  RequesterQuery,
  SignedInQuery,
  WorkerMutation,
  WorkerQuery,
} from '../../graphql/operations';

/**
 * Money over GraphQL: balances, entries, fundings, bonuses, payouts, the trial balance and
 * reconciliation. Thin: each field calls one service method with `ctx`; roles are checked here,
 * ownership in the services. Flows and account names: docs/money.md.
 */
@Resolver()
export class PaymentsResolver {
  constructor(
    private readonly queries: MoneyQueryService,
    private readonly fundings: FundingService,
    private readonly escrow: EscrowService,
    private readonly payoutService: PayoutService,
    private readonly reconciliation: ReconciliationService,
  ) {}

  // ── Requesters ────────────────────────────────────────────────────────────────────────────

  @RequesterQuery(() => [RequesterBalance], 'Your available balance, escrow and spend.')
  myBalances(ctx: RequestContext): Promise<RequesterBalance[]> {
    return this.queries.requesterBalances(ctx);
  }

  @OwnerQuery(() => ProjectMoney, 'Escrow and spend of one of your projects.')
  projectMoney(@IdArg('projectId') projectId: string, ctx: RequestContext): Promise<ProjectMoney> {
    return this.queries.projectMoney(ctx, projectId);
  }

  @RequesterQuery(() => [Funding], 'Your fundings, newest first.')
  myFundings(@Args() args: FundingsArgs, ctx: RequestContext): Promise<Funding[]> {
    return this.fundings.listOwn(ctx, args.first);
  }

  @RequesterQuery(
    () => Boolean,
    'Whether createFunding can take card payments (Stripe configured); otherwise an admin records fundings (recordManualFunding).',
  )
  cardPaymentsAvailable(): boolean {
    return this.fundings.cardPaymentsAvailable();
  }

  @RequesterMutation(
    () => FundingStart,
    'Starts a Stripe payment into your balance. The balance is credited when Stripe confirms ' +
      'the payment (webhook), never before. PAYMENTS_OFFLINE without Stripe.',
  )
  createFunding(@InputArg() input: CreateFundingInput, ctx: RequestContext): Promise<FundingStart> {
    return this.fundings.createFunding(ctx, input);
  }

  @OwnerMutation(
    () => Bonus,
    'Pays a bonus (plus the platform fee) from your balance to the worker of an answered assignment.',
  )
  awardBonus(@InputArg() input: AwardBonusInput, ctx: RequestContext): Promise<Bonus> {
    return this.escrow.awardBonus(ctx, input);
  }

  // ── Workers ───────────────────────────────────────────────────────────────────────────────

  @WorkerQuery(() => [WorkerEarnings], 'Your earned, pending and paid-out amounts.')
  myEarnings(ctx: RequestContext): Promise<WorkerEarnings[]> {
    return this.queries.workerEarnings(ctx);
  }

  @SignedInQuery(() => LedgerEntryConnection, 'Every movement on your own accounts, oldest first.')
  myLedgerEntries(
    @Args() args: LedgerEntriesArgs,
    ctx: RequestContext,
  ): Promise<ConnectionShape<LedgerEntry>> {
    return this.queries.myEntries(ctx, args);
  }

  @WorkerQuery(() => PayoutConnection, 'Your payouts, oldest first.')
  myPayouts(@Args() args: MyPayoutsArgs, ctx: RequestContext): Promise<ConnectionShape<Payout>> {
    return this.queries.payouts(ctx, args, 'own');
  }

  @WorkerQuery(() => PayoutAccount, {
    nullable: true,
    description: 'Your connected Stripe account.',
  })
  myPayoutAccount(ctx: RequestContext): Promise<PayoutAccount | null> {
    return this.payoutService.myAccount(ctx);
  }

  @WorkerMutation(
    () => PayoutAccountLink,
    'Creates your connected Stripe account if needed and returns an onboarding link.',
  )
  connectPayoutAccount(
    @InputArg() input: ConnectPayoutAccountInput,
    ctx: RequestContext,
  ): Promise<PayoutAccountLink> {
    return this.payoutService.connectAccount(ctx, input);
  }

  // ── Admins ────────────────────────────────────────────────────────────────────────────────

  @AdminMutation(() => Funding, 'Records money received outside Stripe and credits it.')
  recordManualFunding(
    @InputArg() input: RecordManualFundingInput,
    ctx: RequestContext,
  ): Promise<Funding> {
    return this.fundings.recordManualFunding(ctx, input);
  }

  @AdminMutation(
    () => PayoutRun,
    'Creates payouts for workers above the minimum, then sends them to Stripe.',
  )
  createPayouts(@InputArg() input: CreatePayoutsInput, ctx: RequestContext): Promise<PayoutRun> {
    return this.payoutService.createPayouts(ctx, input);
  }

  @AdminMutation(() => Payout, 'Pays one worker’s whole earned balance in a currency.')
  createPayout(@InputArg() input: CreatePayoutInput, ctx: RequestContext): Promise<Payout> {
    return this.payoutService.createPayout(ctx, input);
  }

  @AdminMutation(
    () => Int,
    'Sends pending payouts due for a (re)try now, instead of waiting for the sweep.',
  )
  sendPendingPayouts(ctx: RequestContext): Promise<number> {
    return this.payoutService.sendDuePayouts(ctx);
  }

  @AdminMutation(() => Payout, 'Offline payouts: record one as paid by other means.')
  markPayoutPaid(@InputArg() input: MarkPayoutPaidInput, ctx: RequestContext): Promise<Payout> {
    return this.payoutService.markPaid(ctx, input);
  }

  @AdminMutation(
    () => Payout,
    'Offline payouts: give one up; the money returns to the worker’s earned balance.',
  )
  markPayoutFailed(@InputArg() input: MarkPayoutFailedInput, ctx: RequestContext): Promise<Payout> {
    return this.payoutService.markFailed(ctx, input);
  }

  @AdminQuery(() => PayoutConnection, 'All payouts, oldest first.')
  payouts(@Args() args: PayoutsArgs, ctx: RequestContext): Promise<ConnectionShape<Payout>> {
    return this.queries.payouts(ctx, args, 'all');
  }

  @AdminQuery(() => TrialBalance, 'Every account by kind and currency; sums to zero.')
  trialBalance(ctx: RequestContext): Promise<TrialBalance> {
    return this.queries.trialBalance(ctx);
  }

  @AdminQuery(
    () => ReconciliationReportType,
    'Compares the ledger with Stripe’s balance transactions and lists every difference.',
  )
  paymentsReconciliation(
    @Arg('since', () => Date, { nullable: true }) since: Date | null,
    ctx: RequestContext,
  ): Promise<ReconciliationReportType> {
    return this.reconciliation.reconcile(ctx, since ?? null) as Promise<ReconciliationReportType>;
  }
}
