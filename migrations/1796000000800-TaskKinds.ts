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
    for (const [table, column, type] of COLUMNS) {
      await queryRunner.query(`ALTER TABLE "${table}" ADD "${column}" ${type}`);
    }
    await queryRunner.query(
      `ALTER TABLE "projects" ADD CONSTRAINT "projects_gold_threshold_check" CHECK ("gold_threshold" IS NULL OR ("gold_threshold" >= 0 AND "gold_threshold" <= 1))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "projects" DROP CONSTRAINT "projects_gold_threshold_check"`,
    );
    for (const [table, column] of [...COLUMNS].reverse()) {
      await queryRunner.query(`ALTER TABLE "${table}" DROP COLUMN "${column}"`);
    }
  }
}

/** The new nullable columns: table, column, type. */
const COLUMNS = [
  ['assignments', 'answer', 'jsonb'],
  ['assignments', 'gold_score', 'double precision'],
  ['tasks', 'gold_answer', 'jsonb'],
  ['tasks', 'consensus_answer', 'jsonb'],
  ['projects', 'gold_threshold', 'double precision'],
] as const;
