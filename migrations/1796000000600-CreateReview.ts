import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Expert review (issue 13): the per-project REVIEWER grant and one final decision per task,
 * which overrides the aggregate in results and exports. Owned by src/modules/review.
 */
export class CreateReview1796000000600 implements MigrationInterface {
  name = 'CreateReview1796000000600';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "project_reviewers" ("project_id" uuid NOT NULL REFERENCES "projects"("id") ON DELETE CASCADE, "user_id" uuid NOT NULL REFERENCES "users"("id") ON DELETE CASCADE, "granted_by" uuid NOT NULL REFERENCES "users"("id"), "granted_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, CONSTRAINT "project_reviewers_pkey" PRIMARY KEY ("project_id", "user_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "project_reviewers_user_idx" ON "project_reviewers" ("user_id")`,
    );
    await queryRunner.query(
      `CREATE TABLE "review_decisions" ("task_id" uuid NOT NULL REFERENCES "tasks"("id") ON DELETE CASCADE, "project_id" uuid NOT NULL REFERENCES "projects"("id") ON DELETE CASCADE, "labels" text array NOT NULL, "decided_by" uuid NOT NULL REFERENCES "users"("id"), "decided_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "gold_task_id" uuid REFERENCES "tasks"("id") ON DELETE SET NULL, CONSTRAINT "review_decisions_pkey" PRIMARY KEY ("task_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "review_decisions_project_idx" ON "review_decisions" ("project_id")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "review_decisions"`);
    await queryRunner.query(`DROP TABLE "project_reviewers"`);
  }
}
