import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The double-entry ledger (DESIGN.md promise 5). The tables come from the entities; the rules
 * that make them a ledger are hand-written here, in the database, so they hold whatever code
 * writes to it:
 *
 * - every ledger transaction's entries sum to zero per currency, checked at COMMIT by a
 *   DEFERRABLE INITIALLY DEFERRED constraint trigger (so the entries of one transaction may be
 *   inserted in any order), and every ledger transaction has entries;
 * - an entry's currency is its account's currency;
 * - entries are added only in the database transaction that created their ledger transaction;
 * - ledger_entries and ledger_transactions are append-only: UPDATE, DELETE and TRUNCATE refused;
 * - ledger_accounts.balance changes only through entry inserts (the insert trigger adds the
 *   amount), never by a direct UPDATE; the CHECK constraint from the entity keeps the guarded
 *   kinds at zero or above.
 */
export class CreateLedger1795462816957 implements MigrationInterface {
  name = 'CreateLedger1795462816957';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "ledger_accounts" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "kind" text NOT NULL, "user_id" uuid, "project_id" uuid, "currency" text NOT NULL, "balance" bigint NOT NULL DEFAULT '0', CONSTRAINT "ledger_accounts_currency_check" CHECK ("currency" ~ '^[a-z]{3}$'), CONSTRAINT "ledger_accounts_non_negative_check" CHECK ("balance" >= 0 OR "kind" IN ('PLATFORM_REVENUE', 'EXTERNAL_FUNDING')), CONSTRAINT "ledger_accounts_owner_check" CHECK (CASE WHEN "kind" IN ('REQUESTER_AVAILABLE', 'WORKER_EARNED', 'WORKER_PAYOUT_PENDING', 'WORKER_PAID_OUT') THEN "user_id" IS NOT NULL AND "project_id" IS NULL WHEN "kind" = 'PROJECT_ESCROW' THEN "project_id" IS NOT NULL AND "user_id" IS NULL WHEN "kind" IN ('PLATFORM_REVENUE', 'EXTERNAL_FUNDING') THEN "user_id" IS NULL AND "project_id" IS NULL ELSE false END), CONSTRAINT "PK_62b34396dda564757cf123fff0e" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "ledger_accounts_system_key" ON "ledger_accounts"  ("kind", "currency") WHERE "user_id" IS NULL AND "project_id" IS NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "ledger_accounts_project_key" ON "ledger_accounts"  ("kind", "project_id", "currency") WHERE "project_id" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "ledger_accounts_user_key" ON "ledger_accounts"  ("kind", "user_id", "currency") WHERE "user_id" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE "ledger_transactions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "kind" text NOT NULL, "unique_key" text, "description" text NOT NULL, "project_id" uuid, "assignment_id" uuid, "payout_id" uuid, "user_id" uuid, "actor_id" uuid, "external_ref" text, CONSTRAINT "PK_633d103c9e415d615aacf9b1929" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ledger_transactions_external_ref_idx" ON "ledger_transactions"  ("external_ref") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ledger_transactions_payout_idx" ON "ledger_transactions"  ("payout_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ledger_transactions_project_idx" ON "ledger_transactions"  ("project_id", "kind") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "ledger_transactions_approval_key" ON "ledger_transactions"  ("assignment_id") WHERE "kind" = 'ASSIGNMENT_APPROVAL'`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "ledger_transactions_unique_key" ON "ledger_transactions"  ("unique_key") `,
    );
    await queryRunner.query(
      `CREATE TABLE "ledger_entries" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "transaction_id" uuid NOT NULL, "account_id" uuid NOT NULL, "amount" bigint NOT NULL, "currency" text NOT NULL, CONSTRAINT "ledger_entries_amount_check" CHECK ("amount" <> 0), CONSTRAINT "PK_6efcb84411d3f08b08450ae75d5" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ledger_entries_transaction_idx" ON "ledger_entries"  ("transaction_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ledger_entries_account_idx" ON "ledger_entries"  ("account_id", "created_at", "id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "ledger_accounts" ADD CONSTRAINT "FK_230a057e671889cae77f48b6dd7" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "ledger_accounts" ADD CONSTRAINT "FK_5fb752f3a0b18b7ac042c427f16" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "ledger_entries" ADD CONSTRAINT "FK_b26c5ef5853fd6e0a8680427f60" FOREIGN KEY ("transaction_id") REFERENCES "ledger_transactions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "ledger_entries" ADD CONSTRAINT "FK_e4440167e470be69f9622c1ceab" FOREIGN KEY ("account_id") REFERENCES "ledger_accounts"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    for (const statement of LEDGER_RULES_UP) await queryRunner.query(statement);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of LEDGER_RULES_DOWN) await queryRunner.query(statement);
    await queryRunner.query(
      `ALTER TABLE "ledger_entries" DROP CONSTRAINT "FK_e4440167e470be69f9622c1ceab"`,
    );
    await queryRunner.query(
      `ALTER TABLE "ledger_entries" DROP CONSTRAINT "FK_b26c5ef5853fd6e0a8680427f60"`,
    );
    await queryRunner.query(
      `ALTER TABLE "ledger_accounts" DROP CONSTRAINT "FK_5fb752f3a0b18b7ac042c427f16"`,
    );
    await queryRunner.query(
      `ALTER TABLE "ledger_accounts" DROP CONSTRAINT "FK_230a057e671889cae77f48b6dd7"`,
    );
    await queryRunner.query(`DROP INDEX "public"."ledger_entries_account_idx"`);
    await queryRunner.query(`DROP INDEX "public"."ledger_entries_transaction_idx"`);
    await queryRunner.query(`DROP TABLE "ledger_entries"`);
    await queryRunner.query(`DROP INDEX "public"."ledger_transactions_unique_key"`);
    await queryRunner.query(`DROP INDEX "public"."ledger_transactions_approval_key"`);
    await queryRunner.query(`DROP INDEX "public"."ledger_transactions_project_idx"`);
    await queryRunner.query(`DROP INDEX "public"."ledger_transactions_payout_idx"`);
    await queryRunner.query(`DROP INDEX "public"."ledger_transactions_external_ref_idx"`);
    await queryRunner.query(`DROP TABLE "ledger_transactions"`);
    await queryRunner.query(`DROP INDEX "public"."ledger_accounts_user_key"`);
    await queryRunner.query(`DROP INDEX "public"."ledger_accounts_project_key"`);
    await queryRunner.query(`DROP INDEX "public"."ledger_accounts_system_key"`);
    await queryRunner.query(`DROP TABLE "ledger_accounts"`);
  }
}

/** Hand-written rules, in the PostgreSQL 15 ∩ 18 subset (PGlite runs 18). */
const LEDGER_RULES_UP = [
  // An entry's currency must be its account's; then the account's cached balance moves by the
  // amount. The UPDATE runs at trigger depth 2, which is how ledger_accounts_guard_update tells it
  // from a direct write.
  `CREATE FUNCTION ledger_entries_apply() RETURNS trigger LANGUAGE plpgsql AS $$
   DECLARE
     account_currency text;
     transaction_created_at timestamptz;
   BEGIN
     SELECT currency INTO account_currency FROM ledger_accounts WHERE id = NEW.account_id;
     IF account_currency IS DISTINCT FROM NEW.currency THEN
       RAISE EXCEPTION 'ledger entry currency % does not match the currency % of account %',
         NEW.currency, account_currency, NEW.account_id
         USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_entries_currency_check';
     END IF;
     SELECT created_at INTO transaction_created_at FROM ledger_transactions WHERE id = NEW.transaction_id;
     IF transaction_created_at IS DISTINCT FROM now()::timestamptz(3) THEN
       RAISE EXCEPTION 'entries may only be added in the transaction that created ledger transaction %',
         NEW.transaction_id
         USING ERRCODE = 'restrict_violation', CONSTRAINT = 'ledger_entries_same_transaction';
     END IF;
     UPDATE ledger_accounts SET balance = balance + NEW.amount WHERE id = NEW.account_id;
     RETURN NEW;
   END $$`,
  `CREATE TRIGGER ledger_entries_apply BEFORE INSERT ON ledger_entries
   FOR EACH ROW EXECUTE FUNCTION ledger_entries_apply()`,

  // Zero sum per currency, checked at COMMIT (or at SET CONSTRAINTS ... IMMEDIATE).
  `CREATE FUNCTION ledger_entries_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
   DECLARE
     unbalanced record;
   BEGIN
     SELECT currency, sum(amount) AS total INTO unbalanced
       FROM ledger_entries WHERE transaction_id = NEW.transaction_id
       GROUP BY currency HAVING sum(amount) <> 0 LIMIT 1;
     IF FOUND THEN
       RAISE EXCEPTION 'ledger transaction % does not balance: its % entries sum to %',
         NEW.transaction_id, unbalanced.currency, unbalanced.total
         USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_entries_balanced';
     END IF;
     RETURN NULL;
   END $$`,
  `CREATE CONSTRAINT TRIGGER ledger_entries_balanced AFTER INSERT ON ledger_entries
   DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_entries_check_balanced()`,

  // A ledger transaction without entries is a lie in the audit trail.
  `CREATE FUNCTION ledger_transactions_check_has_entries() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF NOT EXISTS (SELECT 1 FROM ledger_entries WHERE transaction_id = NEW.id) THEN
       RAISE EXCEPTION 'ledger transaction % has no entries', NEW.id
         USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_transactions_has_entries';
     END IF;
     RETURN NULL;
   END $$`,
  `CREATE CONSTRAINT TRIGGER ledger_transactions_has_entries AFTER INSERT ON ledger_transactions
   DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_transactions_check_has_entries()`,

  // Append-only history.
  `CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
       USING ERRCODE = 'restrict_violation', CONSTRAINT = TG_TABLE_NAME || '_append_only';
   END $$`,
  `CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
   FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()`,
  `CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
   FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()`,
  `CREATE TRIGGER ledger_transactions_append_only BEFORE UPDATE OR DELETE ON ledger_transactions
   FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()`,
  `CREATE TRIGGER ledger_transactions_no_truncate BEFORE TRUNCATE ON ledger_transactions
   FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()`,

  // Accounts: identity never changes, the balance only through entries, and rows stay.
  `CREATE FUNCTION ledger_accounts_guard_update() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF NEW.kind IS DISTINCT FROM OLD.kind OR NEW.currency IS DISTINCT FROM OLD.currency
        OR NEW.user_id IS DISTINCT FROM OLD.user_id OR NEW.project_id IS DISTINCT FROM OLD.project_id
        OR NEW.id IS DISTINCT FROM OLD.id THEN
       RAISE EXCEPTION 'ledger account % cannot change kind, owner or currency', OLD.id
         USING ERRCODE = 'restrict_violation', CONSTRAINT = 'ledger_accounts_identity';
     END IF;
     IF NEW.balance IS DISTINCT FROM OLD.balance AND pg_trigger_depth() < 2 THEN
       RAISE EXCEPTION 'ledger account % balance changes only through ledger entries', OLD.id
         USING ERRCODE = 'restrict_violation', CONSTRAINT = 'ledger_accounts_balance_from_entries';
     END IF;
     RETURN NEW;
   END $$`,
  `CREATE TRIGGER ledger_accounts_guard_update BEFORE UPDATE ON ledger_accounts
   FOR EACH ROW EXECUTE FUNCTION ledger_accounts_guard_update()`,
  `CREATE TRIGGER ledger_accounts_append_only BEFORE DELETE ON ledger_accounts
   FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()`,
  `CREATE TRIGGER ledger_accounts_no_truncate BEFORE TRUNCATE ON ledger_accounts
   FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()`,
  // A new account starts at zero: its balance is the sum of no entries.
  `CREATE FUNCTION ledger_accounts_check_insert() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF NEW.balance <> 0 THEN
       RAISE EXCEPTION 'a new ledger account starts at balance 0'
         USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_accounts_balance_from_entries';
     END IF;
     RETURN NEW;
   END $$`,
  `CREATE TRIGGER ledger_accounts_check_insert BEFORE INSERT ON ledger_accounts
   FOR EACH ROW EXECUTE FUNCTION ledger_accounts_check_insert()`,
];

const LEDGER_RULES_DOWN = [
  `DROP TRIGGER ledger_accounts_check_insert ON ledger_accounts`,
  `DROP TRIGGER ledger_accounts_no_truncate ON ledger_accounts`,
  `DROP TRIGGER ledger_accounts_append_only ON ledger_accounts`,
  `DROP TRIGGER ledger_accounts_guard_update ON ledger_accounts`,
  `DROP TRIGGER ledger_transactions_no_truncate ON ledger_transactions`,
  `DROP TRIGGER ledger_transactions_append_only ON ledger_transactions`,
  `DROP TRIGGER ledger_entries_no_truncate ON ledger_entries`,
  `DROP TRIGGER ledger_entries_append_only ON ledger_entries`,
  `DROP TRIGGER ledger_transactions_has_entries ON ledger_transactions`,
  `DROP TRIGGER ledger_entries_balanced ON ledger_entries`,
  `DROP TRIGGER ledger_entries_apply ON ledger_entries`,
  `DROP FUNCTION ledger_accounts_check_insert()`,
  `DROP FUNCTION ledger_accounts_guard_update()`,
  `DROP FUNCTION ledger_refuse_change()`,
  `DROP FUNCTION ledger_transactions_check_has_entries()`,
  `DROP FUNCTION ledger_entries_check_balanced()`,
  `DROP FUNCTION ledger_entries_apply()`,
];
