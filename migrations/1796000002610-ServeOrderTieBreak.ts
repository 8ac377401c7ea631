import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `tasks_project_serve_idx` ends with `id`: the ordinary pool's serving order breaks ties of
 * (counted answers, serve priority) by task id. Without it, tied tasks came in the index's order
 * of equal keys, which is their physical row order and moves with updates and vacuum, so one
 * replay of the same answers served different tasks from one run to the next. With `id` in the
 * index the lease is still an index scan stopping at the first leasable row, with no sort.
 */
export class ServeOrderTieBreak1796000002610 implements MigrationInterface {
  name = 'ServeOrderTieBreak1796000002610';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."tasks_project_serve_idx"`);
    await queryRunner.query(
      `CREATE INDEX "tasks_project_serve_idx" ON "tasks" ("project_id", "status", "is_gold", "counted_answers", "serve_priority", "id") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."tasks_project_serve_idx"`);
    await queryRunner.query(
      `CREATE INDEX "tasks_project_serve_idx" ON "tasks" ("project_id", "status", "is_gold", "counted_answers", "serve_priority") `,
    );
  }
}
