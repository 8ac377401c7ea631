import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `rate_limits`: the counters of the login and sign-up limits (rate-limiter-flexible's
 * RateLimiterPostgres layout: key, points, expiry in epoch milliseconds), so the limits hold
 * across API processes instead of per process.
 */
export class CreateRateLimits1796000000700 implements MigrationInterface {
  name = 'CreateRateLimits1796000000700';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "rate_limits" ("key" varchar(255) NOT NULL, "points" integer NOT NULL DEFAULT 0, "expire" bigint, CONSTRAINT "rate_limits_pkey" PRIMARY KEY ("key"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "rate_limits"`);
  }
}
