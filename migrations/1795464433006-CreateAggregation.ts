import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAggregation1795464433006 implements MigrationInterface {
  name = 'CreateAggregation1795464433006';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "aggregation_runs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "project_id" uuid NOT NULL, "requested_by" uuid, "method" text NOT NULL, "status" text NOT NULL, "background" boolean NOT NULL DEFAULT false, "answers_used" integer, "ignored_answers" integer, "task_count" integer, "worker_count" integer, "gold_task_count" integer, "changed_tasks" integer, "iterations" integer, "converged" boolean, "log_likelihood" double precision array NOT NULL DEFAULT '{}', "duration_ms" integer, "started_at" TIMESTAMP(3) WITH TIME ZONE, "finished_at" TIMESTAMP(3) WITH TIME ZONE, "snapshot_at" TIMESTAMP WITH TIME ZONE, "error" text, CONSTRAINT "PK_96d69e4d0b4d1e28ef25fe525e6" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "aggregation_runs_project_idx" ON "aggregation_runs"  ("project_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "worker_qualities" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "project_id" uuid NOT NULL, "worker_id" uuid NOT NULL, "method" text NOT NULL, "schema_kind" text NOT NULL, "label_keys" text array NOT NULL, "skill" double precision, "confusion" double precision array, "answers" integer NOT NULL, "gold_answers" integer NOT NULL, "gold_correct" integer NOT NULL, "gold_accuracy" double precision, "agreement" double precision NOT NULL, CONSTRAINT "PK_aef736a2163dca176c26863f879" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "worker_qualities_worker_idx" ON "worker_qualities"  ("worker_id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "worker_qualities_project_worker_key" ON "worker_qualities"  ("project_id", "worker_id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "aggregation_runs" ADD CONSTRAINT "FK_341a662623c71574d4cb9772f00" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "worker_qualities" ADD CONSTRAINT "FK_433d6852427f9221f55a7dd4fee" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "worker_qualities" ADD CONSTRAINT "FK_ac3461d1ad85175c9efa84eeb56" FOREIGN KEY ("worker_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "worker_qualities" DROP CONSTRAINT "FK_ac3461d1ad85175c9efa84eeb56"`,
    );
    await queryRunner.query(
      `ALTER TABLE "worker_qualities" DROP CONSTRAINT "FK_433d6852427f9221f55a7dd4fee"`,
    );
    await queryRunner.query(
      `ALTER TABLE "aggregation_runs" DROP CONSTRAINT "FK_341a662623c71574d4cb9772f00"`,
    );
    await queryRunner.query(`DROP INDEX "public"."worker_qualities_project_worker_key"`);
    await queryRunner.query(`DROP INDEX "public"."worker_qualities_worker_idx"`);
    await queryRunner.query(`DROP TABLE "worker_qualities"`);
    await queryRunner.query(`DROP INDEX "public"."aggregation_runs_project_idx"`);
    await queryRunner.query(`DROP TABLE "aggregation_runs"`);
  }
}
