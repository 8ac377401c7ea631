import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `assignments_recent_answers_idx`: a project's counted answers by submission time. The submit's
 * online-aggregation read counts the answers submitted since the last fit's snapshot (up to the
 * refit threshold, to decide when to refit); without it that count was a scan of the project's
 * assignments, and the answers it looks for are the newest, at the heap's end, so every submit
 * read the whole table (311 ms at 123,000 returned rows in the concurrent replay). Partial, so
 * leases and returns never touch it.
 */
export class RecentAnswersIndex1796000002200 implements MigrationInterface {
  name = 'RecentAnswersIndex1796000002200';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "assignments_recent_answers_idx" ON "assignments" ("project_id", "submitted_at") WHERE "counted" AND "answer_labels" IS NOT NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "assignments_recent_answers_idx"`);
  }
}
