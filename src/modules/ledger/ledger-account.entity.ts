import { CreatedEntity } from '../../db/app-entity';
import { GraphQLSafeInt } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';
import { Check, Column, Entity, Index } from 'typeorm';
import { User } from '../auth/user.entity';
import { Project } from '../projects/project.entity';
import { minorAmountTransformer } from './minor-amount.transformer';
import { LedgerAccountKind } from './ledger.types';
import { ForeignKey, TextField, UuidColumn } from '../../db/columns';

/**
 * One balance in one currency: a requester's available funds, a project's escrow, a worker's
 * earnings, or a system account (see `LedgerAccountKind`). Created on first use.
 *
 * `balance` caches the sum of the account's entries. Only the insert trigger on
 * `ledger_entries` may change it (a trigger refuses direct updates), so it always equals the sum
 * (the reconciliation checks that too), and a CHECK constraint keeps the accounts that must never
 * go negative at zero or above, whatever code writes to the ledger.
 */
@Entity({ name: 'ledger_accounts' })
@ObjectType({ description: 'A balance in one currency (see docs/money.md for the kinds).' })
@Index('ledger_accounts_user_key', ['kind', 'userId', 'currency'], {
  unique: true,
  where: '"user_id" IS NOT NULL',
})
@Index('ledger_accounts_project_key', ['kind', 'projectId', 'currency'], {
  unique: true,
  where: '"project_id" IS NOT NULL',
})
@Index('ledger_accounts_system_key', ['kind', 'currency'], {
  unique: true,
  where: '"user_id" IS NULL AND "project_id" IS NULL',
})
@Check(
  'ledger_accounts_owner_check',
  `CASE WHEN "kind" IN ('REQUESTER_AVAILABLE', 'WORKER_EARNED', 'WORKER_PAYOUT_PENDING', 'WORKER_PAID_OUT') THEN "user_id" IS NOT NULL AND "project_id" IS NULL WHEN "kind" = 'PROJECT_ESCROW' THEN "project_id" IS NOT NULL AND "user_id" IS NULL WHEN "kind" IN ('PLATFORM_REVENUE', 'EXTERNAL_FUNDING') THEN "user_id" IS NULL AND "project_id" IS NULL ELSE false END`,
)
@Check(
  'ledger_accounts_non_negative_check',
  `"balance" >= 0 OR "kind" IN ('PLATFORM_REVENUE', 'EXTERNAL_FUNDING')`,
)
@Check('ledger_accounts_currency_check', `"currency" ~ '^[a-z]{3}$'`)
export class LedgerAccount extends CreatedEntity {
  @Field(() => LedgerAccountKind)
  @Column({ type: 'text' })
  kind: LedgerAccountKind;

  /** Owner of a requester or worker account. */
  @UuidColumn({ nullable: true })
  userId: string | null;

  @ForeignKey(() => User, 'RESTRICT')
  user?: User;

  /** Owner of an escrow account. */
  @UuidColumn({ nullable: true })
  projectId: string | null;

  @ForeignKey(() => Project, 'RESTRICT')
  project?: Project;

  @TextField({ description: 'ISO 4217 code, lower case.' })
  currency: string;

  @Field(() => GraphQLSafeInt, { description: 'Sum of the account’s entries, in minor units.' })
  @Column({ type: 'bigint', default: 0, transformer: minorAmountTransformer })
  balance: number;
}
