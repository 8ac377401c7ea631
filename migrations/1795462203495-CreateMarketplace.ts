import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateMarketplace1795462203495 implements MigrationInterface {
  name = 'CreateMarketplace1795462203495';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "projects" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "owner_id" uuid NOT NULL, "name" text NOT NULL, "instructions" text NOT NULL DEFAULT '', "status" text NOT NULL DEFAULT 'DRAFT', "label_schema" jsonb NOT NULL, "schema_version" integer NOT NULL DEFAULT '1', "reward_amount" integer NOT NULL, "currency" text NOT NULL, "min_overlap" integer NOT NULL, "max_overlap" integer NOT NULL, "confidence_target" double precision, "gold_rate" double precision NOT NULL DEFAULT '0', "assignment_duration_seconds" integer NOT NULL, "auto_approval_delay_seconds" integer NOT NULL, "rejection_reversal_window_seconds" integer NOT NULL DEFAULT '604800', "aggregation_method" text NOT NULL DEFAULT 'dawid-skene', "launched_at" TIMESTAMP WITH TIME ZONE, "closed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "projects_reward_check" CHECK ("reward_amount" >= 0), CONSTRAINT "projects_gold_rate_check" CHECK ("gold_rate" >= 0 AND "gold_rate" <= 1), CONSTRAINT "projects_overlap_check" CHECK ("min_overlap" >= 1 AND "max_overlap" >= "min_overlap"), CONSTRAINT "PK_6271df0a7aed1d6c0691ce6ac50" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "projects_owner_id_idx" ON "projects"  ("owner_id") `);
    await queryRunner.query(
      `CREATE TABLE "tasks" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "project_id" uuid NOT NULL, "external_id" text, "payload" jsonb NOT NULL, "is_gold" boolean NOT NULL DEFAULT false, "gold_labels" text array, "status" text NOT NULL DEFAULT 'OPEN', "live_assignments" integer NOT NULL DEFAULT '0', "counted_answers" integer NOT NULL DEFAULT '0', "consensus_labels" text array, "consensus_confidence" double precision, "posterior" double precision array, "completed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "tasks_live_assignments_check" CHECK ("live_assignments" >= 0 AND "counted_answers" >= 0), CONSTRAINT "PK_8d12ff38fcc62aaba2cab748772" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "tasks_project_status_idx" ON "tasks"  ("project_id", "status", "is_gold") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "tasks_project_external_id_key" ON "tasks"  ("project_id", "external_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "assignments" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "task_id" uuid NOT NULL, "project_id" uuid NOT NULL, "worker_id" uuid NOT NULL, "status" text NOT NULL DEFAULT 'LEASED', "leased_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "submitted_at" TIMESTAMP(3) WITH TIME ZONE, "auto_approve_at" TIMESTAMP(3) WITH TIME ZONE, "reviewed_at" TIMESTAMP(3) WITH TIME ZONE, "reviewed_by" uuid, "rejection_reason" text, "answer_labels" text array, "schema_version" integer NOT NULL, "client_duration_ms" integer, "server_duration_ms" integer, "counted" boolean NOT NULL DEFAULT false, "is_gold" boolean NOT NULL DEFAULT false, "gold_correct" boolean, "reward_amount" integer NOT NULL, "currency" text NOT NULL, "excluded_at" TIMESTAMP(3) WITH TIME ZONE, CONSTRAINT "PK_c54ca359535e0012b04dcbd80ee" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "assignments_leased_expiry_idx" ON "assignments"  ("expires_at") WHERE "status" = 'LEASED'`,
    );
    await queryRunner.query(
      `CREATE INDEX "assignments_auto_approve_idx" ON "assignments"  ("auto_approve_at") WHERE "status" = 'SUBMITTED'`,
    );
    await queryRunner.query(`CREATE INDEX "assignments_task_idx" ON "assignments"  ("task_id") `);
    await queryRunner.query(
      `CREATE INDEX "assignments_project_status_idx" ON "assignments"  ("project_id", "status") `,
    );
    await queryRunner.query(
      `CREATE INDEX "assignments_worker_status_idx" ON "assignments"  ("worker_id", "status") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "assignments_task_worker_key" ON "assignments"  ("task_id", "worker_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "idempotency_records" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "user_id" uuid NOT NULL, "operation" text NOT NULL, "key" text NOT NULL, "request_hash" text NOT NULL, "result" jsonb, CONSTRAINT "PK_9ae4e93699362b0d4e3da3dd1c2" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "idempotency_records_key" ON "idempotency_records"  ("user_id", "operation", "key") `,
    );
    await queryRunner.query(
      `CREATE TABLE "jobs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "name" text NOT NULL, "payload" jsonb NOT NULL DEFAULT '{}', "status" text NOT NULL DEFAULT 'PENDING', "run_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "attempts" integer NOT NULL DEFAULT '0', "max_attempts" integer NOT NULL DEFAULT '5', "unique_key" text, "last_error" text, "locked_until" TIMESTAMP(3) WITH TIME ZONE, "result" jsonb, CONSTRAINT "PK_cf0a6c42b72fcc7f7c237def345" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "jobs_unique_pending_key" ON "jobs"  ("unique_key") WHERE "unique_key" IS NOT NULL AND "status" IN ('PENDING', 'RUNNING')`,
    );
    await queryRunner.query(
      `CREATE INDEX "jobs_due_idx" ON "jobs"  ("run_at") WHERE "status" = 'PENDING'`,
    );
    await queryRunner.query(
      `CREATE TABLE "worker_blocks" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "worker_id" uuid NOT NULL, "project_id" uuid, "reason" text NOT NULL, "starts_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP(3) WITH TIME ZONE, "lifted_at" TIMESTAMP(3) WITH TIME ZONE, "created_by" uuid, "rule_id" uuid, CONSTRAINT "PK_548a3149a092fc29e5295eb057b" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "worker_blocks_worker_idx" ON "worker_blocks"  ("worker_id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "projects" ADD CONSTRAINT "FK_b1bd2fbf5d0ef67319c91acb5cf" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "tasks" ADD CONSTRAINT "FK_9eecdb5b1ed8c7c2a1b392c28d4" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "assignments" ADD CONSTRAINT "FK_292e1d7e3f055c7554845a72f13" FOREIGN KEY ("task_id") REFERENCES "tasks"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "assignments" ADD CONSTRAINT "FK_18b8aab3ad95fc3377bb9986882" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "assignments" ADD CONSTRAINT "FK_70c9a4d6f2aff8b2e07856ec5be" FOREIGN KEY ("worker_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "worker_blocks" ADD CONSTRAINT "FK_1682c78393de58c8e5a9ef6fece" FOREIGN KEY ("worker_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "worker_blocks" ADD CONSTRAINT "FK_dee9fe8cc3ac10afda0decd5581" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "worker_blocks" DROP CONSTRAINT "FK_dee9fe8cc3ac10afda0decd5581"`,
    );
    await queryRunner.query(
      `ALTER TABLE "worker_blocks" DROP CONSTRAINT "FK_1682c78393de58c8e5a9ef6fece"`,
    );
    await queryRunner.query(
      `ALTER TABLE "assignments" DROP CONSTRAINT "FK_70c9a4d6f2aff8b2e07856ec5be"`,
    );
    await queryRunner.query(
      `ALTER TABLE "assignments" DROP CONSTRAINT "FK_18b8aab3ad95fc3377bb9986882"`,
    );
    await queryRunner.query(
      `ALTER TABLE "assignments" DROP CONSTRAINT "FK_292e1d7e3f055c7554845a72f13"`,
    );
    await queryRunner.query(`ALTER TABLE "tasks" DROP CONSTRAINT "FK_9eecdb5b1ed8c7c2a1b392c28d4"`);
    await queryRunner.query(
      `ALTER TABLE "projects" DROP CONSTRAINT "FK_b1bd2fbf5d0ef67319c91acb5cf"`,
    );
    await queryRunner.query(`DROP INDEX "public"."worker_blocks_worker_idx"`);
    await queryRunner.query(`DROP TABLE "worker_blocks"`);
    await queryRunner.query(`DROP INDEX "public"."jobs_due_idx"`);
    await queryRunner.query(`DROP INDEX "public"."jobs_unique_pending_key"`);
    await queryRunner.query(`DROP TABLE "jobs"`);
    await queryRunner.query(`DROP INDEX "public"."idempotency_records_key"`);
    await queryRunner.query(`DROP TABLE "idempotency_records"`);
    await queryRunner.query(`DROP INDEX "public"."assignments_task_worker_key"`);
    await queryRunner.query(`DROP INDEX "public"."assignments_worker_status_idx"`);
    await queryRunner.query(`DROP INDEX "public"."assignments_project_status_idx"`);
    await queryRunner.query(`DROP INDEX "public"."assignments_task_idx"`);
    await queryRunner.query(`DROP INDEX "public"."assignments_auto_approve_idx"`);
    await queryRunner.query(`DROP INDEX "public"."assignments_leased_expiry_idx"`);
    await queryRunner.query(`DROP TABLE "assignments"`);
    await queryRunner.query(`DROP INDEX "public"."tasks_project_external_id_key"`);
    await queryRunner.query(`DROP INDEX "public"."tasks_project_status_idx"`);
    await queryRunner.query(`DROP TABLE "tasks"`);
    await queryRunner.query(`DROP INDEX "public"."projects_owner_id_idx"`);
    await queryRunner.query(`DROP TABLE "projects"`);
  }
}
