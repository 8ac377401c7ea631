import { MigrationInterface, QueryRunner } from 'typeorm';

export class DefaultPooledDawidSkene1795466989129 implements MigrationInterface {
  name = 'DefaultPooledDawidSkene1795466989129';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "projects" ALTER COLUMN "aggregation_method" SET DEFAULT 'pooled-dawid-skene'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "projects" ALTER COLUMN "aggregation_method" SET DEFAULT 'dawid-skene'`,
    );
  }
}
