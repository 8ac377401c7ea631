import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Structured task kinds (issue 17, docs/kinds.md): the answers, gold answers and consensus of
 * TEXT_SPANS, BOUNDING_BOXES, RATING and PAIRWISE are JSON values in the kind's answer shape,
 * beside the label-key arrays the choice kinds keep using; a gold answer's score (F1 for spans
 * and boxes) is stored next to its pass/fail, against the project's `gold_threshold` (null: the kind's default). A project's parsed kind settings live in its
 * `label_schema` jsonb (`settings`), so that table needs no column.
 */
export class TaskKinds1796000000800 implements MigrationInterface {
  name = 'TaskKinds1796000000800';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "assignments" ADD "answer" jsonb`);
    await queryRunner.query(`ALTER TABLE "assignments" ADD "gold_score" double precision`);
    await queryRunner.query(`ALTER TABLE "tasks" ADD "gold_answer" jsonb`);
    await queryRunner.query(`ALTER TABLE "tasks" ADD "consensus_answer" jsonb`);
    await queryRunner.query(`ALTER TABLE "projects" ADD "gold_threshold" double precision`);
    await queryRunner.query(
      `ALTER TABLE "projects" ADD CONSTRAINT "projects_gold_threshold_check" CHECK ("gold_threshold" IS NULL OR ("gold_threshold" >= 0 AND "gold_threshold" <= 1))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "projects" DROP CONSTRAINT "projects_gold_threshold_check"`,
    );
    await queryRunner.query(`ALTER TABLE "projects" DROP COLUMN "gold_threshold"`);
    await queryRunner.query(`ALTER TABLE "tasks" DROP COLUMN "consensus_answer"`);
    await queryRunner.query(`ALTER TABLE "tasks" DROP COLUMN "gold_answer"`);
    await queryRunner.query(`ALTER TABLE "assignments" DROP COLUMN "gold_score"`);
    await queryRunner.query(`ALTER TABLE "assignments" DROP COLUMN "answer"`);
  }
}
