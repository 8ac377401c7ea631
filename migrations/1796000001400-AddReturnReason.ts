import { MigrationInterface, QueryRunner } from 'typeorm';

/** `assignments.return_reason`: why a worker gave a task back (`returnAssignment(reason:)`). */
export class AddReturnReason1796000001400 implements MigrationInterface {
  name = 'AddReturnReason1796000001400';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "assignments" ADD COLUMN "return_reason" text, ADD CONSTRAINT "assignments_return_reason_check" CHECK ("return_reason" IN ('SKIPPED', 'UNCLEAR_INSTRUCTIONS', 'BROKEN_CONTENT', 'UNSURE', 'OFFENSIVE'))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "assignments" DROP COLUMN "return_reason"`);
  }
}
