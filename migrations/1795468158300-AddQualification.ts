import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Qualification: the three project settings (training gold count, pass mark, retry delay) and
 * `worker_qualifications`, one row per attempt of a worker at a project's training set.
 */
export class AddQualification1795468158300 implements MigrationInterface {
  name = 'AddQualification1795468158300';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "worker_qualifications" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "project_id" uuid NOT NULL, "worker_id" uuid NOT NULL, "attempt" integer NOT NULL, "status" text NOT NULL, "correct" integer NOT NULL DEFAULT '0', "answered" integer NOT NULL DEFAULT '0', "started_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "finished_at" TIMESTAMP(3) WITH TIME ZONE, "retry_after" TIMESTAMP(3) WITH TIME ZONE, CONSTRAINT "worker_qualifications_counts_check" CHECK ("attempt" >= 1 AND "correct" >= 0 AND "answered" >= "correct"), CONSTRAINT "worker_qualifications_status_check" CHECK ("status" IN ('IN_PROGRESS', 'PASSED', 'FAILED')), CONSTRAINT "PK_065a632597569af7bd55c0b38b2" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "worker_qualifications_worker_idx" ON "worker_qualifications"  ("worker_id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "worker_qualifications_project_worker_attempt_key" ON "worker_qualifications"  ("project_id", "worker_id", "attempt") `,
    );
    await queryRunner.query(
      `ALTER TABLE "projects" ADD "qualification_task_count" integer NOT NULL DEFAULT '0'`,
    );
    await queryRunner.query(
      `ALTER TABLE "projects" ADD "qualification_pass_mark" double precision NOT NULL DEFAULT '0.8'`,
    );
    await queryRunner.query(
      `ALTER TABLE "projects" ADD "qualification_retry_delay_seconds" integer NOT NULL DEFAULT '86400'`,
    );
    await queryRunner.query(
      `ALTER TABLE "projects" ADD CONSTRAINT "projects_qualification_check" CHECK ("qualification_task_count" >= 0 AND "qualification_pass_mark" >= 0 AND "qualification_pass_mark" <= 1 AND "qualification_retry_delay_seconds" >= 0)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "projects" DROP CONSTRAINT "projects_qualification_check"`,
    );
    await queryRunner.query(
      `ALTER TABLE "projects" DROP COLUMN "qualification_retry_delay_seconds"`,
    );
    await queryRunner.query(`ALTER TABLE "projects" DROP COLUMN "qualification_pass_mark"`);
    await queryRunner.query(`ALTER TABLE "projects" DROP COLUMN "qualification_task_count"`);
    await queryRunner.query(
      `DROP INDEX "public"."worker_qualifications_project_worker_attempt_key"`,
    );
    await queryRunner.query(`DROP INDEX "public"."worker_qualifications_worker_idx"`);
    await queryRunner.query(`DROP TABLE "worker_qualifications"`);
  }
}
