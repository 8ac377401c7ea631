import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Gold exposure (issue 11, DESIGN.md promise 8): `tasks.served_workers` counts the distinct
 * workers a task was leased to (one assignment per worker and task, so one per lease insert),
 * backfilled from the assignments; `tasks.retired_at` marks gold its owner stopped serving; and
 * `projects.gold_exposure_cap`, the most workers one gold task is served to.
 */
export class GoldExposure1796000000200 implements MigrationInterface {
  name = 'GoldExposure1796000000200';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "tasks" ADD "served_workers" integer NOT NULL DEFAULT '0'`,
    );
    await queryRunner.query(`ALTER TABLE "tasks" ADD "retired_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(
      `UPDATE "tasks" t SET "served_workers" = s.n
       FROM (SELECT task_id, count(*)::int AS n FROM assignments GROUP BY task_id) s
       WHERE s.task_id = t.id`,
    );
    await queryRunner.query(
      `ALTER TABLE "projects" ADD "gold_exposure_cap" integer NOT NULL DEFAULT '50'`,
    );
    await queryRunner.query(
      `ALTER TABLE "projects" ADD CONSTRAINT "projects_gold_exposure_cap_check" CHECK ("gold_exposure_cap" >= 1)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "projects" DROP CONSTRAINT "projects_gold_exposure_cap_check"`,
    );
    await queryRunner.query(`ALTER TABLE "projects" DROP COLUMN "gold_exposure_cap"`);
    await queryRunner.query(`ALTER TABLE "tasks" DROP COLUMN "retired_at"`);
    await queryRunner.query(`ALTER TABLE "tasks" DROP COLUMN "served_workers"`);
  }
}
