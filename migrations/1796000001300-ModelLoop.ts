import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The model loop, closed (issue 15, docs/prelabel.md "Automatic retraining"):
 *
 * - `projects.model_retrain_every`: retrain the project's model every this many newly completed
 *   tasks (null = off, the default);
 * - `projects.model_gate_min_accuracy`: the seeded quality gate's trust threshold (Wilson lower
 *   bound on the model's gold accuracy), until now the constant 0.85, which stays the default;
 * - `model_versions.promoted_at`: when the version became the project's voting version (the
 *   latest promoted version votes in the online posterior). Uploaded and hand-trained versions
 *   are promoted when registered, as before; an automatically retrained one only when it is at
 *   least as accurate on gold as the version voting. Backfilled with `created_at`, so the latest
 *   version keeps voting;
 * - `model_retrain_counters`: completed tasks per project, counted in the completing transaction;
 *   crossing a multiple of `model_retrain_every` enqueues the retrain job.
 */
export class ModelLoop1796000001300 implements MigrationInterface {
  name = 'ModelLoop1796000001300';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "projects" ADD "model_retrain_every" integer`);
    await queryRunner.query(
      `ALTER TABLE "projects" ADD "model_gate_min_accuracy" double precision NOT NULL DEFAULT '0.85'`,
    );
    await queryRunner.query(
      `ALTER TABLE "projects" ADD CONSTRAINT "projects_model_loop_check" CHECK (("model_retrain_every" IS NULL OR "model_retrain_every" >= 1) AND "model_gate_min_accuracy" >= 0 AND "model_gate_min_accuracy" <= 1)`,
    );
    await queryRunner.query(
      `ALTER TABLE "model_versions" ADD "promoted_at" TIMESTAMP(3) WITH TIME ZONE`,
    );
    await queryRunner.query(`UPDATE "model_versions" SET "promoted_at" = "created_at"`);
    await queryRunner.query(
      `CREATE TABLE "model_retrain_counters" ("project_id" uuid NOT NULL, "completed_tasks" integer NOT NULL DEFAULT '0', CONSTRAINT "model_retrain_counters_pkey" PRIMARY KEY ("project_id"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "model_retrain_counters"`);
    await queryRunner.query(`ALTER TABLE "model_versions" DROP COLUMN "promoted_at"`);
    await queryRunner.query(`ALTER TABLE "projects" DROP CONSTRAINT "projects_model_loop_check"`);
    await queryRunner.query(`ALTER TABLE "projects" DROP COLUMN "model_gate_min_accuracy"`);
    await queryRunner.query(`ALTER TABLE "projects" DROP COLUMN "model_retrain_every"`);
  }
}
