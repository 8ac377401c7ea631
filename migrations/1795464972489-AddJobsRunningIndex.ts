import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddJobsRunningIndex1795464972489 implements MigrationInterface {
  name = 'AddJobsRunningIndex1795464972489';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "jobs_running_lock_idx" ON "jobs"  ("locked_until") WHERE "status" = 'RUNNING'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."jobs_running_lock_idx"`);
  }
}
