/**
 * Set-up the database benchmarks share: a scratch database on the PostgreSQL of
 * BENCH_PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/test, trust auth), created fresh
 * and dropped afterwards unless the run asks to keep it; plus the seeded word generator and the
 * rate formatting the pre-label benchmarks print with.
 */
import type { Client } from 'pg';
import { withPgClient } from '../test/helpers/pg-admin';

/** The maintenance connection benchmarks create and drop their databases through. */
export const ADMIN_URL =
  process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Runs `work` on a short-lived connection to `adminUrl`, closed afterwards. */
export function withAdmin<T>(
  work: (client: Client) => Promise<T>,
  adminUrl = ADMIN_URL,
): Promise<T> {
  return withPgClient(adminUrl, work);
}

/** The URL of database `name` on the admin connection's server. */
export function databaseUrl(name: string, adminUrl = ADMIN_URL): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Options of `withScratchDatabase`. */
export interface ScratchDatabaseOptions {
  /** Leave the database in place afterwards (and say so), e.g. to inspect it. Default false. */
  readonly keep?: boolean;
  /** Server to create it on. Default `ADMIN_URL`. */
  readonly adminUrl?: string;
}

/**
 * Creates database `name` afresh (dropping a leftover of the same name), runs `work` with its URL
 * and drops it afterwards, even when `work` throws, unless `keep`.
 */
export async function withScratchDatabase<T>(
  name: string,
  work: (url: string) => Promise<T>,
  options: ScratchDatabaseOptions = {},
): Promise<T> {
  const adminUrl = options.adminUrl ?? ADMIN_URL;
  await withAdmin(async admin => {
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
  }, adminUrl);
  try {
    return await work(databaseUrl(name, adminUrl));
  } finally {
    if (!options.keep) {
      await withAdmin(
        admin => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
        adminUrl,
      );
    } else {
      process.stdout.write(`kept database ${name}\n`);
    }
  }
}

/** What runs SQL for the seeding below: a TypeORM DataSource or EntityManager. */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<Array<{ id: string }>>;
}

/** The project `insertBenchProject` creates. */
export interface BenchProjectSpec {
  /** Middle of the requester's email, `bench-<tag>-<pid>@example.test`. */
  readonly emailTag: string;
  readonly name: string;
  readonly instructions: string;
  readonly labels: ReadonlyArray<{ key: string; displayName: string }>;
  /** Both minOverlap and maxOverlap. */
  readonly overlap: number;
}

/**
 * A requester ('Bench Labs') and an ACTIVE single-choice project of theirs, no gold, 10-minute
 * leases and 1-day auto-approval, inserted straight into the tables: the seeding is not what the
 * database benchmarks measure, and going through the services would cost them minutes.
 */
export async function insertBenchProject(
  db: Queryable,
  spec: BenchProjectSpec,
): Promise<{ requesterId: string; projectId: string }> {
  const [requester] = await db.query(
    `INSERT INTO users (email, display_name, roles) VALUES ($1, 'Bench Labs', '{REQUESTER}') RETURNING id`,
    [`bench-${spec.emailTag}-${process.pid}@example.test`],
  );
  const [project] = await db.query(
    `INSERT INTO projects (owner_id, name, instructions, status, label_schema, reward_amount, currency,
       min_overlap, max_overlap, gold_rate, assignment_duration_seconds, auto_approval_delay_seconds,
       launched_at)
     VALUES ($1, $2, $3, 'ACTIVE', $4::jsonb, 5, 'usd', $5, $5, 0, 600, 86400, now())
     RETURNING id`,
    [
      requester.id,
      spec.name,
      spec.instructions,
      JSON.stringify({ kind: 'SINGLE_CHOICE', labels: spec.labels }),
      spec.overlap,
    ],
  );
  return { requesterId: requester.id, projectId: project.id };
}

/** A pronounceable pseudo-word of `count` consonant–vowel syllables drawn from `rng`. */
export function syllables(rng: () => number, count: number): string {
  const consonants = 'bcdfghjklmnprstvwz';
  const vowels = 'aeiou';
  let word = '';
  for (let i = 0; i < count; i++) {
    word += consonants[Math.floor(rng() * consonants.length)];
    word += vowels[Math.floor(rng() * vowels.length)];
  }
  return word;
}

/** A rate rounded to a whole number with thousands separators, e.g. 12,345. */
export function formatRate(rate: number): string {
  return Math.round(rate).toLocaleString('en-US');
}
