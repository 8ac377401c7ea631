/**
 * `npm run bench:web`: the worker app's figures against their goals (issue 12), printed, never
 * asserted (a loaded machine makes timings a report, not a test).
 *
 * 1. JavaScript of the first screen: the script and module preloads index.html loads, gzipped
 *    (goal ≤ 200 KB).
 * 2. Sign-in → first task shown: one worker at a time signs in through the form, opens the
 *    project from the catalogue, and the clock stops when the task is on screen (goal ≤ 1 s;
 *    median of SIGN_IN_SAMPLES workers).
 * 3. Submit → next task shown with WORKERS workers answering at once, each in its own page of one
 *    headless Chromium, on PostgreSQL: measured inside the page from the Enter key to the DOM
 *    showing the next task (goal p95 ≤ 150 ms). Each worker reads a task for THINK_MS before
 *    answering, as people do, which is when the app leases the next task in the background.
 *
 * Needs web/dist (`npm run build:web`) and PostgreSQL at BENCH_PG_ADMIN_URL (default
 * postgres://postgres@127.0.0.1:5432/test); creates and drops its own database.
 */
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Pool } from 'pg';
import type { Page } from 'playwright-core';
import { createApp, type QuorumApp } from '../src/app';
import { createLogger } from '../src/common/logger';
import { loadConfig } from '../src/config/load-config';
import { Role } from '../src/modules/auth/role';
import { LabelSchemaKind } from '../src/modules/projects/project.types';
import { makeProject, makeTasks, makeUser } from '../test/helpers/factories';
import { launchBrowser } from '../test/helpers/browser';

const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const WORKERS = Number(process.env.BENCH_WEB_WORKERS ?? 50);
const ANSWERS_PER_WORKER = Number(process.env.BENCH_WEB_ANSWERS ?? 8);
const SIGN_IN_SAMPLES = 5;
/** A worker reads before answering; the next task is leased meanwhile (as in real use). */
const THINK_MS = Number(process.env.BENCH_WEB_THINK_MS ?? 1000);
const PASSWORD = 'bench-password-123';
const DIST = join(__dirname, '..', 'web', 'dist');

/** Gzipped bytes of the JavaScript index.html loads before the first screen. */
function firstScreenJsGzipBytes(): number {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map(m => m[1]!);
  return scripts.reduce(
    (sum, path) => sum + gzipSync(readFileSync(join(DIST, path)), { level: 9 }).length,
    0,
  );
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** A launched single-choice project with enough tasks, and WORKERS + samples signed-up workers. */
async function seed(app: QuorumApp, baseUrl: string): Promise<string[]> {
  const dataSource = app.dataSource;
  const requester = await makeUser(dataSource, [Role.REQUESTER], { displayName: 'Bench Labs' });
  const project = await makeProject(dataSource, requester.id, {
    name: 'Bench sentiment',
    instructions: 'Pick the **sentiment** of the review.',
    minOverlap: 1,
    labelSchema: {
      kind: LabelSchemaKind.SINGLE_CHOICE,
      labels: [
        { key: 'pos', displayName: 'Positive' },
        { key: 'neg', displayName: 'Negative' },
      ],
    },
  });
  await makeTasks(dataSource, project.id, (WORKERS + SIGN_IN_SAMPLES) * (ANSWERS_PER_WORKER + 4), {
    payload: n => ({ text: `Review ${n}: works as described.` }),
  });
  await dataSource.query('ANALYZE');
  const emails: string[] = [];
  for (let n = 0; n < WORKERS + SIGN_IN_SAMPLES; n++) {
    const email = `bench-web-worker-${n}@example.test`;
    const response = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `mutation ($input: SignUpInput!) { signUp(input: $input) { token } }`,
        variables: {
          input: { email, password: PASSWORD, displayName: `Worker ${n}`, roles: ['WORKER'] },
        },
      }),
    });
    if (!response.ok) throw new Error(`sign-up failed: ${await response.text()}`);
    emails.push(email);
  }
  return emails;
}

