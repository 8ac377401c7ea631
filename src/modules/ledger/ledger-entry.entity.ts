import { CreatedEntity } from '../../db/app-entity';
import { GraphQLSafeInt } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';
import { Check, Column, Entity, Index } from 'typeorm';
import { LedgerAccount } from './ledger-account.entity';
import { LedgerTransaction } from './ledger-transaction.entity';
import { minorAmountTransformer } from './minor-amount.transformer';
import { ForeignKey, TextField, UuidColumn } from '../../db/columns';

/**
 * One signed movement on one account: positive credits it, negative debits it. Append-only
 * (triggers refuse UPDATE, DELETE and TRUNCATE); its currency must be its account's (checked by
 * a trigger), and it may only be added in the database transaction that created its ledger
 * transaction, so history cannot be extended after the fact.
 */
@Entity({ name: 'ledger_entries' })
@ObjectType({ description: 'One signed movement on one of your accounts, in minor units.' })
@Index('ledger_entries_account_idx', ['accountId', 'createdAt', 'id'])
@Index('ledger_entries_transaction_idx', ['transactionId'])
@Check('ledger_entries_amount_check', '"amount" <> 0')
export class LedgerEntry extends CreatedEntity {
  @UuidColumn()
  transactionId: string;

  @Field(() => LedgerTransaction)
  @ForeignKey(() => LedgerTransaction, 'RESTRICT')
  transaction?: LedgerTransaction;

  @UuidColumn()
  accountId: string;

  @Field(() => LedgerAccount)
  @ForeignKey(() => LedgerAccount, 'RESTRICT')
  account?: LedgerAccount;

  @Field(() => GraphQLSafeInt, { description: 'Positive: credit; negative: debit.' })
  @Column({ type: 'bigint', transformer: minorAmountTransformer })
  amount: number;

  @TextField()
  currency: string;
}
