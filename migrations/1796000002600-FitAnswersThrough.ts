import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `aggregation_runs.answers_through`: when a run read the answers on the injected clock, the one
 * submits stamp `submitted_at` with. The online refit counted the answers since a fit as
 * `submitted_at > snapshot_at`, the database's clock: under a clock that is not the wall clock
 * (the product replay's virtual time) the refits stopped after the first. Existing runs were made
 * on the wall clock, where the two agree, so they take their `snapshot_at`.
 */
export class FitAnswersThrough1796000002600 implements MigrationInterface {
  name = 'FitAnswersThrough1796000002600';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "aggregation_runs" ADD "answers_through" TIMESTAMP WITH TIME ZONE`,
    );
    await queryRunner.query(`UPDATE "aggregation_runs" SET "answers_through" = "snapshot_at"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "aggregation_runs" DROP COLUMN "answers_through"`);
  }
}
