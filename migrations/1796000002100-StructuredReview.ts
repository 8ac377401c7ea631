import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `review_decisions.value`: a reviewer's structured answer to a TEXT_SPANS, BOUNDING_BOXES,
 * RATING or PAIRWISE task (the kind's answer shape, checked by its validation), which replaces
 * the consensus answer in exports. Choice decisions keep `labels` and a null value; a structured
 * decision stores empty `labels`. Owned by src/modules/review.
 */
export class StructuredReview1796000002100 implements MigrationInterface {
  name = 'StructuredReview1796000002100';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "review_decisions" ADD COLUMN "value" jsonb`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "review_decisions" DROP COLUMN "value"`);
  }
}