/** Signs in through the form and opens the project; ms from the click to the task on screen. */
async function signInToFirstTask(page: Page, baseUrl: string, email: string): Promise<number> {
  await page.goto(`${baseUrl}/signin`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  const start = performance.now();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Start Bench sentiment' }).click();
  await page.getByText('Answered in this session: 0').waitFor();
  return performance.now() - start;
}

/** The page's globals (this file is type-checked without the DOM library). */
type PageGlobals = {
  dispatchEvent(event: unknown): void;
  KeyboardEvent: new (type: string, init: { key: string }) => unknown;
  MutationObserver: new (callback: () => void) => {
    observe(target: unknown, options: Record<string, boolean>): void;
    disconnect(): void;
  };
  document: { body: { innerText: string } };
};

/** Picks the first label, then times Enter → the next task on screen, inside the page. */
async function answerAndTime(page: Page, answered: number): Promise<number> {
  await page.evaluate(() => {
    const page = globalThis as unknown as PageGlobals;
    page.dispatchEvent(new page.KeyboardEvent('keydown', { key: '1' }));
  });
  return page.evaluate(
    next =>
      new Promise<number>(resolve => {
        const { document, KeyboardEvent, MutationObserver, dispatchEvent } =
          globalThis as unknown as PageGlobals;
        const target = `Answered in this session: ${next}`;
        const start = performance.now();
        const observer = new MutationObserver(() => {
          if (!document.body.innerText.includes(target)) return;
          observer.disconnect();
          resolve(performance.now() - start);
        });
        observer.observe(document.body, { subtree: true, childList: true, characterData: true });
        dispatchEvent.call(globalThis, new KeyboardEvent('keydown', { key: 'Enter' }));
      }),
    answered + 1,
  );
}

async function main(): Promise<void> {
  const jsBytes = firstScreenJsGzipBytes();
  const database = `quorum_bench_web_${process.pid}`;
  // One connection to the server's maintenance database, to create and drop the bench's own.
  const admin = new Pool({ connectionString: ADMIN_URL, max: 1 });
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  let app: QuorumApp | undefined;
  const browser = await launchBrowser();
  try {
    const config = loadConfig({
      NODE_ENV: 'development',
      DATABASE_URL: url.toString(),
      DATABASE_POOL_SIZE: '20',
      MIGRATIONS_RUN: 'true',
      LOG_LEVEL: 'warn',
      LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '10000',
      // Every simulated worker signs up from this one address; the per-address limit (10 an
      // hour by default) would refuse all but the first ten.
      SIGNUP_MAX_PER_ADDRESS: '10000',
    });
    app = await createApp(config, { logger: createLogger('warn') });
    const baseUrl = await app.listen(0, '127.0.0.1');
    const emails = await seed(app, baseUrl);

    const signInMs: number[] = [];
    for (const email of emails.slice(0, SIGN_IN_SAMPLES)) {
      const page = await browser.newPage();
      signInMs.push(await signInToFirstTask(page, baseUrl, email));
      await page.close();
    }

    // Opening 50 pages at once on 2 cores only measures the machine: sign in 5 at a time (not
    // timed), then all 50 answer at once.
    const pages: Page[] = [];
    const crowd = emails.slice(SIGN_IN_SAMPLES);
    for (let start = 0; start < crowd.length; start += 5) {
      const batch = await Promise.all(crowd.slice(start, start + 5).map(() => browser.newPage()));
      for (const page of batch) page.setDefaultTimeout(120_000);
      await Promise.all(
        batch.map((page, i) => signInToFirstTask(page, baseUrl, crowd[start + i]!)),
      );
      pages.push(...batch);
    }
    const submitMs: number[] = [];
    await Promise.all(
      pages.map(async page => {
        for (let answered = 0; answered < ANSWERS_PER_WORKER; answered++) {
          await new Promise(resolve => setTimeout(resolve, THINK_MS));
          submitMs.push(await answerAndTime(page, answered));
        }
        await page.getByText(`Saved: ${ANSWERS_PER_WORKER}`).waitFor();
      }),
    );
    const [{ n: stored }] = await app.dataSource.query(
      `SELECT count(*)::int AS n FROM assignments WHERE status = 'SUBMITTED'`,
    );

    const kb = jsBytes / 1024;
    const p50 = percentile(submitMs, 50);
    const p95 = percentile(submitMs, 95);
    const signIn = percentile(signInMs, 50);
    /** "value (goal ≤ limit unit: ratio ×, meets/MISSES goal)": ratio = value / goal. */
    const against = (value: number, limit: number, unit: string) =>
      `goal ≤ ${limit} ${unit}, ratio ${(value / limit).toFixed(2)}: ` +
      (value <= limit ? 'meets goal' : 'MISSES goal');
    process.stdout.write(
      [
        `bench:web — headless Chromium, PostgreSQL, Node ${process.version}` +
          ` (BENCH_WEB_WORKERS=${WORKERS} BENCH_WEB_ANSWERS=${ANSWERS_PER_WORKER} BENCH_WEB_THINK_MS=${THINK_MS})`,
        `first-screen JavaScript: ${kb.toFixed(1)} KB gzip (${against(kb, 200, 'KB')})`,
        `sign-in → first task: median ${signIn.toFixed(0)} ms of ${SIGN_IN_SAMPLES} workers ` +
          `(${against(signIn, 1000, 'ms')})`,
        `submit → next task, ${WORKERS} workers at once, each a page of one headless Chromium ` +
          `(${THINK_MS} ms reading each task), ${submitMs.length} answers (${stored} stored): ` +
          `p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms (${against(p95, 150, 'ms')})`,
        '',
      ].join('\n'),
    );
  } finally {
    await browser.close();
    await app?.close();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
