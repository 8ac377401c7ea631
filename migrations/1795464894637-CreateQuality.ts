import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateQuality1795464894637 implements MigrationInterface {
  name = 'CreateQuality1795464894637';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "quality_audit_log" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "project_id" uuid, "worker_id" uuid, "actor_kind" text NOT NULL, "rule_id" uuid, "user_id" uuid, "action" text NOT NULL, "reason" text NOT NULL, "evidence" jsonb NOT NULL DEFAULT '{}', "occurred_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, CONSTRAINT "PK_8563418744adc88623fb980dff8" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "quality_audit_log_project_idx" ON "quality_audit_log"  ("project_id", "occurred_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "quality_audit_log_worker_idx" ON "quality_audit_log"  ("worker_id", "occurred_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "quality_rules" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "project_id" uuid NOT NULL, "name" text NOT NULL, "definition" jsonb NOT NULL, "enabled" boolean NOT NULL DEFAULT true, "has_global_action" boolean NOT NULL DEFAULT false, "created_by" uuid NOT NULL, CONSTRAINT "PK_05a6caedab1374ee2324edb4ef2" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "quality_rules_project_idx" ON "quality_rules"  ("project_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "quality_rule_states" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "rule_id" uuid NOT NULL, "worker_id" uuid NOT NULL, "armed" boolean NOT NULL, "last_fired_at" TIMESTAMP(3) WITH TIME ZONE, CONSTRAINT "PK_7dc01a93421e9c2fc81a1f5e79c" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "quality_rule_states_worker_idx" ON "quality_rule_states"  ("worker_id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "quality_rule_states_rule_worker_key" ON "quality_rule_states"  ("rule_id", "worker_id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "quality_rules" ADD CONSTRAINT "FK_5373c9924b5f016788149c19fb5" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    // Hand-written: the audit log is append-only. The trigger refuses every UPDATE and DELETE,
    // whoever issues it (the service, a bug, a person at psql), so history cannot be rewritten.
    await queryRunner.query(
      `CREATE FUNCTION "quality_audit_log_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN
               RAISE EXCEPTION 'quality_audit_log is append-only: % refused', TG_OP
                 USING ERRCODE = 'insufficient_privilege';
             END $$`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "quality_audit_log_append_only" BEFORE UPDATE OR DELETE ON "quality_audit_log"
             FOR EACH ROW EXECUTE FUNCTION "quality_audit_log_append_only"()`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "quality_audit_log_append_only" ON "quality_audit_log"`);
    await queryRunner.query(`DROP FUNCTION "quality_audit_log_append_only"()`);
    await queryRunner.query(
      `ALTER TABLE "quality_rules" DROP CONSTRAINT "FK_5373c9924b5f016788149c19fb5"`,
    );
    await queryRunner.query(`DROP INDEX "public"."quality_rule_states_rule_worker_key"`);
    await queryRunner.query(`DROP INDEX "public"."quality_rule_states_worker_idx"`);
    await queryRunner.query(`DROP TABLE "quality_rule_states"`);
    await queryRunner.query(`DROP INDEX "public"."quality_rules_project_idx"`);
    await queryRunner.query(`DROP TABLE "quality_rules"`);
    await queryRunner.query(`DROP INDEX "public"."quality_audit_log_worker_idx"`);
    await queryRunner.query(`DROP INDEX "public"."quality_audit_log_project_idx"`);
    await queryRunner.query(`DROP TABLE "quality_audit_log"`);
  }
}
