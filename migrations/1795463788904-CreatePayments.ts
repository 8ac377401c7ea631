import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fundings, workers' connected accounts, payouts and the Stripe event log (each event id once).
 * The partial unique index `payouts_one_pending_key` keeps one PENDING payout per worker and
 * currency, so concurrent payout runs cannot both take the same earnings.
 */
export class CreatePayments1795463788904 implements MigrationInterface {
  name = 'CreatePayments1795463788904';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "fundings" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "requester_id" uuid NOT NULL, "amount" bigint NOT NULL, "currency" text NOT NULL, "method" text NOT NULL, "status" text NOT NULL DEFAULT 'PENDING', "provider_ref" text, "payment_intent_id" text, "charge_id" text, "client_secret" text, "checkout_url" text, "reference" text, "recorded_by" uuid, "succeeded_at" TIMESTAMP(3) WITH TIME ZONE, "failure_message" text, CONSTRAINT "fundings_amount_check" CHECK ("amount" > 0), CONSTRAINT "PK_9810270c14b02f5d6c4d47bafe4" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "fundings_provider_ref_key" ON "fundings"  ("provider_ref") `,
    );
    await queryRunner.query(
      `CREATE INDEX "fundings_requester_idx" ON "fundings"  ("requester_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "payout_accounts" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "user_id" uuid NOT NULL, "stripe_account_id" text NOT NULL, "payouts_enabled" boolean NOT NULL DEFAULT false, "details_submitted" boolean NOT NULL DEFAULT false, "last_payout_failure" text, CONSTRAINT "PK_79642d5304997f09e3dfc6084d1" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "payout_accounts_stripe_account_key" ON "payout_accounts"  ("stripe_account_id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "payout_accounts_user_key" ON "payout_accounts"  ("user_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "payouts" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "worker_id" uuid NOT NULL, "amount" bigint NOT NULL, "currency" text NOT NULL, "status" text NOT NULL DEFAULT 'PENDING', "destination_account_id" text, "transfer_id" text, "attempts" integer NOT NULL DEFAULT '0', "send_after" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "last_error" text, "paid_at" TIMESTAMP(3) WITH TIME ZONE, "failed_at" TIMESTAMP(3) WITH TIME ZONE, "failure_reason" text, "amount_reversed" bigint NOT NULL DEFAULT '0', "reference" text, "created_by" uuid, CONSTRAINT "payouts_amount_reversed_check" CHECK ("amount_reversed" >= 0 AND "amount_reversed" <= "amount"), CONSTRAINT "payouts_amount_check" CHECK ("amount" > 0), CONSTRAINT "PK_76855dc4f0a6c18c72eea302e87" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "payouts_transfer_key" ON "payouts"  ("transfer_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "payouts_pending_idx" ON "payouts"  ("send_after") WHERE "status" = 'PENDING'`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "payouts_one_pending_key" ON "payouts"  ("worker_id", "currency") WHERE "status" = 'PENDING'`,
    );
    await queryRunner.query(
      `CREATE INDEX "payouts_worker_idx" ON "payouts"  ("worker_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "stripe_events" ("id" text NOT NULL, "type" text NOT NULL, "account" text, "stripe_created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "received_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "outcome" text NOT NULL, CONSTRAINT "PK_d3247bd5fc3f66b6982bbcdd897" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "fundings" ADD CONSTRAINT "FK_a1707ac9f3612b319f207109fec" FOREIGN KEY ("requester_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "payout_accounts" ADD CONSTRAINT "FK_ecdfbea1a85f334f9fd8c3a5af1" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "payouts" ADD CONSTRAINT "FK_c05b985801dc4177f49db13c2e0" FOREIGN KEY ("worker_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "payouts" DROP CONSTRAINT "FK_c05b985801dc4177f49db13c2e0"`,
    );
    await queryRunner.query(
      `ALTER TABLE "payout_accounts" DROP CONSTRAINT "FK_ecdfbea1a85f334f9fd8c3a5af1"`,
    );
    await queryRunner.query(
      `ALTER TABLE "fundings" DROP CONSTRAINT "FK_a1707ac9f3612b319f207109fec"`,
    );
    await queryRunner.query(`DROP TABLE "stripe_events"`);
    await queryRunner.query(`DROP INDEX "public"."payouts_worker_idx"`);
    await queryRunner.query(`DROP INDEX "public"."payouts_one_pending_key"`);
    await queryRunner.query(`DROP INDEX "public"."payouts_pending_idx"`);
    await queryRunner.query(`DROP INDEX "public"."payouts_transfer_key"`);
    await queryRunner.query(`DROP TABLE "payouts"`);
    await queryRunner.query(`DROP INDEX "public"."payout_accounts_user_key"`);
    await queryRunner.query(`DROP INDEX "public"."payout_accounts_stripe_account_key"`);
    await queryRunner.query(`DROP TABLE "payout_accounts"`);
    await queryRunner.query(`DROP INDEX "public"."fundings_requester_idx"`);
    await queryRunner.query(`DROP INDEX "public"."fundings_provider_ref_key"`);
    await queryRunner.query(`DROP TABLE "fundings"`);
  }
}
