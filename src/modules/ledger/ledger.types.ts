import { graphqlEnum, type EnumValue } from '../../common/graphql-enum';

/**
 * What a ledger account holds. Balances are signed sums of entries: money owed to someone (a
 * requester's available funds, a project's escrow, a worker's earnings) is positive; the
 * external source that money came from is negative. Every ledger transaction sums to zero, so
 * all accounts of one currency always sum to zero (the trial balance).
 */
export const LedgerAccountKind = graphqlEnum(
  'LedgerAccountKind',
  [
    /** A requester's funds not yet committed to a project (owner: user). Never negative. */
    'REQUESTER_AVAILABLE',
    /** Money reserved for a launched project's rewards and fees (owner: project). Never negative. */
    'PROJECT_ESCROW',
    /** Approved rewards and bonuses a worker has not been paid yet (owner: user). Never negative. */
    'WORKER_EARNED',
    /** Earnings inside a payout that has not reached Stripe yet (owner: user). Never negative. */
    'WORKER_PAYOUT_PENDING',
    /** Everything paid out to the worker so far (owner: user). Never negative. */
    'WORKER_PAID_OUT',
    /** Platform fees collected (system account, one per currency). */
    'PLATFORM_REVENUE',
    /**
     * Where funding comes from: Stripe payments or funds an admin recorded by hand (system account,
     * one per currency). Its balance is minus everything funded.
     */
    'EXTERNAL_FUNDING',
  ],
  'What a ledger account holds (see docs/money.md).',
);
export type LedgerAccountKind = EnumValue<typeof LedgerAccountKind>;

/**
 * The user and project accounts that postings and balance reads name, one function each, so the
 * services that move money say `accountOf.escrow(project.id)` instead of each spelling out (or
 * keeping its own helper for) `{ kind: LedgerAccountKind.PROJECT_ESCROW, projectId }`.
 */
export const accountOf = {
  available: (userId: string) => ({ kind: LedgerAccountKind.REQUESTER_AVAILABLE, userId }),
  escrow: (projectId: string) => ({ kind: LedgerAccountKind.PROJECT_ESCROW, projectId }),
  earned: (userId: string) => ({ kind: LedgerAccountKind.WORKER_EARNED, userId }),
  pending: (userId: string) => ({ kind: LedgerAccountKind.WORKER_PAYOUT_PENDING, userId }),
  paidOut: (userId: string) => ({ kind: LedgerAccountKind.WORKER_PAID_OUT, userId }),
} as const;

/** Accounts owned by a user, by a project, or by nobody (system accounts). */
export const USER_ACCOUNT_KINDS: readonly LedgerAccountKind[] = [
  LedgerAccountKind.REQUESTER_AVAILABLE,
  LedgerAccountKind.WORKER_EARNED,
  LedgerAccountKind.WORKER_PAYOUT_PENDING,
  LedgerAccountKind.WORKER_PAID_OUT,
];
export const PROJECT_ACCOUNT_KINDS: readonly LedgerAccountKind[] = [
  LedgerAccountKind.PROJECT_ESCROW,
];
export const SYSTEM_ACCOUNT_KINDS: readonly LedgerAccountKind[] = [
  LedgerAccountKind.PLATFORM_REVENUE,
  LedgerAccountKind.EXTERNAL_FUNDING,
];

/**
 * Accounts whose balance may never go below zero: the service checks them under a row lock, and
 * a CHECK constraint on `ledger_accounts.balance` backs it up in the database.
 */
export const NON_NEGATIVE_ACCOUNT_KINDS: readonly LedgerAccountKind[] = [
  ...USER_ACCOUNT_KINDS,
  ...PROJECT_ACCOUNT_KINDS,
];

/** Why money moved. One ledger transaction per business event. */
export const LedgerTransactionKind = graphqlEnum(
  'LedgerTransactionKind',
  [
    /** External → requester available (Stripe payment, or recorded by an admin). */
    'FUNDING',
    /** Requester available → project escrow (launch, more tasks, higher overlap, shortfall). */
    'ESCROW_RESERVE',
    /** Project escrow → worker earned (reward) + platform revenue (fee); once per assignment. */
    'ASSIGNMENT_APPROVAL',
    /** Project escrow → requester available when a project completes or is archived. */
    'ESCROW_RELEASE',
    /** Requester available → worker earned (bonus) + platform revenue (fee). */
    'BONUS',
    /** Worker earned → worker payout pending, when a payout is created. */
    'PAYOUT_RESERVE',
    /** Worker payout pending → worker paid out, when the transfer reached Stripe (or was paid by hand). */
    'PAYOUT_SETTLE',
    /** Worker payout pending → worker earned, when a payout failed before any money left. */
    'PAYOUT_RETURN',
    /** Worker paid out → worker earned, when Stripe reversed a transfer. */
    'PAYOUT_REVERSAL',
  ],
  'Why money moved (see docs/money.md).',
);
export type LedgerTransactionKind = EnumValue<typeof LedgerTransactionKind>;
