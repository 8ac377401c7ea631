import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lease policy for dynamic overlap and the serving order (issue 15, docs/leasing.md):
 *
 * - `projects.max_outstanding_leases`: past `min_overlap`, a task takes a new lease only while
 *   fewer than this many of its leases are outstanding (LEASED, not yet answered); default 1, so
 *   answers beyond the minimum are bought one at a time;
 * - `tasks.serve_priority`: the posterior's margin (top − second label), written by the online
 *   posterior with the posterior (aggregation's column grant); 0 before any answer; lower is
 *   served first. Backfilled from the stored posteriors;
 * - `tasks_project_serve_idx` (project, status, gold, counted answers, priority) replaces
 *   `tasks_project_status_idx` (its prefix): the selection's ORDER BY counted_answers,
 *   serve_priority is an index scan that stops at the first leasable task, not a sort.
 */
export class LeasePolicy1796000000900 implements MigrationInterface {
  name = 'LeasePolicy1796000000900';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "projects" ADD "max_outstanding_leases" integer NOT NULL DEFAULT '1'`,
    );
    await queryRunner.query(
      `ALTER TABLE "projects" ADD CONSTRAINT "projects_max_outstanding_leases_check" CHECK ("max_outstanding_leases" >= 1)`,
    );
    await queryRunner.query(
      `ALTER TABLE "tasks" ADD "serve_priority" double precision NOT NULL DEFAULT '0'`,
    );
    await queryRunner.query(
      `UPDATE "tasks" t SET "serve_priority" = m.margin
       FROM (SELECT id, (SELECT s[1] - COALESCE(s[2], 0)
                         FROM (SELECT array_agg(x ORDER BY x DESC) AS s FROM unnest(posterior) AS x) q)
                        AS margin
             FROM "tasks" WHERE posterior IS NOT NULL AND NOT is_gold) m
       WHERE m.id = t.id AND m.margin IS NOT NULL`,
    );
    await queryRunner.query(`DROP INDEX "public"."tasks_project_status_idx"`);
    await queryRunner.query(
      `CREATE INDEX "tasks_project_serve_idx" ON "tasks" ("project_id", "status", "is_gold", "counted_answers", "serve_priority") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."tasks_project_serve_idx"`);
    await queryRunner.query(
      `CREATE INDEX "tasks_project_status_idx" ON "tasks" ("project_id", "status", "is_gold") `,
    );
    await queryRunner.query(`ALTER TABLE "tasks" DROP COLUMN "serve_priority"`);
    await queryRunner.query(
      `ALTER TABLE "projects" DROP CONSTRAINT "projects_max_outstanding_leases_check"`,
    );
    await queryRunner.query(`ALTER TABLE "projects" DROP COLUMN "max_outstanding_leases"`);
  }
}
