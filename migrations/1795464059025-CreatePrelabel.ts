import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Pre-label models (issue 7): model versions with their ONNX bytes, one prediction per (task,
 * model version), pre-labeling runs with their keyset cursor; users get a `kind` (PERSON or the
 * MODEL annotator of a model version) and projects a `show_prelabels_to_workers` switch.
 */
export class CreatePrelabel1795464059025 implements MigrationInterface {
  name = 'CreatePrelabel1795464059025';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "model_versions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "project_id" uuid NOT NULL, "version" text NOT NULL, "source" text NOT NULL, "model_bytes" bytea NOT NULL, "size_bytes" integer NOT NULL, "featurizer" jsonb NOT NULL, "label_keys" text array NOT NULL, "annotator_id" uuid NOT NULL, "created_by" uuid, "metrics" jsonb, CONSTRAINT "PK_77c0256872dcc26394dba4b87ec" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "model_versions_project_version_key" ON "model_versions"  ("project_id", "version") `,
    );
    await queryRunner.query(
      `CREATE TABLE "prelabel_predictions" ("task_id" uuid NOT NULL, "model_version_id" uuid NOT NULL, "project_id" uuid NOT NULL, "probabilities" double precision array NOT NULL, "predicted_label" text NOT NULL, "confidence" double precision NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_95763c20dbf3e7ff5ed8890055f" PRIMARY KEY ("task_id", "model_version_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "prelabel_predictions_project_idx" ON "prelabel_predictions"  ("project_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "prelabel_predictions_model_version_idx" ON "prelabel_predictions"  ("model_version_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "prelabel_runs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "project_id" uuid NOT NULL, "model_version_id" uuid NOT NULL, "status" text NOT NULL DEFAULT 'PENDING', "total" integer NOT NULL DEFAULT '0', "processed" integer NOT NULL DEFAULT '0', "predicted" integer NOT NULL DEFAULT '0', "skipped" integer NOT NULL DEFAULT '0', "last_task_id" uuid, "skip_samples" jsonb NOT NULL DEFAULT '[]', "error" text, "finished_at" TIMESTAMP(3) WITH TIME ZONE, CONSTRAINT "PK_b21ff0728c4b9b5b95076e62d81" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "prelabel_runs_project_idx" ON "prelabel_runs"  ("project_id") `,
    );
    await queryRunner.query(`ALTER TABLE "users" ADD "kind" text NOT NULL DEFAULT 'PERSON'`);
    await queryRunner.query(
      `ALTER TABLE "projects" ADD "show_prelabels_to_workers" boolean NOT NULL DEFAULT false`,
    );
    await queryRunner.query(
      `ALTER TABLE "model_versions" ADD CONSTRAINT "FK_8d4149d43d1cb4671bb799c507d" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "model_versions" ADD CONSTRAINT "FK_41bef2ccdd64391f8e298ab5799" FOREIGN KEY ("annotator_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "prelabel_predictions" ADD CONSTRAINT "FK_c7c33d3162ec95291062cd70dbb" FOREIGN KEY ("task_id") REFERENCES "tasks"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "prelabel_predictions" ADD CONSTRAINT "FK_ef3d2c5e78ce0166acdfa9cf77a" FOREIGN KEY ("model_version_id") REFERENCES "model_versions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "prelabel_runs" ADD CONSTRAINT "FK_2e15ca1757b3695105b84f63934" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "prelabel_runs" ADD CONSTRAINT "FK_6e299724c7916a0f95a6e2c7375" FOREIGN KEY ("model_version_id") REFERENCES "model_versions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "prelabel_runs" DROP CONSTRAINT "FK_6e299724c7916a0f95a6e2c7375"`,
    );
    await queryRunner.query(
      `ALTER TABLE "prelabel_runs" DROP CONSTRAINT "FK_2e15ca1757b3695105b84f63934"`,
    );
    await queryRunner.query(
      `ALTER TABLE "prelabel_predictions" DROP CONSTRAINT "FK_ef3d2c5e78ce0166acdfa9cf77a"`,
    );
    await queryRunner.query(
      `ALTER TABLE "prelabel_predictions" DROP CONSTRAINT "FK_c7c33d3162ec95291062cd70dbb"`,
    );
    await queryRunner.query(
      `ALTER TABLE "model_versions" DROP CONSTRAINT "FK_41bef2ccdd64391f8e298ab5799"`,
    );
    await queryRunner.query(
      `ALTER TABLE "model_versions" DROP CONSTRAINT "FK_8d4149d43d1cb4671bb799c507d"`,
    );
    await queryRunner.query(`ALTER TABLE "projects" DROP COLUMN "show_prelabels_to_workers"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "kind"`);
    await queryRunner.query(`DROP INDEX "public"."prelabel_runs_project_idx"`);
    await queryRunner.query(`DROP TABLE "prelabel_runs"`);
    await queryRunner.query(`DROP INDEX "public"."prelabel_predictions_model_version_idx"`);
    await queryRunner.query(`DROP INDEX "public"."prelabel_predictions_project_idx"`);
    await queryRunner.query(`DROP TABLE "prelabel_predictions"`);
    await queryRunner.query(`DROP INDEX "public"."model_versions_project_version_key"`);
    await queryRunner.query(`DROP TABLE "model_versions"`);
  }
}
